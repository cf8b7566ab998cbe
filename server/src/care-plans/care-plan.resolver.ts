import { SafeIntResolver } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { canonicalPatientId, PatientIdArg } from '../access/patient-id-arg.js';
import { isUuid, PatientAction, requireActor, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { badInput, notFound } from '../platform/errors.js';
import { requireIsoDate } from '../platform/validate.js';
import { CarePlanSection, StrategyCategory } from '@cairn/schema/care-plan';
import { changedSince, listRevisions, listSignOffs, restoreRevision, signOff, viewAt } from './care-plan.history.js';
import { diffViews, reviewerNames } from './care-plan.diff.js';
import { EditNotAllowed, type WriteSession } from './care-plan.store.js';
import { carePlanUpdateStream, decodeBase64, presenceStream, toBase64, type UpdateStreamItem } from './care-plan.live.js';
import { PresenceActivity, type PresenceEntry } from './care-plan.presence.js';
import {
  CarePlan,
  CarePlanPresence,
  CarePlanRevision,
  CarePlanSectionDiff,
  CarePlanSignOff,
  CarePlanUpdateAck,
  CarePlanUpdateEvent,
  CarePlanVersion,
  StrategySuggestion,
} from './care-plan.types.js';
import { suggestionsFor } from './strategy-library.js';
import { ukToday } from '../platform/uk-dates.js';

/** What a subscriber is sent for one item of its plan's update stream; NOT_FOUND once its access is gone. */
export function carePlanUpdateOf(item: UpdateStreamItem): CarePlanUpdateEvent {
  if (item.kind === 'REVOKED') throw notFound();
  if (item.kind === 'SYNC') return { ...item, authorId: null, authorName: null, clientUpdateId: null, at: null };
  return item;
}

@Resolver()
export class CarePlanResolver {
  @Query(() => CarePlan, { description: "A patient's care plan: the Yjs state to edit from and the typed view." })
  async carePlan(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<CarePlan> {
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    const plan = await ctx.services.carePlans.read(patientId);
    const [lastSignOff] = await listSignOffs(ctx.em, patientId);
    return {
      patientId,
      seq: plan.seq,
      state: toBase64(plan.state),
      stateVector: toBase64(plan.stateVector),
      view: plan.view,
      updatedAt: plan.updatedAt,
      lastSignOff: lastSignOff ?? null,
      changedSinceSignOff: changedSince(plan.view, lastSignOff ?? null),
    };
  }

  @Mutation(() => CarePlanUpdateAck, {
    description: 'Stores one Yjs update (base64). Answers only once it is durable; the same clientUpdateId again is harmless.',
  })
  async applyCarePlanUpdate(
    @PatientIdArg() patientId: string,
    @Arg('update', () => String) update: string,
    @Arg('clientUpdateId', () => String) clientUpdateId: string,
    @Ctx() ctx: Context,
  ): Promise<CarePlanUpdateAck> {
    const actor = requireActor(ctx);
    const store = ctx.services.carePlans;
    if (!isUuid(patientId)) await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN); // answers NOT_FOUND, audited
    const bytes = decodeBase64('update', update, store.options.maxUpdateBytes);
    const id = requireClientUpdateId(clientUpdateId);
    // No await before the edit joins the write queue: a client's pipelined edits keep the order they were sent in.
    const session = writeSessionOf(ctx);
    const save = () => store.apply(patientId, actor.id, bytes, id, ctx.requestId, update, session);
    try {
      return await save();
    } catch (e) {
      if (!(e instanceof EditNotAllowed)) throw e;
      // The writer checks access for its whole group at once; the policy says why, in its own words, and
      // audits the refusal. Access granted in the meantime: one more try.
      await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN);
      return save().catch((again: unknown) => {
        throw again instanceof EditNotAllowed ? notFound() : again;
      });
    }
  }

  @Subscription(() => CarePlanUpdateEvent, {
    description: "First the updates the client is missing (against its state vector, base64; omit for everything), then others' updates live.",
    subscribe: ({ args, context }) => carePlanUpdateStream(context as Context, canonicalPatientId(args.patientId), (args.stateVector as string | null | undefined) ?? null),
  })
  // Declares the field and its arguments; each item is resolved by carePlanUpdateOf itself, synchronously
  // (streamItemResolvers in care-plans.module.ts).
  carePlanUpdates(
    @Root() item: UpdateStreamItem,
    @PatientIdArg() _patientId: string,
    @Arg('stateVector', () => String, { nullable: true }) _stateVector: string | null,
  ): CarePlanUpdateEvent {
    return carePlanUpdateOf(item);
  }

  @Query(() => [CarePlanRevision], { description: 'The history as revisions (edits by anyone with no long pause: a co-editing session is one), newest first.' })
  async carePlanRevisions(
    @PatientIdArg() patientId: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<CarePlanRevision[]> {
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return listRevisions(ctx.em, patientId, Math.min(Math.max(first, 1), 500));
  }

  @Query(() => CarePlanVersion, { description: 'The plan as it was at a revision, read-only.' })
  async carePlanAt(@PatientIdArg() patientId: string, @Arg('seq', () => Int) seq: number, @Ctx() ctx: Context): Promise<CarePlanVersion> {
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return { seq, view: await viewAt(ctx.em, patientId, seq) };
  }

  @Query(() => [CarePlanSectionDiff], { description: 'How each section differs between two revisions (seq 0: the empty plan).' })
  async carePlanDiff(
    @PatientIdArg() patientId: string,
    @Arg('fromSeq', () => Int) fromSeq: number,
    @Arg('toSeq', () => Int) toSeq: number,
    @Ctx() ctx: Context,
  ): Promise<CarePlanSectionDiff[]> {
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    const [before, after] = [await viewAt(ctx.em, patientId, fromSeq), await viewAt(ctx.em, patientId, toSeq)];
    return diffViews(before, after, await reviewerNames(ctx.em, [before, after]));
  }

  @Mutation(() => CarePlanUpdateAck, { description: "Makes the plan's content equal a revision again, as a new update by you." })
  async restoreCarePlanRevision(
    @PatientIdArg() patientId: string,
    @Arg('seq', () => Int) seq: number,
    @Arg('clientUpdateId', () => String) clientUpdateId: string,
    @Ctx() ctx: Context,
  ): Promise<CarePlanUpdateAck> {
    const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN);
    return restoreRevision(ctx.services.carePlans, ctx.em, { patientId, seq, actorId: actor.id, clientUpdateId: requireClientUpdateId(clientUpdateId), requestId: ctx.requestId }).catch(
      async (e: unknown) => {
        if (!(e instanceof EditNotAllowed)) throw e;
        await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN); // access went meanwhile: the policy says why
        throw notFound();
      },
    );
  }

  @Mutation(() => CarePlanSignOff, { description: 'Marks the plan as "agreed with the patient": the revision `seq`, which must still be the plan as it is now.' })
  async signOffCarePlan(
    @PatientIdArg() patientId: string,
    @Arg('seq', () => SafeIntResolver, { description: 'The revision agreed, as shown to the person recording it: the last update seq their copy holds.' }) seq: number,
    @Arg('agreedOn', () => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' }) agreedOn: string | null,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<CarePlanSignOff> {
    const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN);
    const day = requireAgreedOn(agreedOn, new Date());
    if ((note ?? '').length > 2000) throw badInput('note', 'The note is too long (at most 2,000 characters).');
    if (seq < 0) throw badInput('seq', 'A revision is a number of 0 or more.');
    return signOff(ctx.services.carePlans, ctx.em, { patientId, seq, actorId: actor.id, agreedOn: day, note: (note ?? '').trim(), requestId: ctx.requestId });
  }

  @Query(() => [CarePlanSignOff], { description: 'Every sign-off of the plan, newest first.' })
  async carePlanSignOffs(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<CarePlanSignOff[]> {
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return listSignOffs(ctx.em, patientId);
  }

  @Query(() => [StrategySuggestion], { description: 'Built-in strategy ideas for an activation level (1–4; lower: smaller, concrete steps).' })
  strategySuggestions(
    @Arg('activationLevel', () => Int) activationLevel: number,
    @Arg('category', () => StrategyCategory, { nullable: true }) category: StrategyCategory | null,
  ): StrategySuggestion[] {
    if (!Number.isInteger(activationLevel) || activationLevel < 1 || activationLevel > 4) {
      throw badInput('activationLevel', 'Activation level must be 1, 2, 3 or 4.');
    }
    return suggestionsFor(activationLevel, category);
  }

  @Mutation(() => [CarePlanPresence], { description: 'Heartbeat: I am viewing or editing this section. Repeat every 10 s or so; after 25 s without one I disappear.' })
  async carePlanPresence(
    @PatientIdArg() patientId: string,
    @Arg('section', () => CarePlanSection, { nullable: true }) section: CarePlanSection | null,
    @Arg('activity', () => PresenceActivity, { defaultValue: PresenceActivity.VIEWING }) activity: PresenceActivity,
    @Arg('clientId', () => String, { nullable: true, description: 'One per browser tab; defaults to the session.' }) clientId: string | null,
    @Ctx() ctx: Context,
  ): Promise<CarePlanPresence[]> {
    const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    if (activity === PresenceActivity.EDITING) await requirePatientAccess(ctx, patientId, PatientAction.EDIT_CARE_PLAN);
    const entry = { key: presenceKey(ctx, actor.id, clientId), userId: actor.id, name: actor.name, role: actor.role, section, activity };
    return ctx.services.carePlans.presence.beat(patientId, entry, ctx.services.config.maxPresencePerUserPerPlan);
  }

  @Mutation(() => Boolean, { description: 'I have left the plan (closing the tab); presence also expires on its own.' })
  async leaveCarePlan(
    @PatientIdArg() patientId: string,
    @Arg('clientId', () => String, { nullable: true }) clientId: string | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    ctx.services.carePlans.presence.leave(patientId, presenceKey(ctx, actor.id, clientId));
    return true;
  }

  @Subscription(() => [CarePlanPresence], {
    description: 'Who is viewing or editing which section: the list now, then whenever it changes.',
    subscribe: ({ args, context }) => presenceStream(context as Context, canonicalPatientId(args.patientId)),
  })
  carePlanPresenceChanged(@Root() entries: PresenceEntry[] | 'REVOKED', @PatientIdArg() _patientId: string): CarePlanPresence[] {
    if (entries === 'REVOKED') throw notFound();
    return entries;
  }
}

/** Earliest date a plan may be said to have been agreed on: the service began long after this. */
const earliestAgreement = '2000-01-01';

/**
 * The day the plan was agreed with the patient: today in the UK when omitted, never in the future (the
 * service's day, so a sign-off late in a British evening is not refused) and not before 2000.
 */
export function requireAgreedOn(agreedOn: string | null, now: Date): string {
  const today = ukToday(now);
  const day = agreedOn ? requireIsoDate('agreedOn', agreedOn, { label: 'The date agreed' }) : today;
  if (day > today) throw badInput('agreedOn', 'A plan cannot be agreed on a future date.');
  if (day < earliestAgreement) throw badInput('agreedOn', 'Please check the date the plan was agreed: it is too far in the past.');
  return day;
}

function requireClientUpdateId(id: string): string {
  if (!/^[\w:.-]{1,100}$/.test(id)) throw badInput('clientUpdateId', 'The clientUpdateId must be 1–100 letters, digits or _ : . -');
  return id;
}

function presenceKey(ctx: Context, userId: string, clientId: string | null): string {
  return `${userId}:${clientId?.slice(0, 100) ?? ctx.session?.id ?? ctx.requestId}`;
}

/**
 * An edit sent on a socket is admitted without reading its session (see `sessionCheckedOnWrite` in
 * care-plans.module.ts): the store reads it instead. Over HTTP the session was read for the request.
 */
function writeSessionOf(ctx: Context): WriteSession | null {
  const session = ctx.transport === 'ws' ? ctx.session : null;
  if (!session) return null;
  return { id: session.id, refusal: () => ctx.services.sockets.refusalOfWrite(session, 'applyCarePlanUpdate') };
}
