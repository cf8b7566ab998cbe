import type { EventKind } from '@cairn/schema/operations';

export interface EventWords {
  /** For the marker's colour: which part of the record it belongs to. */
  group: 'handover' | 'discussion' | 'care-plan' | 'care-team' | 'measures' | 'medication' | 'referral' | 'pain-cafe' | 'other';
  /** Follows the actor's name: "posted an URGENT handover". */
  action: string;
  /** A short excerpt, shown as plain text. */
  detail?: string;
}

const text = (payload: Record<string, unknown>, key: string): string => {
  const v = payload[key];
  return typeof v === 'string' ? v : '';
};
const quoted = (s: string) => (s ? `“${s}”` : undefined);

const cafeWhen = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
/** "Pain Café: pacing, Tue 8 Dec 2026, 14:00". */
function cafeDetail(p: Record<string, unknown>): string | undefined {
  const title = text(p, 'title');
  const starts = new Date(text(p, 'startsAt'));
  if (!title) return undefined;
  return Number.isNaN(starts.getTime()) ? title : `${title}, ${cafeWhen.format(starts)}`;
}
function cafePlaceWords(previous: string): string {
  return previous === 'INVITED' ? 'invitation to' : previous === 'WAITLISTED' ? 'place on the waiting list for' : 'place on';
}

/** An event in a sentence for the timeline. Payload text is only ever shown as text. */
export function describeEvent(e: { kind: EventKind; payload: Record<string, unknown> }): EventWords {
  const p = e.payload;
  switch (e.kind) {
    case 'HANDOVER_POSTED':
      return { group: 'handover', action: `posted ${text(p, 'urgency') === 'URGENT' ? 'an URGENT' : `a ${text(p, 'urgency') || 'ROUTINE'}`} handover from ${text(p, 'sourceService') || 'a specialist service'}`, detail: quoted(text(p, 'summary')) };
    case 'HANDOVER_ADDENDUM_ADDED':
      return { group: 'handover', action: 'added an addendum to a handover', detail: quoted(text(p, 'excerpt')) };
    case 'HANDOVER_ACKNOWLEDGED':
      return { group: 'handover', action: 'acknowledged a handover', detail: quoted(text(p, 'reply')) };
    case 'HANDOVER_ESCALATED':
      return { group: 'handover', action: `escalated an unacknowledged ${text(p, 'urgency') || ''} handover to the service lead`.replace('  ', ' ') };
    case 'HANDOVER_ACTION_DONE':
      return { group: 'handover', action: p['allDone'] === true ? "marked a handover's last recommended action done: all are done" : 'marked a recommended action done', detail: quoted(text(p, 'description')) };
    case 'THREAD_STARTED':
      return { group: 'discussion', action: 'started a discussion', detail: quoted(text(p, 'title')) };
    case 'THREAD_POSTED':
      return { group: 'discussion', action: p['parentPostId'] ? 'replied in a discussion' : 'posted in a discussion', detail: quoted(text(p, 'excerpt')) };
    case 'THREAD_POST_EDITED':
      return { group: 'discussion', action: 'edited a post', detail: quoted(text(p, 'excerpt')) };
    case 'THREAD_RESOLVED':
      return { group: 'discussion', action: 'resolved a discussion' };
    case 'THREAD_REOPENED':
      return { group: 'discussion', action: 'reopened a discussion' };
    case 'CARE_PLAN_REVISED':
      return { group: 'care-plan', action: 'edited the care plan' };
    case 'CARE_PLAN_SIGNED_OFF':
      return { group: 'care-plan', action: 'signed off the care plan as agreed with the patient' };
    case 'CARE_TEAM_MEMBER_ADDED':
      return { group: 'care-team', action: `added ${text(p, 'userName') || 'someone'} to the care team${text(p, 'teamRole') ? ` as ${text(p, 'teamRole')}` : ''}` };
    case 'CARE_TEAM_MEMBER_REMOVED':
      return { group: 'care-team', action: `removed ${text(p, 'userName') || 'someone'} from the care team` };
    case 'CARE_TEAM_LEAD_CHANGED':
      return { group: 'care-team', action: `made ${text(p, 'userName') || 'someone'} the care-team lead` };
    case 'OUTCOME_RECORDED': {
      const name = text(p, 'shortName') || 'a measure';
      const what = text(p, 'status') === 'DRAFT' ? `saved a draft ${name}` : p['supersedesId'] ? `corrected a ${name}` : `recorded a ${name}`;
      const by = text(p, 'completedBy') === 'PATIENT' ? ' completed by the patient from their link' : '';
      return { group: 'measures', action: `${what}${by}`, detail: typeof p['score'] === 'number' ? `Score ${p['score']}` : undefined };
    }
    case 'QUESTIONNAIRE_SENT':
      return { group: 'measures', action: `sent the patient a questionnaire link by ${(text(p, 'channel') || 'post').toLowerCase()}` };
    case 'QUESTIONNAIRE_COMPLETED':
      return { group: 'measures', action: 'received the questionnaire the patient completed from their link' };
    case 'MEDICATION_ADDED':
      return { group: 'medication', action: `recorded ${text(p, 'medicine') || 'a medicine'}`, detail: text(p, 'words') || undefined };
    case 'MEDICATION_STOPPED':
      return { group: 'medication', action: `recorded that ${text(p, 'medicine') || 'a medicine'} was stopped`, detail: quoted(text(p, 'reason')) };
    case 'MEDICATION_REVIEWED':
      return { group: 'medication', action: 'recorded a medication review', detail: text(p, 'nextReviewDue') ? `Next review due ${text(p, 'nextReviewDue')}` : undefined };
    case 'MEDICATION_CHANGE_PROPOSED':
      return { group: 'medication', action: `proposed a change to ${text(p, 'medicine') || 'a medicine'} for a GP to approve` };
    case 'MEDICATION_CHANGE_DECIDED': {
      const decision = text(p, 'decision');
      const verb = decision === 'DECLINE' ? 'declined' : decision === 'AMEND' ? 'amended and approved' : 'approved';
      return { group: 'medication', action: `${verb} the change to ${text(p, 'medicine') || 'a medicine'}`, detail: text(p, 'firstStep') ? `First step ${text(p, 'firstStep')}` : quoted(text(p, 'comment')) };
    }
    case 'MEDICATION_CHANGE_AGREED':
      return { group: 'medication', action: `recorded the patient's agreement to the change to ${text(p, 'medicine') || 'a medicine'}` };
    case 'TAPER_PAUSED':
      return { group: 'medication', action: `paused the ${text(p, 'medicine') || ''} taper`.replace('  ', ' '), detail: quoted(text(p, 'reason')) };
    case 'TAPER_RESUMED':
      return { group: 'medication', action: `resumed the ${text(p, 'medicine') || ''} taper`.replace('  ', ' ') };
  group: 'handover' | 'discussion' | 'care-plan' | 'care-team' | 'measures' | 'medication' | 'referral' | 'pain-cafe' | 'other';
    case 'NOTIFICATION':
      return { group: 'other', action: 'was notified' };
    default:
      return { group: 'other', action: 'changed the record' };
  }
}
