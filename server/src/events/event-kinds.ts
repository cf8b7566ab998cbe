import { HandoverUrgency } from '@cairn/schema/handover-urgency';
import { registerEnumType } from 'type-graphql';

/** Every kind of event on the log. Patient-stream kinds are shared with whoever can read the patient. */
export const EventKind = {
  CARE_TEAM_MEMBER_ADDED: 'CARE_TEAM_MEMBER_ADDED',
  CARE_TEAM_MEMBER_REMOVED: 'CARE_TEAM_MEMBER_REMOVED',
  CARE_TEAM_LEAD_CHANGED: 'CARE_TEAM_LEAD_CHANGED',
  HANDOVER_POSTED: 'HANDOVER_POSTED',
  HANDOVER_ADDENDUM_ADDED: 'HANDOVER_ADDENDUM_ADDED',
  HANDOVER_ACKNOWLEDGED: 'HANDOVER_ACKNOWLEDGED',
  HANDOVER_ESCALATED: 'HANDOVER_ESCALATED',
  HANDOVER_ACTION_DONE: 'HANDOVER_ACTION_DONE',
  THREAD_STARTED: 'THREAD_STARTED',
  THREAD_POSTED: 'THREAD_POSTED',
  THREAD_POST_EDITED: 'THREAD_POST_EDITED',
  THREAD_RESOLVED: 'THREAD_RESOLVED',
  THREAD_REOPENED: 'THREAD_REOPENED',
  CARE_PLAN_REVISED: 'CARE_PLAN_REVISED',
  CARE_PLAN_SIGNED_OFF: 'CARE_PLAN_SIGNED_OFF',
  OUTCOME_RECORDED: 'OUTCOME_RECORDED',
  QUESTIONNAIRE_SENT: 'QUESTIONNAIRE_SENT',
  QUESTIONNAIRE_COMPLETED: 'QUESTIONNAIRE_COMPLETED',
  MEDICATION_ADDED: 'MEDICATION_ADDED',
  MEDICATION_STOPPED: 'MEDICATION_STOPPED',
  MEDICATION_REVIEWED: 'MEDICATION_REVIEWED',
  MEDICATION_CHANGE_PROPOSED: 'MEDICATION_CHANGE_PROPOSED',
  MEDICATION_CHANGE_DECIDED: 'MEDICATION_CHANGE_DECIDED',
  MEDICATION_CHANGE_AGREED: 'MEDICATION_CHANGE_AGREED',
  TAPER_PAUSED: 'TAPER_PAUSED',
  TAPER_RESUMED: 'TAPER_RESUMED',
  REFERRAL_RECEIVED: 'REFERRAL_RECEIVED',
  REFERRAL_TRIAGED: 'REFERRAL_TRIAGED',
  INVITATION_SENT: 'INVITATION_SENT',
  INVITATION_ANSWERED: 'INVITATION_ANSWERED',
  /** Private to `recipient_id`: a notification was created for them. */
  NOTIFICATION: 'NOTIFICATION',
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];
registerEnumType(EventKind, { name: 'EventKind', description: 'What happened; the timeline filters on it.' });

/** One definition of the urgencies and their escalation, shared with the web. */
export { HandoverUrgency };

/** The payload each kind carries. Small, and fit for anyone who may read the patient. */
export interface EventPayloads {
  CARE_TEAM_MEMBER_ADDED: { userId: string; userName: string; teamRole: string };
  CARE_TEAM_MEMBER_REMOVED: { userId: string; userName: string };
  CARE_TEAM_LEAD_CHANGED: { userId: string; userName: string };
  HANDOVER_POSTED: { handoverId: string; urgency: HandoverUrgency; summary: string; sourceService: string };
  HANDOVER_ADDENDUM_ADDED: { handoverId: string; addendumId: string; excerpt: string };
  HANDOVER_ACKNOWLEDGED: { handoverId: string; reply: string | null };
  HANDOVER_ESCALATED: { handoverId: string; urgency: HandoverUrgency; escalatedTo: string[] };
  HANDOVER_ACTION_DONE: { handoverId: string; actionId: string; description: string; allDone: boolean };
  THREAD_STARTED: { threadId: string; title: string; topic: string };
  THREAD_POSTED: { threadId: string; postId: string; parentPostId: string | null; excerpt: string };
  THREAD_POST_EDITED: { threadId: string; postId: string; excerpt: string };
  THREAD_RESOLVED: { threadId: string };
  THREAD_REOPENED: { threadId: string };
  CARE_PLAN_REVISED: { carePlanId: string; revision: number; editorIds: string[] };
  CARE_PLAN_SIGNED_OFF: { carePlanId: string };
  OUTCOME_RECORDED: { recordId: string; instrument: string; shortName: string; status: string; score: number | null; supersedesId: string | null; completedBy: string };
  QUESTIONNAIRE_SENT: { requestId: string; instruments: string[]; channel: string; expiresAt: string };
  QUESTIONNAIRE_COMPLETED: { requestId: string; recordIds: string[] };
  MEDICATION_ADDED: { medicationId: string; medicine: string; words: string; omeMgPerDay: number | null };
  MEDICATION_STOPPED: { medicationId: string; medicine: string; stopDate: string; reason: string | null };
  MEDICATION_REVIEWED: { reviewId: string; omeAtReview: number; nextReviewDue: string };
  MEDICATION_CHANGE_PROPOSED: { proposalId: string; kind: string; medicine: string; steps: number };
  /** decision: APPROVE, AMEND (approved with changed steps) or DECLINE. */
  MEDICATION_CHANGE_DECIDED: { proposalId: string; medicine: string; decision: string; comment: string | null; firstStep: string | null };
  MEDICATION_CHANGE_AGREED: { proposalId: string; medicine: string };
  TAPER_PAUSED: { proposalId: string; medicine: string; reason: string };
  TAPER_RESUMED: { proposalId: string; medicine: string };
  REFERRAL_RECEIVED: { referralId: string; source: string; referrerName: string; reason: string };
  /** outcome: ACCEPTED (with the coach), DECLINED (with the reason) or REDIRECTED (with the service). */
  REFERRAL_TRIAGED: { referralId: string; outcome: string; coachName: string | null; reason: string | null; redirectedTo: string | null };
  INVITATION_SENT: { invitationId: string; channel: string; searchName: string };
  /** status: ACCEPTED, DECLINED or NO_RESPONSE (set by the sweep, actor null). */
  INVITATION_ANSWERED: { invitationId: string; status: string; referralId: string | null };
  NOTIFICATION: { notificationId: string; notificationKind: string; title: string; body: string; link: string };
}

/** A short plain-text excerpt for payloads and notifications. */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}
