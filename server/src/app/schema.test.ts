import { execute, parse } from 'graphql';
import { flatResultMaker } from '../platform/flat-results.js';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../events/event-log.js';
import { printCairnSchema, schemaFile } from './emit-schema.js';
import { buildCairnSchema } from './schema.js';

describe('schema/schema.graphql', () => {
  it('is exactly what the code defines (run `npm run schema` after changing the API)', async () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(await printCairnSchema());
  });
});

describe('subscription fields resolved from their stream items', () => {
  it("makes a patient event's result at once, not as a promise, from the event alone", async () => {
    const schema = await buildCairnSchema();
    const event: EventRecord = {
      seq: 42,
      patientId: '5b0c7c1e-2f8a-4c55-9a3e-0d6f1f6f2a01',
      kind: 'HANDOVER_POSTED',
      actorId: '0e2f3c4d-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
      actorName: 'Dr Ruth Okafor',
      recipientId: null,
      payload: { handoverId: 'h-1', summary: 'Pacing plan agreed' },
      createdAt: new Date('2026-03-02T09:30:00.000Z'),
    };
    const document = parse(`subscription($p: ID!, $after: String) {
      patientEvents(patientId: $p, after: $after) { seq kind patientId actorId actorName createdAt payload }
    }`);
    const variableValues = { p: event.patientId, after: '41' };
    const result = execute({ schema, document, rootValue: event, variableValues });
    expect(result).not.toBeInstanceOf(Promise);
    // What a live subscriber is sent is made without graphql-js, and is the same text.
    const made = flatResultMaker({ schema, document, variableValues })?.(event);
    expect(JSON.stringify(made)).toBe(JSON.stringify(result));
    expect(result).toEqual({
      data: {
        patientEvents: {
          seq: '42',
          kind: 'HANDOVER_POSTED',
          patientId: event.patientId,
          actorId: event.actorId,
          actorName: 'Dr Ruth Okafor',
          createdAt: '2026-03-02T09:30:00.000Z',
          payload: { handoverId: 'h-1', summary: 'Pacing plan agreed' },
        },
      },
    });
  });

  it("makes a care plan's live updates, its catch-up and its refusal as graphql-js does", async () => {
    const schema = await buildCairnSchema();
    const document = parse(`subscription($p: ID!, $sv: String) {
      carePlanUpdates(patientId: $p, stateVector: $sv) { kind update seq authorId authorName clientUpdateId at }
    }`);
    const args = { schema, document, variableValues: { p: '5b0c7c1e-2f8a-4c55-9a3e-0d6f1f6f2a01', sv: null } };
    const maker = flatResultMaker(args);
    expect(maker).not.toBeNull();
    const update = { kind: 'UPDATE', update: 'AQLN', seq: 7, authorId: '0e2f3c4d-5a6b-4c7d-8e9f-a0b1c2d3e4f5', authorName: 'Sam Patel', clientUpdateId: 'c-1', at: new Date('2026-03-02T09:30:00.000Z') };
    for (const item of [update, { kind: 'SYNC', update: 'AAA=', seq: 6 }]) {
      expect(JSON.stringify(maker!(item))).toBe(JSON.stringify(execute({ ...args, rootValue: item })));
    }
    // A subscriber whose access has gone: left to graphql-js, which answers NOT_FOUND.
    const revoked = { kind: 'REVOKED' };
    expect(maker!(revoked)).toBeNull();
    const refused = await execute({ ...args, rootValue: revoked });
    expect((refused.errors?.[0].originalError as { code?: string } | undefined)?.code).toBe('NOT_FOUND');
  });
});
