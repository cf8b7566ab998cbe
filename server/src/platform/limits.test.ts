import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { contentSecurityPolicy } from './http-hardening.js';

const PRESENCE_LIST = 'subscription($p: ID!) { carePlanPresenceChanged(patientId: $p) { userId } }';
const BEAT = 'mutation($p: ID!, $c: String) { carePlanPresence(patientId: $p, clientId: $c) { userId } }';
const LEAVE = 'mutation($p: ID!, $c: String) { leaveCarePlan(patientId: $p, clientId: $c) }';
const webDist = path.resolve(import.meta.dirname, '../../../web/dist');

describe('limits on connections, subscriptions and presence', () => {
  const server = useTestServer({ maxSubscriptionsPerSocket: 3, maxSocketsPerSession: 2, maxPresencePerUserPerPlan: 3 });

  it('a socket may hold only so many subscriptions; the next is refused with LIMIT_EXCEEDED until one ends', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const socket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    const open = [1, 2, 3].map(() => liveStream(socket.client, PRESENCE_LIST, { p: patient.id }));
    for (const s of open) expect(await s.next()).toHaveProperty('data'); // each is live: it was sent the list
    const fourth = liveStream(socket.client, PRESENCE_LIST, { p: patient.id });
    const refused = await fourth.next();
    expect(refused).toMatchObject({ errors: [{ extensions: { code: 'LIMIT_EXCEEDED' } }] });
    expect((refused as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/already has 3 live subscriptions/);

    await open[0].stop();
    const again = liveStream(socket.client, PRESENCE_LIST, { p: patient.id });
    expect(await again.next()).toHaveProperty('data');
    // The socket itself stays usable for the operations it still has room for.
    await again.stop();
    expect(await wsRequest(socket.client, '{ me { id } }')).toEqual({ data: { me: { id: world.users.coach.id } } });
    await socket.client.dispose();
  });

  it('a session may hold only so many sockets; the next is closed with 4429 and a reason, and one may open once another closes', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(server().url, world.users.coach);
    const first = wsConnect(server().wsUrl, token);
    const second = wsConnect(server().wsUrl, token);
    await Promise.all([first.connected, second.connected]);
    const third = wsConnect(server().wsUrl, token);
    expect(await third.closed).toBe(4429);
    // Another session of the same person is a separate allowance.
    const elsewhere = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    await elsewhere.connected;

    const sockets = server().running.services.sockets;
    const before = sockets.openCount;
    await first.client.dispose();
    await until(() => sockets.openCount < before); // the server has seen it close
    const fourth = wsConnect(server().wsUrl, token);
    await fourth.connected;
    for (const s of [second, elsewhere, fourth]) await s.client.dispose();
  });

  it('one user may hold only so many presence entries on a plan; another client id is refused until one leaves', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const [coach, fcp] = await Promise.all([signInAs(server().url, world.users.coach), signInAs(server().url, world.users.fcp)]);
    for (const c of ['tab-1', 'tab-2', 'tab-3']) expect(errorCode(await gql(server().url, BEAT, { p: patient.id, c }, coach))).toBeUndefined();
    const refused = await gql(server().url, BEAT, { p: patient.id, c: 'tab-4' }, coach);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', field: 'clientId' } });
    // A heartbeat from a tab already present still counts; others are not held back by the coach's tabs.
    expect(errorCode(await gql(server().url, BEAT, { p: patient.id, c: 'tab-2' }, coach))).toBeUndefined();
    const list = await gql<{ carePlanPresence: Array<{ userId: string }> }>(server().url, BEAT, { p: patient.id, c: 'phone' }, fcp);
    expect(list.data?.carePlanPresence.filter((e) => e.userId === world.users.coach.id)).toHaveLength(3);

    await gql(server().url, LEAVE, { p: patient.id, c: 'tab-1' }, coach);
    expect(errorCode(await gql(server().url, BEAT, { p: patient.id, c: 'tab-4' }, coach))).toBeUndefined();
  });
});

describe('security headers and HTTP deadlines', () => {
  const server = useTestServer({ webDist, requestTimeoutMs: 1500, headersTimeoutMs: 600 });

  it('sends nosniff, no framing and the content security policy with every page, the print view included, and with the API', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const pages = [
      await fetch(`${server().url}/`),
      await fetch(`${server().url}/patients/${patient.id}`),
      await fetch(`${server().url}/patients/${patient.id}/care-plan/print`, { headers: { authorization: `Bearer ${token}` } }),
    ];
    for (const res of pages) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expectHardened(res.headers);
    }
    expect(await pages[2].text()).toContain('<style>'); // the print view's inline stylesheet, allowed by style-src
    expectHardened((await gql(server().url, '{ me { id } }', {}, token)).headers);
    expect(contentSecurityPolicy).toMatch(/script-src 'self'(;|$)/); // no inline script, no eval
  });

  it('answers 408 and cuts off a client whose headers trickle in, or whose body never finishes', async () => {
    const slowHeaders = await rawExchange(server().running.port, ['GET / HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n'], 200);
    expect(slowHeaders.response).toMatch(/^HTTP\/1\.1 408/);
    expect(slowHeaders.closedAfterMs).toBeLessThan(3000);

    const body = JSON.stringify({ query: '{ me { id } }' });
    const slowBody = await rawExchange(
      server().running.port,
      [`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n`, body.slice(0, 5)],
      100,
    );
    expect(slowBody.response).toMatch(/^HTTP\/1\.1 408/);
    expect(slowBody.closedAfterMs).toBeGreaterThanOrEqual(1000);
    expect(slowBody.closedAfterMs).toBeLessThan(4000);
  });

  it('leaves an open WebSocket alone past the request deadline', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const socket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    await socket.connected;
    await new Promise((r) => setTimeout(r, 2500)); // longer than requestTimeoutMs, checked every ~300 ms
    expect(await wsRequest(socket.client, '{ me { id } }')).toEqual({ data: { me: { id: world.users.coach.id } } });
    await socket.client.dispose();
  });
});

function expectHardened(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

/** Writes `chunks` to a raw TCP connection, `gapMs` apart, and reports what came back and when the server closed it. */
function rawExchange(port: number, chunks: string[], gapMs: number): Promise<{ response: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (response += d));
    socket.on('error', reject);
    socket.on('close', () => resolve({ response, closedAfterMs: Date.now() - started }));
    chunks.forEach((c, i) => setTimeout(() => !socket.destroyed && socket.write(c), i * gapMs));
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
