import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { APPLY, b64, unb64 } from '../test-support/care-plan-editor.js';
import { gql, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

describe('a client that pipelines its care-plan edits', () => {
  const server = useTestServer();

  it('has every edit accepted in the order sent, though each builds on the one before and none was awaited', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const plan = await gql<{ carePlan: { state: string } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { state } }', { p: patient.id }, token);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, unb64(plan.data!.carePlan.state));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const words = Array.from({ length: 30 }, (_, i) => `w${i} `);
    for (const w of words) doc.getText('whatMatters').insert(doc.getText('whatMatters').length, w);

    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    const results = await Promise.all(
      updates.map((u) => wsRequest<{ applyCarePlanUpdate: { seq: number } }>(socket.client, APPLY, { p: patient.id, u: b64(u), c: `pipe-${randomUUID()}` })),
    );
    await socket.client.dispose();
    expect(results.map((r) => r.errors)).toEqual(Array(words.length).fill(undefined));
    const seqs = results.map((r) => r.data!.applyCarePlanUpdate.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: patient.id }, token);
    expect(stored.data!.carePlan.view.whatMatters).toBe(words.join(''));
  });
});
