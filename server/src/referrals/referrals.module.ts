import { referralEventKinds } from './referral.events.js';
import type { CairnModule } from '../platform/module.js';
import { Migration0014Referrals } from './migrations/0014-referrals.js';
import { Referral } from './referral.entity.js';
import { ReferralResolver } from './referral.resolver.js';

/** Referrals into the coaching programme, their triage and the waiting list. */
export const referralsModule: CairnModule = {
  name: 'referrals',
  eventKinds: referralEventKinds,
  entities: [Referral],
  resolvers: [ReferralResolver],
  migrations: [{ name: '0014-referrals', class: Migration0014Referrals }],
};
