import { eventKinds } from '../events/event-kinds.js';

/** What outcome measures and questionnaires put on the log. */
export interface OutcomeEventPayloads {
  OUTCOME_RECORDED: { recordId: string; instrument: string; shortName: string; status: string; score: number | null; supersedesId: string | null; completedBy: string };
  QUESTIONNAIRE_SENT: { requestId: string; instruments: string[]; channel: string; expiresAt: string };
  QUESTIONNAIRE_COMPLETED: { requestId: string; recordIds: string[] };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends OutcomeEventPayloads {}
}

export const outcomeEventKinds = eventKinds<OutcomeEventPayloads>({
  OUTCOME_RECORDED: 'An outcome measure was recorded (or a record corrected).',
  QUESTIONNAIRE_SENT: 'A questionnaire link was sent for the patient to fill in.',
  QUESTIONNAIRE_COMPLETED: 'The patient completed a questionnaire from its link.',
});
