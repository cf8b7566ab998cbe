import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { acknowledgeablePatientsSql, completeHandoverActionAs, deny, isUuid, itemNotFound, PatientAction, readablePatientsSql, requireActor, requirePatientAccess, type PatientAccess } from '../access/policy.js';
import { patientsShown, recordAudit } from '../audit/audit.service.js';
import { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import type { Context } from '../auth/request-context.js';
import { forbidden } from '../platform/errors.js';
import { HandoverAction, HandoverAddendum, HandoverNote } from './handover.entity.js';
import { acknowledgeHandover, actionsAssignedTo, addHandoverAddendum, completeHandoverAction, handoversAwaiting, patientHandovers, postHandover } from './handover.service.js';
import { escalationTimings } from './handover-escalation.js';
import { HandoverEscalationTimings, PostHandoverInput } from './handover.types.js';

const OWN_NOTE_REFUSAL = "You wrote this handover: the care team's lead, or another GP on the team, acknowledges it.";

/** Loads a note and checks `action` on its patient; an unknown note and an inaccessible one look alike. */
async function noteWithAccess(ctx: Context, handoverId: string, action: PatientAction): Promise<{ note: HandoverNote } & PatientAccess> {
  requireActor(ctx);
  const through = { noun: 'handover note', detail: { handoverId } };
  const note = isUuid(handoverId) ? await ctx.em.findOne(HandoverNote, { id: handoverId }, { populate: ['author', 'acknowledgedBy'] }) : null;
  if (!note) throw await itemNotFound(ctx, action, through);
  return { note, ...(await requirePatientAccess(ctx, note.patientId, action, through)) };
}

@Resolver(() => HandoverNote)
export class HandoverResolver {
  @Query(() => HandoverNote)
  async handover(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<HandoverNote> {
    return (await noteWithAccess(ctx, id, PatientAction.READ)).note;
  }

  @Query(() => [HandoverNote], { description: "A patient's handover notes: the unacknowledged ones first, most urgent first, then the longest waiting (as the inbox lists them); then the acknowledged ones, newest first." })
  async patientHandovers(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<HandoverNote[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return patientHandovers(ctx.em, patient.id);
  }

  @Query(() => [HandoverNote], { description: 'Unacknowledged handovers you may acknowledge, most urgent first.' })
  async handoversAwaitingMyAcknowledgement(@Ctx() ctx: Context): Promise<HandoverNote[]> {
    const actor = requireActor(ctx);
    const notes = await handoversAwaiting(ctx.em, acknowledgeablePatientsSql(actor), actor.id);
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'handover.awaitingMine', notes.map((n) => n.patientId)));
    return notes;
  }

  @Query(() => [HandoverAction], { description: 'Recommended actions assigned to you: the open ones, soonest due first; with includeDone, the done ones after them, most recently done first.' })
  async myHandoverActions(@Arg('includeDone', () => Boolean, { defaultValue: false }) includeDone: boolean, @Ctx() ctx: Context): Promise<HandoverAction[]> {
    const actor = requireActor(ctx);
    const actions = await actionsAssignedTo(ctx.em, actor, readablePatientsSql(actor), includeDone);
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'handover.actionsMine', actions.map((a) => a.handover.patientId)));
    return actions;
  }

  @Mutation(() => HandoverAction, { description: "Marks a recommended action done (its assignee, or the care team's lead), once, with who and when." })
  async markHandoverActionDone(@Arg('actionId', () => ID) actionId: string, @Ctx() ctx: Context): Promise<HandoverAction> {
    const actor = requireActor(ctx);
    const through = { noun: 'recommended action', detail: { actionId } };
    const action = isUuid(actionId) ? await ctx.em.findOne(HandoverAction, { id: actionId }, { populate: ['handover', 'handover.author', 'assignee', 'doneBy'] }) : null;
    if (!action) throw await itemNotFound(ctx, PatientAction.COMPLETE_HANDOVER_ACTION, through);
    const { patient } = await requirePatientAccess(ctx, action.handover.patientId, completeHandoverActionAs(actor, action.assignee?.id ?? null), through);
    return completeHandoverAction(ctx.em, { actor, requestId: ctx.requestId }, action, patient);
  }

  @Query(() => HandoverEscalationTimings, { description: 'When unacknowledged handovers escalate here: what the urgency hints are written from.' })
  handoverEscalationTimings(@Ctx() ctx: Context): HandoverEscalationTimings {
    requireActor(ctx);
    return escalationTimings(ctx.services.config);
  }

  @Mutation(() => HandoverNote, { description: 'Posts a handover note. Posted notes never change; correct them with an addendum.' })
  async postHandover(@Arg('input', () => PostHandoverInput) input: PostHandoverInput, @Ctx() ctx: Context): Promise<HandoverNote> {
    const { actor, patient, relationship } = await requirePatientAccess(ctx, input.patientId, PatientAction.POST_HANDOVER);
    return postHandover(ctx.em, { actor, requestId: ctx.requestId }, patient, relationship, input);
  }

  @Mutation(() => HandoverAddendum)
  async addHandoverAddendum(@Arg('handoverId', () => ID) handoverId: string, @Arg('body', () => String) body: string, @Ctx() ctx: Context): Promise<HandoverAddendum> {
    const { note, actor } = await noteWithAccess(ctx, handoverId, PatientAction.POST_HANDOVER);
    return addHandoverAddendum(ctx.em, { actor, requestId: ctx.requestId }, note, body);
  }

  @Mutation(() => HandoverNote, { description: "Acknowledges a handover (the care team's lead or a GP on the team), optionally replying." })
  async acknowledgeHandover(
    @Arg('handoverId', () => ID) handoverId: string,
    @Arg('reply', () => String, { nullable: true }) reply: string | null,
    @Ctx() ctx: Context,
  ): Promise<HandoverNote> {
    const { note, actor, patient } = await noteWithAccess(ctx, handoverId, PatientAction.ACKNOWLEDGE_HANDOVER);
    // Acknowledging says the care team has read what was handed to it: the note's author cannot say so for it.
    if (note.author.id === actor.id) throw await deny(ctx, 'handover.acknowledge', { handoverId: note.id, reason: 'own note' }, forbidden(OWN_NOTE_REFUSAL), note.patientId);
    return acknowledgeHandover(ctx.em, { actor, requestId: ctx.requestId }, note, patient, reply);
  }

  @FieldResolver(() => [HandoverAction])
  async actions(@Root() note: HandoverNote, @Ctx() ctx: Context): Promise<HandoverAction[]> {
    return (await actionsOf(ctx, note.id)) ?? [];
  }

  @FieldResolver(() => [HandoverAddendum])
  async addenda(@Root() note: HandoverNote, @Ctx() ctx: Context): Promise<HandoverAddendum[]> {
    return (await addendaOf(ctx, note.id)) ?? [];
  }

  @FieldResolver(() => Patient)
  async patient(@Root() note: HandoverNote, @Ctx() ctx: Context): Promise<Patient> {
    return ctx.em.findOneOrFail(Patient, { id: note.patientId });
  }
}

@Resolver(() => HandoverAction)
export class HandoverActionResolver {
  @FieldResolver(() => HandoverNote)
  handover(@Root() action: HandoverAction): HandoverNote {
    return action.handover;
  }
}

/** The actions of many notes in one query per request. */
function actionsOf(ctx: Context, noteId: string): Promise<HandoverAction[] | undefined> {
  return loaderFor<string, HandoverAction[]>(ctx, 'handoverActions', async (ids) => {
    const rows = await ctx.em.find(HandoverAction, { handover: { $in: ids } }, { populate: ['assignee', 'doneBy'], orderBy: { position: 'asc' } });
    return groupByNote(ids, rows);
  }).load(noteId);
}

/** The addenda of many notes in one query per request. */
function addendaOf(ctx: Context, noteId: string): Promise<HandoverAddendum[] | undefined> {
  return loaderFor<string, HandoverAddendum[]>(ctx, 'handoverAddenda', async (ids) => {
    const rows = await ctx.em.find(HandoverAddendum, { handover: { $in: ids } }, { populate: ['author'], orderBy: { createdAt: 'asc' } });
    return groupByNote(ids, rows);
  }).load(noteId);
}

function groupByNote<T extends { handover: HandoverNote }>(ids: string[], rows: T[]): Map<string, T[]> {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) by.get(r.handover.id)?.push(r);
  return by;
}
