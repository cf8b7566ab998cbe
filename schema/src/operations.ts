/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AddMedicationInput = {
  /** Per dose, in the medicine's dose unit; for patches the µg/h of all patches worn. */
  dose: number;
  form: string;
  /** "twice daily", "every 6 hours", "as needed, max 4 doses a day"; patches: "every 72 hours". */
  frequency: string;
  /** A catalogue code (see medicineCatalogue). */
  medicineCode: string;
  patientId: string | number;
  prescriber: string;
  /** YYYY-MM-DD */
  startDate: string;
  /** As the prescription states it, e.g. "30 mg tablets". */
  strength: string;
};

export type AnswerInvitationInput = {
  answer: InvitationAnswer;
  invitationId: string | number;
  /** ACCEPTED: the referral it makes (source PROACTIVE_INVITATION). */
  referral?: ReferralDetailsInput | null | undefined;
};

export type BookSessionInput = {
  /** A coach on the patient's care team. */
  coachId: string | number;
  endsAt: string;
  /** Required for IN_PERSON. */
  location?: string | null | undefined;
  mode: SessionMode;
  patientId: string | number;
  purpose: string;
  startsAt: string;
};

/** STEP_DOWN: less often; STEP_UP: more often. */
export type CadenceDirection =
  | 'STAY'
  | 'STEP_DOWN'
  | 'STEP_UP';

/** How often to meet next, from most to least often. */
export type CadenceInterval =
  | 'DISCHARGE_REVIEW'
  | 'FORTNIGHTLY'
  | 'MONTHLY'
  | 'WEEKLY';

export type CancelSessionInput = {
  cancelledBy: CancelledBy;
  reason: string;
  sessionId: string | number;
};

export type CancelledBy =
  | 'CLINIC'
  | 'PATIENT';

/** SYNC: what the client was missing when it subscribed; UPDATE: one stored update, live. */
export type CarePlanEventKind =
  | 'SYNC'
  | 'UPDATE';

export type CarePlanSection =
  | 'FLARE_UP'
  | 'GOALS'
  | 'MEDICATION'
  | 'REVIEW'
  | 'STRATEGIES'
  | 'WHAT_MATTERS';

export type CaseCriterionInput = {
  /** YYYY-MM-DD */
  date?: string | null | undefined;
  /** A kind from caseCriterionKinds, e.g. CONDITIONS, AGE_BAND, PRACTICE, NOT_ON_PROGRAMME, NO_CONTACT_SINCE, OPIOID_DOSE_AT_LEAST. */
  kind: string;
  max?: number | null | undefined;
  min?: number | null | undefined;
  values?: Array<string> | null | undefined;
};

export type ChangeDirection =
  | 'IMPROVED'
  | 'UNCHANGED'
  | 'WORSENED';

/** PATIENT: answered by the patient from a questionnaire link. */
export type CompletedBy =
  | 'CLINICIAN'
  | 'PATIENT';

/** The patient's preferred way to be contacted. */
export type ContactMethod =
  | 'EMAIL'
  | 'LETTER'
  | 'PHONE'
  | 'SMS'
  | 'VIDEO';

export type CreatePatientInput = {
  conditions?: Array<string>;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  familyName: string;
  givenName: string;
  /** The lead's part in the patient's care. */
  leadTeamRole?: string | null | undefined;
  /** The care-team lead; defaults to you. */
  leadUserId?: string | number | null | undefined;
  nhsNumber: string;
  /** The GP practice the patient is registered with. */
  practiceId: string | number;
  status?: PatientStatus;
};

export type CreateReferralInput = {
  details: ReferralDetailsInput;
  /** Registers the patient (status REFERRED) with the referral. */
  newPatient?: CreatePatientInput | null | undefined;
  patientId?: string | number | null | undefined;
};

export type DashboardFilterInput = {
  /** Patients whose care-team lead is this user. */
  coachId?: string | number | null | undefined;
  condition?: string | null | undefined;
  /** Measures taken from this date, YYYY-MM-DD. */
  from?: string | null | undefined;
  groupBy?: DashboardGroup;
  practiceId?: string | number | null | undefined;
  /** Measures taken up to this date, YYYY-MM-DD. */
  to?: string | null | undefined;
};

export type DashboardGroup =
  | 'COACH'
  | 'CONDITION'
  | 'NONE'
  | 'PCN'
  | 'PRACTICE';

export type DecideMedicationChangeInput = {
  /** Required to amend or decline. */
  comment?: string | null | undefined;
  decision: MedicationDecision;
  proposalId: string | number;
  /** The amended steps (AMEND only). */
  steps?: Array<TaperStepInput> | null | undefined;
};

export type DischargePatientInput = {
  patientId: string | number;
  reason: DischargeReason;
  /** The summary as the coach edited it; signing sends it to the GPs on the care team. */
  summary: string;
};

export type DischargeReason =
  | 'DID_NOT_ENGAGE'
  | 'GOALS_MET'
  | 'MOVED_AWAY'
  | 'PATIENT_CHOICE'
  | 'TRANSFERRED';

/** What happened; the timeline filters on it. */
export type EventKind =
  /** The patient attended a Pain Café. */
  | 'CAFE_ATTENDED'
  /** The patient's place on a Pain Café (or their invitation or waiting) was cancelled. */
  | 'CAFE_CANCELLED'
  /** The patient did not attend a Pain Café they were registered for. */
  | 'CAFE_DID_NOT_ATTEND'
  /** A coach invited the patient to a Pain Café. */
  | 'CAFE_INVITED'
  /** A place on a Pain Café freed up and passed to the patient from the waiting list. */
  | 'CAFE_PLACE_OFFERED'
  /** The patient took a place on a Pain Café. */
  | 'CAFE_REGISTERED'
  /** The Pain Café was full: the patient joined its waiting list. */
  | 'CAFE_WAITLISTED'
  /** The care plan was edited: one event per spell of editing, within a minute, naming the sections changed. */
  | 'CARE_PLAN_REVISED'
  /** The care plan was signed off as agreed. */
  | 'CARE_PLAN_SIGNED_OFF'
  /** The care team's lead changed. */
  | 'CARE_TEAM_LEAD_CHANGED'
  /** Someone joined the patient's care team. */
  | 'CARE_TEAM_MEMBER_ADDED'
  /** Someone left the patient's care team. */
  | 'CARE_TEAM_MEMBER_REMOVED'
  /** The patient's lead acknowledged a handover note. */
  | 'HANDOVER_ACKNOWLEDGED'
  /** An action asked for in a handover note was done. */
  | 'HANDOVER_ACTION_DONE'
  /** An addendum was added to a handover note. */
  | 'HANDOVER_ADDENDUM_ADDED'
  /** A handover note went unacknowledged past its urgency's limit and was escalated. */
  | 'HANDOVER_ESCALATED'
  /** A specialist team posted a handover note. */
  | 'HANDOVER_POSTED'
  /** The patient's answer to an invitation: accepted, declined, or no response after the set time. */
  | 'INVITATION_ANSWERED'
  /** The patient was invited to the coaching programme (Cairn records it; it sends nothing). */
  | 'INVITATION_SENT'
  /** A medicine was added to the patient's list. */
  | 'MEDICATION_ADDED'
  /** The patient agreed to an approved change. */
  | 'MEDICATION_CHANGE_AGREED'
  /** A prescriber approved, amended or declined a proposed change. */
  | 'MEDICATION_CHANGE_DECIDED'
  /** A change to a medicine (such as a taper) was proposed for a prescriber to decide. */
  | 'MEDICATION_CHANGE_PROPOSED'
  /** An analgesia review was recorded. */
  | 'MEDICATION_REVIEWED'
  /** A medicine was stopped. */
  | 'MEDICATION_STOPPED'
  /** A notification was created for one user; private to them. */
  | 'NOTIFICATION'
  /** An outcome measure was recorded (or a record corrected). */
  | 'OUTCOME_RECORDED'
  /** The patient's name, date of birth, NHS number or practice was corrected. */
  | 'PATIENT_DETAILS_CHANGED'
  /** The patient was discharged from the coaching programme with a signed summary. */
  | 'PATIENT_DISCHARGED'
  /** The patient's status was changed by hand, with a reason. */
  | 'PATIENT_STATUS_CHANGED'
  /** The patient completed a questionnaire from its link. */
  | 'QUESTIONNAIRE_COMPLETED'
  /** A questionnaire link was sent for the patient to fill in. */
  | 'QUESTIONNAIRE_SENT'
  /** A referral into the coaching programme arrived. */
  | 'REFERRAL_RECEIVED'
  /** A referral was triaged: accepted with a coach, declined with a reason, or redirected to another service. */
  | 'REFERRAL_TRIAGED'
  /** An addendum was added to a session's notes. */
  | 'SESSION_ADDENDUM_ADDED'
  /** A coaching session was booked. */
  | 'SESSION_BOOKED'
  /** A coaching session was cancelled by the patient or the clinic. */
  | 'SESSION_CANCELLED'
  /** The patient missed two or more sessions in a row. */
  | 'SESSION_DNA_ALERT'
  /** A coaching session moved to another time; the previous time is kept. */
  | 'SESSION_REBOOKED'
  /** What happened at a coaching session was recorded (attended or did not attend). */
  | 'SESSION_RECORDED'
  /** A taper was paused. */
  | 'TAPER_PAUSED'
  /** A paused taper was resumed. */
  | 'TAPER_RESUMED'
  /** Someone posted or replied in a discussion. */
  | 'THREAD_POSTED'
  /** A post in a discussion was edited. */
  | 'THREAD_POST_EDITED'
  /** A resolved discussion was reopened. */
  | 'THREAD_REOPENED'
  /** A discussion was marked resolved. */
  | 'THREAD_RESOLVED'
  /** An MDT discussion was started. */
  | 'THREAD_STARTED';

/** FOLLOWING: told of every reply. MUTED: told of nothing but mentions. */
export type FollowState =
  | 'FOLLOWING'
  | 'MUTED'
  | 'NONE';

export type GoalReviewInput = {
  /** The care plan goal's id. */
  goalId: string;
  note?: string;
  /** Check-in rating 0–10, recorded on the goal in the care plan. */
  rating: number;
};

export type GoalStatus =
  | 'ACHIEVED'
  | 'ACTIVE'
  | 'DROPPED'
  | 'PAUSED';

export type GpAppointmentSource =
  | 'PATIENT_REPORTED'
  | 'PRACTICE_RECORD';

export type HandoverActionInput = {
  /** A member of the care team. */
  assigneeId?: string | number | null | undefined;
  description: string;
  /** YYYY-MM-DD */
  dueDate?: string | null | undefined;
};

export type HandoverUrgency =
  | 'ROUTINE'
  | 'SOON'
  | 'URGENT';

/** An outcome measure Cairn records. */
export type Instrument =
  | 'CONFIDENCE_WITHOUT_MEDICATION'
  | 'GP_APPOINTMENTS'
  | 'PAM'
  | 'PEG_3'
  | 'PGIC'
  | 'PSEQ_2'
  | 'PSEQ_10';

export type InvitationAnswer =
  | 'ACCEPTED'
  | 'DECLINED';

/** How the invitation went out (Cairn records it; it sends nothing). */
export type InvitationChannel =
  | 'EMAIL'
  | 'LETTER'
  | 'PHONE'
  | 'SMS';

export type InvitationStatus =
  | 'ACCEPTED'
  | 'DECLINED'
  | 'INVITED'
  | 'NO_RESPONSE';

export type InvitePatientsInput = {
  channel: InvitationChannel;
  patientIds: Array<string | number>;
  searchId: string | number;
};

/** A GP's decision: approve as proposed, approve with amended steps, or decline. */
export type MedicationDecision =
  | 'AMEND'
  | 'APPROVE'
  | 'DECLINE';

export type MedicationFlagCode =
  | 'HIGH_DOSE_OPIOID'
  | 'LONG_TERM_OPIOID'
  | 'MORE_THAN_ONE_OPIOID'
  | 'NSAID_OLDER_PATIENT'
  | 'OPIOID_WITH_BENZODIAZEPINE'
  | 'OPIOID_WITH_GABAPENTINOID';

export type MedicineClass =
  | 'ANTIDEPRESSANT'
  | 'BENZODIAZEPINE'
  | 'GABAPENTINOID'
  | 'NSAID'
  | 'OPIOID'
  | 'PARACETAMOL'
  | 'TOPICAL';

export type MedicineRoute =
  | 'ORAL'
  | 'SUBLINGUAL'
  | 'TOPICAL'
  | 'TRANSDERMAL';

export type NotificationKind =
  | 'ACCESS_REQUESTED'
  | 'CAFE_CANCELLED'
  | 'CAFE_PLACES_CHANGED'
  | 'CAFE_PLACE_OFFERED'
  | 'CARE_PLAN_EDITED'
  | 'CARE_PLAN_SIGNED_OFF'
  | 'CARE_TEAM_ADDED'
  | 'CARE_TEAM_REMOVED'
  | 'HANDOVER_ACKNOWLEDGED'
  | 'HANDOVER_ACTIONS_DONE'
  | 'HANDOVER_ESCALATED'
  | 'HANDOVER_POSTED'
  | 'INVITATION_NO_RESPONSE'
  | 'INVITATION_REMINDER'
  | 'MEDICATION_APPROVAL_REQUESTED'
  | 'MEDICATION_CHANGE_DECIDED'
  | 'MENTIONED'
  | 'OUTCOME_WORSENED'
  | 'PATIENT_DISCHARGED'
  | 'QUESTIONNAIRE_COMPLETED'
  | 'REFERRAL_ASSIGNED'
  | 'REFERRAL_RECEIVED'
  | 'REFERRAL_TRIAGED'
  | 'SESSION_BOOKED'
  | 'SESSION_DNA_ALERT'
  | 'THREAD_REPLY';

export type OrganisationKind =
  | 'GP_PRACTICE'
  | 'PCN'
  | 'PHYSIO_PROVIDER'
  | 'SPECIALIST_PAIN_SERVICE';

/** A draft has unanswered items and is not scored. */
export type OutcomeStatus =
  | 'COMPLETED'
  | 'DRAFT';

export type PainCafeAttendance =
  | 'ATTENDED'
  | 'DID_NOT_ATTEND';

export type PainCafeAttendanceInput = {
  attendance: PainCafeAttendance;
  registrationId: string | number;
};

export type PainCafeInput = {
  /** Places for patients, at least 1. */
  capacity: number;
  description?: string | null | undefined;
  endsAt: string;
  /** Who runs it: coaches of the café's PCN. */
  facilitatorIds: Array<string | number>;
  /** An https:// link to join online. Give a venue or an online link, not both. */
  onlineLink?: string | null | undefined;
  startsAt: string;
  title: string;
  /** Where it meets in person. Give a venue or an online link, not both. */
  venue?: string | null | undefined;
};

export type PainCafeRegistrationStatus =
  | 'CANCELLED'
  | 'INVITED'
  | 'REGISTERED'
  | 'WAITLISTED';

export type PainCafeStatus =
  | 'CANCELLED'
  | 'SCHEDULED';

export type PatientFilter = {
  condition?: string | null | undefined;
  /** Only patients whose care team I am on. */
  mine?: boolean | null | undefined;
  practiceId?: string | number | null | undefined;
  /** Only patients whose care plan's next review date is today or has passed. */
  reviewDue?: boolean | null | undefined;
  /** Part of a name, or an NHS number (spaces allowed). */
  search?: string | null | undefined;
  status?: PatientStatus | null | undefined;
};

export type PatientResponseInput = {
  answers: Array<number | null | undefined>;
  instrument: Instrument;
};

export type PatientSort =
  | 'DATE_OF_BIRTH'
  | 'NAME'
  | 'NEWEST';

export type PatientStatus =
  | 'ACTIVE'
  | 'DISCHARGED'
  | 'REFERRED';

export type PostHandoverInput = {
  actions?: Array<HandoverActionInput>;
  advice: string;
  patientId: string | number;
  /** Defaults to the author's organisation. */
  sourceService?: string | null | undefined;
  summary: string;
  urgency: HandoverUrgency;
};

export type PresenceActivity =
  | 'EDITING'
  | 'VIEWING';

export type ProposalKind =
  | 'REDUCE'
  | 'START'
  | 'STOP'
  | 'SWITCH';

export type ProposalStatus =
  | 'APPROVED'
  | 'AWAITING_APPROVAL'
  | 'DECLINED'
  | 'PAUSED';

export type ProposeMedicationChangeInput = {
  kind: ProposalKind;
  /** The current medicine to reduce, stop or switch from. */
  medicationId?: string | number | null | undefined;
  /** The medicine to switch to or start. */
  medicineCode?: string | null | undefined;
  patientId: string | number;
  rationale: string;
  steps: Array<TaperStepInput>;
};

/** How the coach sent the link (Cairn sends nothing itself). */
export type QuestionnaireChannel =
  | 'EMAIL'
  | 'LETTER'
  | 'SMS';

/** Where a patient link stands; says nothing about the patient. */
export type QuestionnaireLinkState =
  | 'EXPIRED'
  | 'INVALID'
  | 'OPEN'
  | 'USED';

/** How ready the patient is to change their medicines. */
export type Readiness =
  | 'NOT_READY'
  | 'READY'
  | 'UNSURE';

export type RebookSessionInput = {
  endsAt: string;
  /** Why it moved (kept with the previous time). */
  reason: string;
  sessionId: string | number;
  startsAt: string;
};

export type RecordMedicationReviewInput = {
  effectOnPainAndFunction: string;
  howTaken: string;
  /** YYYY-MM-DD */
  nextReviewDue: string;
  patientId: string | number;
  readiness: Readiness;
  sideEffects: string;
  whatMatters: string;
};

export type RecordOutcomeInput = {
  /** One answer per item, in order; null where unanswered (the record is saved as a draft, unscored). */
  answers: Array<number | null | undefined>;
  /** GP appointments only. */
  gpSource?: GpAppointmentSource | null | undefined;
  instrument: Instrument;
  /** YYYY-MM-DD, not in the future. For GP appointments it defaults to the end of the period. */
  measuredOn?: string | null | undefined;
  patientId: string | number;
  /** GP appointments only. */
  periodFrom?: string | null | undefined;
  /** GP appointments only. */
  periodTo?: string | null | undefined;
  /** The record this one corrects (it stays, marked superseded). */
  supersedesId?: string | number | null | undefined;
};

export type RecordSessionInput = {
  /** What was discussed (required when attended). */
  discussed?: string;
  /** The patient reports a flare-up since the last session. */
  flareUp?: boolean;
  goalReviews?: Array<GoalReviewInput>;
  measuresTaken?: Array<Instrument>;
  nextSteps?: string;
  outcome: SessionOutcome;
  sessionId: string | number;
  /** Ids of the care plan's strategies practised. */
  strategyIds?: Array<string>;
};

export type ReferralDetailsInput = {
  accessibilityNotes?: string | null | undefined;
  /** The conditions the referral is for; the patient's recorded conditions when absent. */
  conditions?: Array<string> | null | undefined;
  /** The patient agreed to be contacted by the coaching service; a referral needs it. */
  consentToContact: boolean;
  contactMethod: ContactMethod;
  /** When the patient prefers to be contacted, e.g. "weekday mornings". */
  contactTimes?: string | null | undefined;
  /** Hearing support (e.g. a hearing loop, BSL, text rather than phone). */
  hearingSupport?: boolean;
  /** Required when an interpreter is needed. */
  interpreterLanguage?: string | null | undefined;
  interpreterNeeded?: boolean;
  largePrint?: boolean;
  /** Why the patient is referred. */
  reason: string;
  /** What the patient wants help with, in their words. */
  wantsHelpWith: string;
};

/** Where a referral came from. */
export type ReferralSource =
  | 'FCP'
  | 'GP'
  | 'PAIN_PRACTITIONER'
  | 'PROACTIVE_INVITATION'
  | 'SELF'
  | 'SPECIALIST_SERVICE';

export type ReferralStatus =
  | 'ACCEPTED'
  | 'DECLINED'
  | 'RECEIVED'
  | 'REDIRECTED';

export type Role =
  | 'ADMIN'
  | 'COACH'
  | 'FCP'
  | 'GP'
  | 'PAIN_PRACTITIONER'
  | 'SERVICE_LEAD'
  | 'SPECIALIST';

export type SaveCaseSearchInput = {
  criteria: Array<CaseCriterionInput>;
  /** A search of yours to change; a new one when absent. */
  id?: string | number | null | undefined;
  name: string;
};

export type SendQuestionnaireInput = {
  channel: QuestionnaireChannel;
  instruments: Array<Instrument>;
  patientId: string | number;
};

export type SessionChangeKind =
  | 'CANCELLED'
  | 'REBOOKED';

/** How the session is held; IN_PERSON needs a location. */
export type SessionMode =
  | 'GROUP'
  | 'IN_PERSON'
  | 'PHONE'
  | 'VIDEO';

/** What happened: attended, or did not attend (DNA). A cancellation is cancelSession. */
export type SessionOutcome =
  | 'ATTENDED'
  | 'DNA';

/** DNA: did not attend. */
export type SessionStatus =
  | 'ATTENDED'
  | 'BOOKED'
  | 'CANCELLED_BY_CLINIC'
  | 'CANCELLED_BY_PATIENT'
  | 'DNA';

export type SetCoachCapacityInput = {
  /** How many patients the coach can lead at once. */
  caseloadSize: number;
  coachId: string | number;
  sessionsPerWeek: number;
};

export type StartThreadInput = {
  /** The first post: paragraphs, lists, **strong**, *emphasis*, [links](https://…). */
  body: string;
  /** Care-team members mentioned (they are notified). */
  mentions?: Array<string | number>;
  patientId: string | number;
  title: string;
  topic?: ThreadTopic;
};

export type StopMedicationInput = {
  medicationId: string | number;
  reason?: string | null | undefined;
  /** YYYY-MM-DD, the first day not taken; today if absent. */
  stopDate?: string | null | undefined;
};

export type StrategyCategory =
  | 'ACTIVITY_PACING'
  | 'BREATHING'
  | 'DIET'
  | 'MEDICATION'
  | 'MINDFULNESS'
  | 'OTHER'
  | 'SLEEP'
  | 'SOCIAL_WORK';

export type TaperStepInput = {
  /** 0 stops the medicine. */
  dose: number;
  frequency?: string;
  /** Must be set on (and only on) a step that raises the daily dose. */
  increase?: boolean;
  /** YYYY-MM-DD */
  startDate: string;
};

export type ThreadTopic =
  | 'GENERAL'
  | 'MEDICATION'
  | 'PLAN_REVIEW'
  | 'REFERRAL'
  | 'SAFEGUARDING';

/** ACCEPT (assign a coach), DECLINE (with a reason) or REDIRECT (to another service, named). */
export type TriageOutcome =
  | 'ACCEPT'
  | 'DECLINE'
  | 'REDIRECT';

export type TriageReferralInput = {
  /** ACCEPT: the coach of the patient's PCN who takes the patient on. */
  coachId?: string | number | null | undefined;
  outcome: TriageOutcome;
  /** DECLINE: why; the referrer is told. */
  reason?: string | null | undefined;
  /** REDIRECT: the service the patient is redirected to. */
  redirectTo?: string | null | undefined;
  referralId: string | number;
};

export type UpdatePainCafeInput = {
  cafeId: string | number;
  /** Places for patients, at least 1. */
  capacity: number;
  description?: string | null | undefined;
  endsAt: string;
  /** Who runs it: coaches of the café's PCN. */
  facilitatorIds: Array<string | number>;
  /** An https:// link to join online. Give a venue or an online link, not both. */
  onlineLink?: string | null | undefined;
  startsAt: string;
  title: string;
  /** Where it meets in person. Give a venue or an online link, not both. */
  venue?: string | null | undefined;
};

/** Corrections to who the patient is; only the fields given change. */
export type UpdatePatientDemographicsInput = {
  /** YYYY-MM-DD */
  dateOfBirth?: string | null | undefined;
  familyName?: string | null | undefined;
  givenName?: string | null | undefined;
  /** Ten digits with a valid check digit; spaces and dashes are fine. */
  nhsNumber?: string | null | undefined;
  patientId: string | number;
  /** A GP practice in the patient's Primary Care Network. */
  practiceId?: string | number | null | undefined;
};

/** Not yet triaged, or accepted and not yet seen. */
export type WaitingStage =
  | 'AWAITING_FIRST_CONTACT'
  | 'AWAITING_TRIAGE';

export type CurrentUserFragment = { id: string, name: string, email: string, role: Role, organisation: { id: string, name: string } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, name: string, email: string, role: Role, organisation: { id: string, name: string } } | null };

export type SignInMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type SignInMutation = { signIn: { expiresAt: string, user: { id: string, name: string, email: string, role: Role, organisation: { id: string, name: string } } } };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { signOut: boolean };

export type SignOutEverywhereMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutEverywhereMutation = { signOutEverywhere: number };

export type CarePlanHistoryQueryVariables = Exact<{
  patientId: string | number;
}>;


export type CarePlanHistoryQuery = { carePlanRevisions: Array<{ seq: number, fromSeq: number, startedAt: string, endedAt: string, updateCount: number, sections: Array<CarePlanSection>, signedOff: boolean, authors: Array<{ id: string, name: string, updateCount: number }> }> };

export type CarePlanAtQueryVariables = Exact<{
  patientId: string | number;
  seq: number;
}>;


export type CarePlanAtQuery = { carePlanAt: { seq: number, view: { whatMatters: string, medication: string, whatMattersRuns: Array<{ insert: string, attributes: Record<string, unknown> | null }>, goals: Array<{ id: string, what: string, why: string, measure: string, targetDate: string | null, status: GoalStatus, checkIns: Array<{ date: string, rating: number, note: string }> }>, strategies: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, suggestedBy: string }>, flareUp: { warningSigns: string, whatHelps: string, whatToAvoid: string, whoToContact: string }, review: { nextReviewDate: string | null, reviewerId: string | null } } } };

export type CarePlanDiffQueryVariables = Exact<{
  patientId: string | number;
  fromSeq: number;
  toSeq: number;
}>;


export type CarePlanDiffQuery = { carePlanDiff: Array<{ section: CarePlanSection, changed: boolean, before: string, after: string, added: Array<string>, removed: Array<string>, modified: Array<string>, changes: Array<string> }> };

export type RestoreCarePlanRevisionMutationVariables = Exact<{
  patientId: string | number;
  seq: number;
  clientUpdateId: string;
}>;


export type RestoreCarePlanRevisionMutation = { restoreCarePlanRevision: { seq: number, clientUpdateId: string, duplicate: boolean } };

export type CarePlanSignOffsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type CarePlanSignOffsQuery = { carePlanSignOffs: Array<{ id: string, seq: number, signedById: string, signedByName: string, signedAt: string, agreedOn: string, note: string, view: { whatMatters: string, medication: string, whatMattersRuns: Array<{ insert: string, attributes: Record<string, unknown> | null }>, goals: Array<{ id: string, what: string, why: string, measure: string, targetDate: string | null, status: GoalStatus, checkIns: Array<{ date: string, rating: number, note: string }> }>, strategies: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, suggestedBy: string }>, flareUp: { warningSigns: string, whatHelps: string, whatToAvoid: string, whoToContact: string }, review: { nextReviewDate: string | null, reviewerId: string | null } } }> };

export type SignOffCarePlanMutationVariables = Exact<{
  patientId: string | number;
  agreedOn?: string | null | undefined;
  note?: string | null | undefined;
}>;


export type SignOffCarePlanMutation = { signOffCarePlan: { id: string, seq: number, signedById: string, signedByName: string, signedAt: string, agreedOn: string, note: string, view: { whatMatters: string, medication: string, whatMattersRuns: Array<{ insert: string, attributes: Record<string, unknown> | null }>, goals: Array<{ id: string, what: string, why: string, measure: string, targetDate: string | null, status: GoalStatus, checkIns: Array<{ date: string, rating: number, note: string }> }>, strategies: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, suggestedBy: string }>, flareUp: { warningSigns: string, whatHelps: string, whatToAvoid: string, whoToContact: string }, review: { nextReviewDate: string | null, reviewerId: string | null } } } };

export type CarePlanPresenceFieldsFragment = { userId: string, name: string, role: string, section: CarePlanSection | null, activity: PresenceActivity };

export type CarePlanHeartbeatMutationVariables = Exact<{
  patientId: string | number;
  section?: CarePlanSection | null | undefined;
  activity: PresenceActivity;
  clientId?: string | null | undefined;
}>;


export type CarePlanHeartbeatMutation = { carePlanPresence: Array<{ userId: string, name: string, role: string, section: CarePlanSection | null, activity: PresenceActivity }> };

export type LeaveCarePlanMutationVariables = Exact<{
  patientId: string | number;
  clientId?: string | null | undefined;
}>;


export type LeaveCarePlanMutation = { leaveCarePlan: boolean };

export type CarePlanPresenceChangedSubscriptionVariables = Exact<{
  patientId: string | number;
}>;


export type CarePlanPresenceChangedSubscription = { carePlanPresenceChanged: Array<{ userId: string, name: string, role: string, section: CarePlanSection | null, activity: PresenceActivity }> };

export type CarePlanViewFieldsFragment = { whatMatters: string, medication: string, whatMattersRuns: Array<{ insert: string, attributes: Record<string, unknown> | null }>, goals: Array<{ id: string, what: string, why: string, measure: string, targetDate: string | null, status: GoalStatus, checkIns: Array<{ date: string, rating: number, note: string }> }>, strategies: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, suggestedBy: string }>, flareUp: { warningSigns: string, whatHelps: string, whatToAvoid: string, whoToContact: string }, review: { nextReviewDate: string | null, reviewerId: string | null } };

export type CarePlanSignOffFieldsFragment = { id: string, seq: number, signedById: string, signedByName: string, signedAt: string, agreedOn: string, note: string, view: { whatMatters: string, medication: string, whatMattersRuns: Array<{ insert: string, attributes: Record<string, unknown> | null }>, goals: Array<{ id: string, what: string, why: string, measure: string, targetDate: string | null, status: GoalStatus, checkIns: Array<{ date: string, rating: number, note: string }> }>, strategies: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, suggestedBy: string }>, flareUp: { warningSigns: string, whatHelps: string, whatToAvoid: string, whoToContact: string }, review: { nextReviewDate: string | null, reviewerId: string | null } } };

export type CarePlanEditorQueryVariables = Exact<{
  patientId: string | number;
}>;


export type CarePlanEditorQuery = { carePlan: { patientId: string, seq: number, state: string, stateVector: string, updatedAt: string | null } };

export type ApplyCarePlanUpdateMutationVariables = Exact<{
  patientId: string | number;
  update: string;
  clientUpdateId: string;
}>;


export type ApplyCarePlanUpdateMutation = { applyCarePlanUpdate: { seq: number, clientUpdateId: string, duplicate: boolean } };

export type CarePlanUpdatesSubscriptionVariables = Exact<{
  patientId: string | number;
  stateVector?: string | null | undefined;
}>;


export type CarePlanUpdatesSubscription = { carePlanUpdates: { kind: CarePlanEventKind, update: string, seq: number, authorId: string | null, authorName: string | null, clientUpdateId: string | null } };

export type StrategySuggestionsQueryVariables = Exact<{
  activationLevel: number;
  category?: StrategyCategory | null | undefined;
}>;


export type StrategySuggestionsQuery = { strategySuggestions: Array<{ id: string, category: StrategyCategory, what: string, howOften: string, levels: Array<number> }> };

export type CaseFindingHomeQueryVariables = Exact<{ [key: string]: never; }>;


export type CaseFindingHomeQuery = { conditionOptions: Array<string>, myCaseSearches: Array<{ id: string, name: string, updatedAt: string }>, caseCriterionKinds: Array<{ kind: string, label: string }>, organisations: Array<{ id: string, name: string, kind: OrganisationKind }> };

export type InvitationRowFragment = { id: string, status: InvitationStatus, channel: InvitationChannel, sentAt: string, statusAt: string | null, remindedAt: string | null, referralId: string | null, sentBy: { id: string, name: string }, statusBy: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string } };

export type CaseSearchViewQueryVariables = Exact<{
  id: string | number;
}>;


export type CaseSearchViewQuery = { caseSearch: { id: string, name: string, criteria: Array<{ kind: string, values: Array<string>, min: number | null, max: number | null, date: string | null, summary: string }>, results: Array<{ lastContactAt: string | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, conditions: Array<string>, practice: { id: string, name: string } }, invitation: { id: string, status: InvitationStatus, channel: InvitationChannel } | null }>, invitations: Array<{ id: string, status: InvitationStatus, channel: InvitationChannel, sentAt: string, statusAt: string | null, remindedAt: string | null, referralId: string | null, sentBy: { id: string, name: string }, statusBy: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string } }> } };

export type SaveCaseSearchMutationVariables = Exact<{
  input: SaveCaseSearchInput;
}>;


export type SaveCaseSearchMutation = { saveCaseSearch: { id: string, name: string } };

export type InvitePatientsMutationVariables = Exact<{
  input: InvitePatientsInput;
}>;


export type InvitePatientsMutation = { invitePatients: Array<{ id: string, status: InvitationStatus, channel: InvitationChannel, sentAt: string, statusAt: string | null, remindedAt: string | null, referralId: string | null, sentBy: { id: string, name: string }, statusBy: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string } }> };

export type AnswerInvitationMutationVariables = Exact<{
  input: AnswerInvitationInput;
}>;


export type AnswerInvitationMutation = { answerInvitation: { id: string, status: InvitationStatus, channel: InvitationChannel, sentAt: string, statusAt: string | null, remindedAt: string | null, referralId: string | null, sentBy: { id: string, name: string }, statusBy: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string } } };

export type CaseloadQueryVariables = Exact<{
  filter?: PatientFilter | null | undefined;
  sort: PatientSort;
  first: number;
  after?: string | null | undefined;
}>;


export type CaseloadQuery = { patients: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, nodes: Array<{ id: string, name: string, nhsNumberFormatted: string, age: number, conditions: Array<string>, status: PatientStatus, nextReviewDate: string | null, lead: { id: string, user: { id: string, name: string } } | null }> } };

export type CaseloadFilterOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type CaseloadFilterOptionsQuery = { conditionOptions: Array<string>, organisations: Array<{ id: string, name: string, kind: OrganisationKind }> };

export type HandoverPersonFragment = { id: string, name: string, role: Role };

export type HandoverNoteFieldsFragment = { id: string, patientId: string, sourceService: string, summary: string, advice: string, urgency: HandoverUrgency, createdAt: string, acknowledgedAt: string | null, acknowledgementReply: string | null, escalatedAt: string | null, author: { id: string, name: string, role: Role }, acknowledgedBy: { id: string, name: string, role: Role } | null, actions: Array<{ id: string, position: number, description: string, dueDate: string | null, doneAt: string | null, assignee: { id: string, name: string } | null, doneBy: { id: string, name: string } | null }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string, role: Role } }> };

export type PatientHandoversQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientHandoversQuery = { patientHandovers: Array<{ id: string, patientId: string, sourceService: string, summary: string, advice: string, urgency: HandoverUrgency, createdAt: string, acknowledgedAt: string | null, acknowledgementReply: string | null, escalatedAt: string | null, author: { id: string, name: string, role: Role }, acknowledgedBy: { id: string, name: string, role: Role } | null, actions: Array<{ id: string, position: number, description: string, dueDate: string | null, doneAt: string | null, assignee: { id: string, name: string } | null, doneBy: { id: string, name: string } | null }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string, role: Role } }> }> };

export type HandoverInboxQueryVariables = Exact<{
  includeDone?: boolean;
}>;


export type HandoverInboxQuery = { handoversAwaitingMyAcknowledgement: Array<{ id: string, patientId: string, summary: string, urgency: HandoverUrgency, sourceService: string, createdAt: string, escalatedAt: string | null, author: { id: string, name: string }, patient: { id: string, name: string, nhsNumberFormatted: string } }>, myHandoverActions: Array<{ id: string, description: string, dueDate: string | null, doneAt: string | null, doneBy: { id: string, name: string } | null, handover: { id: string, patientId: string, summary: string, urgency: HandoverUrgency, sourceService: string, createdAt: string, patient: { id: string, name: string, nhsNumberFormatted: string } } }> };

export type PostHandoverMutationVariables = Exact<{
  input: PostHandoverInput;
}>;


export type PostHandoverMutation = { postHandover: { id: string, patientId: string, sourceService: string, summary: string, advice: string, urgency: HandoverUrgency, createdAt: string, acknowledgedAt: string | null, acknowledgementReply: string | null, escalatedAt: string | null, author: { id: string, name: string, role: Role }, acknowledgedBy: { id: string, name: string, role: Role } | null, actions: Array<{ id: string, position: number, description: string, dueDate: string | null, doneAt: string | null, assignee: { id: string, name: string } | null, doneBy: { id: string, name: string } | null }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string, role: Role } }> } };

export type AddHandoverAddendumMutationVariables = Exact<{
  handoverId: string | number;
  body: string;
}>;


export type AddHandoverAddendumMutation = { addHandoverAddendum: { id: string } };

export type AcknowledgeHandoverMutationVariables = Exact<{
  handoverId: string | number;
  reply?: string | null | undefined;
}>;


export type AcknowledgeHandoverMutation = { acknowledgeHandover: { id: string, patientId: string, sourceService: string, summary: string, advice: string, urgency: HandoverUrgency, createdAt: string, acknowledgedAt: string | null, acknowledgementReply: string | null, escalatedAt: string | null, author: { id: string, name: string, role: Role }, acknowledgedBy: { id: string, name: string, role: Role } | null, actions: Array<{ id: string, position: number, description: string, dueDate: string | null, doneAt: string | null, assignee: { id: string, name: string } | null, doneBy: { id: string, name: string } | null }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string, role: Role } }> } };

export type HandoverEscalationTimingsQueryVariables = Exact<{ [key: string]: never; }>;


export type HandoverEscalationTimingsQuery = { handoverEscalationTimings: { urgentEscalationSeconds: number, soonEscalationWorkingDays: number } };

export type MarkHandoverActionDoneMutationVariables = Exact<{
  actionId: string | number;
}>;


export type MarkHandoverActionDoneMutation = { markHandoverActionDone: { id: string, doneAt: string | null, doneBy: { id: string, name: string } | null } };

export type IndicatorScopesQueryVariables = Exact<{ [key: string]: never; }>;


export type IndicatorScopesQuery = { indicatorScopes: Array<{ id: string, name: string, kind: OrganisationKind }> };

export type PrescribingIndicatorsQueryVariables = Exact<{
  practiceId?: string | number | null | undefined;
  pcnId?: string | number | null | undefined;
  months: number;
}>;


export type PrescribingIndicatorsQuery = { prescribingIndicators: { scopeName: string, highDoseThreshold: number, csv: string, months: Array<{ month: string, asOf: string, registeredPatients: number, onOpioid: number, onHighDoseOpioid: number, opioidWithGabapentinoid: number, opioid3To6Months: number, opioidOver12Months: number, omePer1000: number, highDoseItemShare: number, gabapentinoidDddPer1000: number, reviewsDone: number, patientsReduced: number, omeBeforeReductions: number, omeAfterReductions: number }> } };

export type MedicationFieldsFragment = { id: string, medicineCode: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, form: string, strength: string, dose: number, doseUnit: string, frequency: string, frequencyWords: string, asNeeded: boolean, patchChangeHours: number | null, omeMgPerDay: number | null, omeWords: string | null, startDate: string, stopDate: string | null, stopReason: string | null, prescriber: string };

export type ProposalFieldsFragment = { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> };

export type PatientMedicationQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientMedicationQuery = { patientMedication: { patientId: string, totalOmeMgPerDay: number, omeWords: string, omeSource: string, highDoseThreshold: number, nextReviewDue: string | null, flags: Array<{ code: MedicationFlagCode, reason: string }>, current: Array<{ id: string, medicineCode: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, form: string, strength: string, dose: number, doseUnit: string, frequency: string, frequencyWords: string, asNeeded: boolean, patchChangeHours: number | null, omeMgPerDay: number | null, omeWords: string | null, startDate: string, stopDate: string | null, stopReason: string | null, prescriber: string }>, stopped: Array<{ id: string, medicineCode: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, form: string, strength: string, dose: number, doseUnit: string, frequency: string, frequencyWords: string, asNeeded: boolean, patchChangeHours: number | null, omeMgPerDay: number | null, omeWords: string | null, startDate: string, stopDate: string | null, stopReason: string | null, prescriber: string }>, proposals: Array<{ id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> }> } };

export type MedicineCatalogueQueryVariables = Exact<{ [key: string]: never; }>;


export type MedicineCatalogueQuery = { medicineCatalogue: Array<{ code: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, forms: Array<string>, doseUnit: string, conversion: string | null, patchChangeHours: Array<number> }>, medicationFlagRules: Array<{ code: MedicationFlagCode, rule: string }> };

export type AddMedicationMutationVariables = Exact<{
  input: AddMedicationInput;
}>;


export type AddMedicationMutation = { addMedication: { id: string, medicineCode: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, form: string, strength: string, dose: number, doseUnit: string, frequency: string, frequencyWords: string, asNeeded: boolean, patchChangeHours: number | null, omeMgPerDay: number | null, omeWords: string | null, startDate: string, stopDate: string | null, stopReason: string | null, prescriber: string } };

export type StopMedicationMutationVariables = Exact<{
  input: StopMedicationInput;
}>;


export type StopMedicationMutation = { stopMedication: { id: string, medicineCode: string, name: string, medicineClass: MedicineClass, route: MedicineRoute, form: string, strength: string, dose: number, doseUnit: string, frequency: string, frequencyWords: string, asNeeded: boolean, patchChangeHours: number | null, omeMgPerDay: number | null, omeWords: string | null, startDate: string, stopDate: string | null, stopReason: string | null, prescriber: string } };

export type ProposeMedicationChangeMutationVariables = Exact<{
  input: ProposeMedicationChangeInput;
}>;


export type ProposeMedicationChangeMutation = { proposeMedicationChange: { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> } };

export type DecideMedicationChangeMutationVariables = Exact<{
  input: DecideMedicationChangeInput;
}>;


export type DecideMedicationChangeMutation = { decideMedicationChange: { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> } };

export type RecordPatientAgreementMutationVariables = Exact<{
  proposalId: string | number;
  note?: string | null | undefined;
}>;


export type RecordPatientAgreementMutation = { recordPatientAgreement: { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> } };

export type PauseTaperMutationVariables = Exact<{
  proposalId: string | number;
  reason: string;
}>;


export type PauseTaperMutation = { pauseTaper: { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> } };

export type ResumeTaperMutationVariables = Exact<{
  proposalId: string | number;
}>;


export type ResumeTaperMutation = { resumeTaper: { id: string, kind: ProposalKind, status: ProposalStatus, medicationId: string | null, medicineCode: string, medicineName: string, rationale: string, proposedAt: string, decidedAt: string | null, decisionComment: string | null, amended: boolean, patientAgreedAt: string | null, patientAgreementNote: string | null, pauseReason: string | null, proposedBy: { id: string, name: string }, decidedBy: { id: string, name: string } | null, steps: Array<{ id: string, position: number, startDate: string, dose: number, words: string, omeMgPerDay: number, increases: boolean }> } };

export type RecordMedicationReviewMutationVariables = Exact<{
  input: RecordMedicationReviewInput;
}>;


export type RecordMedicationReviewMutation = { recordMedicationReview: { id: string, reviewedOn: string, nextReviewDue: string, omeAtReview: number } };

export type MedicationWorklistsQueryVariables = Exact<{ [key: string]: never; }>;


export type MedicationWorklistsQuery = { medicationChangesAwaitingMyApproval: Array<{ id: string, kind: ProposalKind, medicineName: string, proposedAt: string, proposedBy: { id: string, name: string }, patient: { id: string, name: string } }>, medicationReviewsDue: Array<{ nextReviewDue: string | null, lastReviewedOn: string | null, patient: { id: string, name: string } }> };

export type NotificationItemFragment = { id: string, kind: NotificationKind, patientId: string | null, title: string, body: string, link: string, seq: string, createdAt: string, readAt: string | null };

export type NotificationsPanelQueryVariables = Exact<{
  first: number;
}>;


export type NotificationsPanelQuery = { unreadNotificationCount: number, myNotifications: Array<{ id: string, kind: NotificationKind, patientId: string | null, title: string, body: string, link: string, seq: string, createdAt: string, readAt: string | null }> };

export type MarkNotificationReadMutationVariables = Exact<{
  id: string | number;
}>;


export type MarkNotificationReadMutation = { markNotificationRead: { id: string, kind: NotificationKind, patientId: string | null, title: string, body: string, link: string, seq: string, createdAt: string, readAt: string | null } };

export type MarkAllNotificationsReadMutationVariables = Exact<{ [key: string]: never; }>;


export type MarkAllNotificationsReadMutation = { markAllNotificationsRead: number };

export type LiveNotificationsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type LiveNotificationsSubscription = { notifications: { id: string, kind: NotificationKind, patientId: string | null, title: string, body: string, link: string, seq: string, createdAt: string, readAt: string | null } };

export type DashboardFigureFieldsFragment = { value: number | null, n: number };

export type DashboardRowFieldsFragment = { key: string, label: string, patients: number, referred: number, active: number, discharged: number, pseqChangePoints: { value: number | null, n: number }, pseqChangePercent: { value: number | null, n: number }, pseqChangeOfMeansPercent: { value: number | null, n: number }, pseqMeaningfulPercent: { value: number | null, n: number }, confidenceChangePoints: { value: number | null, n: number }, confidenceChangePercent: { value: number | null, n: number }, noGpVisitPercent: { value: number | null, n: number } };

export type ServiceDashboardQueryVariables = Exact<{
  filter: DashboardFilterInput;
}>;


export type ServiceDashboardQuery = { serviceDashboard: { computedAt: string, total: { key: string, label: string, patients: number, referred: number, active: number, discharged: number, pseqChangePoints: { value: number | null, n: number }, pseqChangePercent: { value: number | null, n: number }, pseqChangeOfMeansPercent: { value: number | null, n: number }, pseqMeaningfulPercent: { value: number | null, n: number }, confidenceChangePoints: { value: number | null, n: number }, confidenceChangePercent: { value: number | null, n: number }, noGpVisitPercent: { value: number | null, n: number } }, rows: Array<{ key: string, label: string, patients: number, referred: number, active: number, discharged: number, pseqChangePoints: { value: number | null, n: number }, pseqChangePercent: { value: number | null, n: number }, pseqChangeOfMeansPercent: { value: number | null, n: number }, pseqMeaningfulPercent: { value: number | null, n: number }, confidenceChangePoints: { value: number | null, n: number }, confidenceChangePercent: { value: number | null, n: number }, noGpVisitPercent: { value: number | null, n: number } }>, definitions: Array<{ term: string, text: string }> } };

export type ServiceDashboardCsvQueryVariables = Exact<{
  filter: DashboardFilterInput;
}>;


export type ServiceDashboardCsvQuery = { serviceDashboardCsv: string };

export type OutcomeInstrumentsQueryVariables = Exact<{ [key: string]: never; }>;


export type OutcomeInstrumentsQuery = { outcomeInstruments: Array<{ code: Instrument, name: string, shortName: string, citation: string, instructions: string, scoreMin: number, scoreMax: number, higherIsBetter: boolean, patientCompletable: boolean, minimalDetectableChange: number | null, items: Array<{ number: number, text: string, min: number, max: number, decimals: number, minLabel: string, maxLabel: string, options: Array<string> | null }>, bands: Array<{ label: string, from: number, to: number }>, meaningfulChange: { description: string, minPoints: number | null, requireBandChange: boolean, minPercent: number | null } | null }> };

export type OutcomeChangeFieldsFragment = { points: number, percent: number | null, direction: ChangeDirection, meaningful: boolean | null, rule: string | null, beyondMinimalDetectableChange: boolean | null };

export type PatientMeasuresQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientMeasuresQuery = { patientOutcomes: Array<{ instrument: Instrument, points: Array<{ recordId: string, measuredOn: string, score: number, band: string | null, isBaseline: boolean, completedBy: string, fromPseq10: boolean, change: { points: number, percent: number | null, direction: ChangeDirection, meaningful: boolean | null, rule: string | null, beyondMinimalDetectableChange: boolean | null } | null }> }>, outcomeRecords: Array<{ id: string, instrument: Instrument, status: OutcomeStatus, score: number | null, measuredOn: string, completedBy: CompletedBy, supersedesId: string | null }> };

export type OutcomeRecordDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type OutcomeRecordDetailQuery = { outcomeRecord: { id: string, instrument: Instrument, status: OutcomeStatus, score: number | null, pseq2: number | null, band: string | null, measuredOn: string, periodFrom: string | null, periodTo: string | null, gpSource: GpAppointmentSource | null, completedBy: CompletedBy, supersedesId: string | null, createdAt: string, recordedBy: { id: string, name: string } | null, items: Array<{ number: number, text: string, answer: number | null, answerLabel: string | null }> } };

export type RecordOutcomeMutationVariables = Exact<{
  input: RecordOutcomeInput;
}>;


export type RecordOutcomeMutation = { recordOutcome: { id: string, status: OutcomeStatus, score: number | null } };

export type QuestionnaireLinkStateQueryVariables = Exact<{
  token: string;
}>;


export type QuestionnaireLinkStateQuery = { questionnaireLink: QuestionnaireLinkState };

export type OpenQuestionnaireMutationVariables = Exact<{
  token: string;
  dateOfBirth: string;
}>;


export type OpenQuestionnaireMutation = { openQuestionnaire: { givenName: string, expiresAt: string, instruments: Array<{ code: Instrument, name: string, shortName: string, instructions: string, items: Array<{ number: number, text: string, min: number, max: number, decimals: number, minLabel: string, maxLabel: string, options: Array<string> | null }> }> } };

export type SubmitQuestionnaireMutationVariables = Exact<{
  token: string;
  dateOfBirth: string;
  responses: Array<PatientResponseInput> | PatientResponseInput;
}>;


export type SubmitQuestionnaireMutation = { submitQuestionnaire: { received: number } };

export type SendQuestionnaireMutationVariables = Exact<{
  input: SendQuestionnaireInput;
}>;


export type SendQuestionnaireMutation = { sendQuestionnaire: { path: string, request: { id: string, instruments: Array<Instrument>, channel: QuestionnaireChannel, expiresAt: string } } };

export type QuestionnaireRequestsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type QuestionnaireRequestsQuery = { questionnaireRequests: Array<{ id: string, instruments: Array<Instrument>, channel: QuestionnaireChannel, createdAt: string, expiresAt: string, completedAt: string | null, createdBy: { id: string, name: string } }> };

export type PainCafeFillFragment = { id: string, title: string, startsAt: string, endsAt: string, venue: string | null, onlineLink: string | null, capacity: number, status: PainCafeStatus, registeredCount: number, waitlistCount: number, invitedCount: number, placesLeft: number, viewerCanManage: boolean };

export type PainCafesQueryVariables = Exact<{ [key: string]: never; }>;


export type PainCafesQuery = { canArrangePainCafes: boolean, upcoming: Array<{ id: string, title: string, startsAt: string, endsAt: string, venue: string | null, onlineLink: string | null, capacity: number, status: PainCafeStatus, registeredCount: number, waitlistCount: number, invitedCount: number, placesLeft: number, viewerCanManage: boolean }>, past: Array<{ id: string, title: string, startsAt: string, endsAt: string, venue: string | null, onlineLink: string | null, capacity: number, status: PainCafeStatus, registeredCount: number, waitlistCount: number, invitedCount: number, placesLeft: number, viewerCanManage: boolean }> };

export type PainCafeQueryVariables = Exact<{
  id: string | number;
}>;


export type PainCafeQuery = { painCafe: { description: string | null, cancelReason: string | null, id: string, title: string, startsAt: string, endsAt: string, venue: string | null, onlineLink: string | null, capacity: number, status: PainCafeStatus, registeredCount: number, waitlistCount: number, invitedCount: number, placesLeft: number, viewerCanManage: boolean, facilitators: Array<{ id: string, name: string }>, places: Array<{ id: string, status: PainCafeRegistrationStatus, waitlistPosition: number | null, attendance: PainCafeAttendance | null, registeredAt: string | null, offeredPlaceAt: string | null, cancelledAt: string | null, cancelReason: string | null, patient: { id: string, name: string, nhsNumberFormatted: string, viewerCan: { manageCafePlaces: boolean } } | null }> } };

export type PainCafeFacilitatorOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type PainCafeFacilitatorOptionsQuery = { painCafeFacilitatorOptions: Array<{ id: string, name: string }> };

export type PainCafePatientSearchQueryVariables = Exact<{
  search: string;
}>;


export type PainCafePatientSearchQuery = { patients: { nodes: Array<{ id: string, name: string, nhsNumberFormatted: string, viewerCan: { manageCafePlaces: boolean } }> } };

export type CreatePainCafeMutationVariables = Exact<{
  input: PainCafeInput;
}>;


export type CreatePainCafeMutation = { createPainCafe: { id: string } };

export type CancelPainCafeMutationVariables = Exact<{
  cafeId: string | number;
  reason: string;
}>;


export type CancelPainCafeMutation = { cancelPainCafe: { id: string, status: PainCafeStatus } };

export type RegisterPatientForPainCafeMutationVariables = Exact<{
  cafeId: string | number;
  patientId: string | number;
}>;


export type RegisterPatientForPainCafeMutation = { registerPatientForPainCafe: { id: string, status: PainCafeRegistrationStatus, waitlistPosition: number | null } };

export type InvitePatientToPainCafeMutationVariables = Exact<{
  cafeId: string | number;
  patientId: string | number;
}>;


export type InvitePatientToPainCafeMutation = { invitePatientToPainCafe: { id: string, status: PainCafeRegistrationStatus } };

export type CancelPainCafePlaceMutationVariables = Exact<{
  registrationId: string | number;
  reason?: string | null | undefined;
}>;


export type CancelPainCafePlaceMutation = { cancelPainCafePlace: { id: string, status: PainCafeRegistrationStatus } };

export type RecordPainCafeAttendanceMutationVariables = Exact<{
  input: PainCafeAttendanceInput;
}>;


export type RecordPainCafeAttendanceMutation = { recordPainCafeAttendance: { id: string, attendance: PainCafeAttendance | null } };

export type PatientPainCafesQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientPainCafesQuery = { patient: { id: string, painCafes: Array<{ id: string, status: PainCafeRegistrationStatus, attendance: PainCafeAttendance | null, waitlistPosition: number | null, cafe: { id: string, title: string, startsAt: string, status: PainCafeStatus } }> } };

export type UpdatePainCafeMutationVariables = Exact<{
  input: UpdatePainCafeInput;
}>;


export type UpdatePainCafeMutation = { updatePainCafe: { id: string } };

export type ViewerMayQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerMayQuery = { viewerMay: { createPatient: boolean } };

export type AddPatientOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type AddPatientOptionsQuery = { conditionOptions: Array<string>, organisations: Array<{ id: string, name: string, kind: OrganisationKind }> };

export type CreatePatientMutationVariables = Exact<{
  input: CreatePatientInput;
}>;


export type CreatePatientMutation = { createPatient: { id: string, name: string } };

export type UpdatePatientDemographicsMutationVariables = Exact<{
  input: UpdatePatientDemographicsInput;
}>;


export type UpdatePatientDemographicsMutation = { updatePatientDemographics: { id: string, name: string, givenName: string, familyName: string, nhsNumber: string, nhsNumberFormatted: string, dateOfBirth: string, age: number, practice: { id: string, name: string } } };

export type SetPatientStatusMutationVariables = Exact<{
  patientId: string | number;
  status: PatientStatus;
  reason: string;
}>;


export type SetPatientStatusMutation = { setPatientStatus: { id: string, status: PatientStatus } };

export type ColleagueSearchQueryVariables = Exact<{
  search: string;
}>;


export type ColleagueSearchQuery = { colleagues: Array<{ id: string, name: string, role: Role, organisation: { id: string, name: string } }> };

export type AddCareTeamMemberMutationVariables = Exact<{
  patientId: string | number;
  userId: string | number;
  teamRole?: string | null | undefined;
}>;


export type AddCareTeamMemberMutation = { addCareTeamMember: { id: string, teamRole: string, isLead: boolean } };

export type RemoveCareTeamMemberMutationVariables = Exact<{
  patientId: string | number;
  userId: string | number;
}>;


export type RemoveCareTeamMemberMutation = { removeCareTeamMember: { id: string } };

export type SetCareTeamLeadMutationVariables = Exact<{
  patientId: string | number;
  userId: string | number;
}>;


export type SetCareTeamLeadMutation = { setCareTeamLead: { id: string, isLead: boolean } };

export type PatientWorkspaceQueryVariables = Exact<{
  id: string | number;
}>;


export type PatientWorkspaceQuery = { patient: { id: string, name: string, givenName: string, familyName: string, nhsNumber: string, nhsNumberFormatted: string, dateOfBirth: string, age: number, conditions: Array<string>, status: PatientStatus, activationLevel: number | null, activationLevelSetAt: string | null, viewerCan: { updatePatient: boolean, manageCareTeam: boolean, editCarePlan: boolean, postHandover: boolean, acknowledgeHandover: boolean, completeOwnHandoverAction: boolean, completeHandoverAction: boolean, discuss: boolean, recordOutcome: boolean, manageMedications: boolean, proposeMedicationChange: boolean, decideMedicationChange: boolean, viewReferrals: boolean, refer: boolean, bookSession: boolean, recordSession: boolean, dischargePatient: boolean, editPatientDetails: boolean, changePatientStatus: boolean }, statusChanges: Array<{ to: PatientStatus, label: string, allowed: boolean, why: string | null }>, practice: { id: string, name: string }, careTeam: Array<{ id: string, teamRole: string, isLead: boolean, user: { id: string, name: string, role: Role, organisation: { id: string, name: string } } }> } };

export type SetPatientActivationLevelMutationVariables = Exact<{
  patientId: string | number;
  level?: number | null | undefined;
}>;


export type SetPatientActivationLevelMutation = { setPatientActivationLevel: { id: string, activationLevel: number | null, activationLevelSetAt: string | null } };

export type ReferralSummaryFragment = { id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } };

export type ReferralWaitingListQueryVariables = Exact<{ [key: string]: never; }>;


export type ReferralWaitingListQuery = { referralWaitingList: { breachWeeks: number, entries: Array<{ stage: WaitingStage, waitedWorkingDays: number, waitedWeeks: number, breachOn: string, breached: boolean, referral: { id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } } }> } };

export type MyReferralsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyReferralsQuery = { myReferrals: Array<{ id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } }> };

export type PcnCoachesQueryVariables = Exact<{ [key: string]: never; }>;


export type PcnCoachesQuery = { colleagues: Array<{ id: string, name: string, role: Role }> };

export type TriageReferralMutationVariables = Exact<{
  input: TriageReferralInput;
}>;


export type TriageReferralMutation = { triageReferral: { id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } } };

export type ReferralFormOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ReferralFormOptionsQuery = { conditionOptions: Array<string>, organisations: Array<{ id: string, name: string, kind: OrganisationKind }> };

export type ReferralPatientSearchQueryVariables = Exact<{
  search: string;
}>;


export type ReferralPatientSearchQuery = { patients: { nodes: Array<{ id: string, name: string, nhsNumberFormatted: string, status: PatientStatus, dateOfBirth: string, viewerCan: { refer: boolean } }> } };

export type CreateReferralMutationVariables = Exact<{
  input: CreateReferralInput;
}>;


export type CreateReferralMutation = { createReferral: { id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } } };

export type PatientReferralsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientReferralsQuery = { patientReferrals: Array<{ episodeEndedAt: string | null, firstSeenAt: string | null, id: string, status: ReferralStatus, source: ReferralSource, reason: string, conditions: Array<string>, wantsHelpWith: string, contactMethod: ContactMethod, contactTimes: string | null, interpreterLanguage: string | null, hearingSupport: boolean, largePrint: boolean, accessibilityNotes: string | null, receivedAt: string, triagedAt: string | null, declineReason: string | null, redirectedTo: string | null, referrer: { id: string, name: string }, assignedCoach: { id: string, name: string } | null, patient: { id: string, name: string, nhsNumberFormatted: string, age: number, status: PatientStatus, practice: { id: string, name: string }, viewerCan: { triageReferral: boolean, read: boolean } } }> };

export type SessionFieldsFragment = { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null };

export type SessionDetailFieldsFragment = { session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> };

export type CadenceFieldsFragment = { interval: CadenceInterval, previous: CadenceInterval | null, direction: CadenceDirection, reasons: Array<string>, suggestedDate: string | null };

export type PatientSessionsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientSessionsQuery = { patientSessions: Array<{ session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> }>, sessionCadence: { interval: CadenceInterval, previous: CadenceInterval | null, direction: CadenceDirection, reasons: Array<string>, suggestedDate: string | null }, bookableCoaches: Array<{ id: string, name: string }>, patientDischarges: Array<{ id: string, reason: DischargeReason, summary: string, signedAt: string, signedBy: { id: string, name: string } }> };

export type SessionPlanItemsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type SessionPlanItemsQuery = { carePlan: { patientId: string, view: { goals: Array<{ id: string, what: string, status: GoalStatus, checkIns: Array<{ date: string, rating: number }> }>, strategies: Array<{ id: string, what: string }> } } };

export type BookSessionMutationVariables = Exact<{
  input: BookSessionInput;
}>;


export type BookSessionMutation = { bookSession: { session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> } };

export type RebookSessionMutationVariables = Exact<{
  input: RebookSessionInput;
}>;


export type RebookSessionMutation = { rebookSession: { session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> } };

export type CancelSessionMutationVariables = Exact<{
  input: CancelSessionInput;
}>;


export type CancelSessionMutation = { cancelSession: { session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> } };

export type RecordSessionMutationVariables = Exact<{
  input: RecordSessionInput;
}>;


export type RecordSessionMutation = { recordSession: { dnaAlert: boolean, detail: { session: { id: string, patientId: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus, cancelReason: string | null, recordedAt: string | null, discussed: string | null, nextSteps: string | null, measuresTaken: Array<Instrument>, flareUp: boolean | null, activationLevel: number | null, coach: { id: string, name: string }, recordedBy: { id: string, name: string } | null }, goalReviews: Array<{ goalId: string, goalWhat: string, rating: number, note: string }>, strategiesPractised: Array<{ strategyId: string, strategyWhat: string }>, changes: Array<{ id: string, kind: SessionChangeKind, previousStartsAt: string, previousEndsAt: string, newStartsAt: string | null, reason: string, changedAt: string, changedBy: { id: string, name: string } }>, addenda: Array<{ id: string, body: string, createdAt: string, author: { id: string, name: string } }> }, cadence: { interval: CadenceInterval, previous: CadenceInterval | null, direction: CadenceDirection, reasons: Array<string>, suggestedDate: string | null } } };

export type AddSessionAddendumMutationVariables = Exact<{
  sessionId: string | number;
  body: string;
}>;


export type AddSessionAddendumMutation = { addSessionAddendum: { id: string } };

export type DischargeDraftQueryVariables = Exact<{
  patientId: string | number;
  reason: DischargeReason;
}>;


export type DischargeDraftQuery = { dischargeDraft: { summary: string, attended: number, dnas: number, gpNames: Array<string> } };

export type DischargePatientMutationVariables = Exact<{
  input: DischargePatientInput;
}>;


export type DischargePatientMutation = { dischargePatient: { id: string } };

export type CoachDiaryQueryVariables = Exact<{
  coachId?: string | number | null | undefined;
  date?: string | null | undefined;
}>;


export type CoachDiaryQuery = { coachDiary: { today: string, weekStart: string, coach: { id: string, name: string }, weekSessions: Array<{ session: { id: string, startsAt: string, endsAt: string, mode: SessionMode, location: string | null, purpose: string, status: SessionStatus }, patient: { id: string, name: string, nhsNumberFormatted: string } }> } };

export type CoachCapacitiesQueryVariables = Exact<{ [key: string]: never; }>;


export type CoachCapacitiesQuery = { coachCapacities: Array<{ sessionsPerWeek: number | null, caseloadSize: number | null, activeCaseload: number, sessionsThisWeek: number, sessionsNextWeek: number, weekStart: string, coach: { id: string, name: string } }> };

export type SetCoachCapacityMutationVariables = Exact<{
  input: SetCoachCapacityInput;
}>;


export type SetCoachCapacityMutation = { setCoachCapacity: { sessionsPerWeek: number | null, caseloadSize: number | null, coach: { id: string } } };

export type ThreadPostFieldsFragment = { id: string, parentId: string | null, threadId: string, body: string, bodyHtml: string, createdAt: string, editedAt: string | null, author: { id: string, name: string, role: Role }, mentions: Array<{ id: string, name: string }>, editHistory: Array<{ id: string, bodyHtml: string, writtenAt: string, replacedAt: string }> };

export type PatientThreadsQueryVariables = Exact<{
  patientId: string | number;
}>;


export type PatientThreadsQuery = { patientThreads: Array<{ id: string, title: string, topic: ThreadTopic, createdAt: string, resolvedAt: string | null, author: { id: string, name: string } }> };

export type ThreadQueryVariables = Exact<{
  id: string | number;
}>;


export type ThreadQuery = { thread: { id: string, patientId: string, title: string, topic: ThreadTopic, createdAt: string, resolvedAt: string | null, myFollowState: FollowState, resolvedBy: { id: string, name: string } | null, author: { id: string, name: string }, posts: Array<{ id: string, parentId: string | null, threadId: string, body: string, bodyHtml: string, createdAt: string, editedAt: string | null, author: { id: string, name: string, role: Role }, mentions: Array<{ id: string, name: string }>, editHistory: Array<{ id: string, bodyHtml: string, writtenAt: string, replacedAt: string }> }> } };

export type StartThreadMutationVariables = Exact<{
  input: StartThreadInput;
}>;


export type StartThreadMutation = { startThread: { id: string } };

export type ReplyToThreadMutationVariables = Exact<{
  threadId: string | number;
  body: string;
  parentPostId?: string | number | null | undefined;
  mentions: Array<string | number> | string | number;
}>;


export type ReplyToThreadMutation = { replyToThread: { id: string, parentId: string | null, threadId: string, body: string, bodyHtml: string, createdAt: string, editedAt: string | null, author: { id: string, name: string, role: Role }, mentions: Array<{ id: string, name: string }>, editHistory: Array<{ id: string, bodyHtml: string, writtenAt: string, replacedAt: string }> } };

export type EditThreadPostMutationVariables = Exact<{
  postId: string | number;
  body: string;
}>;


export type EditThreadPostMutation = { editThreadPost: { id: string, parentId: string | null, threadId: string, body: string, bodyHtml: string, createdAt: string, editedAt: string | null, author: { id: string, name: string, role: Role }, mentions: Array<{ id: string, name: string }>, editHistory: Array<{ id: string, bodyHtml: string, writtenAt: string, replacedAt: string }> } };

export type ResolveThreadMutationVariables = Exact<{
  threadId: string | number;
}>;


export type ResolveThreadMutation = { resolveThread: { id: string, resolvedAt: string | null } };

export type ReopenThreadMutationVariables = Exact<{
  threadId: string | number;
}>;


export type ReopenThreadMutation = { reopenThread: { id: string, resolvedAt: string | null } };

export type SetThreadFollowStateMutationVariables = Exact<{
  threadId: string | number;
  state: FollowState;
}>;


export type SetThreadFollowStateMutation = { setThreadFollowState: FollowState };

export type PatientTimelineQueryVariables = Exact<{
  patientId: string | number;
  kinds?: Array<EventKind> | EventKind | null | undefined;
  before?: string | null | undefined;
  first: number;
}>;


export type PatientTimelineQuery = { timeline: { nodes: Array<{ seq: string, kind: EventKind, actorName: string | null, createdAt: string, payload: Record<string, unknown> }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type PatientEventsLiveSubscriptionVariables = Exact<{
  patientId: string | number;
  after?: string | null | undefined;
}>;


export type PatientEventsLiveSubscription = { patientEvents: { seq: string, kind: EventKind, actorName: string | null, createdAt: string, payload: Record<string, unknown> } };

export const CurrentUserFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CurrentUser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CurrentUserFragment, unknown>;
export const CarePlanPresenceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanPresenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanPresence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"activity"}}]}}]} as unknown as DocumentNode<CarePlanPresenceFieldsFragment, unknown>;
export const CarePlanViewFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatMatters"}},{"kind":"Field","name":{"kind":"Name","value":"whatMattersRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insert"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"why"}},{"kind":"Field","name":{"kind":"Name","value":"measure"}},{"kind":"Field","name":{"kind":"Name","value":"targetDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningSigns"}},{"kind":"Field","name":{"kind":"Name","value":"whatHelps"}},{"kind":"Field","name":{"kind":"Name","value":"whatToAvoid"}},{"kind":"Field","name":{"kind":"Name","value":"whoToContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medication"}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerId"}}]}}]}}]} as unknown as DocumentNode<CarePlanViewFieldsFragment, unknown>;
export const CarePlanSignOffFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanSignOffFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanSignOff"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"signedById"}},{"kind":"Field","name":{"kind":"Name","value":"signedByName"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"agreedOn"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"view"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanViewFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatMatters"}},{"kind":"Field","name":{"kind":"Name","value":"whatMattersRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insert"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"why"}},{"kind":"Field","name":{"kind":"Name","value":"measure"}},{"kind":"Field","name":{"kind":"Name","value":"targetDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningSigns"}},{"kind":"Field","name":{"kind":"Name","value":"whatHelps"}},{"kind":"Field","name":{"kind":"Name","value":"whatToAvoid"}},{"kind":"Field","name":{"kind":"Name","value":"whoToContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medication"}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerId"}}]}}]}}]} as unknown as DocumentNode<CarePlanSignOffFieldsFragment, unknown>;
export const InvitationRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InvitationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Invitation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusAt"}},{"kind":"Field","name":{"kind":"Name","value":"remindedAt"}},{"kind":"Field","name":{"kind":"Name","value":"referralId"}},{"kind":"Field","name":{"kind":"Name","value":"sentBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statusBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]} as unknown as DocumentNode<InvitationRowFragment, unknown>;
export const HandoverPersonFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverPerson"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]} as unknown as DocumentNode<HandoverPersonFragment, unknown>;
export const HandoverNoteFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverNoteFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HandoverNote"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"advice"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgementReply"}},{"kind":"Field","name":{"kind":"Name","value":"escalatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverPerson"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]} as unknown as DocumentNode<HandoverNoteFieldsFragment, unknown>;
export const MedicationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MedicationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Medication"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"medicineClass"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"strength"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"doseUnit"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"frequencyWords"}},{"kind":"Field","name":{"kind":"Name","value":"asNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"patchChangeHours"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"omeWords"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopReason"}},{"kind":"Field","name":{"kind":"Name","value":"prescriber"}}]}}]} as unknown as DocumentNode<MedicationFieldsFragment, unknown>;
export const ProposalFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<ProposalFieldsFragment, unknown>;
export const NotificationItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<NotificationItemFragment, unknown>;
export const DashboardFigureFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardFigureFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardFigure"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"n"}}]}}]} as unknown as DocumentNode<DashboardFigureFieldsFragment, unknown>;
export const DashboardRowFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardRowFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardRowType"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"patients"}},{"kind":"Field","name":{"kind":"Name","value":"referred"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"discharged"}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangePoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangePercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangeOfMeansPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqMeaningfulPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"confidenceChangePoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"confidenceChangePercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"noGpVisitPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardFigureFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardFigure"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"n"}}]}}]} as unknown as DocumentNode<DashboardRowFieldsFragment, unknown>;
export const OutcomeChangeFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OutcomeChangeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OutcomeChange"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"meaningful"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"beyondMinimalDetectableChange"}}]}}]} as unknown as DocumentNode<OutcomeChangeFieldsFragment, unknown>;
export const PainCafeFillFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PainCafeFill"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PainCafe"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"venue"}},{"kind":"Field","name":{"kind":"Name","value":"onlineLink"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"registeredCount"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistCount"}},{"kind":"Field","name":{"kind":"Name","value":"invitedCount"}},{"kind":"Field","name":{"kind":"Name","value":"placesLeft"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCanManage"}}]}}]} as unknown as DocumentNode<PainCafeFillFragment, unknown>;
export const ReferralSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<ReferralSummaryFragment, unknown>;
export const SessionFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<SessionFieldsFragment, unknown>;
export const SessionDetailFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<SessionDetailFieldsFragment, unknown>;
export const CadenceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CadenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CadenceSuggestion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interval"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedDate"}}]}}]} as unknown as DocumentNode<CadenceFieldsFragment, unknown>;
export const ThreadPostFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ThreadPostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ThreadPost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"threadId"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"editedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"editHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"writtenAt"}},{"kind":"Field","name":{"kind":"Name","value":"replacedAt"}}]}}]}}]} as unknown as DocumentNode<ThreadPostFieldsFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CurrentUser"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CurrentUser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const SignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CurrentUser"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CurrentUser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const SignOutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOut"}}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const SignOutEverywhereDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOutEverywhere"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOutEverywhere"}}]}}]} as unknown as DocumentNode<SignOutEverywhereMutation, SignOutEverywhereMutationVariables>;
export const CarePlanHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CarePlanHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanRevisions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"fromSeq"}},{"kind":"Field","name":{"kind":"Name","value":"authors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"updateCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updateCount"}},{"kind":"Field","name":{"kind":"Name","value":"sections"}},{"kind":"Field","name":{"kind":"Name","value":"signedOff"}}]}}]}}]} as unknown as DocumentNode<CarePlanHistoryQuery, CarePlanHistoryQueryVariables>;
export const CarePlanAtDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CarePlanAt"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"seq"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanAt"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"seq"},"value":{"kind":"Variable","name":{"kind":"Name","value":"seq"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"view"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanViewFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatMatters"}},{"kind":"Field","name":{"kind":"Name","value":"whatMattersRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insert"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"why"}},{"kind":"Field","name":{"kind":"Name","value":"measure"}},{"kind":"Field","name":{"kind":"Name","value":"targetDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningSigns"}},{"kind":"Field","name":{"kind":"Name","value":"whatHelps"}},{"kind":"Field","name":{"kind":"Name","value":"whatToAvoid"}},{"kind":"Field","name":{"kind":"Name","value":"whoToContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medication"}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerId"}}]}}]}}]} as unknown as DocumentNode<CarePlanAtQuery, CarePlanAtQueryVariables>;
export const CarePlanDiffDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CarePlanDiff"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fromSeq"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"toSeq"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanDiff"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"fromSeq"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fromSeq"}}},{"kind":"Argument","name":{"kind":"Name","value":"toSeq"},"value":{"kind":"Variable","name":{"kind":"Name","value":"toSeq"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"before"}},{"kind":"Field","name":{"kind":"Name","value":"after"}},{"kind":"Field","name":{"kind":"Name","value":"added"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}},{"kind":"Field","name":{"kind":"Name","value":"modified"}},{"kind":"Field","name":{"kind":"Name","value":"changes"}}]}}]}}]} as unknown as DocumentNode<CarePlanDiffQuery, CarePlanDiffQueryVariables>;
export const RestoreCarePlanRevisionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestoreCarePlanRevision"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"seq"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientUpdateId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreCarePlanRevision"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"seq"},"value":{"kind":"Variable","name":{"kind":"Name","value":"seq"}}},{"kind":"Argument","name":{"kind":"Name","value":"clientUpdateId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientUpdateId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"clientUpdateId"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}}]}}]}}]} as unknown as DocumentNode<RestoreCarePlanRevisionMutation, RestoreCarePlanRevisionMutationVariables>;
export const CarePlanSignOffsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CarePlanSignOffs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanSignOffs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanSignOffFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatMatters"}},{"kind":"Field","name":{"kind":"Name","value":"whatMattersRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insert"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"why"}},{"kind":"Field","name":{"kind":"Name","value":"measure"}},{"kind":"Field","name":{"kind":"Name","value":"targetDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningSigns"}},{"kind":"Field","name":{"kind":"Name","value":"whatHelps"}},{"kind":"Field","name":{"kind":"Name","value":"whatToAvoid"}},{"kind":"Field","name":{"kind":"Name","value":"whoToContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medication"}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerId"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanSignOffFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanSignOff"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"signedById"}},{"kind":"Field","name":{"kind":"Name","value":"signedByName"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"agreedOn"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"view"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanViewFields"}}]}}]}}]} as unknown as DocumentNode<CarePlanSignOffsQuery, CarePlanSignOffsQueryVariables>;
export const SignOffCarePlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOffCarePlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agreedOn"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"note"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOffCarePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"agreedOn"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agreedOn"}}},{"kind":"Argument","name":{"kind":"Name","value":"note"},"value":{"kind":"Variable","name":{"kind":"Name","value":"note"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanSignOffFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatMatters"}},{"kind":"Field","name":{"kind":"Name","value":"whatMattersRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insert"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"why"}},{"kind":"Field","name":{"kind":"Name","value":"measure"}},{"kind":"Field","name":{"kind":"Name","value":"targetDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedBy"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningSigns"}},{"kind":"Field","name":{"kind":"Name","value":"whatHelps"}},{"kind":"Field","name":{"kind":"Name","value":"whatToAvoid"}},{"kind":"Field","name":{"kind":"Name","value":"whoToContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medication"}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerId"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanSignOffFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanSignOff"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"signedById"}},{"kind":"Field","name":{"kind":"Name","value":"signedByName"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"agreedOn"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"view"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanViewFields"}}]}}]}}]} as unknown as DocumentNode<SignOffCarePlanMutation, SignOffCarePlanMutationVariables>;
export const CarePlanHeartbeatDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CarePlanHeartbeat"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"section"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanSection"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activity"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PresenceActivity"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanPresence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"section"},"value":{"kind":"Variable","name":{"kind":"Name","value":"section"}}},{"kind":"Argument","name":{"kind":"Name","value":"activity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activity"}}},{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanPresenceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanPresenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanPresence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"activity"}}]}}]} as unknown as DocumentNode<CarePlanHeartbeatMutation, CarePlanHeartbeatMutationVariables>;
export const LeaveCarePlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LeaveCarePlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaveCarePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}]}]}}]} as unknown as DocumentNode<LeaveCarePlanMutation, LeaveCarePlanMutationVariables>;
export const CarePlanPresenceChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CarePlanPresenceChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanPresenceChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CarePlanPresenceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CarePlanPresenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CarePlanPresence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"activity"}}]}}]} as unknown as DocumentNode<CarePlanPresenceChangedSubscription, CarePlanPresenceChangedSubscriptionVariables>;
export const CarePlanEditorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CarePlanEditor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"stateVector"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<CarePlanEditorQuery, CarePlanEditorQueryVariables>;
export const ApplyCarePlanUpdateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApplyCarePlanUpdate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"update"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientUpdateId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applyCarePlanUpdate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"update"},"value":{"kind":"Variable","name":{"kind":"Name","value":"update"}}},{"kind":"Argument","name":{"kind":"Name","value":"clientUpdateId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientUpdateId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"clientUpdateId"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}}]}}]}}]} as unknown as DocumentNode<ApplyCarePlanUpdateMutation, ApplyCarePlanUpdateMutationVariables>;
export const CarePlanUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CarePlanUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stateVector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlanUpdates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"stateVector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stateVector"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"update"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"authorName"}},{"kind":"Field","name":{"kind":"Name","value":"clientUpdateId"}}]}}]}}]} as unknown as DocumentNode<CarePlanUpdatesSubscription, CarePlanUpdatesSubscriptionVariables>;
export const StrategySuggestionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StrategySuggestions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activationLevel"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"category"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"StrategyCategory"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategySuggestions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"activationLevel"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activationLevel"}}},{"kind":"Argument","name":{"kind":"Name","value":"category"},"value":{"kind":"Variable","name":{"kind":"Name","value":"category"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"howOften"}},{"kind":"Field","name":{"kind":"Name","value":"levels"}}]}}]}}]} as unknown as DocumentNode<StrategySuggestionsQuery, StrategySuggestionsQueryVariables>;
export const CaseFindingHomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CaseFindingHome"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myCaseSearches"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"caseCriterionKinds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditionOptions"}},{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<CaseFindingHomeQuery, CaseFindingHomeQueryVariables>;
export const CaseSearchViewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CaseSearchView"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseSearch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"criteria"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}}]}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastContactAt"}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"invitation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"invitations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"InvitationRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InvitationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Invitation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusAt"}},{"kind":"Field","name":{"kind":"Name","value":"remindedAt"}},{"kind":"Field","name":{"kind":"Name","value":"referralId"}},{"kind":"Field","name":{"kind":"Name","value":"sentBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statusBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]} as unknown as DocumentNode<CaseSearchViewQuery, CaseSearchViewQueryVariables>;
export const SaveCaseSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SaveCaseSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SaveCaseSearchInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"saveCaseSearch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<SaveCaseSearchMutation, SaveCaseSearchMutationVariables>;
export const InvitePatientsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InvitePatients"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InvitePatientsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invitePatients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"InvitationRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InvitationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Invitation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusAt"}},{"kind":"Field","name":{"kind":"Name","value":"remindedAt"}},{"kind":"Field","name":{"kind":"Name","value":"referralId"}},{"kind":"Field","name":{"kind":"Name","value":"sentBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statusBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]} as unknown as DocumentNode<InvitePatientsMutation, InvitePatientsMutationVariables>;
export const AnswerInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AnswerInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AnswerInvitationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"answerInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"InvitationRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InvitationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Invitation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusAt"}},{"kind":"Field","name":{"kind":"Name","value":"remindedAt"}},{"kind":"Field","name":{"kind":"Name","value":"referralId"}},{"kind":"Field","name":{"kind":"Name","value":"sentBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statusBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]} as unknown as DocumentNode<AnswerInvitationMutation, AnswerInvitationMutationVariables>;
export const CaseloadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Caseload"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PatientFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PatientSort"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextReviewDate"}},{"kind":"Field","name":{"kind":"Name","value":"lead"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CaseloadQuery, CaseloadQueryVariables>;
export const CaseloadFilterOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CaseloadFilterOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conditionOptions"}},{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<CaseloadFilterOptionsQuery, CaseloadFilterOptionsQueryVariables>;
export const PatientHandoversDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientHandovers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientHandovers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverNoteFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverPerson"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverNoteFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HandoverNote"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"advice"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgementReply"}},{"kind":"Field","name":{"kind":"Name","value":"escalatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}}]}}]}}]} as unknown as DocumentNode<PatientHandoversQuery, PatientHandoversQueryVariables>;
export const HandoverInboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HandoverInbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"includeDone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"handoversAwaitingMyAcknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"escalatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"myHandoverActions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"includeDone"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"handover"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]}}]}}]} as unknown as DocumentNode<HandoverInboxQuery, HandoverInboxQueryVariables>;
export const PostHandoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PostHandover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PostHandoverInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"postHandover"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverNoteFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverPerson"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverNoteFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HandoverNote"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"advice"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgementReply"}},{"kind":"Field","name":{"kind":"Name","value":"escalatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}}]}}]}}]} as unknown as DocumentNode<PostHandoverMutation, PostHandoverMutationVariables>;
export const AddHandoverAddendumDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddHandoverAddendum"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"handoverId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addHandoverAddendum"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"handoverId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"handoverId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AddHandoverAddendumMutation, AddHandoverAddendumMutationVariables>;
export const AcknowledgeHandoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcknowledgeHandover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"handoverId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reply"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acknowledgeHandover"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"handoverId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"handoverId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reply"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reply"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverNoteFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverPerson"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HandoverNoteFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"HandoverNote"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sourceService"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"advice"}},{"kind":"Field","name":{"kind":"Name","value":"urgency"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgementReply"}},{"kind":"Field","name":{"kind":"Name","value":"escalatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HandoverPerson"}}]}}]}}]}}]} as unknown as DocumentNode<AcknowledgeHandoverMutation, AcknowledgeHandoverMutationVariables>;
export const HandoverEscalationTimingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HandoverEscalationTimings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"handoverEscalationTimings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"urgentEscalationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"soonEscalationWorkingDays"}}]}}]}}]} as unknown as DocumentNode<HandoverEscalationTimingsQuery, HandoverEscalationTimingsQueryVariables>;
export const MarkHandoverActionDoneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkHandoverActionDone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markHandoverActionDone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"actionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"doneAt"}},{"kind":"Field","name":{"kind":"Name","value":"doneBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<MarkHandoverActionDoneMutation, MarkHandoverActionDoneMutationVariables>;
export const IndicatorScopesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IndicatorScopes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicatorScopes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<IndicatorScopesQuery, IndicatorScopesQueryVariables>;
export const PrescribingIndicatorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrescribingIndicators"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"practiceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pcnId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"months"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"prescribingIndicators"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"practiceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"practiceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"pcnId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pcnId"}}},{"kind":"Argument","name":{"kind":"Name","value":"months"},"value":{"kind":"Variable","name":{"kind":"Name","value":"months"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scopeName"}},{"kind":"Field","name":{"kind":"Name","value":"highDoseThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"csv"}},{"kind":"Field","name":{"kind":"Name","value":"months"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"registeredPatients"}},{"kind":"Field","name":{"kind":"Name","value":"onOpioid"}},{"kind":"Field","name":{"kind":"Name","value":"onHighDoseOpioid"}},{"kind":"Field","name":{"kind":"Name","value":"opioidWithGabapentinoid"}},{"kind":"Field","name":{"kind":"Name","value":"opioid3To6Months"}},{"kind":"Field","name":{"kind":"Name","value":"opioidOver12Months"}},{"kind":"Field","name":{"kind":"Name","value":"omePer1000"}},{"kind":"Field","name":{"kind":"Name","value":"highDoseItemShare"}},{"kind":"Field","name":{"kind":"Name","value":"gabapentinoidDddPer1000"}},{"kind":"Field","name":{"kind":"Name","value":"reviewsDone"}},{"kind":"Field","name":{"kind":"Name","value":"patientsReduced"}},{"kind":"Field","name":{"kind":"Name","value":"omeBeforeReductions"}},{"kind":"Field","name":{"kind":"Name","value":"omeAfterReductions"}}]}}]}}]}}]} as unknown as DocumentNode<PrescribingIndicatorsQuery, PrescribingIndicatorsQueryVariables>;
export const PatientMedicationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientMedication"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientMedication"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"totalOmeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"omeWords"}},{"kind":"Field","name":{"kind":"Name","value":"omeSource"}},{"kind":"Field","name":{"kind":"Name","value":"highDoseThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"nextReviewDue"}},{"kind":"Field","name":{"kind":"Name","value":"flags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"current"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MedicationFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stopped"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MedicationFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"proposals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MedicationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Medication"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"medicineClass"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"strength"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"doseUnit"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"frequencyWords"}},{"kind":"Field","name":{"kind":"Name","value":"asNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"patchChangeHours"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"omeWords"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopReason"}},{"kind":"Field","name":{"kind":"Name","value":"prescriber"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<PatientMedicationQuery, PatientMedicationQueryVariables>;
export const MedicineCatalogueDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MedicineCatalogue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"medicineCatalogue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"medicineClass"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"forms"}},{"kind":"Field","name":{"kind":"Name","value":"doseUnit"}},{"kind":"Field","name":{"kind":"Name","value":"conversion"}},{"kind":"Field","name":{"kind":"Name","value":"patchChangeHours"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medicationFlagRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}}]}}]}}]} as unknown as DocumentNode<MedicineCatalogueQuery, MedicineCatalogueQueryVariables>;
export const AddMedicationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddMedication"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddMedicationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addMedication"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MedicationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MedicationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Medication"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"medicineClass"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"strength"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"doseUnit"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"frequencyWords"}},{"kind":"Field","name":{"kind":"Name","value":"asNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"patchChangeHours"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"omeWords"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopReason"}},{"kind":"Field","name":{"kind":"Name","value":"prescriber"}}]}}]} as unknown as DocumentNode<AddMedicationMutation, AddMedicationMutationVariables>;
export const StopMedicationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopMedication"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StopMedicationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopMedication"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MedicationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MedicationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Medication"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"medicineClass"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"form"}},{"kind":"Field","name":{"kind":"Name","value":"strength"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"doseUnit"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"frequencyWords"}},{"kind":"Field","name":{"kind":"Name","value":"asNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"patchChangeHours"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"omeWords"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopDate"}},{"kind":"Field","name":{"kind":"Name","value":"stopReason"}},{"kind":"Field","name":{"kind":"Name","value":"prescriber"}}]}}]} as unknown as DocumentNode<StopMedicationMutation, StopMedicationMutationVariables>;
export const ProposeMedicationChangeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ProposeMedicationChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ProposeMedicationChangeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"proposeMedicationChange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<ProposeMedicationChangeMutation, ProposeMedicationChangeMutationVariables>;
export const DecideMedicationChangeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DecideMedicationChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecideMedicationChangeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decideMedicationChange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<DecideMedicationChangeMutation, DecideMedicationChangeMutationVariables>;
export const RecordPatientAgreementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordPatientAgreement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"note"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordPatientAgreement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"proposalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}}},{"kind":"Argument","name":{"kind":"Name","value":"note"},"value":{"kind":"Variable","name":{"kind":"Name","value":"note"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<RecordPatientAgreementMutation, RecordPatientAgreementMutationVariables>;
export const PauseTaperDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PauseTaper"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pauseTaper"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"proposalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<PauseTaperMutation, PauseTaperMutationVariables>;
export const ResumeTaperDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResumeTaper"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resumeTaper"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"proposalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"proposalId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProposalFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProposalFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MedicationProposal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"medicationId"}},{"kind":"Field","name":{"kind":"Name","value":"medicineCode"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionComment"}},{"kind":"Field","name":{"kind":"Name","value":"amended"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreedAt"}},{"kind":"Field","name":{"kind":"Name","value":"patientAgreementNote"}},{"kind":"Field","name":{"kind":"Name","value":"pauseReason"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"dose"}},{"kind":"Field","name":{"kind":"Name","value":"words"}},{"kind":"Field","name":{"kind":"Name","value":"omeMgPerDay"}},{"kind":"Field","name":{"kind":"Name","value":"increases"}}]}}]}}]} as unknown as DocumentNode<ResumeTaperMutation, ResumeTaperMutationVariables>;
export const RecordMedicationReviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordMedicationReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordMedicationReviewInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordMedicationReview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reviewedOn"}},{"kind":"Field","name":{"kind":"Name","value":"nextReviewDue"}},{"kind":"Field","name":{"kind":"Name","value":"omeAtReview"}}]}}]}}]} as unknown as DocumentNode<RecordMedicationReviewMutation, RecordMedicationReviewMutationVariables>;
export const MedicationWorklistsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MedicationWorklists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"medicationChangesAwaitingMyApproval"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"medicineName"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"medicationReviewsDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextReviewDue"}},{"kind":"Field","name":{"kind":"Name","value":"lastReviewedOn"}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<MedicationWorklistsQuery, MedicationWorklistsQueryVariables>;
export const NotificationsPanelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotificationsPanel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadNotificationCount"}},{"kind":"Field","name":{"kind":"Name","value":"myNotifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<NotificationsPanelQuery, NotificationsPanelQueryVariables>;
export const MarkNotificationReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkNotificationRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markNotificationRead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<MarkNotificationReadMutation, MarkNotificationReadMutationVariables>;
export const MarkAllNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkAllNotificationsRead"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markAllNotificationsRead"}}]}}]} as unknown as DocumentNode<MarkAllNotificationsReadMutation, MarkAllNotificationsReadMutationVariables>;
export const LiveNotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveNotifications"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<LiveNotificationsSubscription, LiveNotificationsSubscriptionVariables>;
export const ServiceDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardFilterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceDashboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardRowFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardRowFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"definitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"term"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardFigureFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardFigure"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"n"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardRowFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardRowType"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"patients"}},{"kind":"Field","name":{"kind":"Name","value":"referred"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"discharged"}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangePoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangePercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqChangeOfMeansPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pseqMeaningfulPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"confidenceChangePoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"confidenceChangePercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"noGpVisitPercent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigureFields"}}]}}]}}]} as unknown as DocumentNode<ServiceDashboardQuery, ServiceDashboardQueryVariables>;
export const ServiceDashboardCsvDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceDashboardCsv"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardFilterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceDashboardCsv"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}]}]}}]} as unknown as DocumentNode<ServiceDashboardCsvQuery, ServiceDashboardCsvQueryVariables>;
export const OutcomeInstrumentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OutcomeInstruments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"outcomeInstruments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"shortName"}},{"kind":"Field","name":{"kind":"Name","value":"citation"}},{"kind":"Field","name":{"kind":"Name","value":"instructions"}},{"kind":"Field","name":{"kind":"Name","value":"scoreMin"}},{"kind":"Field","name":{"kind":"Name","value":"scoreMax"}},{"kind":"Field","name":{"kind":"Name","value":"higherIsBetter"}},{"kind":"Field","name":{"kind":"Name","value":"patientCompletable"}},{"kind":"Field","name":{"kind":"Name","value":"minimalDetectableChange"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"decimals"}},{"kind":"Field","name":{"kind":"Name","value":"minLabel"}},{"kind":"Field","name":{"kind":"Name","value":"maxLabel"}},{"kind":"Field","name":{"kind":"Name","value":"options"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}}]}},{"kind":"Field","name":{"kind":"Name","value":"meaningfulChange"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"minPoints"}},{"kind":"Field","name":{"kind":"Name","value":"requireBandChange"}},{"kind":"Field","name":{"kind":"Name","value":"minPercent"}}]}}]}}]}}]} as unknown as DocumentNode<OutcomeInstrumentsQuery, OutcomeInstrumentsQueryVariables>;
export const PatientMeasuresDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientMeasures"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientOutcomes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"instrument"}},{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordId"}},{"kind":"Field","name":{"kind":"Name","value":"measuredOn"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"band"}},{"kind":"Field","name":{"kind":"Name","value":"isBaseline"}},{"kind":"Field","name":{"kind":"Name","value":"completedBy"}},{"kind":"Field","name":{"kind":"Name","value":"fromPseq10"}},{"kind":"Field","name":{"kind":"Name","value":"change"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OutcomeChangeFields"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"outcomeRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instrument"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"measuredOn"}},{"kind":"Field","name":{"kind":"Name","value":"completedBy"}},{"kind":"Field","name":{"kind":"Name","value":"supersedesId"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OutcomeChangeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OutcomeChange"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"meaningful"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"beyondMinimalDetectableChange"}}]}}]} as unknown as DocumentNode<PatientMeasuresQuery, PatientMeasuresQueryVariables>;
export const OutcomeRecordDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OutcomeRecordDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"outcomeRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instrument"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"pseq2"}},{"kind":"Field","name":{"kind":"Name","value":"band"}},{"kind":"Field","name":{"kind":"Name","value":"measuredOn"}},{"kind":"Field","name":{"kind":"Name","value":"periodFrom"}},{"kind":"Field","name":{"kind":"Name","value":"periodTo"}},{"kind":"Field","name":{"kind":"Name","value":"gpSource"}},{"kind":"Field","name":{"kind":"Name","value":"completedBy"}},{"kind":"Field","name":{"kind":"Name","value":"supersedesId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"answer"}},{"kind":"Field","name":{"kind":"Name","value":"answerLabel"}}]}}]}}]}}]} as unknown as DocumentNode<OutcomeRecordDetailQuery, OutcomeRecordDetailQueryVariables>;
export const RecordOutcomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordOutcome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordOutcomeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordOutcome"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"score"}}]}}]}}]} as unknown as DocumentNode<RecordOutcomeMutation, RecordOutcomeMutationVariables>;
export const QuestionnaireLinkStateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"QuestionnaireLinkState"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"questionnaireLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}]}]}}]} as unknown as DocumentNode<QuestionnaireLinkStateQuery, QuestionnaireLinkStateQueryVariables>;
export const OpenQuestionnaireDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"OpenQuestionnaire"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dateOfBirth"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openQuestionnaire"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"dateOfBirth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dateOfBirth"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"instruments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"shortName"}},{"kind":"Field","name":{"kind":"Name","value":"instructions"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"decimals"}},{"kind":"Field","name":{"kind":"Name","value":"minLabel"}},{"kind":"Field","name":{"kind":"Name","value":"maxLabel"}},{"kind":"Field","name":{"kind":"Name","value":"options"}}]}}]}}]}}]}}]} as unknown as DocumentNode<OpenQuestionnaireMutation, OpenQuestionnaireMutationVariables>;
export const SubmitQuestionnaireDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitQuestionnaire"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dateOfBirth"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"responses"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PatientResponseInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitQuestionnaire"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"dateOfBirth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dateOfBirth"}}},{"kind":"Argument","name":{"kind":"Name","value":"responses"},"value":{"kind":"Variable","name":{"kind":"Name","value":"responses"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}}]}}]}}]} as unknown as DocumentNode<SubmitQuestionnaireMutation, SubmitQuestionnaireMutationVariables>;
export const SendQuestionnaireDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendQuestionnaire"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendQuestionnaireInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendQuestionnaire"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instruments"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]} as unknown as DocumentNode<SendQuestionnaireMutation, SendQuestionnaireMutationVariables>;
export const QuestionnaireRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"QuestionnaireRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"questionnaireRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instruments"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<QuestionnaireRequestsQuery, QuestionnaireRequestsQueryVariables>;
export const PainCafesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PainCafes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"canArrangePainCafes"}},{"kind":"Field","alias":{"kind":"Name","value":"upcoming"},"name":{"kind":"Name","value":"painCafes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"timeframe"},"value":{"kind":"EnumValue","value":"UPCOMING"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PainCafeFill"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"past"},"name":{"kind":"Name","value":"painCafes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"timeframe"},"value":{"kind":"EnumValue","value":"PAST"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PainCafeFill"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PainCafeFill"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PainCafe"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"venue"}},{"kind":"Field","name":{"kind":"Name","value":"onlineLink"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"registeredCount"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistCount"}},{"kind":"Field","name":{"kind":"Name","value":"invitedCount"}},{"kind":"Field","name":{"kind":"Name","value":"placesLeft"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCanManage"}}]}}]} as unknown as DocumentNode<PainCafesQuery, PainCafesQueryVariables>;
export const PainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"painCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PainCafeFill"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"facilitators"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"places"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistPosition"}},{"kind":"Field","name":{"kind":"Name","value":"attendance"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"offeredPlaceAt"}},{"kind":"Field","name":{"kind":"Name","value":"cancelledAt"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"manageCafePlaces"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PainCafeFill"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PainCafe"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"venue"}},{"kind":"Field","name":{"kind":"Name","value":"onlineLink"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"registeredCount"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistCount"}},{"kind":"Field","name":{"kind":"Name","value":"invitedCount"}},{"kind":"Field","name":{"kind":"Name","value":"placesLeft"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCanManage"}}]}}]} as unknown as DocumentNode<PainCafeQuery, PainCafeQueryVariables>;
export const PainCafeFacilitatorOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PainCafeFacilitatorOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"painCafeFacilitatorOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<PainCafeFacilitatorOptionsQuery, PainCafeFacilitatorOptionsQueryVariables>;
export const PainCafePatientSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PainCafePatientSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"manageCafePlaces"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PainCafePatientSearchQuery, PainCafePatientSearchQueryVariables>;
export const CreatePainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PainCafeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPainCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreatePainCafeMutation, CreatePainCafeMutationVariables>;
export const CancelPainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPainCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cafeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<CancelPainCafeMutation, CancelPainCafeMutationVariables>;
export const RegisterPatientForPainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterPatientForPainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerPatientForPainCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cafeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistPosition"}}]}}]}}]} as unknown as DocumentNode<RegisterPatientForPainCafeMutation, RegisterPatientForPainCafeMutationVariables>;
export const InvitePatientToPainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InvitePatientToPainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invitePatientToPainCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cafeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cafeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<InvitePatientToPainCafeMutation, InvitePatientToPainCafeMutationVariables>;
export const CancelPainCafePlaceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPainCafePlace"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"registrationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPainCafePlace"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"registrationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"registrationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<CancelPainCafePlaceMutation, CancelPainCafePlaceMutationVariables>;
export const RecordPainCafeAttendanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordPainCafeAttendance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PainCafeAttendanceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordPainCafeAttendance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"attendance"}}]}}]}}]} as unknown as DocumentNode<RecordPainCafeAttendanceMutation, RecordPainCafeAttendanceMutationVariables>;
export const PatientPainCafesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientPainCafes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"painCafes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attendance"}},{"kind":"Field","name":{"kind":"Name","value":"waitlistPosition"}},{"kind":"Field","name":{"kind":"Name","value":"cafe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PatientPainCafesQuery, PatientPainCafesQueryVariables>;
export const UpdatePainCafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePainCafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePainCafeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePainCafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<UpdatePainCafeMutation, UpdatePainCafeMutationVariables>;
export const ViewerMayDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ViewerMay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewerMay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPatient"}}]}}]}}]} as unknown as DocumentNode<ViewerMayQuery, ViewerMayQueryVariables>;
export const AddPatientOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AddPatientOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conditionOptions"}},{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<AddPatientOptionsQuery, AddPatientOptionsQueryVariables>;
export const CreatePatientDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePatient"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePatientInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPatient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CreatePatientMutation, CreatePatientMutationVariables>;
export const UpdatePatientDemographicsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePatientDemographics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePatientDemographicsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePatientDemographics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"familyName"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumber"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"dateOfBirth"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<UpdatePatientDemographicsMutation, UpdatePatientDemographicsMutationVariables>;
export const SetPatientStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetPatientStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PatientStatus"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPatientStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<SetPatientStatusMutation, SetPatientStatusMutationVariables>;
export const ColleagueSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ColleagueSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"colleagues"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ColleagueSearchQuery, ColleagueSearchQueryVariables>;
export const AddCareTeamMemberDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddCareTeamMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"teamRole"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addCareTeamMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"teamRole"},"value":{"kind":"Variable","name":{"kind":"Name","value":"teamRole"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"teamRole"}},{"kind":"Field","name":{"kind":"Name","value":"isLead"}}]}}]}}]} as unknown as DocumentNode<AddCareTeamMemberMutation, AddCareTeamMemberMutationVariables>;
export const RemoveCareTeamMemberDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveCareTeamMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeCareTeamMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RemoveCareTeamMemberMutation, RemoveCareTeamMemberMutationVariables>;
export const SetCareTeamLeadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetCareTeamLead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setCareTeamLead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isLead"}}]}}]}}]} as unknown as DocumentNode<SetCareTeamLeadMutation, SetCareTeamLeadMutationVariables>;
export const PatientWorkspaceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientWorkspace"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"familyName"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumber"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"dateOfBirth"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevelSetAt"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePatient"}},{"kind":"Field","name":{"kind":"Name","value":"manageCareTeam"}},{"kind":"Field","name":{"kind":"Name","value":"editCarePlan"}},{"kind":"Field","name":{"kind":"Name","value":"postHandover"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgeHandover"}},{"kind":"Field","name":{"kind":"Name","value":"completeOwnHandoverAction"}},{"kind":"Field","name":{"kind":"Name","value":"completeHandoverAction"}},{"kind":"Field","name":{"kind":"Name","value":"discuss"}},{"kind":"Field","name":{"kind":"Name","value":"recordOutcome"}},{"kind":"Field","name":{"kind":"Name","value":"manageMedications"}},{"kind":"Field","name":{"kind":"Name","value":"proposeMedicationChange"}},{"kind":"Field","name":{"kind":"Name","value":"decideMedicationChange"}},{"kind":"Field","name":{"kind":"Name","value":"viewReferrals"}},{"kind":"Field","name":{"kind":"Name","value":"refer"}},{"kind":"Field","name":{"kind":"Name","value":"bookSession"}},{"kind":"Field","name":{"kind":"Name","value":"recordSession"}},{"kind":"Field","name":{"kind":"Name","value":"dischargePatient"}},{"kind":"Field","name":{"kind":"Name","value":"editPatientDetails"}},{"kind":"Field","name":{"kind":"Name","value":"changePatientStatus"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statusChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"allowed"}},{"kind":"Field","name":{"kind":"Name","value":"why"}}]}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"careTeam"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"teamRole"}},{"kind":"Field","name":{"kind":"Name","value":"isLead"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PatientWorkspaceQuery, PatientWorkspaceQueryVariables>;
export const SetPatientActivationLevelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetPatientActivationLevel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"level"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPatientActivationLevel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"level"},"value":{"kind":"Variable","name":{"kind":"Name","value":"level"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevelSetAt"}}]}}]}}]} as unknown as DocumentNode<SetPatientActivationLevelMutation, SetPatientActivationLevelMutationVariables>;
export const ReferralWaitingListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReferralWaitingList"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"referralWaitingList"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"breachWeeks"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"waitedWorkingDays"}},{"kind":"Field","name":{"kind":"Name","value":"waitedWeeks"}},{"kind":"Field","name":{"kind":"Name","value":"breachOn"}},{"kind":"Field","name":{"kind":"Name","value":"breached"}},{"kind":"Field","name":{"kind":"Name","value":"referral"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReferralSummary"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<ReferralWaitingListQuery, ReferralWaitingListQueryVariables>;
export const MyReferralsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyReferrals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myReferrals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReferralSummary"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<MyReferralsQuery, MyReferralsQueryVariables>;
export const PcnCoachesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PcnCoaches"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"colleagues"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<PcnCoachesQuery, PcnCoachesQueryVariables>;
export const TriageReferralDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TriageReferral"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TriageReferralInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReferralSummary"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<TriageReferralMutation, TriageReferralMutationVariables>;
export const ReferralFormOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReferralFormOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conditionOptions"}},{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<ReferralFormOptionsQuery, ReferralFormOptionsQueryVariables>;
export const ReferralPatientSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReferralPatientSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"dateOfBirth"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refer"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReferralPatientSearchQuery, ReferralPatientSearchQueryVariables>;
export const CreateReferralDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateReferral"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateReferralInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createReferral"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReferralSummary"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<CreateReferralMutation, CreateReferralMutationVariables>;
export const PatientReferralsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientReferrals"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientReferrals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReferralSummary"}},{"kind":"Field","name":{"kind":"Name","value":"episodeEndedAt"}},{"kind":"Field","name":{"kind":"Name","value":"firstSeenAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReferralSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Referral"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"wantsHelpWith"}},{"kind":"Field","name":{"kind":"Name","value":"contactMethod"}},{"kind":"Field","name":{"kind":"Name","value":"contactTimes"}},{"kind":"Field","name":{"kind":"Name","value":"interpreterLanguage"}},{"kind":"Field","name":{"kind":"Name","value":"hearingSupport"}},{"kind":"Field","name":{"kind":"Name","value":"largePrint"}},{"kind":"Field","name":{"kind":"Name","value":"accessibilityNotes"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"triagedAt"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"redirectedTo"}},{"kind":"Field","name":{"kind":"Name","value":"referrer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedCoach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"practice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerCan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triageReferral"}},{"kind":"Field","name":{"kind":"Name","value":"read"}}]}}]}}]}}]} as unknown as DocumentNode<PatientReferralsQuery, PatientReferralsQueryVariables>;
export const PatientSessionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientSessions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientSessions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionDetailFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessionCadence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CadenceFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bookableCoaches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patientDischarges"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"signedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CadenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CadenceSuggestion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interval"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedDate"}}]}}]} as unknown as DocumentNode<PatientSessionsQuery, PatientSessionsQueryVariables>;
export const SessionPlanItemsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SessionPlanItems"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"carePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"view"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkIns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"what"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SessionPlanItemsQuery, SessionPlanItemsQueryVariables>;
export const BookSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BookSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bookSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionDetailFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<BookSessionMutation, BookSessionMutationVariables>;
export const RebookSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RebookSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RebookSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rebookSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionDetailFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<RebookSessionMutation, RebookSessionMutationVariables>;
export const CancelSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CancelSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionDetailFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<CancelSessionMutation, CancelSessionMutationVariables>;
export const RecordSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"detail"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionDetailFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cadence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CadenceFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dnaAlert"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CoachingSession"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cancelReason"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"discussed"}},{"kind":"Field","name":{"kind":"Name","value":"nextSteps"}},{"kind":"Field","name":{"kind":"Name","value":"measuresTaken"}},{"kind":"Field","name":{"kind":"Name","value":"flareUp"}},{"kind":"Field","name":{"kind":"Name","value":"activationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionDetail"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"goalReviews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalId"}},{"kind":"Field","name":{"kind":"Name","value":"goalWhat"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"strategiesPractised"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"strategyId"}},{"kind":"Field","name":{"kind":"Name","value":"strategyWhat"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"previousStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"newStartsAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"addenda"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CadenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CadenceSuggestion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interval"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedDate"}}]}}]} as unknown as DocumentNode<RecordSessionMutation, RecordSessionMutationVariables>;
export const AddSessionAddendumDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddSessionAddendum"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addSessionAddendum"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sessionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AddSessionAddendumMutation, AddSessionAddendumMutationVariables>;
export const DischargeDraftDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DischargeDraft"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DischargeReason"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dischargeDraft"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"attended"}},{"kind":"Field","name":{"kind":"Name","value":"dnas"}},{"kind":"Field","name":{"kind":"Name","value":"gpNames"}}]}}]}}]} as unknown as DocumentNode<DischargeDraftQuery, DischargeDraftQueryVariables>;
export const DischargePatientDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DischargePatient"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DischargePatientInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dischargePatient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DischargePatientMutation, DischargePatientMutationVariables>;
export const CoachDiaryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CoachDiary"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"coachId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"date"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"coachDiary"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"coachId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"coachId"}}},{"kind":"Argument","name":{"kind":"Name","value":"date"},"value":{"kind":"Variable","name":{"kind":"Name","value":"date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"today"}},{"kind":"Field","name":{"kind":"Name","value":"weekStart"}},{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"weekSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"patient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nhsNumberFormatted"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CoachDiaryQuery, CoachDiaryQueryVariables>;
export const CoachCapacitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CoachCapacities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"coachCapacities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessionsPerWeek"}},{"kind":"Field","name":{"kind":"Name","value":"caseloadSize"}},{"kind":"Field","name":{"kind":"Name","value":"activeCaseload"}},{"kind":"Field","name":{"kind":"Name","value":"sessionsThisWeek"}},{"kind":"Field","name":{"kind":"Name","value":"sessionsNextWeek"}},{"kind":"Field","name":{"kind":"Name","value":"weekStart"}}]}}]}}]} as unknown as DocumentNode<CoachCapacitiesQuery, CoachCapacitiesQueryVariables>;
export const SetCoachCapacityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetCoachCapacity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetCoachCapacityInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setCoachCapacity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"coach"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessionsPerWeek"}},{"kind":"Field","name":{"kind":"Name","value":"caseloadSize"}}]}}]}}]} as unknown as DocumentNode<SetCoachCapacityMutation, SetCoachCapacityMutationVariables>;
export const PatientThreadsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientThreads"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientThreads"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"topic"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<PatientThreadsQuery, PatientThreadsQueryVariables>;
export const ThreadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Thread"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"thread"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"patientId"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"topic"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myFollowState"}},{"kind":"Field","name":{"kind":"Name","value":"posts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ThreadPostFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ThreadPostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ThreadPost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"threadId"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"editedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"editHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"writtenAt"}},{"kind":"Field","name":{"kind":"Name","value":"replacedAt"}}]}}]}}]} as unknown as DocumentNode<ThreadQuery, ThreadQueryVariables>;
export const StartThreadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartThread"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StartThreadInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startThread"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<StartThreadMutation, StartThreadMutationVariables>;
export const ReplyToThreadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReplyToThread"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"parentPostId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mentions"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replyToThread"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"threadId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}},{"kind":"Argument","name":{"kind":"Name","value":"parentPostId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"parentPostId"}}},{"kind":"Argument","name":{"kind":"Name","value":"mentions"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mentions"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ThreadPostFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ThreadPostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ThreadPost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"threadId"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"editedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"editHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"writtenAt"}},{"kind":"Field","name":{"kind":"Name","value":"replacedAt"}}]}}]}}]} as unknown as DocumentNode<ReplyToThreadMutation, ReplyToThreadMutationVariables>;
export const EditThreadPostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EditThreadPost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"postId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"editThreadPost"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"postId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"postId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ThreadPostFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ThreadPostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ThreadPost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"threadId"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"editedAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"editHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"bodyHtml"}},{"kind":"Field","name":{"kind":"Name","value":"writtenAt"}},{"kind":"Field","name":{"kind":"Name","value":"replacedAt"}}]}}]}}]} as unknown as DocumentNode<EditThreadPostMutation, EditThreadPostMutationVariables>;
export const ResolveThreadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResolveThread"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resolveThread"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"threadId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}}]}}]}}]} as unknown as DocumentNode<ResolveThreadMutation, ResolveThreadMutationVariables>;
export const ReopenThreadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReopenThread"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reopenThread"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"threadId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}}]}}]}}]} as unknown as DocumentNode<ReopenThreadMutation, ReopenThreadMutationVariables>;
export const SetThreadFollowStateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetThreadFollowState"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"state"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"FollowState"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setThreadFollowState"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"threadId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"threadId"}}},{"kind":"Argument","name":{"kind":"Name","value":"state"},"value":{"kind":"Variable","name":{"kind":"Name","value":"state"}}}]}]}}]} as unknown as DocumentNode<SetThreadFollowStateMutation, SetThreadFollowStateMutationVariables>;
export const PatientTimelineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientTimeline"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kinds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EventKind"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"kinds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kinds"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}}]} as unknown as DocumentNode<PatientTimelineQuery, PatientTimelineQueryVariables>;
export const PatientEventsLiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PatientEventsLive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patientEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"patientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"patientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}}]}}]} as unknown as DocumentNode<PatientEventsLiveSubscription, PatientEventsLiveSubscriptionVariables>;