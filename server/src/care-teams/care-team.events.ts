import { eventKinds } from '../events/event-kinds.js';

/** What changes to a patient's care team put on the log. */
export interface CareTeamEventPayloads {
  CARE_TEAM_MEMBER_ADDED: { userId: string; userName: string; teamRole: string };
  CARE_TEAM_MEMBER_REMOVED: { userId: string; userName: string };
  CARE_TEAM_LEAD_CHANGED: { userId: string; userName: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends CareTeamEventPayloads {}
}

export const careTeamEventKinds = eventKinds<CareTeamEventPayloads>({
  CARE_TEAM_MEMBER_ADDED: "Someone joined the patient's care team.",
  CARE_TEAM_MEMBER_REMOVED: "Someone left the patient's care team.",
  CARE_TEAM_LEAD_CHANGED: "The care team's lead changed.",
});
