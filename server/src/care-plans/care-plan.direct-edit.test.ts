import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APPLY, b64, typistAt } from '../test-support/care-plan-editor.js';
import { gql, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { rawGraphqlWs, type RawSocket } from '../test-support/raw-ws.js';
import { makeWorld, signInAs } from '../test-support/world.js';

/**
 * The same edit with its answer's fields in a fragment: graphql-js executes it (platform/direct-mutations.ts
 * takes only leaves), and its root field stands where APPLY's does, so errors point at the same place.
 */
const APPLY_BY_GRAPHQL_JS = `${APPLY.slice(0, APPLY.lastIndexOf('{'))}{ ...Ack } } fragment Ack on CarePlanUpdateAck { seq clientUpdateId duplicate }`;

type Message = RawSocket['received'][number];

/**
 * An edit on a socket is executed without graphql-js (the care-plan module declares `applyCarePlanUpdate`
 * a direct socket mutation): these tests hold that it is answered as graphql-js answers it, keeps its
 * order among a client's other edits, and keeps graphql-ws's protocol.
 */
describe('care-plan edits executed directly on a socket', () => {
  const server = useTestServer();
  const directCount = () => server().running.socketOperations.direct;

  async function editorOfNewPlan() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const typed = typistAt((await server().running.services.carePlans.read(patient.id)).state);
    return { world, patient, token, type: (text: string) => b64(typed(text)) };
  }

  /** Sends operation `id` on the raw socket and waits for its answer: `next` then `complete`, or `error`. */
  async function ask(socket: RawSocket, query: string, variables: Record<string, unknown>): Promise<Message[]> {
    const id = randomUUID();
    socket.send({ id, type: 'subscribe', payload: { query, variables } });
    await Promise.race([socket.next('complete', id), socket.next('error', id), timeout(`the answer to ${id}`)]);
    return socket.received.filter((m) => m.id === id);
  }

  /** Resolves once the plan's stored text passes `ok`, reading it every 50 ms. */
  async function storedText(patientId: string, token: string, ok: (text: string) => boolean): Promise<string> {
    for (;;) {
      const res = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: patientId }, token);
      const text = res.data?.carePlan.view.whatMatters ?? '';
      if (ok(text)) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('answers each edit, its repeat and each refusal with the very messages graphql-js answers them with', async () => {
    const { world, patient, token, type } = await editorOfNewPlan();
    const elsewhere = await world.patient([world.users.fcp]);
    const socket = await rawGraphqlWs(server().wsUrl, token);
    const edit = (p: string, u: string, c: string) => ({ p, u, c });
    const repeated = `repeat-${randomUUID()}`;
    const firstOfRepeat = type('a');
    const cases: Array<[string, (round: number) => Record<string, unknown>]> = [
      ['a new edit', (round) => edit(patient.id, type(`x${round}`), `new-${randomUUID()}`)],
      ['a repeat of a stored edit', () => edit(patient.id, firstOfRepeat, repeated)],
      ['an update that is not base64', () => edit(patient.id, '%%%not base64', `bad-${randomUUID()}`)],
      ['a clientUpdateId with spaces', () => edit(patient.id, type('y'), 'has spaces')],
      ['an update that is not a string', () => ({ p: patient.id, u: 42, c: `n-${randomUUID()}` })],
      ['no patient id', () => ({ u: type('z'), c: `m-${randomUUID()}` })],
      ['a patient who does not exist', () => edit(randomUUID(), type('w'), `gone-${randomUUID()}`)],
      ['a patient whose care team one is not on', () => edit(elsewhere.id, type('v'), `other-${randomUUID()}`)],
      ['a patient id that is not a UUID', () => edit('not-a-uuid', type('u'), `nu-${randomUUID()}`)],
    ];
    await ask(socket, APPLY, edit(patient.id, firstOfRepeat, repeated));
    for (const [what, variables] of cases) {
      const before = directCount();
      const direct = await ask(socket, APPLY, variables(1));
      expect(directCount(), `${what}: answered directly`).toBe(before + 1);
      const byGraphqlJs = await ask(socket, APPLY_BY_GRAPHQL_JS, variables(2));
      expect(directCount(), `${what}: answered by graphql-js`).toBe(before + 1);
      expect(comparable(direct), what).toEqual(comparable(byGraphqlJs));
    }
    socket.destroy();
    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: patient.id }, token);
    expect(stored.data!.carePlan.view.whatMatters).toBe('ax1x2');
  });

  it('keeps a client’s pipelined edits in the order sent when they alternate between the direct path and graphql-js', async () => {
    const { patient, token, type } = await editorOfNewPlan();
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const updates = words.map((w) => type(w));
    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    const before = directCount();
    const results = await Promise.all(
      updates.map((u, i) =>
        wsRequest<{ applyCarePlanUpdate: { seq: number } }>(socket.client, i % 2 === 0 ? APPLY : APPLY_BY_GRAPHQL_JS, { p: patient.id, u, c: `alt-${i}-${randomUUID()}` }),
      ),
    );
    await socket.client.dispose();
    expect(directCount() - before).toBe(words.length / 2);
    expect(results.map((r) => r.errors)).toEqual(Array(words.length).fill(undefined));
    const seqs = results.map((r) => r.data!.applyCarePlanUpdate.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: patient.id }, token);
    expect(stored.data!.carePlan.view.whatMatters).toBe(words.join(''));
  });

  it('keeps graphql-ws’s protocol: an id in use closes the socket, and an edit the client completed is stored but not answered', async () => {
    const { patient, token, type } = await editorOfNewPlan();

    const twice = await rawGraphqlWs(server().wsUrl, token);
    const id = randomUUID();
    twice.sendTogether(['twice-1', 'twice-2'].map((c) => ({ id, type: 'subscribe', payload: { query: APPLY, variables: { p: patient.id, u: type(c), c } } })));
    const code = await Promise.race([twice.closeFrame, new Promise((r) => setTimeout(r, 10_000, 'none'))]);
    expect(code, JSON.stringify(twice.received)).toBe(4409);
    twice.destroy();

    // A plan of its own: the edits above, one stored and one not, are not the base of the ones below.
    const { patient: other, token: otherToken, type: typeOther } = await editorOfNewPlan();
    const socket = await rawGraphqlWs(server().wsUrl, otherToken);
    const cancelled = randomUUID();
    socket.sendTogether([{ id: cancelled, type: 'subscribe', payload: { query: APPLY, variables: { p: other.id, u: typeOther('kept'), c: 'cancelled-but-kept' } } }, { id: cancelled, type: 'complete' }]);
    await Promise.race([storedText(other.id, otherToken, (text) => text.includes('kept')), timeout('the completed edit stored')]);
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.received.filter((m) => m.id === cancelled)).toEqual([]);
    // Its id is free again: an operation under it is answered.
    socket.send({ id: cancelled, type: 'subscribe', payload: { query: APPLY, variables: { p: other.id, u: typeOther('!'), c: `after-${randomUUID()}` } } });
    const answer = await Promise.race([socket.next('next', cancelled), timeout('an answer under the freed id')]);
    expect(answer.payload).toMatchObject({ data: { applyCarePlanUpdate: { duplicate: false } } });
    socket.destroy();
  });
});

/** Messages as compared across the two paths: the seq of a new edit and the request id of an error differ by nature. */
function comparable(messages: Message[]): unknown {
  return JSON.parse(
    JSON.stringify(messages, (key, value: unknown) => {
      if (key === 'id' || key === 'requestId') return undefined;
      if (key === 'seq') return typeof value;
      if (key === 'clientUpdateId' && typeof value === 'string') return value.replace(/^(new|alt)-.*/, '$1');
      return value;
    }),
  );
}

function timeout(what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} did not come within 10 s`)), 10_000));
}
