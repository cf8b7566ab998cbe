import type { PatientWorkspaceQuery, Role } from '@cairn/schema/operations';

type CareTeam = PatientWorkspaceQuery['patient']['careTeam'];

/**
 * What the person may do with this patient's handovers, for showing the right controls. The server's
 * policy decides; this mirrors it (care-team members and linked specialists post; the lead or a GP on
 * the team acknowledges) so people are not offered buttons that would be refused.
 */
export function handoverAbilities(me: { id: string; role: Role }, careTeam: CareTeam): { canPost: boolean; canAcknowledge: boolean } {
  const member = careTeam.find((m) => m.user.id === me.id);
  return {
    canPost: member !== undefined || me.role === 'SPECIALIST',
    canAcknowledge: member !== undefined && (member.isLead || me.role === 'GP'),
  };
}
