import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { PageInfo } from '../patients/patient.types.js';
import { type EventKind, EventKindEnum } from './event-kinds.js';
import type { EventRecord } from './event-log.js';

/** One entry of a patient's event log: the timeline and the live stream share it. */
@ObjectType()
export class PatientEvent {
  @Field(() => String, { description: 'The cursor: pass it back as `after` to resume, or `before` to page back.' })
  seq!: string;

  @Field(() => EventKindEnum)
  kind!: EventKind;

  @Field(() => ID, { nullable: true })
  patientId!: string | null;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorName!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLJSONObject, { description: 'Kind-specific details (ids, a short excerpt).' })
  payload!: Record<string, unknown>;
}

/** Shapes a log row for GraphQL once; every subscriber it is delivered to shares the object. */
export function toPatientEvent(e: EventRecord): PatientEvent {
  const shaped = shapedCache.get(e);
  if (shaped) return shaped;
  const out = Object.assign(new PatientEvent(), {
    seq: String(e.seq),
    kind: e.kind,
    patientId: e.patientId,
    actorId: e.actorId,
    actorName: e.actorName,
    createdAt: e.createdAt,
    payload: e.payload,
  });
  shapedCache.set(e, out);
  return out;
}
const shapedCache = new WeakMap<EventRecord, PatientEvent>();

@ObjectType()
export class PatientEventConnection {
  @Field(() => [PatientEvent]) nodes!: PatientEvent[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
