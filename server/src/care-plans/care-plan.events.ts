import type { CarePlanSection } from '@cairn/schema/care-plan';
import { eventKinds } from '../events/event-kinds.js';

/** What the care plan puts on the log (its edits themselves travel on the care-plan stream). */
export interface CarePlanEventPayloads {
  /**
   * One spell of editing. `revision`: the last update seq it covers. `fromRevision` and `sections` (the
   * sections changed, in plan order) were added later: events older than them lack both.
   */
  CARE_PLAN_REVISED: { carePlanId: string; revision: number; editorIds: string[]; fromRevision?: number; sections?: CarePlanSection[] };
  CARE_PLAN_SIGNED_OFF: { carePlanId: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends CarePlanEventPayloads {}
}

export const carePlanEventKinds = eventKinds<CarePlanEventPayloads>({
  CARE_PLAN_REVISED: 'The care plan was edited: one event per spell of editing, within a minute, naming the sections changed.',
  CARE_PLAN_SIGNED_OFF: 'The care plan was signed off as agreed.',
});
