import type { AuditAction } from '../audit/audit-actions.js';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { deny, PatientAction, requirePatientAccess } from '../access/policy.js';
import { Patient } from '../patients/patient.entity.js';
import type { Context } from '../auth/request-context.js';
import { notFound } from '../platform/errors.js';
import { CareTeamMember } from './care-team-member.entity.js';
import { addCareTeamMember, careTeamMember, removeCareTeamMember, setCareTeamLead } from './care-team.service.js';

/**
 * Refuses, as an audited NOT_FOUND on the patient, a change naming someone not on the patient's care team: an
 * id tried in the hope of finding who is on a team is in the audit trail, as every other refusal is.
 */
async function requireOnTeam(ctx: Context, action: AuditAction, patientId: string, userId: string): Promise<void> {
  if (await careTeamMember(ctx.em, patientId, userId)) return;
  throw await deny(ctx, action, { userId, reason: 'not on the care team' }, notFound('care-team member'), patientId);
}

@Resolver()
export class CareTeamResolver {
  @Mutation(() => CareTeamMember)
  async addCareTeamMember(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('teamRole', () => String, { nullable: true }) teamRole: string | null,
    @Ctx() ctx: Context,
  ): Promise<CareTeamMember> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CARE_TEAM);
    return addCareTeamMember(ctx.em, { actor, requestId: ctx.requestId }, patient, userId, teamRole);
  }

  @Mutation(() => Patient, { description: 'Removes a member (not the lead); returns the patient with the new team.' })
  async removeCareTeamMember(@Arg('patientId', () => ID) patientId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<Patient> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CARE_TEAM);
    await requireOnTeam(ctx, 'careTeam.remove', patient.id, userId);
    await removeCareTeamMember(ctx.em, { actor, requestId: ctx.requestId }, patient, userId);
    return patient;
  }

  @Mutation(() => CareTeamMember)
  async setCareTeamLead(@Arg('patientId', () => ID) patientId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<CareTeamMember> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CARE_TEAM);
    await requireOnTeam(ctx, 'careTeam.setLead', patient.id, userId);
    return setCareTeamLead(ctx.em, { actor, requestId: ctx.requestId }, patient, userId);
  }
}
