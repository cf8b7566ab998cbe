import { eventKinds } from '../events/event-kinds.js';

/** What changes to the patient record itself put on the log. */
export interface PatientEventPayloads {
  /** Which details were corrected, by name (`nhsNumber`, `dateOfBirth`…): never their values. */
  PATIENT_DETAILS_CHANGED: { fields: string[] };
  PATIENT_STATUS_CHANGED: { from: string; to: string; reason: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends PatientEventPayloads {}
}

export const patientEventKinds = eventKinds<PatientEventPayloads>({
  PATIENT_DETAILS_CHANGED: "The patient's name, date of birth, NHS number or practice was corrected.",
  PATIENT_STATUS_CHANGED: "The patient's status was changed by hand, with a reason.",
});
