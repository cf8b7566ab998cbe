import { sectionLabels, type CarePlanSection } from '@cairn/schema/care-plan';
import { handoverWithUrgency } from '@cairn/schema/handover-urgency';
import type { EventKind } from '@cairn/schema/operations';

export interface EventWords {
  /** For the marker's colour: which part of the record it belongs to. */
  group: 'handover' | 'discussion' | 'care-plan' | 'care-team' | 'measures' | 'medication' | 'referral' | 'sessions' | 'pain-cafe' | 'other';
  /** Follows the actor's name: "posted an urgent handover". */
  action: string;
  /** A short excerpt, shown as plain text. */
  detail?: string;
}

const text = (payload: Record<string, unknown>, key: string): string => {
  const v = payload[key];
  return typeof v === 'string' ? v : '';
};
const quoted = (s: string) => (s ? `“${s}”` : undefined);
// A session's or a café's time, with its year (a booking can be for next year), in UK time whatever the computer's zone.
const dayAndTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
const when = (iso: string) => (iso && !Number.isNaN(Date.parse(iso)) ? dayAndTime.format(new Date(iso)) : 'a time not given');
const modeWords = (mode: string) => ({ PHONE: 'phone', VIDEO: 'video', IN_PERSON: 'in-person', GROUP: 'group' })[mode] ?? 'coaching';

/** "Pain Café: pacing, Tue, 8 Dec 2026, 14:00". */
function cafeDetail(p: Record<string, unknown>): string | undefined {
  const title = text(p, 'title');
  const starts = new Date(text(p, 'startsAt'));
  if (!title) return undefined;
  return Number.isNaN(starts.getTime()) ? title : `${title}, ${dayAndTime.format(starts)}`;
}
/** "Pain Café, Thu, 10 Dec 2026, 14:00, Village hall (was Tue, 8 Dec 2026, 14:00, Library)". */
function cafeMovedDetail(p: Record<string, unknown>): string | undefined {
  const now = cafeDetail(p);
  if (!now) return undefined;
  const before = new Date(text(p, 'previousStartsAt'));
  const was = [Number.isNaN(before.getTime()) ? '' : dayAndTime.format(before), text(p, 'previousWhere')].filter(Boolean).join(', ');
  return `${[now, text(p, 'where')].filter(Boolean).join(', ')}${was ? ` (was ${was})` : ''}`;
}
function cafePlaceWords(previous: string): string {
  return previous === 'INVITED' ? 'invitation to' : previous === 'WAITLISTED' ? 'place on the waiting list for' : 'place on';
}

/** ", with 2 others" when a spell of editing had more editors than the one named. */
function withOthers(payload: Record<string, unknown>): string {
  const editors = Array.isArray(payload['editorIds']) ? payload['editorIds'].length : 1;
  return editors > 1 ? `, with ${editors - 1} ${editors === 2 ? 'other' : 'others'}` : '';
}

/** "Changed: Goals, Flare-up plan" from the sections a plan edit names (events before sections were recorded name none). */
function sectionsChanged(payload: Record<string, unknown>): string | undefined {
  const sections = Array.isArray(payload['sections']) ? payload['sections'].filter((s): s is CarePlanSection => typeof s === 'string' && s in sectionLabels) : [];
  return sections.length > 0 ? `Changed: ${sections.map((s) => sectionLabels[s]).join(', ')}` : undefined;
}

const detailNames: Record<string, string> = { nhsNumber: 'NHS number', givenName: 'given name', familyName: 'family name', dateOfBirth: 'date of birth', practiceId: 'GP practice' };
/** "Changed: NHS number, date of birth": the fields' names only; the values are in the record and the audit trail. */
function detailsChanged(payload: Record<string, unknown>): string | undefined {
  const fields = Array.isArray(payload['fields']) ? payload['fields'].filter((f): f is string => typeof f === 'string' && f in detailNames) : [];
  return fields.length > 0 ? `Changed: ${fields.map((f) => detailNames[f]).join(', ')}` : undefined;
}
const statusWord = (s: string) => ({ REFERRED: 'Referred', ACTIVE: 'Active', DISCHARGED: 'Discharged' })[s] ?? 'another status';

/** An event in a sentence for the timeline. Payload text is only ever shown as text. */
export function describeEvent(e: { kind: EventKind; actorId?: string | null; payload: Record<string, unknown> }): EventWords {
  const p = e.payload;
  switch (e.kind) {
    case 'HANDOVER_POSTED':
      return { group: 'handover', action: `posted ${handoverWithUrgency(text(p, 'urgency'))} from ${text(p, 'sourceService') || 'a specialist service'}`, detail: quoted(text(p, 'summary')) };
    case 'HANDOVER_ADDENDUM_ADDED':
      return { group: 'handover', action: 'added an addendum to a handover', detail: quoted(text(p, 'excerpt')) };
    case 'HANDOVER_ACKNOWLEDGED': {
      const onBehalfOf = p['onBehalfOf'] && typeof p['onBehalfOf'] === 'object' ? text(p['onBehalfOf'] as Record<string, unknown>, 'name') : '';
      return { group: 'handover', action: onBehalfOf ? `acknowledged an escalated handover on behalf of ${onBehalfOf}` : 'acknowledged a handover', detail: quoted(text(p, 'reply')) };
    }
    case 'HANDOVER_ESCALATION_REROUTED': {
      const newLead = p['newLead'] && typeof p['newLead'] === 'object' ? text(p['newLead'] as Record<string, unknown>, 'name') : '';
      return { group: 'handover', action: `passed an escalated handover to ${newLead || 'a new lead'} as the patient's lead`, detail: quoted(text(p, 'note')) };
    }
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
      return { group: 'care-plan', action: `edited the care plan${withOthers(p)}`, detail: sectionsChanged(p) };
    case 'CARE_PLAN_SIGNED_OFF':
      return { group: 'care-plan', action: 'signed off the care plan as agreed with the patient' };
    case 'CARE_TEAM_MEMBER_ADDED':
      return { group: 'care-team', action: `added ${text(p, 'userName') || 'someone'} to the care team${text(p, 'teamRole') ? ` as ${text(p, 'teamRole')}` : ''}` };
    case 'CARE_TEAM_MEMBER_REMOVED':
      return { group: 'care-team', action: `removed ${text(p, 'userName') || 'someone'} from the care team` };
    case 'CARE_TEAM_LEAD_CHANGED':
      return { group: 'care-team', action: `made ${text(p, 'userName') || 'someone'} the care-team lead` };
    case 'PATIENT_DETAILS_CHANGED':
      return { group: 'other', action: "corrected the patient's details", detail: detailsChanged(p) };
    case 'PATIENT_STATUS_CHANGED':
      return { group: 'other', action: `changed the patient's status from ${statusWord(text(p, 'from'))} to ${statusWord(text(p, 'to'))}`, detail: quoted(text(p, 'reason')) };
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
    case 'MEDICATION_CHANGED':
      return { group: 'medication', action: `changed ${text(p, 'medicine') || 'a medicine'} from ${text(p, 'startDate')}`, detail: `${text(p, 'from')} → ${text(p, 'to')}` };
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
    case 'MEDICATION_CHANGE_WITHDRAWN':
      return { group: 'medication', action: `withdrew the proposed change to ${text(p, 'medicine') || 'a medicine'} before a GP decided it`, detail: quoted(text(p, 'reason')) };
    case 'TAPER_REPLACED':
      return { group: 'medication', action: `ended the earlier ${text(p, 'medicine') || ''} plan by approving a newer one`.replace('  ', ' ') };
    case 'TAPER_PAUSED':
      return { group: 'medication', action: `paused the ${text(p, 'medicine') || ''} taper`.replace('  ', ' '), detail: quoted(text(p, 'reason')) };
    case 'TAPER_RESUMED':
      return { group: 'medication', action: `resumed the ${text(p, 'medicine') || ''} taper`.replace('  ', ' ') };
    case 'TAPER_STEP_DUE':
      return {
        group: 'medication',
        action: `reminded the team: step ${String(p.position ?? '')} of ${String(p.steps ?? '')} of the ${text(p, 'medicine') || ''} taper is due`.replace('  ', ' '),
        detail: `From ${text(p, 'startDate')}: ${text(p, 'words')}`,
      };
    case 'SESSION_BOOKED': {
      // The line begins with the booker's name: a coach booking their own session is not named twice.
      const own = !!e.actorId && e.actorId === text(p, 'coachId');
      const what = `${modeWords(text(p, 'mode'))} session`;
      const action = own ? `booked a ${what} with the patient` : `booked the patient a ${what} with ${text(p, 'coachName') || 'a coach'}`;
      return { group: 'sessions', action: `${action} for ${when(text(p, 'startsAt'))}`, detail: quoted(text(p, 'purpose')) };
    }
    case 'SESSION_REBOOKED':
      return { group: 'sessions', action: `moved a session from ${when(text(p, 'previousStartsAt'))} to ${when(text(p, 'startsAt'))}`, detail: quoted(text(p, 'reason')) };
    case 'SESSION_CANCELLED':
      return { group: 'sessions', action: `recorded that the ${text(p, 'cancelledBy') === 'PATIENT' ? 'patient' : 'clinic'} cancelled the session of ${when(text(p, 'startsAt'))}`, detail: quoted(text(p, 'reason')) };
    case 'SESSION_RECORDED':
      return {
        group: 'sessions',
        action: text(p, 'outcome') === 'DNA' ? `recorded that the patient did not attend the session of ${when(text(p, 'startsAt'))}` : `recorded the session of ${when(text(p, 'startsAt'))}`,
        detail: typeof p['goalsReviewed'] === 'number' && p['goalsReviewed'] > 0 ? `${p['goalsReviewed']} goal${p['goalsReviewed'] === 1 ? '' : 's'} reviewed` : undefined,
      };
    case 'SESSION_ADDENDUM_ADDED':
      return { group: 'sessions', action: "added an addendum to a session's notes", detail: quoted(text(p, 'excerpt')) };
    case 'SESSION_DNA_ALERT':
      return { group: 'sessions', action: `raised an alert: ${typeof p['consecutiveDnas'] === 'number' ? p['consecutiveDnas'] : 2} sessions missed in a row; the coach and the care-team lead were told` };
    case 'PATIENT_DISCHARGED':
      return { group: 'sessions', action: 'discharged the patient from coaching and sent the signed summary to the GP', detail: quoted(text(p, 'excerpt')) };
    case 'CAFE_INVITED':
      return { group: 'pain-cafe', action: 'invited the patient to a Pain Café', detail: cafeDetail(p) };
    case 'CAFE_REGISTERED':
      return { group: 'pain-cafe', action: 'registered the patient for a Pain Café', detail: cafeDetail(p) };
    case 'CAFE_WAITLISTED':
      return { group: 'pain-cafe', action: `put the patient on a full Pain Café's waiting list${typeof p['position'] === 'number' ? ` (number ${p['position']})` : ''}`, detail: cafeDetail(p) };
    case 'CAFE_PLACE_OFFERED':
      return { group: 'pain-cafe', action: 'freed a place on a Pain Café, which passed to the patient from the waiting list', detail: cafeDetail(p) };
    case 'CAFE_CANCELLED':
      return {
        group: 'pain-cafe',
        action: p['cafeCancelled'] === true ? "cancelled a Pain Café the patient was on" : `cancelled the patient's ${cafePlaceWords(text(p, 'previousStatus'))} a Pain Café`,
        detail: [cafeDetail(p), quoted(text(p, 'reason'))].filter(Boolean).join(' '),
      };
    case 'CAFE_MOVED':
      return { group: 'pain-cafe', action: 'moved a Pain Café the patient is on', detail: cafeMovedDetail(p) };
    case 'CAFE_ATTENDED':
      return { group: 'pain-cafe', action: `recorded that the patient attended a Pain Café${p['corrected'] === true ? ' (a correction)' : ''}`, detail: cafeDetail(p) };
    case 'CAFE_DID_NOT_ATTEND':
      return { group: 'pain-cafe', action: `recorded that the patient did not attend a Pain Café${p['corrected'] === true ? ' (a correction)' : ''}`, detail: cafeDetail(p) };
    case 'REFERRAL_RECEIVED': {
      const source = text(p, 'source');
      const how = source === 'SELF' ? 'recorded a self-referral' : source === 'PROACTIVE_INVITATION' ? 'referred the patient after they accepted an invitation' : 'referred the patient to health & wellbeing coaching';
      return { group: 'referral', action: how, detail: quoted(text(p, 'reason')) };
    }
    case 'REFERRAL_TRIAGED': {
      const outcome = text(p, 'outcome');
      if (outcome === 'ACCEPTED') return { group: 'referral', action: `accepted the referral and assigned ${text(p, 'coachName') || 'a coach'}` };
      if (outcome === 'REDIRECTED') return { group: 'referral', action: `redirected the referral to ${text(p, 'redirectedTo') || 'another service'}` };
      return { group: 'referral', action: 'declined the referral', detail: quoted(text(p, 'reason')) };
    }
    case 'INVITATION_SENT':
      return { group: 'referral', action: `recorded an invitation to the coaching programme by ${(text(p, 'channel') || 'letter').toLowerCase()}` };
    case 'INVITATION_ANSWERED': {
      const status = text(p, 'status');
      if (status === 'NO_RESPONSE') return { group: 'referral', action: 'marked the invitation "no response" after the set time' };
      if (status === 'REFERRED') return { group: 'referral', action: 'closed the invitation: the patient had been referred another way' };
      return { group: 'referral', action: status === 'ACCEPTED' ? 'recorded that the patient accepted the invitation' : 'recorded that the patient declined the invitation' };
    }
    case 'NOTIFICATION':
      return { group: 'other', action: 'was notified' };
    default:
      return { group: 'other', action: 'changed the record' };
  }
}
