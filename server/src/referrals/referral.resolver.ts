import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid, itemNotFound, may, PatientAction, requireActor, requireAllowed, requirePatientAccess } from '../access/policy.js';
import { AuditOutcome, patientsShown, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { parseNhsNumber } from '../patients/nhs-number.js';
import { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import { badInput } from '../platform/errors.js';
import { Referral } from './referral.entity.js';
import { createReferral, referralsMadeBy, referralsOf, triageReferral } from './referral.service.js';
import { referablePatientByNhsNumber } from './referable-patient.js';
import { CreateReferralInput, ReferablePatient, TriageReferralInput, WaitingList } from './referral.types.js';
import { waitingList } from './waiting-list.js';

/** The audit trail's name for a look-up of a patient to refer: a patient shown, or a refusal. */
const FIND_PATIENT = 'referral.findPatient';

const through = (referralId: string) => ({ noun: 'referral', detail: { referralId } });

/**
 * Loads a referral the signed-in user may see: its referrer always; otherwise whoever may do `action` on its
 * patient (policy.ts). An unknown id and one out of reach look alike (NOT_FOUND).
 */
async function referralWithAccess(ctx: Context, referralId: string, action: PatientAction): Promise<{ referral: Referral; patient: Patient }> {
  const actor = requireActor(ctx);
  const referral = isUuid(referralId) ? await ctx.em.findOne(Referral, { id: referralId }, { populate: ['referrer', 'triagedBy', 'assignedCoach'] }) : null;
  if (!referral) throw await itemNotFound(ctx, action, through(referralId));
  if (action === PatientAction.VIEW_REFERRALS && may.viewOwnReferral(actor, referral.referrer.id)) {
    const patient = await ctx.em.findOneOrFail(Patient, { id: referral.patientId }, { populate: ['practice'] });
    await recordAudit(ctx.em, { actorId: actor.id, action, patientId: patient.id, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { referralId, as: 'referrer' } });
    return { referral, patient };
  }
  const { patient } = await requirePatientAccess(ctx, referral.patientId, action, through(referralId));
  if (action === PatientAction.VIEW_REFERRALS) await recordAudit(ctx.em, { actorId: actor.id, action, patientId: patient.id, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { referralId } });
  return { referral, patient };
}

@Resolver(() => Referral)
export class ReferralResolver {
  @Query(() => Referral, { description: 'One referral: for its referrer, the coaches and service leads of the patient\'s PCN, GPs of the patient\'s practice and the care team.' })
  async referral(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Referral> {
    return (await referralWithAccess(ctx, id, PatientAction.VIEW_REFERRALS)).referral;
  }

  @Query(() => [Referral], { description: "A patient's referrals, newest first (earlier episodes included)." })
  async patientReferrals(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<Referral[]> {
    const { patient, actor } = await requirePatientAccess(ctx, patientId, PatientAction.VIEW_REFERRALS);
    await recordAudit(ctx.em, { actorId: actor.id, action: PatientAction.VIEW_REFERRALS, patientId: patient.id, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED });
    return referralsOf(ctx.em, patient.id);
  }

  @Query(() => [Referral], { description: 'The referrals you made, newest first, with what became of them.' })
  async myReferrals(@Ctx() ctx: Context): Promise<Referral[]> {
    const actor = requireActor(ctx);
    const referrals = await referralsMadeBy(ctx.em, actor.id);
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'referral.listMine', referrals.map((r) => r.patientId)));
    return referrals;
  }

  @Query(() => WaitingList, { description: "Your PCN's waiting list (coaches and service leads): referrals not yet triaged and accepted patients not yet seen, oldest first." })
  async referralWaitingList(@Ctx() ctx: Context): Promise<WaitingList> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.triageReferrals(actor), 'referral.waitingList', "Only a PCN's coaches and service leads see its waiting list.");
    const list = await waitingList(ctx.em, actor.organisation.pcnId, ctx.services.config.referralBreachWeeks);
    await recordAudit(
      ctx.em,
      { actorId: actor.id, action: 'referral.waitingList', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { entries: list.entries.length } },
      ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'referral.waitingList', list.entries.map((e) => e.referral.patientId)),
    );
    return list;
  }

  @Query(() => ReferablePatient, {
    nullable: true,
    description:
      'A patient you may refer, by their whole NHS number (spaces allowed), with just enough to confirm who they are: for a GP of their practice or a coach of their PCN, who may refer patients whose record they cannot open. Null when Cairn holds no such patient and when they are not yours to refer, alike.',
  })
  async referablePatient(@Arg('nhsNumber', () => String) nhsNumber: string, @Ctx() ctx: Context): Promise<ReferablePatient | null> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.workWithPatients(actor), FIND_PATIENT, 'Your role cannot refer patients.');
    const nhs = parseNhsNumber(nhsNumber);
    if (!nhs.ok) throw badInput('nhsNumber', nhs.reason);
    const lookup = await referablePatientByNhsNumber(ctx.em, actor, nhs.value);
    if (lookup.found) {
      await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, FIND_PATIENT, [lookup.found.id]));
      return lookup.found;
    }
    // Audited against the patient when there is one, as a refused `patient(id)` is; the answer says nothing of it.
    await recordAudit(ctx.em, {
      actorId: actor.id,
      action: FIND_PATIENT,
      patientId: lookup.patientId,
      requestId: ctx.requestId,
      outcome: AuditOutcome.DENIED,
      detail: { reason: lookup.reason, transport: ctx.transport },
    });
    return null;
  }

  @Mutation(() => Referral, { description: 'Refers a patient (one Cairn holds, or a new one registered with it) into the coaching programme.' })
  async createReferral(@Arg('input', () => CreateReferralInput) input: CreateReferralInput, @Ctx() ctx: Context): Promise<Referral> {
    const actor = requireActor(ctx);
    if (!input.patientId === !input.newPatient) throw badInput('patientId', 'Refer either a patient Cairn holds (patientId) or a new one (newPatient), not both.');
    const by = { actor, requestId: ctx.requestId };
    if (input.patientId) {
      const { patient } = await requirePatientAccess(ctx, input.patientId, PatientAction.REFER);
      return createReferral(ctx.em, by, { patient }, input.details);
    }
    await requireAllowed(ctx, may.createPatient(actor), 'patient.create', 'Your role cannot register patients; refer a patient Cairn already holds.');
    return createReferral(ctx.em, by, { newPatient: input.newPatient! }, input.details);
  }

  @Mutation(() => Referral, { description: "Triage (the coaches and service leads of the patient's PCN): accept with a coach, decline with a reason, or redirect." })
  async triageReferral(@Arg('input', () => TriageReferralInput) input: TriageReferralInput, @Ctx() ctx: Context): Promise<Referral> {
    const { referral, patient } = await referralWithAccess(ctx, input.referralId, PatientAction.TRIAGE_REFERRAL);
    return triageReferral(ctx.em, { actor: requireActor(ctx), requestId: ctx.requestId }, referral, patient, input);
  }

  @FieldResolver(() => Patient)
  async patient(@Root() referral: Referral, @Ctx() ctx: Context): Promise<Patient> {
    const loaded = await loaderFor<string, Patient>(ctx, 'referralPatient', async (ids) => {
      const patients = await ctx.em.find(Patient, { id: { $in: ids } }, { populate: ['practice'] });
      return new Map(patients.map((p) => [p.id, p]));
    }).load(referral.patientId);
    if (!loaded) throw new Error(`referral ${referral.id} names a patient that does not exist`);
    return loaded;
  }
}
