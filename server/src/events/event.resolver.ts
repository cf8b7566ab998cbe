import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { admitPatientRead, PatientAction, readablePatientsSql, requireActor, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { badInput } from '../platform/errors.js';
import { type EventKind, EventKindEnum } from './event-kinds.js';
import { latestChangeSeq, parseCursor, readTimeline, type EventRecord } from './event-log.js';
import { PatientEvent, PatientEventConnection, toPatientEvent } from './event.types.js';

@Resolver()
export class EventResolver {
  @Query(() => PatientEventConnection, { description: "A patient's history, newest first, optionally of some kinds only." })
  async timeline(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('kinds', () => [EventKindEnum], { nullable: true }) kinds: EventKind[] | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('before', () => String, { nullable: true, description: 'The seq of the oldest event already shown.' }) before: string | null,
    @Ctx() ctx: Context,
  ): Promise<PatientEventConnection> {
    if (first < 1 || first > 100) throw badInput('first', 'Ask for between 1 and 100 events at a time.');
    const cursor = parseCursor(before);
    if (cursor === 'invalid') throw badInput('before', 'That is not a timeline cursor.');
    await requirePatientAccess(ctx, patientId, PatientAction.READ);
    const rows = await readTimeline(ctx.em, patientId, kinds, cursor, first + 1);
    const nodes = rows.slice(0, first).map(toPatientEvent);
    return { nodes, pageInfo: { endCursor: nodes.at(-1)?.seq ?? null, hasNextPage: rows.length > first } };
  }

  @Query(() => String, {
    description:
      "The seq of the newest event of any patient you may open, of `kinds` only when given ('0' when there is none): it moves whenever something of that kind has happened to one of them. A page polls it to know when to read its lists again. It names no patient, so asking is not recorded as a read of one.",
  })
  async latestChangeSeq(@Arg('kinds', () => [EventKindEnum], { nullable: true }) kinds: EventKind[] | null, @Ctx() ctx: Context): Promise<string> {
    const actor = requireActor(ctx);
    // Left out of the request, an argument arrives as undefined.
    const wanted = kinds ?? null;
    if (wanted !== null && wanted.length === 0) throw badInput('kinds', 'Name at least one kind of event, or leave the kinds out for all of them.');
    return String(await latestChangeSeq(ctx.em, readablePatientsSql(actor), wanted));
  }

  @Subscription(() => PatientEvent, {
    description: "A patient's events as they happen. Pass the last seq you saw as `after` to replay what you missed first.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { patientId: string; after: string | null }, Context>) => {
      const after = parseCursor(args.after);
      if (after === 'invalid') throw badInput('after', 'That is not an event cursor.');
      const events = context.services.events;
      const checkedAsOf = events.dispatchedThrough;
      // The missed events' results are made while the read's audit entry commits; none is sent before it has.
      const { access, recorded } = await admitPatientRead(context, args.patientId);
      // Without a cursor, start from now: nothing to replay.
      return events.subscribe(access.actor.id, { patientId: access.patientId }, after ?? events.dispatchedThrough, checkedAsOf, recorded);
    },
  })
  // Declares the field and its arguments; each event is resolved by toPatientEvent itself, synchronously
  // (streamItemResolvers in events.module.ts).
  patientEvents(
    @Root() event: EventRecord,
    @Arg('patientId', () => ID) _patientId: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): PatientEvent {
    return toPatientEvent(event);
  }
}
