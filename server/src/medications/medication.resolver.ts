import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid, itemNotFound, may, medicationDecidablePatientsSql, PatientAction, readablePatientsSql, requireActor, requireAllowed, requirePatientAccess, type PatientAccess, type ReachedThrough } from '../access/policy.js';
import { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import type { Context } from '../auth/request-context.js';
import { badInput } from '../platform/errors.js';
import { AuditOutcome, patientsShown, recordAudit } from '../audit/audit.service.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { indicatorsCsv, prescribingIndicators } from './indicators.service.js';
import { PrescribingIndicators } from './indicators.types.js';
import { defaultFlagSettings, flagRules, type FlagSettings } from './flags.js';
import { Medication, MedicationReview } from './medication.entity.js';
import { MedicationProposal, TaperStep } from './medication-proposal.entity.js';
import { medicationReviewsDue, recordMedicationReview, reviewsOf } from './medication-review.service.js';
import { addMedication, catalogueView, changeMedication, medicationSummary, stopMedication } from './medication.service.js';
import {
  AddMedicationInput,
  CatalogueMedicine,
  ChangeMedicationInput,
  DecideMedicationChangeInput,
  MedicationFlagRule,
  MedicationReviewDue,
  MedicationSummary,
  ProposeMedicationChangeInput,
  RecordMedicationReviewInput,
  StopMedicationInput,
} from './medication.types.js';
import {
  decideMedicationChange,
  planItWouldReplace,
  proposalsAwaitingApproval,
  proposeMedicationChange,
  recordPatientAgreement,
  setTaperPaused,
  stepsOf,
  withdrawMedicationChange,
} from './taper.service.js';
import { ukToday } from '../platform/uk-dates.js';

const by = (ctx: Context, access: PatientAccess) => ({ actor: access.actor, requestId: ctx.requestId });

function settingsOf(ctx: Context): FlagSettings {
  return { ...defaultFlagSettings, highDoseOmeMgPerDay: ctx.services.config.highDoseOmeMgPerDay };
}

/**
 * Loads a row by id and checks `action` on its patient. An unknown id and one on a patient out of reach get
 * the same NOT_FOUND, naming the item, and the same DENIED entry in the audit trail, so neither tells an
 * outsider whether the item exists.
 */
async function withAccess<T extends { patientId: string }>(ctx: Context, id: string, through: ReachedThrough, load: () => Promise<T | null>, action: PatientAction): Promise<{ row: T } & PatientAccess> {
  requireActor(ctx);
  const row = isUuid(id) ? await load() : null;
  if (!row) throw await itemNotFound(ctx, action, through);
  return { row, ...(await requirePatientAccess(ctx, row.patientId, action, through)) };
}

const medicationWithAccess = (ctx: Context, id: string, action: PatientAction) =>
  withAccess(ctx, id, { noun: 'medicine', detail: { medicationId: id } }, () => ctx.em.findOne(Medication, { id }, { populate: ['recordedBy'] }), action);

const proposalWithAccess = (ctx: Context, id: string, action: PatientAction) =>
  withAccess(ctx, id, { noun: 'medication proposal', detail: { proposalId: id } }, () => ctx.em.findOne(MedicationProposal, { id }, { populate: ['proposedBy', 'decidedBy', 'endedBy'] }), action);

@Resolver()
export class MedicationResolver {
  @Query(() => [CatalogueMedicine], { description: "Cairn's medicine catalogue, with each opioid's conversion to oral morphine (Opioids Aware)." })
  medicineCatalogue(@Ctx() ctx: Context): CatalogueMedicine[] {
    requireActor(ctx);
    return catalogueView();
  }

  @Query(() => [MedicationFlagRule], { description: 'Every medication flag rule, in words, with the thresholds in use.' })
  medicationFlagRules(@Ctx() ctx: Context): MedicationFlagRule[] {
    requireActor(ctx);
    return [...flagRules(settingsOf(ctx))];
  }

  @Query(() => MedicationSummary, { description: "A patient's medicines, total OME with its working, flags and proposed changes." })
  async patientMedication(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<MedicationSummary> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return medicationSummary(ctx.em, patient, settingsOf(ctx));
  }

  @Query(() => [MedicationReview], { description: "A patient's medication reviews, newest first." })
  async medicationReviews(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<MedicationReview[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return reviewsOf(ctx.em, patient.id);
  }

  @Query(() => [MedicationReviewDue], { description: 'Patients you can see whose medication review is due (or who take an opioid and were never reviewed).' })
  async medicationReviewsDue(@Ctx() ctx: Context): Promise<MedicationReviewDue[]> {
    const actor = requireActor(ctx);
    const due = await medicationReviewsDue(ctx.em, actor, readablePatientsSql(actor));
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'medication.reviewsDue', due.map((d) => d.patient.id)));
    return due;
  }

  @Query(() => [MedicationProposal], { description: 'Medication changes awaiting your decision (a GP on the care team), oldest first.' })
  async medicationChangesAwaitingMyApproval(@Ctx() ctx: Context): Promise<MedicationProposal[]> {
    const actor = requireActor(ctx);
    const awaiting = await proposalsAwaitingApproval(ctx.em, medicationDecidablePatientsSql(actor));
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'medication.awaitingApproval', awaiting.map((p) => p.patientId)));
    return awaiting;
  }

  @Query(() => [Organisation], { description: 'The practices and PCNs whose prescribing indicators you may see (a PCN first, then its practices).' })
  async indicatorScopes(@Ctx() ctx: Context): Promise<Organisation[]> {
    const actor = requireActor(ctx);
    const pcnId = actor.organisation.pcnId;
    const candidates = await ctx.em.find(Organisation, { $or: [{ id: pcnId }, { pcn: pcnId }, { id: actor.organisation.id }] }, { orderBy: { name: 'asc' } });
    const visible = candidates.filter((o) => (o.kind === OrganisationKind.PCN ? may.viewPcnIndicators(actor, o.id) : o.kind === OrganisationKind.GP_PRACTICE && may.viewPracticeIndicators(actor, o)));
    return visible.sort((a, b) => Number(b.kind === OrganisationKind.PCN) - Number(a.kind === OrganisationKind.PCN));
  }

  @Query(() => PrescribingIndicators, { description: 'Prescribing indicators of one practice or one PCN, month by month, from the recorded medication history.' })
  async prescribingIndicators(
    @Arg('practiceId', () => ID, { nullable: true }) practiceId: string | null,
    @Arg('pcnId', () => ID, { nullable: true }) pcnId: string | null,
    @Arg('months', () => Int, { defaultValue: 12 }) months: number,
    @Ctx() ctx: Context,
  ): Promise<PrescribingIndicators> {
    const actor = requireActor(ctx);
    if (!practiceId === !pcnId) throw badInput('practiceId', 'Choose one practice or one PCN.');
    if (!Number.isInteger(months) || months < 1 || months > 36) throw badInput('months', 'Between 1 and 36 months.');
    const id = (practiceId ?? pcnId)!;
    const kind = practiceId ? OrganisationKind.GP_PRACTICE : OrganisationKind.PCN;
    const org = isUuid(id) ? await ctx.em.findOne(Organisation, { id, kind }) : null;
    if (!org) throw await itemNotFound(ctx, 'indicators.read', { noun: practiceId ? 'practice' : 'PCN', detail: { organisationId: id } });
    const allowed = practiceId ? may.viewPracticeIndicators(actor, org) : may.viewPcnIndicators(actor, org.id);
    const refusal = practiceId ? "Only the practice's GPs and pain management practitioners, and its PCN's service leads, can see its indicators." : "Only the PCN's service leads can see its indicators.";
    await requireAllowed(ctx, allowed, 'indicators.read', refusal, { organisationId: org.id });
    const threshold = settingsOf(ctx).highDoseOmeMgPerDay;
    const result = await prescribingIndicators(ctx.em, practiceId ? { practiceId: org.id } : { pcnId: org.id }, { today: ukToday(), months, highDoseOme: threshold });
    await recordAudit(ctx.em, { actorId: actor.id, action: 'indicators.read', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { organisationId: org.id } });
    return { scopeName: org.name, highDoseThreshold: threshold, months: result, csv: indicatorsCsv(result) };
  }

  @Mutation(() => Medication, { description: 'Records a medicine the patient takes.' })
  async addMedication(@Arg('input', () => AddMedicationInput) input: AddMedicationInput, @Ctx() ctx: Context): Promise<Medication> {
    const access = await requirePatientAccess(ctx, input.patientId, PatientAction.MANAGE_MEDICATIONS);
    return addMedication(ctx.em, by(ctx, access), access.patient, input);
  }

  @Mutation(() => Medication, { description: 'Records a new dose of a current medicine: the entry stops the day the new one starts, in one change. Answers the new entry.' })
  async changeMedication(@Arg('input', () => ChangeMedicationInput) input: ChangeMedicationInput, @Ctx() ctx: Context): Promise<Medication> {
    const { row, ...access } = await medicationWithAccess(ctx, input.medicationId, PatientAction.MANAGE_MEDICATIONS);
    return changeMedication(ctx.em, by(ctx, access), access.patient, row, input);
  }

  @Mutation(() => Medication, { description: 'Records that a medicine was stopped; it stays in the history.' })
  async stopMedication(@Arg('input', () => StopMedicationInput) input: StopMedicationInput, @Ctx() ctx: Context): Promise<Medication> {
    const { row, ...access } = await medicationWithAccess(ctx, input.medicationId, PatientAction.MANAGE_MEDICATIONS);
    return stopMedication(ctx.em, by(ctx, access), row, input);
  }

  @Mutation(() => MedicationReview, { description: 'Records a person-centred medication review and when the next is due.' })
  async recordMedicationReview(@Arg('input', () => RecordMedicationReviewInput) input: RecordMedicationReviewInput, @Ctx() ctx: Context): Promise<MedicationReview> {
    const access = await requirePatientAccess(ctx, input.patientId, PatientAction.MANAGE_MEDICATIONS);
    return recordMedicationReview(ctx.em, by(ctx, access), access.patient, input);
  }

  @Mutation(() => MedicationProposal, { description: 'Proposes a change with its taper schedule; not active until a GP approves it.' })
  async proposeMedicationChange(@Arg('input', () => ProposeMedicationChangeInput) input: ProposeMedicationChangeInput, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const access = await requirePatientAccess(ctx, input.patientId, PatientAction.PROPOSE_MEDICATION_CHANGE);
    return proposeMedicationChange(ctx.em, by(ctx, access), access.patient, input);
  }

  @Mutation(() => MedicationProposal, { description: 'A GP on the care team approves, amends or declines a proposed change.' })
  async decideMedicationChange(@Arg('input', () => DecideMedicationChangeInput) input: DecideMedicationChangeInput, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const { row, ...access } = await proposalWithAccess(ctx, input.proposalId, PatientAction.DECIDE_MEDICATION_CHANGE);
    return decideMedicationChange(ctx.em, by(ctx, access), access.patient, row, input);
  }

  @Mutation(() => MedicationProposal, { description: "Withdraws a proposed change before a GP decides it, saying why; the care team's GPs are told." })
  async withdrawMedicationChange(@Arg('proposalId', () => ID) proposalId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const { row, ...access } = await proposalWithAccess(ctx, proposalId, PatientAction.PROPOSE_MEDICATION_CHANGE);
    return withdrawMedicationChange(ctx.em, by(ctx, access), access.patient, row, reason);
  }

  @Mutation(() => MedicationProposal, { description: "Records the patient's agreement to a proposed or approved change." })
  async recordPatientAgreement(@Arg('proposalId', () => ID) proposalId: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const { row, ...access } = await proposalWithAccess(ctx, proposalId, PatientAction.MANAGE_MEDICATIONS);
    return recordPatientAgreement(ctx.em, by(ctx, access), row, note);
  }

  @Mutation(() => MedicationProposal, { description: 'Pauses an approved taper (for example during a flare-up), with the reason.' })
  async pauseTaper(@Arg('proposalId', () => ID) proposalId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const { row, ...access } = await proposalWithAccess(ctx, proposalId, PatientAction.MANAGE_MEDICATIONS);
    return setTaperPaused(ctx.em, by(ctx, access), row, true, reason);
  }

  @Mutation(() => MedicationProposal, { description: 'Resumes a paused taper.' })
  async resumeTaper(@Arg('proposalId', () => ID) proposalId: string, @Ctx() ctx: Context): Promise<MedicationProposal> {
    const { row, ...access } = await proposalWithAccess(ctx, proposalId, PatientAction.MANAGE_MEDICATIONS);
    return setTaperPaused(ctx.em, by(ctx, access), row, false, null);
  }
}

@Resolver(() => MedicationProposal)
export class MedicationProposalResolver {
  @FieldResolver(() => [TaperStep])
  async steps(@Root() proposal: MedicationProposal, @Ctx() ctx: Context): Promise<TaperStep[]> {
    return (await loaderFor<string, TaperStep[]>(ctx, 'taperSteps', async (ids) => {
      const by = new Map<string, TaperStep[]>(ids.map((id) => [id, []]));
      for (const s of await stepsOf(ctx.em, ids)) by.get(s.proposal.id)?.push(s);
      return by;
    }).load(proposal.id)) ?? [];
  }

  @FieldResolver(() => MedicationProposal, { nullable: true, description: 'For a proposal awaiting a decision: the approved (or paused) plan for the same medicine that approving it would end.' })
  replaces(@Root() proposal: MedicationProposal, @Ctx() ctx: Context): Promise<MedicationProposal | null> {
    return planItWouldReplace(ctx.em, proposal);
  }

  @FieldResolver(() => Patient)
  async patient(@Root() proposal: MedicationProposal, @Ctx() ctx: Context): Promise<Patient> {
    return ctx.em.findOneOrFail(Patient, { id: proposal.patientId });
  }
}
