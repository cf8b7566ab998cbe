import type { AuditAction } from '../audit/audit-actions.js';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { decidePairs, isUuid, itemNotFound, may, PatientAction, requireActor, requireAllowed, requirePatientAccess } from '../access/policy.js';
import { AuditOutcome, patientsShown, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import { badInput } from '../platform/errors.js';
import { Referral } from '../referrals/referral.entity.js';
import { AnswerInvitationInput, CaseCriterion, CaseCriterionKind, CaseFindingMatch, InvitePatientsInput, SaveCaseSearchInput } from './case-finding.types.js';
import { CaseSearch } from './case-search.entity.js';
import { caseSearchesOf, criteriaOf, runCaseSearch, saveCaseSearch } from './case-search.service.js';
import { Invitation, InvitationStatus } from './invitation.entity.js';
import { answerInvitation, invitationsOf, invitePatients } from './invitation.service.js';

const notAllowed = "Case finding is for a PCN's coaches and service leads.";

/** One of the signed-in user's own searches; anyone else's, or none, is NOT_FOUND. */
async function ownSearch(ctx: Context, id: string, action: AuditAction): Promise<CaseSearch> {
  const actor = requireActor(ctx);
  await requireAllowed(ctx, may.findCases(actor), action, notAllowed);
  const search = isUuid(id) ? await ctx.em.findOne(CaseSearch, { id, ownerId: actor.id, pcnId: actor.organisation.pcnId }) : null;
  if (!search) throw await itemNotFound(ctx, action, { noun: 'saved search', detail: { searchId: id } });
  return search;
}

@Resolver(() => CaseSearch)
export class CaseSearchResolver {
  @Query(() => [CaseCriterionKind], { description: 'The criteria a case-finding search can use, and which generic fields each reads.' })
  caseCriterionKinds(@Ctx() ctx: Context): CaseCriterionKind[] {
    requireActor(ctx);
    return ctx.services.caseFindingCriteria.all().map((d) => ({
      kind: d.kind,
      label: d.label,
      values: d.fields.values ?? null,
      min: d.fields.min ?? null,
      max: d.fields.max ?? null,
      date: d.fields.date ?? null,
    }));
  }

  @Query(() => [CaseSearch], { description: 'Your saved case-finding searches.' })
  async myCaseSearches(@Ctx() ctx: Context): Promise<CaseSearch[]> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.findCases(actor), 'caseSearch.list', notAllowed);
    return caseSearchesOf(ctx.em, actor);
  }

  @Query(() => CaseSearch, { description: 'One of your saved searches.' })
  caseSearch(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CaseSearch> {
    return ownSearch(ctx, id, 'caseSearch.read');
  }

  @Mutation(() => CaseSearch, { description: "Saves a search over your PCN's patients (or changes one of yours)." })
  async saveCaseSearch(@Arg('input', () => SaveCaseSearchInput) input: SaveCaseSearchInput, @Ctx() ctx: Context): Promise<CaseSearch> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.findCases(actor), 'caseSearch.save', notAllowed);
    const existing = input.id ? await ownSearch(ctx, input.id, 'caseSearch.save') : null;
    return saveCaseSearch(ctx.em, { actor, requestId: ctx.requestId }, ctx.services.caseFindingCriteria, existing, input);
  }

  @Mutation(() => [Invitation], { description: 'Records invitations to the programme sent to patients found by one of your searches. Cairn sends nothing.' })
  async invitePatients(@Arg('input', () => InvitePatientsInput) input: InvitePatientsInput, @Ctx() ctx: Context): Promise<Invitation[]> {
    const actor = requireActor(ctx);
    const search = await ownSearch(ctx, input.searchId, 'invitation.send');
    // Ids as stored (lower case), whatever case they were sent in, and each patient once.
    const ids = [...new Set(input.patientIds.map((id) => id.toLowerCase()))];
    const access = await decidePairs(ctx.em, ids.map((patientId) => ({ patientId, userId: actor.id })));
    const outOfReach = ids.find((patientId) => !access.allows({ patientId, userId: actor.id }, PatientAction.INVITE));
    if (outOfReach) throw await itemNotFound(ctx, PatientAction.INVITE, { noun: 'patient', detail: { patientId: outOfReach } });
    // The invitations are answered in the order the patients were asked for (the database's order is none).
    const found = new Map((await ctx.em.find(Patient, { id: { $in: ids } })).map((p) => [p.id, p]));
    const patients = ids.flatMap((id) => found.get(id) ?? []);
    return invitePatients(ctx.em, { actor, requestId: ctx.requestId }, search, patients, input.channel);
  }

  @Mutation(() => Invitation, { description: "Records the patient's answer to an invitation; accepting makes the referral (source PROACTIVE_INVITATION)." })
  async answerInvitation(@Arg('input', () => AnswerInvitationInput) input: AnswerInvitationInput, @Ctx() ctx: Context): Promise<Invitation> {
    const actor = requireActor(ctx);
    const invitation = isUuid(input.invitationId) ? await ctx.em.findOne(Invitation, { id: input.invitationId }, { populate: ['sentBy', 'statusBy'] }) : null;
    const through = { noun: 'invitation', detail: { invitationId: input.invitationId } };
    if (!invitation) throw await itemNotFound(ctx, PatientAction.INVITE, through);
    const { patient } = await requirePatientAccess(ctx, invitation.patientId, PatientAction.INVITE, through);
    if (!input.answer) throw badInput('answer', 'Accepted or declined?');
    return answerInvitation(ctx.em, { actor, requestId: ctx.requestId }, invitation, patient, input);
  }

  @FieldResolver(() => [CaseCriterion])
  criteria(@Root() search: CaseSearch, @Ctx() ctx: Context): CaseCriterion[] {
    return criteriaOf(ctx.services.caseFindingCriteria, search);
  }

  @FieldResolver(() => [CaseFindingMatch], { description: "The PCN's patients who match now (at most 200), by name." })
  async results(@Root() search: CaseSearch, @Ctx() ctx: Context): Promise<CaseFindingMatch[]> {
    const actor = requireActor(ctx);
    const matches = await runCaseSearch(ctx.em, ctx.services.caseFindingCriteria, search);
    await recordAudit(
      ctx.em,
      { actorId: actor.id, action: 'caseSearch.run', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { searchId: search.id, matches: matches.length } },
      ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'caseSearch.match', matches.map((m) => m.patient.id), { searchId: search.id }),
    );
    return matches;
  }

  @FieldResolver(() => [Invitation], { description: 'Invitations sent from this search, oldest first.' })
  async invitations(@Root() search: CaseSearch, @Ctx() ctx: Context): Promise<Invitation[]> {
    const actor = requireActor(ctx);
    const invitations = await invitationsOf(ctx.em, search.id);
    // The list names each patient (and their NHS number): on the trail of each, as the search's matches are.
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'caseSearch.invitations', invitations.map((i) => i.patientId), { searchId: search.id }));
    return invitations;
  }
}

@Resolver(() => Invitation)
export class InvitationResolver {
  @FieldResolver(() => Patient)
  async patient(@Root() invitation: Invitation, @Ctx() ctx: Context): Promise<Patient> {
    const loaded = await loaderFor<string, Patient>(ctx, 'invitationPatient', async (ids) => new Map((await ctx.em.find(Patient, { id: { $in: ids } }, { populate: ['practice'] })).map((p) => [p.id, p]))).load(invitation.patientId);
    if (!loaded) throw new Error(`invitation ${invitation.id} names a patient that does not exist`);
    return loaded;
  }

  @FieldResolver(() => Boolean, {
    description:
      'Accepted while a referral made another way (their GP\'s, say) awaited triage or had the patient on the programme: the invitation was linked to that referral, and no referral was made from the answer.',
  })
  async joinedExistingReferral(@Root() invitation: Invitation, @Ctx() ctx: Context): Promise<boolean> {
    if (invitation.status !== InvitationStatus.ACCEPTED || !invitation.referralId) return false;
    const madeFrom = await loaderFor<string, string | null>(ctx, 'referralInvitation', async (ids) =>
      new Map((await ctx.em.find(Referral, { id: { $in: ids } }, { fields: ['id', 'invitationId'] })).map((r) => [r.id, r.invitationId])),
    ).load(invitation.referralId);
    return madeFrom !== undefined && madeFrom !== invitation.id;
  }
}
