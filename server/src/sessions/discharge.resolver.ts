import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { PatientIdArg } from '../access/patient-id-arg.js';
import { PatientAction, requirePatientAccess } from '../access/policy.js';
import { patientsShown, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { Discharge, DischargeReason } from './discharge.entity.js';
import { dischargePatient, dischargesOf, draftDischarge } from './discharge.service.js';
import { DischargeDraft, DischargePatientInput } from './discharge.types.js';
import { ukDate } from '../platform/uk-dates.js';

@Resolver()
export class DischargeResolver {
  @Query(() => DischargeDraft, { description: 'The discharge summary Cairn drafts from the record, for the coach to edit and sign.' })
  async dischargeDraft(@PatientIdArg() patientId: string, @Arg('reason', () => DischargeReason) reason: DischargeReason, @Ctx() ctx: Context): Promise<DischargeDraft> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.DISCHARGE_PATIENT);
    // A draft reads the record (sessions, goals, the plan, outcome scores); only a permitted read's entry is made by the check itself.
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'discharge.draft', [patient.id], { reason }));
    return draftDischarge(ctx.em, ctx.services.carePlans, patient, reason, ukDate(new Date()));
  }

  @Query(() => [Discharge], { description: "The patient's discharges from coaching, newest first (one per episode)." })
  async patientDischarges(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<Discharge[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return dischargesOf(ctx.em, patient.id);
  }

  @Mutation(() => Discharge, { description: 'Discharges the patient with the signed summary: DISCHARGED, booked sessions cancelled, the GPs on the care team notified.' })
  async dischargePatient(@Arg('input', () => DischargePatientInput) input: DischargePatientInput, @Ctx() ctx: Context): Promise<Discharge> {
    const access = await requirePatientAccess(ctx, input.patientId, PatientAction.DISCHARGE_PATIENT);
    return dischargePatient(ctx.em, { actor: access.actor, requestId: ctx.requestId }, ctx.services.carePlans, access.patient, input.reason, input.summary);
  }
}
