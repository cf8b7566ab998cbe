import { buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType, type IntrospectionQuery } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { gql, useTestServer } from '../test-support/harness.js';
import { probesFor, type Fillers, type Probe } from '../test-support/input-corpus.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';

/** Every code a client may be answered with for a request it got wrong; anything else is a defect. */
const typedCodes = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'LIMIT_EXCEEDED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);
/** Root fields a care-team member cannot reach: run as the role that can, so the probe gets past the door. */
const asAdmin = new Set(['createUser', 'createOrganisation', 'setUserActive', 'organisations']);
const asLead = new Set(['auditTrail']);

type Answer = { errors?: Array<{ message: string; extensions?: { code?: string } }>; data?: unknown; live?: true };

describe('every bad input is a typed error', () => {
  const server = useTestServer();

  it('a corpus of bad values in every argument of every operation, over HTTP and over the WebSocket, is never an internal error', { timeout: 600_000 }, async () => {
    const { url, wsUrl, orm } = server();
    const world = await makeWorld(orm.em.fork());
    const { coach, gp, fcp, specialist, admin, lead } = world.users;
    const patient = await world.patient([coach, gp, fcp, specialist]);
    await world.linkSpecialist(patient);
    const [coachToken, gpToken, specialistToken, adminToken, leadToken] = await Promise.all([coach, gp, specialist, admin, lead].map((u) => signInAs(url, u)));

    // Real data for every kind of id: a thread with a post mentioning the coach (so a notification), a handover, a plan edit.
    const thread = await gql<{ startThread: { id: string; posts: Array<{ id: string }> } }>(
      url,
      'mutation($input: StartThreadInput!) { startThread(input: $input) { id posts { id } } }',
      { input: { patientId: patient.id, title: 'Pacing', body: 'Over to you', mentions: [coach.id] } },
      gpToken,
    );
    const handover = await gql<{ postHandover: { id: string } }>(
      url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Taper', advice: 'Slowly', urgency: 'SOON', actions: [] } },
      specialistToken,
    );
    await gql(url, 'mutation($p: ID!, $u: String!, $c: String!) { applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: $c) { seq } }', { p: patient.id, u: planEdit(), c: 'seed-1' }, coachToken);
    const notifications = await gql<{ myNotifications: Array<{ id: string }> }>(url, '{ myNotifications { id } }', {}, coachToken);
    const ids = {
      thread: thread.data!.startThread.id,
      post: thread.data!.startThread.posts[0].id,
      handover: handover.data!.postHandover.id,
      notification: notifications.data!.myNotifications[0].id,
    };

    const fill: Fillers = (field, name, type) => {
      const byField: Record<string, unknown> = { 'thread.id': ids.thread, 'handover.id': ids.handover, 'markNotificationRead.id': ids.notification, 'patient.id': patient.id };
      const byName: Record<string, unknown> = {
        patientId: patient.id,
        threadId: ids.thread,
        postId: ids.post,
        parentPostId: ids.post,
        handoverId: ids.handover,
        userId: field === 'auditTrail' ? coach.id : fcp.id,
        mentions: [coach.id],
        assigneeId: coach.id,
        leadUserId: coach.id,
        pcnId: world.pcn.id,
        practiceId: world.practice.id,
        organisationId: world.practice.id,
        email: `fuzz-${randomUUID().slice(0, 8)}@test.example`,
        password: 'a perfectly long passphrase',
        nhsNumber: uniqueNhsNumber(),
        dateOfBirth: '1970-01-01',
        dueDate: '2027-01-01',
        agreedOn: '2026-01-01',
        update: planEdit(),
        clientUpdateId: `fuzz-${randomUUID()}`,
        first: 5,
        seq: 1,
        fromSeq: 0,
        toSeq: 1,
        level: 2,
        activationLevel: 2,
        active: true,
      };
      const key = `${field}.${name}`;
      if (key in byField) return byField[key];
      if (name in byName) return byName[name];
      if (!isNonNullType(type)) return undefined; // optional: left out unless it is the target
      return defaultFor(type);
    };

    const schema = buildClientSchema((await gql<IntrospectionQuery>(url, getIntrospectionQuery(), {}, coachToken)).data!);
    const probes = probesFor(schema, fill);
    const tokenFor = (p: Probe) => (asAdmin.has(p.field) ? adminToken : asLead.has(p.field) ? leadToken : coachToken);

    const sockets = new Map<string, { client: Client; closedWith: number[] }>();
    const socketFor = (token: string) => {
      let s = sockets.get(token);
      if (!s) {
        const closedWith: number[] = [];
        const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { token }, on: { closed: (e) => void closedWith.push((e as { code: number }).code) }, onNonLazyError: () => undefined });
        sockets.set(token, (s = { client, closedWith }));
      }
      return s.client;
    };

    const overHttp = (p: Probe): Promise<Answer & { status?: number }> =>
      // One retry: a pooled keep-alive connection can be reset under the client; a server that failed stays failed.
      gql(url, p.query, p.variables, tokenFor(p))
        .catch(() => gql(url, p.query, p.variables, tokenFor(p)))
        .catch((e: unknown) => ({ errors: [{ message: String(e), extensions: { code: 'CONNECTION_FAILED' } }] }));
    // graphql-ws's client may close its socket (1000) when it briefly holds no operation, ending one still
    // being sent unanswered: such an operation is asked again; an answer is never retried.
    const overWs = async (p: Probe): Promise<Answer> => {
      const first = await wsAnswer(socketFor(tokenFor(p)), p);
      return first.errors || first.data !== undefined || first.live ? first : wsAnswer(socketFor(tokenFor(p)), p);
    };

    const failures: string[] = [];
    const started = Date.now();
    let done = 0;
    const judge = (transport: string, p: Probe, answer: Answer & { status?: number }) => {
      if (process.env.FUZZ_DEBUG && ++done % 200 === 0) console.log(transport, done, probes.length, Date.now() - started, p.field, p.target);
      const codes = (answer.errors ?? []).map((e) => e.extensions?.code ?? 'none');
      const where = `${transport} ${p.field}(${p.target}: ${shown(p.value)})`;
      if (answer.status !== undefined && answer.status >= 500) failures.push(`${where}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
      const untyped = codes.filter((c) => !typedCodes.has(c));
      if (untyped.length) failures.push(`${where}: ${untyped.join(', ')}: ${answer.errors!.map((e) => e.message).join(' | ')}`);
      else if (transport === 'HTTP' && p.operation === 'subscription') {
        if (!codes.includes('BAD_REQUEST')) failures.push(`${where}: expected BAD_REQUEST (no subscriptions over HTTP), got ${codes.join(', ') || 'data'}`);
      } else if (p.mustRefuse && !codes.includes('BAD_USER_INPUT') && !codes.includes('GRAPHQL_VALIDATION_FAILED')) {
        failures.push(`${where}: expected BAD_USER_INPUT, got ${codes.join(', ') || String(JSON.stringify(answer)).slice(0, 200)}`);
      }
    };

    // Subscriptions are sent over HTTP too, where they are not served: a typed refusal whatever the
    // arguments (graphql-js would run one as a query, with no event to resolve), so one value per argument.
    const overHttpToo = probes.filter((p, i) => p.operation !== 'subscription' || probes[i - 1]?.target !== p.target || probes[i - 1]?.field !== p.field);
    await pool(overHttpToo, 16, async (p) => judge('HTTP', p, await overHttp(p)));
    const wsStarted = Date.now();
    await pool(probes, 16, async (p) => judge('WS', p, await overWs(p)));
    const seconds = (Date.now() - started) / 1000;
    const httpSeconds = (wsStarted - started) / 1000;

    failures.sort((a, b) => Number(b.includes('expected BAD_USER_INPUT') === false) - Number(a.includes('expected BAD_USER_INPUT') === false));
    expect(failures.slice(0, 40), `${failures.length} of ${overHttpToo.length + probes.length} probes failed`).toEqual([]);
    // No socket was dropped for an internal error, and the server still answers.
    for (const s of sockets.values()) expect(s.closedWith.filter((code) => code === 4500 || code === 1011)).toEqual([]);
    expect((await gql<{ me: { id: string } }>(url, '{ me { id } }', {}, coachToken)).data?.me.id).toBe(coach.id);
    expect(probes.length).toBeGreaterThan(500);
    console.log(`${overHttpToo.length} probes over HTTP in ${httpSeconds.toFixed(1)} s, ${probes.length} over the WebSocket in ${(seconds - httpSeconds).toFixed(1)} s`);
    for (const s of sockets.values()) await s.client.dispose();
  });

  it('a document whose operation to run cannot be told is refused as the client\'s mistake, over HTTP and over the WebSocket', async () => {
    const { url, wsUrl, orm } = server();
    const world = await makeWorld(orm.em.fork());
    const token = await signInAs(url, world.users.coach);
    const twoOperations = 'query Mine { me { id } } query Colleagues { colleagues(search: "a") { id } }';
    const overHttp = async (operationName?: string) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: twoOperations, operationName }),
      });
      return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> }) };
    };
    const unnamed = await overHttp();
    expect(unnamed.status).toBe(400);
    expect(unnamed.errors?.[0]).toEqual({
      message: 'The document has 2 operations (Mine, Colleagues): say which to run in operationName.',
      extensions: { code: 'BAD_USER_INPUT', field: 'operationName' },
    });
    expect((await overHttp('Nobody')).errors?.[0]).toMatchObject({
      message: 'The document has no operation named "Nobody"; it has Mine, Colleagues.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect((await overHttp('Mine')).data).toEqual({ me: { id: world.users.coach.id } });

    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { token } });
    try {
      const errors = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: twoOperations }, { next: () => reject(new Error('answered')), error: resolve, complete: () => reject(new Error('completed')) });
      });
      expect(errors).toMatchObject([{ message: 'The document has 2 operations (Mine, Colleagues): say which to run in operationName.', extensions: { code: 'BAD_USER_INPUT' } }]);
    } finally {
      await client.dispose();
    }
  });

  it('NUL, lone surrogates and malformed ids are refused naming the argument, as literals and as variables, before any resolver runs', async () => {
    const { url, orm } = server();
    const world = await makeWorld(orm.em.fork());
    const token = await signInAs(url, world.users.coach);
    const literal = await gql(url, '{ colleagues(search: "a\\u0000b") { id } }', {}, token);
    expect(literal.status).toBe(400);
    expect(literal.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'search' } });
    expect(literal.errors?.[0].message).toMatch(/"search" contains a NUL character/);

    const nested = await gql(url, 'mutation($i: StartThreadInput!) { startThread(input: $i) { id } }', { i: { patientId: randomUUID(), title: 'x', body: 'ok', mentions: [randomUUID(), 'nope'] } }, token);
    expect(nested.errors?.[0]).toMatchObject({ message: '"input.mentions[1]" is not a valid id.', extensions: { code: 'BAD_USER_INPUT', field: 'input.mentions[1]' } });

    const surrogate = await gql(url, 'query($f: PatientFilter) { patients(filter: $f) { totalCount } }', { f: { search: 'ab\uD800' } }, token);
    expect(surrogate.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.search' } });

    const overHttp = await gql(url, 'subscription { notifications { seq } }', {}, token);
    expect(overHttp.status).toBe(400);
    expect(overHttp.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });

    // A wrong variable type is the client's mistake in production too, where internals are masked.
    const wrongType = await gql(url, 'query($n: Int!) { myNotifications(first: $n) { id } }', { n: 1.5 }, token);
    expect(wrongType.status).toBe(400);
    expect(wrongType.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'n' } });
  });
});

describe('bad input in production, where internal errors are masked', () => {
  const server = useTestServer({ production: true });

  it('answers a wrong variable type, a NUL and a malformed id with BAD_USER_INPUT and HTTP 400, not a masked internal error', async () => {
    const { url, orm } = server();
    const world = await makeWorld(orm.em.fork());
    const token = await signInAs(url, world.users.coach);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query($n: Int!) { myNotifications(first: $n) { id } }', { n: 1.5 }],
      ['query($id: ID!) { patient(id: $id) { id } }', { id: { not: 'an id' } }],
      ['query($id: ID!) { patient(id: $id) { id } }', { id: 'not-a-uuid' }],
      ['mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', { e: 'a\u0000@example.com', p: 'x' }],
      ['query($s: String!) { colleagues(search: $s) { id } }', { s: '\uDC00' }],
    ];
    for (const [query, variables] of cases) {
      const res = await gql(url, query, variables, token);
      expect(res.status, query).toBe(400);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
  });
});

/** A fresh edit of the plan as a browser would send it (its own Yjs client id). */
function planEdit(): string {
  const doc = new Y.Doc();
  doc.getText('whatMatters').insert(0, 'Gardening');
  return Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
}

function defaultFor(type: GraphQLInputType): unknown {
  const named = getNamedType(type);
  if (isListType(isNonNullType(type) ? type.ofType : type)) return [];
  if (isEnumType(named)) return named.getValues()[0].value;
  // An input object with its required fields, so an operation added later is probed past coercion.
  if (isInputObjectType(named)) {
    return Object.fromEntries(Object.values(named.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => [f.name, defaultFor(f.type)]));
  }
  if (named.name === 'Int') return 1;
  if (named.name === 'Boolean') return false;
  if (named.name === 'ID') return randomUUID(); // well formed: the probe reaches the resolver (NOT_FOUND at worst)
  return 'Fuzz text';
}

/**
 * One operation's answer over graphql-ws: its error, or its result. A subscription that goes live with
 * nothing to send has accepted its arguments; it is ended.
 */
function wsAnswer(client: Client, p: Probe): Promise<Answer> {
  return new Promise((resolve) => {
    let answer: Answer | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (a: Answer) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(a);
    };
    const unsubscribe = client.subscribe(
      { query: p.query, variables: p.variables },
      {
        next: (value) => {
          answer = value as Answer;
          if (p.operation === 'subscription') finish(answer);
        },
        error: (errors) => finish({ errors: (Array.isArray(errors) ? errors : [{ message: String(errors), extensions: { code: 'SOCKET_ERROR' } }]) as Answer['errors'] }),
        complete: () => finish(answer ?? {}),
      },
    );
    // A value that must be refused is waited for as long as it takes (on a busy machine, seconds); any
    // other may have been accepted, and is given a second to fail before it counts as live.
    if (p.operation === 'subscription') timer = setTimeout(() => finish({ live: true }), p.mustRefuse ? 20_000 : 1000);
  });
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}…` : json;
}
