import { formatDateTime } from './uk-time.js';

/**
 * Every action the server records (`server/src/audit/audit-actions.ts`), in words: `test/audit-words.test.ts`
 * fails when the server records one this does not explain. One list for the audit view and its CSV export.
 */
const wordsByAction: Readonly<Record<string, string>> = {
  'audit.export': 'Exported the audit trail',
  'audit.read': 'Read the audit trail',
  'auth.signIn': 'Signed in',
  'auth.signOut': 'Signed out',
  'auth.signOutEverywhere': 'Signed out everywhere',
  'carePlan.edit': 'Edited a care plan',
  'carePlan.edit.signOff': 'Signed off a care plan',
  'careTeam.add': 'Added someone to a care team',
  'careTeam.manage': 'Changed a care team',
  'careTeam.remove': 'Removed someone from a care team',
  'careTeam.setLead': "Changed a care team's lead",
  'caseSearch.invitations': "Saw a case-finding search's invitations",
  'caseSearch.list': 'Listed case-finding searches',
  'caseSearch.match': 'Was shown a patient by a case-finding search',
  'caseSearch.read': 'Opened a case-finding search',
  'caseSearch.run': 'Ran a case-finding search',
  'caseSearch.save': 'Saved a case-finding search',
  'coach.capacity': "Set a coach's capacity",
  'coach.diary': "Opened a coach's diary",
  'dashboard.export': 'Exported the service dashboard',
  'dashboard.options': "Loaded the service dashboard's filters",
  'dashboard.read': 'Read the service dashboard',
  'discharge.draft': 'Drafted a discharge summary',
  'handover.acknowledge': 'Acknowledged a handover note',
  'handover.acknowledgeOnBehalf': "Acknowledged a handover on the lead's behalf",
  'handover.action.done': "Marked a handover's action done",
  'handover.actionsMine': 'Listed their handover actions',
  'handover.addendum': 'Added to a handover note',
  'handover.awaitingMine': 'Listed handovers awaiting them',
  'handover.escalations': 'Listed escalated handovers',
  'handover.handleEscalation': 'Handled an escalated handover',
  'handover.post': 'Posted a handover note',
  'handover.reassignLead': "Reassigned a patient's lead after an escalation",
  'handover.sentByMe': 'Listed handovers they sent',
  'handover.unacknowledged': 'Listed unacknowledged handovers',
  'handoverAction.complete': "Marked done someone else's handover action",
  'handoverAction.completeOwn': 'Marked done their own handover action',
  'indicators.read': 'Read the prescribing indicators',
  'invitation.answer': "Recorded a patient's answer to an invitation",
  'invitation.manage': 'Invited a patient to the programme',
  'invitation.send': 'Sent a programme invitation',
  'medication.add': 'Added a medicine',
  'medication.agree': "Recorded the patient's agreement to a medication plan",
  'medication.amend': 'Approved a medication change with amended steps',
  'medication.approve': 'Approved a medication change',
  'medication.awaitingApproval': 'Listed medication changes awaiting approval',
  'medication.change': 'Changed a medicine',
  'medication.decide': 'Decided on a medication change',
  'medication.decline': 'Declined a medication change',
  'medication.manage': 'Changed the medication record',
  'medication.pause': 'Paused a taper',
  'medication.propose': 'Proposed a medication change',
  'medication.resume': 'Resumed a taper',
  'medication.review': 'Recorded a medication review',
  'medication.reviewsDue': 'Listed medication reviews due',
  'medication.stop': 'Stopped a medicine',
  'medication.withdraw': 'Withdrew a medication proposal',
  'notification.read': 'Opened a notification',
  'organisation.create': 'Added an organisation',
  'organisation.rename': 'Renamed an organisation',
  'outcome.record': 'Recorded an outcome measure',
  'painCafe.attendance': 'Recorded Pain Café attendance',
  'painCafe.cancel': 'Cancelled a Pain Café',
  'painCafe.cancelPlace': 'Cancelled a Pain Café place',
  'painCafe.cancelledWithCafe': 'Place ended: the Pain Café was cancelled',
  'painCafe.create': 'Arranged a Pain Café',
  'painCafe.invite': 'Invited a patient to a Pain Café',
  'painCafe.managePlace': 'Managed a Pain Café place',
  'painCafe.placeOffered': 'Offered a Pain Café place from the waiting list',
  'painCafe.read': 'Opened a Pain Café',
  'painCafe.register': 'Registered a patient for a Pain Café',
  'painCafe.update': 'Changed a Pain Café',
  'painCafe.waitlist': "Put a patient on a Pain Café's waiting list",
  'patient.changeStatus': "Changed a patient's status",
  'patient.create': 'Added a patient',
  'patient.discharge': 'Discharged a patient from the programme',
  'patient.editDetails': "Corrected a patient's details",
  'patient.list': 'Was shown a patient in the caseload',
  'patient.read': "Opened a patient's record",
  'patient.update': "Changed a patient's clinical details",
  'questionnaire.complete': 'A questionnaire was answered',
  'questionnaire.open': 'A questionnaire link was opened',
  'questionnaire.send': 'Sent a questionnaire link',
  'referral.create': 'Made a referral',
  'referral.findPatient': 'Looked up a patient to refer',
  'referral.listMine': 'Listed their referrals',
  'referral.triage': 'Triaged a referral',
  'referral.view': "Saw a patient's referrals",
  'referral.waitingList': 'Read the referral waiting list',
  'session.addendum': 'Added to a session record',
  'session.book': 'Booked a coaching session',
  'session.cancel': 'Cancelled a coaching session',
  'session.rebook': 'Rebooked a coaching session',
  'session.record': 'Recorded a coaching session',
  'socket.operation': 'Used the live connection',
  'thread.edit': 'Edited a discussion message',
  'thread.follow': 'Followed a discussion',
  'thread.post': 'Posted in a discussion',
  'thread.reopen': 'Reopened a discussion',
  'thread.reply': 'Replied in a discussion',
  'thread.resolve': 'Resolved a discussion',
  'thread.start': 'Started a discussion',
  'user.activate': 'Reactivated a user',
  'user.create': 'Added a user',
  'user.deactivate': 'Deactivated a user',
  'user.list': 'Listed users',
  'user.resetPassword': "Reset a user's password",
  'user.setPasswordWithLink': 'Set a password with a link',
};

/** Where an action refused or failed is said otherwise: a refused sign-in is no sign-in. */
const notDoneWords: Readonly<Record<string, string>> = { 'auth.signIn': 'Tried to sign in' };

/** The Action filter's words where one choice stands for what was done and what was only tried. */
const choiceWords: Readonly<Record<string, string>> = { 'auth.signIn': 'Signed in, or tried to' };

type Outcome = 'ALLOWED' | 'DENIED' | 'FAILED';

/**
 * What the code means, with the entry's outcome where the words depend on it; undefined for a code not in
 * this list (an entry an older or newer Cairn wrote).
 */
export function actionWords(action: string, outcome: Outcome = 'ALLOWED'): string | undefined {
  if (outcome !== 'ALLOWED' && Object.hasOwn(notDoneWords, action)) return notDoneWords[action];
  return Object.hasOwn(wordsByAction, action) ? wordsByAction[action] : undefined;
}

/** Every action, in words, alphabetically: the Action filter's choices (the value sent is the code). */
export const actionChoices: ReadonlyArray<{ action: string; words: string }> = Object.entries(wordsByAction)
  .map(([action, words]) => ({ action, words: Object.hasOwn(choiceWords, action) ? choiceWords[action]! : words }))
  .sort((a, b) => a.words.localeCompare(b.words, 'en-GB'));

/** An entry's outcome as the audit view and its export say it. */
export function outcomeLabel(outcome: Outcome): string {
  switch (outcome) {
    case 'ALLOWED':
      return 'Allowed';
    case 'DENIED':
      return 'Refused';
    case 'FAILED':
      return 'Failed';
  }
}

/** What an entry knows of the people and the patient its detail may name by id. */
export interface DetailContext {
  actorId?: string | null;
  actorName?: string | null;
  patientId?: string | null;
  patientName?: string | null;
  /** Staff the detail names by id, as the server looked them up. */
  people?: ReadonlyArray<{ id: string; name: string }>;
}

/** Detail keys as people say them; any other key is split into words (`sessionsPerWeek` → "Sessions per week"). */
const keyWords: Readonly<Record<string, string>> = {
  userId: 'User',
  coachId: 'Coach',
  handoverId: 'Handover note',
  actionId: 'Action',
  referralId: 'Referral',
  linkedReferralId: 'Linked referral',
  searchId: 'Search',
  cafeId: 'Pain Café',
  registrationId: 'Place',
  invitationId: 'Invitation',
  proposalId: 'Proposal',
  medicationId: 'Medicine',
  threadId: 'Discussion',
  sessionId: 'Session',
  questionnaireRequestId: 'Questionnaire',
  passwordResetId: 'Password link',
  organisationId: 'Organisation',
  notificationId: 'Notification',
  recordIds: 'Records',
  returned: 'Shown',
  seq: 'Version',
  nhsNumber: 'NHS number',
  as: 'As',
  transport: 'Through',
};

/** Detail values that are codes, in words. */
const valueWordsByKey: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  transport: { http: 'a page or request', ws: 'the live connection' },
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;
const ukDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A time or a day a detail holds, as people in the UK read it ("3 Dec 2026, 14:30"); null when it is neither. */
function whenWords(value: string): string | null {
  if (isoDay.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    // A day that does not exist (30 Feb) would otherwise be read as one that does (2 Mar).
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value) ? ukDay.format(day) : null;
  }
  // UK time whatever zone the reader's computer or the server is in: the trail is read against UK clinic hours.
  if (!isoInstant.test(value)) return null;
  const words = formatDateTime(value);
  return words === value ? null : words;
}

function keyLabel(key: string): string {
  if (Object.hasOwn(keyWords, key)) return keyWords[key];
  const words = key.replace(/Ids?$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `Action` → `action` inside a sentence, leaving an initialism (`NHS number`) as it is. */
function lowerFirst(words: string): string {
  return /^[A-Z]{2}/.test(words) ? words : words.charAt(0).toLowerCase() + words.slice(1);
}

/** A value in words: a person or the patient by name, another id shortened (the CSV's "Detail as recorded" has it whole). */
function valueWords(key: string, value: unknown, known: DetailContext): string {
  if (typeof value === 'string' && uuid.test(value)) {
    const id = value.toLowerCase();
    const person = known.people?.find((p) => p.id === id);
    if (person) return person.name;
    if (id === known.actorId && known.actorName) return known.actorName;
    if (id === known.patientId && known.patientName) return known.patientName;
    return `ref. ${id.slice(0, 8)}`;
  }
  if (key === 'action' && typeof value === 'string') return actionWords(value) ?? value;
  if (typeof value === 'string' && Object.hasOwn(valueWordsByKey, key)) return valueWordsByKey[key]![value] ?? value;
  if (typeof value === 'string') return whenWords(value) ?? value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return String(value.length);
  if (value && typeof value === 'object') {
    const given = Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== '');
    return given.length === 0 ? 'none' : given.map(([k, v]) => `${lowerFirst(keyLabel(k))} ${valueWords(k, v, known)}`).join(', ');
  }
  return String(value);
}

/**
 * An entry's detail in a line, in words: `Coach: Ada Lovelace · Sessions per week: 12`; cut at `maxLength`
 * characters for the screen (the export gives it whole).
 */
export function detailLine(detail: Record<string, unknown> | null | undefined, known: DetailContext = {}, maxLength = 200): string {
  if (!detail) return '';
  const line = Object.entries(detail)
    .map(([k, v]) => `${keyLabel(k)}: ${valueWords(k, v, known)}`)
    .join(' · ');
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}
