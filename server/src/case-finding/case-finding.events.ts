import { eventKinds } from '../events/event-kinds.js';

/** What case finding puts on the patient's log. */
export interface CaseFindingEventPayloads {
  INVITATION_SENT: { invitationId: string; channel: string; searchName: string };
  /** status: ACCEPTED (with the referral it made or linked), DECLINED, or NO_RESPONSE or REFERRED (set by the sweep; no actor; REFERRED with the referral made another way). */
  INVITATION_ANSWERED: { invitationId: string; status: string; referralId: string | null };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends CaseFindingEventPayloads {}
}

export const caseFindingEventKinds = eventKinds<CaseFindingEventPayloads>({
  INVITATION_SENT: 'The patient was invited to the coaching programme (Cairn records it; it sends nothing).',
  INVITATION_ANSWERED: "The patient's answer to an invitation: accepted, declined, no response after the set time, or closed because they were referred another way.",
});
