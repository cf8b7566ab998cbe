import { eventKinds } from '../events/event-kinds.js';

/** What the analgesia review puts on the log. */
export interface MedicationEventPayloads {
  MEDICATION_ADDED: { medicationId: string; medicine: string; words: string; omeMgPerDay: number | null };
  MEDICATION_STOPPED: { medicationId: string; medicine: string; stopDate: string; reason: string | null };
  /** A current entry replaced by a new dose from `startDate`: `from` and `to` in words. */
  MEDICATION_CHANGED: { medicationId: string; previousMedicationId: string; medicine: string; from: string; to: string; startDate: string; omeMgPerDay: number | null };
  MEDICATION_REVIEWED: { reviewId: string; omeAtReview: number; nextReviewDue: string };
  MEDICATION_CHANGE_PROPOSED: { proposalId: string; kind: string; medicine: string; steps: number };
  /** decision: APPROVE, AMEND (approved with changed steps) or DECLINE. */
  MEDICATION_CHANGE_DECIDED: { proposalId: string; medicine: string; decision: string; comment: string | null; firstStep: string | null };
  MEDICATION_CHANGE_AGREED: { proposalId: string; medicine: string };
  MEDICATION_CHANGE_WITHDRAWN: { proposalId: string; medicine: string; reason: string };
  TAPER_PAUSED: { proposalId: string; medicine: string; reason: string };
  TAPER_RESUMED: { proposalId: string; medicine: string };
  /** `proposalId`, an approved or paused plan, was ended by the GP's approval of `replacedBy` for the same medicine. */
  TAPER_REPLACED: { proposalId: string; medicine: string; replacedBy: string };
  /** position counts from 1 of `steps`; startDate YYYY-MM-DD. */
  TAPER_STEP_DUE: { proposalId: string; medicine: string; position: number; steps: number; startDate: string; words: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends MedicationEventPayloads {}
}

export const medicationEventKinds = eventKinds<MedicationEventPayloads>({
  MEDICATION_ADDED: "A medicine was added to the patient's list.",
  MEDICATION_STOPPED: 'A medicine was stopped.',
  MEDICATION_CHANGED: "A medicine's dose (or form, strength or frequency) changed: the old entry stopped and the new one added at once.",
  MEDICATION_REVIEWED: 'An analgesia review was recorded.',
  MEDICATION_CHANGE_PROPOSED: 'A change to a medicine (such as a taper) was proposed for a prescriber to decide.',
  MEDICATION_CHANGE_DECIDED: 'A prescriber approved, amended or declined a proposed change.',
  MEDICATION_CHANGE_AGREED: 'The patient agreed to an approved change.',
  MEDICATION_CHANGE_WITHDRAWN: 'A proposed change was withdrawn before a prescriber decided it.',
  TAPER_PAUSED: 'A taper was paused.',
  TAPER_RESUMED: 'A paused taper was resumed.',
  TAPER_REPLACED: 'An approved plan for a medicine ended: a prescriber approved a newer plan for the same medicine.',
  TAPER_STEP_DUE: "A step of a running taper fell due (its start date came); the practitioner and the approving GP were reminded.",
});
