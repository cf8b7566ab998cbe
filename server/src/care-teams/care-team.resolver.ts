import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { PatientAction, requirePatientAccess } from '../access/policy.js';
import { Patient } from '../patients/patient.entity.js';
import type { Context } from '../auth/request-context.js';
import { CareTeamMember } from './care-team-member.entity.js';
import { addCareTeamMember, removeCareTeamMember, setCareTeamLead } from './care-team.service.js';

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
    await removeCareTeamMember(ctx.em, { actor, requestId: ctx.requestId }, patient, userId);
    return patient;
  }

  @Mutation(() => CareTeamMember)
  async setCareTeamLead(@Arg('patientId', () => ID) patientId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<CareTeamMember> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CARE_TEAM);
    return setCareTeamLead(ctx.em, { actor, requestId: ctx.requestId }, patient, userId);
  }
}
