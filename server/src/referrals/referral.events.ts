import { eventKinds } from '../events/event-kinds.js';

/** What referrals into the coaching programme put on the log. */
export interface ReferralEventPayloads {
  REFERRAL_RECEIVED: { referralId: string; source: string; referrerName: string; reason: string };
  /** outcome: ACCEPTED (with the coach), DECLINED (with the reason) or REDIRECTED (with the service). */
  REFERRAL_TRIAGED: { referralId: string; outcome: string; coachName: string | null; reason: string | null; redirectedTo: string | null };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends ReferralEventPayloads {}
}

export const referralEventKinds = eventKinds<ReferralEventPayloads>({
  REFERRAL_RECEIVED: 'A referral into the coaching programme arrived.',
  REFERRAL_TRIAGED: 'A referral was triaged: accepted with a coach, declined with a reason, or redirected to another service.',
});
