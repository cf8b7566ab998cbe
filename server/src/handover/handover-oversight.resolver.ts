import type { AuditAction } from '../audit/audit-actions.js';
import { wrap } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid, itemNotFound, may, PatientAction, requireActor, requireAllowed, requirePatientAccess, type PatientAccess } from '../access/policy.js';
import { patientsShown, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { User } from '../auth/user.entity.js';
import { HandoverNote } from './handover.entity.js';
import { acknowledgeHandoverOnBehalf, escalatedHandoversFor, handoversSentBy, reassignLeadFromEscalation, unacknowledgedHandoversFor } from './escalation-handling.service.js';

/**
 * The handovers seen from above one patient: what an author sent and what became of it, and the PCN service
 * lead's escalations and unacknowledged notes, with what a lead may do about an escalation.
 */
@Resolver(() => HandoverNote)
export class HandoverOversightResolver {
  @Query(() => [HandoverNote], { description: 'Handovers you wrote, newest first, each with whether and by whom it was acknowledged.' })
  async handoversISent(@Ctx() ctx: Context): Promise<HandoverNote[]> {
    const actor = requireActor(ctx);
    return listed(ctx, actor, 'handover.sentByMe', await handoversSentBy(ctx.em, actor));
  }

  @Query(() => [HandoverNote], { description: "Your PCN's escalated handovers (service leads): open ones first, then those dealt with in the last two weeks." })
  async escalatedHandovers(@Ctx() ctx: Context): Promise<HandoverNote[]> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.overseeHandovers(actor), 'handover.escalations', "Only a PCN's service leads see its escalated handovers.");
    return listed(ctx, actor, 'handover.escalations', await escalatedHandoversFor(ctx.em, actor));
  }

  @Query(() => [HandoverNote], { description: "Every unacknowledged handover on your PCN's patients (service leads), oldest first." })
  async unacknowledgedHandovers(@Ctx() ctx: Context): Promise<HandoverNote[]> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.overseeHandovers(actor), 'handover.unacknowledged', "Only a PCN's service leads see its unacknowledged handovers.");
    return listed(ctx, actor, 'handover.unacknowledged', await unacknowledgedHandoversFor(ctx.em, actor));
  }

  @Mutation(() => HandoverNote, { description: "A PCN service lead acknowledges an escalated handover on the care-team lead's behalf, with a note (required)." })
  async acknowledgeHandoverOnBehalf(@Arg('handoverId', () => ID) handoverId: string, @Arg('note', () => String) note: string, @Ctx() ctx: Context): Promise<HandoverNote> {
    const { note: handover, actor, patient } = await escalatedNoteWithAccess(ctx, handoverId);
    return acknowledgeHandoverOnBehalf(ctx.em, { actor, requestId: ctx.requestId }, handover, patient, note);
  }

  @Mutation(() => HandoverNote, {
    description: "A PCN service lead makes another care-team member the patient's lead from an escalated handover: it then awaits them, and escalates again if they do not acknowledge it in time.",
  })
  async reassignLeadFromEscalation(
    @Arg('handoverId', () => ID) handoverId: string,
    @Arg('newLeadId', () => ID) newLeadId: string,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<HandoverNote> {
    const { note: handover, actor, patient } = await escalatedNoteWithAccess(ctx, handoverId);
    return reassignLeadFromEscalation(ctx.em, { actor, requestId: ctx.requestId }, handover, patient, newLeadId, note);
  }

  @FieldResolver(() => User, { nullable: true, description: 'When a service lead acknowledged for the care team: the lead they acted for (acknowledgedBy is who acted).' })
  async acknowledgedOnBehalfOf(@Root() note: HandoverNote): Promise<User | null> {
    return loaded(note.acknowledgedOnBehalfOf);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who dealt with the escalation.' })
  async escalationHandledBy(@Root() note: HandoverNote): Promise<User | null> {
    return loaded(note.escalationHandledBy);
  }

  @FieldResolver(() => Boolean, { description: 'Escalated and not yet acknowledged nor dealt with by a service lead.' })
  escalationOpen(@Root() note: HandoverNote): boolean {
    return note.escalatedAt !== null && note.acknowledgedAt === null && note.escalationHandledAt === null;
  }
}

/** `notes`, once the audit trail says the list `action` showed `actor` each of their patients. */
async function listed(ctx: Context, actor: User, action: AuditAction, notes: HandoverNote[]): Promise<HandoverNote[]> {
  await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, action, notes.map((n) => n.patientId)));
  return notes;
}

/** Loads a note and checks HANDLE_ESCALATION on its patient: another PCN's note and a missing one look alike. */
async function escalatedNoteWithAccess(ctx: Context, handoverId: string): Promise<{ note: HandoverNote } & PatientAccess> {
  requireActor(ctx);
  const through = { noun: 'handover note', detail: { handoverId } };
  const note = isUuid(handoverId) ? await ctx.em.findOne(HandoverNote, { id: handoverId }, { populate: ['author', 'acknowledgedBy'] }) : null;
  if (!note) throw await itemNotFound(ctx, PatientAction.HANDLE_ESCALATION, through);
  return { note, ...(await requirePatientAccess(ctx, note.patientId, PatientAction.HANDLE_ESCALATION, through)) };
}

async function loaded(user: User | null): Promise<User | null> {
  if (!user) return null;
  return wrap(user).isInitialized() ? user : ((await wrap(user).init()) ?? null);
}
