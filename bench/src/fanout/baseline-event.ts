import { randomUUID } from 'node:crypto';

/**
 * The event the baselines deliver: the same fields and about the same size as what a Cairn subscriber
 * selects for a posted handover, so the three servers move comparable bytes.
 */
export interface BaselineEvent {
  seq: string;
  kind: string;
  patientId: string;
  actorName: string;
  createdAt: string;
  payload: { handoverId: string; urgency: string; summary: string; sourceService: string };
}

let seq = 0;

export function baselineEvent(patientId: string, summary: string): BaselineEvent {
  return {
    seq: String(++seq),
    kind: 'HANDOVER_POSTED',
    patientId,
    actorName: 'Dr Fanout Poster',
    createdAt: new Date().toISOString(),
    payload: { handoverId: randomUUID(), urgency: 'ROUTINE', summary, sourceService: 'Fan-out Specialist Pain Service' },
  };
}

/** The selection every subscriber sends (Cairn and graphql-yoga); the plain-ws floor sends the same data unasked. */
export const SUBSCRIPTION = `subscription Fanout($patientId: ID!, $after: String) {
  patientEvents(patientId: $patientId, after: $after) { seq kind patientId actorName createdAt payload }
}`;

/** Reads a JSON body from a Node request. */
export async function readJson(req: AsyncIterable<Buffer>): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
}
