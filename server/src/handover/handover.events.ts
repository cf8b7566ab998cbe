import { eventKinds } from '../events/event-kinds.js';
import type { HandoverUrgency } from '@cairn/schema/handover-urgency';

/** What the handover loop puts on the log. */
export interface HandoverEventPayloads {
  HANDOVER_POSTED: { handoverId: string; urgency: HandoverUrgency; summary: string; sourceService: string };
  HANDOVER_ADDENDUM_ADDED: { handoverId: string; addendumId: string; excerpt: string };
  /** `onBehalfOf` when a PCN service lead acknowledged for the care team's lead (the actor is who acted). */
  HANDOVER_ACKNOWLEDGED: { handoverId: string; reply: string | null; onBehalfOf?: { id: string; name: string } | null };
  HANDOVER_ESCALATION_REROUTED: { handoverId: string; newLead: { id: string; name: string }; note: string | null };
  HANDOVER_ESCALATED: { handoverId: string; urgency: HandoverUrgency; escalatedTo: string[] };
  HANDOVER_ACTION_DONE: { handoverId: string; actionId: string; description: string; allDone: boolean };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends HandoverEventPayloads {}
}

export const handoverEventKinds = eventKinds<HandoverEventPayloads>({
  HANDOVER_POSTED: 'A specialist team posted a handover note.',
  HANDOVER_ADDENDUM_ADDED: 'An addendum was added to a handover note.',
  HANDOVER_ACKNOWLEDGED: "The patient's lead acknowledged a handover note.",
  HANDOVER_ESCALATED: "A handover note went unacknowledged past its urgency's limit and was escalated.",
  HANDOVER_ESCALATION_REROUTED: "A PCN service lead made someone else the patient's lead from an escalated handover, which now awaits them.",
  HANDOVER_ACTION_DONE: 'An action asked for in a handover note was done.',
});
