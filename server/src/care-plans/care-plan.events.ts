import { eventKinds } from '../events/event-kinds.js';

/** What the care plan puts on the log (its edits themselves travel on the care-plan stream). */
export interface CarePlanEventPayloads {
  CARE_PLAN_REVISED: { carePlanId: string; revision: number; editorIds: string[] };
  CARE_PLAN_SIGNED_OFF: { carePlanId: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends CarePlanEventPayloads {}
}

export const carePlanEventKinds = eventKinds<CarePlanEventPayloads>({
  CARE_PLAN_REVISED: 'The care plan was edited (one event per quiet spell of editing).',
  CARE_PLAN_SIGNED_OFF: 'The care plan was signed off as agreed.',
});
