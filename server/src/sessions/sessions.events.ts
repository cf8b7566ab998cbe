import { eventKinds } from '../events/event-kinds.js';

/** What each sessions event carries: small, and fit for anyone who may read the patient. */
export interface SessionEventPayloads {
  SESSION_BOOKED: { sessionId: string; coachId: string; coachName: string; startsAt: string; endsAt: string; mode: string; purpose: string };
  SESSION_REBOOKED: { sessionId: string; coachName: string; previousStartsAt: string; startsAt: string; endsAt: string; reason: string };
  SESSION_CANCELLED: { sessionId: string; startsAt: string; cancelledBy: 'PATIENT' | 'CLINIC'; reason: string };
  SESSION_RECORDED: { sessionId: string; startsAt: string; outcome: 'ATTENDED' | 'DNA'; goalsReviewed: number; measuresTaken: string[] };
  SESSION_ADDENDUM_ADDED: { sessionId: string; addendumId: string; excerpt: string };
  SESSION_DNA_ALERT: { sessionId: string; consecutiveDnas: number; coachName: string };
  PATIENT_DISCHARGED: { dischargeId: string; reason: string; signedByName: string; excerpt: string };
}

declare module '../events/event-kinds.js' {
  interface EventPayloads extends SessionEventPayloads {}
}

/** Kind → what it means (the GraphQL enum's descriptions). */
export const sessionEventKinds = eventKinds<SessionEventPayloads>({
  SESSION_BOOKED: 'A coaching session was booked.',
  SESSION_REBOOKED: 'A coaching session moved to another time; the previous time is kept.',
  SESSION_CANCELLED: 'A coaching session was cancelled by the patient or the clinic.',
  SESSION_RECORDED: 'What happened at a coaching session was recorded (attended or did not attend).',
  SESSION_ADDENDUM_ADDED: "An addendum was added to a session's notes.",
  SESSION_DNA_ALERT: 'The patient missed two or more sessions in a row.',
  PATIENT_DISCHARGED: 'The patient was discharged from the coaching programme with a signed summary.',
});
