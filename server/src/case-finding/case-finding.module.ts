import { caseFindingEventKinds } from './case-finding.events.js';
import type { CairnModule } from '../platform/module.js';
import type { PeriodicSweep } from '../platform/periodic-sweep.js';
import { registerBuiltInCriteria } from './built-in-criteria.js';
import { CaseSearchResolver, InvitationResolver } from './case-finding.resolver.js';
import { CaseSearch } from './case-search.entity.js';
import { CriterionRegistry } from './criteria.js';
import { invitationSweep } from './invitation-sweep.js';
import { Invitation } from './invitation.entity.js';
import { Migration0014ReferralsCaseFinding } from './migrations/0014-referrals-case-finding.js';
import { Migration0027InvitationReferred } from './migrations/0027-invitation-referred.js';

declare module '../platform/services.js' {
  interface Services {
    /** The criteria case-finding searches can use (a domain may register more). */
    caseFindingCriteria: CriterionRegistry;
    /** Reminds coaches of unanswered invitations, then marks them NO_RESPONSE (every instance runs it; rows are claimed). */
    invitationFollowUp: PeriodicSweep;
  }
}

/** Case finding: saved searches over a PCN's patients, and the invitations sent from them. */
export const caseFindingModule: CairnModule = {
  name: 'case-finding',
  eventKinds: caseFindingEventKinds,
  entities: [CaseSearch, Invitation],
  resolvers: [CaseSearchResolver, InvitationResolver],
  migrations: [
    { name: '0014-referrals-case-finding', class: Migration0014ReferralsCaseFinding },
    { name: '0027-invitation-referred', class: Migration0027InvitationReferred },
  ],
  services: {
    caseFindingCriteria: () => registerBuiltInCriteria(new CriterionRegistry()),
    invitationFollowUp: ({ orm, config, logger }) => invitationSweep(orm, config, logger),
  },
  start: ({ invitationFollowUp }) => invitationFollowUp.start(),
  stopping: ({ invitationFollowUp }) => invitationFollowUp.stop(),
};
