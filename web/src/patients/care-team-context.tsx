import { AddCareTeamMemberDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { useClient } from '@urql/solid';
import { createContext, useContext, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';

type Member = PatientWorkspaceQuery['patient']['careTeam'][number];

/**
 * The open patient's care team, for forms deep in the record (a handover's actions, a discussion's
 * mentions) that meet someone who is not on it: they can offer to add them there and then, when the
 * viewer may (`canManage`, from viewerCan), and the team they read refreshes once added.
 */
export interface CareTeamAccess {
  patientId: string;
  members(): readonly Member[];
  canManage(): boolean;
  /** Adds the person with their usual team role; resolves to the problem in words, or null once added and the team re-read. */
  add(userId: string, teamRole?: string | null): Promise<Problem | null>;
  /** Re-reads the patient and their team after another change to it. */
  refresh(): Promise<void>;
}

const CareTeamContext = createContext<CareTeamAccess>();

export function useCareTeam(): CareTeamAccess | undefined {
  return useContext(CareTeamContext);
}

export function CareTeamProvider(props: { patientId: string; members: readonly Member[]; canManage: boolean; onChanged(): Promise<void> | void; children: JSX.Element }): JSX.Element {
  const urql = useClient();
  const access: CareTeamAccess = {
    get patientId() {
      return props.patientId;
    },
    members: () => props.members,
    canManage: () => props.canManage,
    add: async (userId, teamRole = null) => {
      const r = await urql.mutation(AddCareTeamMemberDocument, { patientId: props.patientId, userId, teamRole: teamRole?.trim() || null }).toPromise();
      if (r.error) return describeError(r.error);
      await props.onChanged();
      return null;
    },
    refresh: async () => {
      await props.onChanged();
    },
  };
  return <CareTeamContext.Provider value={access}>{props.children}</CareTeamContext.Provider>;
}
