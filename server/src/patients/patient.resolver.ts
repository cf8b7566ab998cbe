import { Arg, Ctx, FieldResolver, GraphQLISODateTime, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PatientAbilities, viewerAbilities, viewerMayRead } from '../access/abilities.js';
import { may, PatientAction, requireActor, requireAllowed, requirePatientAccess } from '../access/policy.js';
import { patientsShown, recordAudit } from '../audit/audit.service.js';
import { careTeamsOf } from '../care-teams/care-team.service.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import type { Context } from '../auth/request-context.js';
import { formatNhsNumber } from './nhs-number.js';
import { Patient, PatientStatus } from './patient.entity.js';
import { createPatient, listPatients, nextReviewDates, setActivationLevel } from './patient.service.js';
import { CreatePatientInput, PatientConnection, PatientFilter, PatientSort, PatientStatusChange, UpdatePatientDemographicsInput } from './patient.types.js';
import { setPatientStatus, statusChangesFor, updatePatientDemographics } from './patient-record.service.js';
import { ageAt } from './date-of-birth.js';

/** Conditions offered in filters and forms; patients may have others. */
export const commonConditions = [
  'Chronic low back pain',
  'Chronic neck pain',
  'Chronic widespread pain',
  'Complex regional pain syndrome',
  'Fibromyalgia',
  'Hypermobility',
  'Migraine',
  'Neuropathic pain',
  'Osteoarthritis',
  'Post-surgical pain',
  'Rheumatoid arthritis',
];

@Resolver(() => Patient)
export class PatientResolver {
  @Query(() => Patient, { description: "One patient, if you are on their care team or otherwise allowed to see them." })
  async patient(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Patient> {
    return (await requirePatientAccess(ctx, id, PatientAction.READ)).patient;
  }

  @Query(() => PatientConnection, { description: 'Patients you can see; by default all of them, `filter.mine` for your caseload.' })
  async patients(
    @Ctx() ctx: Context,
    @Arg('filter', () => PatientFilter, { nullable: true }) filter: PatientFilter | null,
    @Arg('sort', () => PatientSort, { defaultValue: PatientSort.NAME }) sort: PatientSort,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<PatientConnection> {
    const actor = requireActor(ctx);
    const page = await listPatients(ctx.em, actor, filter ?? {}, sort, first, after);
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'patient.list', page.patients.map((p) => p.id)));
    return { nodes: page.patients, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage }, totalCount: page.totalCount };
  }

  @Query(() => [String], { description: 'Common persistent-pain conditions, for filters and forms.' })
  conditionOptions(): string[] {
    return commonConditions;
  }

  @Mutation(() => Patient)
  async createPatient(@Arg('input', () => CreatePatientInput) input: CreatePatientInput, @Ctx() ctx: Context): Promise<Patient> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.createPatient(actor), 'patient.create', 'Your role cannot register patients.');
    return createPatient(ctx.em, actor, input, ctx.requestId);
  }

  @Mutation(() => Patient, { description: "Records the care team's assessment of the patient's activation level (1–4), or clears it with null." })
  async setPatientActivationLevel(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('level', () => Int, { nullable: true }) level: number | null,
    @Ctx() ctx: Context,
  ): Promise<Patient> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.UPDATE_PATIENT);
    return setActivationLevel(ctx.em, actor, patient, level, ctx.requestId);
  }

  @Mutation(() => Patient, { description: "Corrects the patient's name, date of birth, NHS number or practice; audited, and on the timeline by field name." })
  async updatePatientDemographics(@Arg('input', () => UpdatePatientDemographicsInput) input: UpdatePatientDemographicsInput, @Ctx() ctx: Context): Promise<Patient> {
    const { actor, patient } = await requirePatientAccess(ctx, input.patientId, PatientAction.EDIT_PATIENT_DETAILS);
    return updatePatientDemographics(ctx.em, { actor, requestId: ctx.requestId }, patient, input);
  }

  @Mutation(() => Patient, { description: "Changes the patient's status by hand, with the reason, where the programme's own steps (triage, discharge, referral) do not." })
  async setPatientStatus(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('status', () => PatientStatus) status: PatientStatus,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Context,
  ): Promise<Patient> {
    const { actor, patient } = await requirePatientAccess(ctx, patientId, PatientAction.CHANGE_PATIENT_STATUS);
    return setPatientStatus(ctx.em, { actor, requestId: ctx.requestId }, patient, status, reason);
  }

  // The fields below are the record's: a patient reached without the right to open it (through a referral or a
  // case search) shows them empty (see viewerMayRead).

  @FieldResolver(() => [PatientStatusChange], { description: 'The other statuses, each with whether a change by hand may move the patient there now, and why not.' })
  async statusChanges(@Root() patient: Patient, @Ctx() ctx: Context): Promise<PatientStatusChange[]> {
    return (await viewerMayRead(ctx, patient.id)) ? statusChangesFor(ctx.em, patient) : [];
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Patient activation level, 1–4, as the care team last assessed it (lower: smaller, concrete self-management steps); null until assessed.",
  })
  async activationLevel(@Root() patient: Patient, @Ctx() ctx: Context): Promise<number | null> {
    return (await viewerMayRead(ctx, patient.id)) ? patient.activationLevel : null;
  }

  @FieldResolver(() => GraphQLISODateTime, { nullable: true, description: 'When the activation level was last set.' })
  async activationLevelSetAt(@Root() patient: Patient, @Ctx() ctx: Context): Promise<Date | null> {
    return (await viewerMayRead(ctx, patient.id)) ? patient.activationLevelSetAt : null;
  }

  @FieldResolver(() => PatientAbilities, { description: 'What you may do with this patient: show controls from this, never from roles.' })
  viewerCan(@Root() patient: Patient, @Ctx() ctx: Context): Promise<PatientAbilities> {
    return viewerAbilities(ctx, patient.id);
  }

  @FieldResolver(() => String, { description: 'The NHS number as people read it: 999 123 4567.' })
  nhsNumberFormatted(@Root() patient: Patient): string {
    return formatNhsNumber(patient.nhsNumber);
  }

  @FieldResolver(() => String, { nullable: true, description: "The care plan's next review date (YYYY-MM-DD), if one is set." })
  async nextReviewDate(@Root() patient: Patient, @Ctx() ctx: Context): Promise<string | null> {
    if (!(await viewerMayRead(ctx, patient.id))) return null;
    return (await loaderFor<string, string>(ctx, 'nextReviewDate', (ids) => nextReviewDates(ctx.em, ids)).load(patient.id)) ?? null;
  }

  @FieldResolver(() => String)
  name(@Root() patient: Patient): string {
    return `${patient.givenName} ${patient.familyName}`;
  }

  @FieldResolver(() => Int)
  age(@Root() patient: Patient): number {
    return ageAt(patient.dateOfBirth);
  }

  @FieldResolver(() => [CareTeamMember], { description: 'The care team, lead first.' })
  async careTeam(@Root() patient: Patient, @Ctx() ctx: Context): Promise<CareTeamMember[]> {
    return (await viewerMayRead(ctx, patient.id)) ? ((await careTeamsOf(ctx, patient.id)) ?? []) : [];
  }

  @FieldResolver(() => CareTeamMember, { nullable: true })
  async lead(@Root() patient: Patient, @Ctx() ctx: Context): Promise<CareTeamMember | null> {
    return (await this.careTeam(patient, ctx)).find((m) => m.isLead) ?? null;
  }
}
