import { randomUUID } from 'node:crypto';
import { execute, getNamedType, GraphQLEnumType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import type { EventKind } from './event-kinds.js';
import type { EventRecord } from './event-log.js';

/**
 * Runs what a catch-up does for each replayed event (execute the live selection of `patientEvents` over
 * the event, serialise the result, encode it) over `count` made-up events, once at start, against nothing:
 * no socket, no database, no subscriber. The first clinician to reconnect after a start then replays
 * through compiled code: measured, a 1,000-event catch-up took about five times as long on a fresh
 * process as on a warm one, most of it graphql-js executing and the garbage collector growing its young
 * generation (npm run bench -- fanout, "the first after start").
 */
export async function warmLiveEvents(schema: GraphQLSchema, count: number): Promise<void> {
  const document = parse(`subscription Warm($patientId: ID!, $after: String) {
    patientEvents(patientId: $patientId, after: $after) { ${scalarFieldsOf(schema, 'PatientEvent').join(' ')} }
  }`);
  const kind = firstEventKind(schema);
  const patientId = randomUUID();
  const variableValues = { patientId, after: '0' };
  for (let seq = 1; seq <= count; seq++) {
    const result = await execute({ schema, document, rootValue: madeUpEvent(seq, patientId, kind), variableValues });
    if (result.errors) throw new Error(`Warming the live events failed: ${result.errors[0].message}`);
    Buffer.from(JSON.stringify({ id: 'warm', type: 'next', payload: result }));
  }
}

/** Every field of `typeName` that needs no selection of its own (all of PatientEvent's). */
function scalarFieldsOf(schema: GraphQLSchema, typeName: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.values(type.getFields())
    .filter((f) => !isObjectType(getNamedType(f.type)))
    .map((f) => f.name);
}

function firstEventKind(schema: GraphQLSchema): EventKind {
  const type = schema.getType('EventKind');
  if (!(type instanceof GraphQLEnumType) || type.getValues().length === 0) throw new Error('EventKind has no values');
  return type.getValues()[0].value as EventKind;
}

function madeUpEvent(seq: number, patientId: string, kind: EventKind): EventRecord {
  return {
    seq,
    patientId,
    kind,
    actorId: randomUUID(),
    actorName: 'Warm-up',
    recipientId: null,
    payload: { threadId: randomUUID(), excerpt: `Warming up ${seq}` },
    createdAt: new Date(),
  };
}
