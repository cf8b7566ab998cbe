import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorCode, gql, ownerQuery, startTestServer, useTestServer, wsConnect, type TestServer } from '../test-support/harness.js';
import { burst, liveStream, range } from '../test-support/live.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { EventHub } from './event-hub.js';
import { lastCommittedSeq, type EventRecord } from './event-log.js';
import { toPatientEvent } from './event.types.js';

const PATIENT_EVENTS = `subscription($p: ID!, $after: String) { patientEvents(patientId: $p, after: $after) { seq kind actorName payload } }`;
type Ev = { patientEvents: { seq: string; kind: string; actorName: string | null; payload: Record<string, unknown> } };
const ADD_MEMBER = 'mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { id } }';
const REMOVE_MEMBER = 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }';

const label = (e: Ev) => e.patientEvents.payload.threadId;
/** The next `n` events of a hub subscription, pulled one at a time as graphql-ws does. */
async function take(sub: AsyncIterator<EventRecord>, n: number): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  while (out.length < n) out.push((await sub.next()).value as EventRecord);
  return out;
}

describe('live patient events', () => {
  const server = useTestServer({ eventQueueLimit: 40 });
  const extra: TestServer[] = [];
  afterAll(async () => {
    for (const s of extra) await s.stop();
  });

  it('replays what a client missed after it reconnects: every event once, in order, then live', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const first = wsConnect(server().wsUrl, token);
    const stream = liveStream<Ev>(first.client, PATIENT_EVENTS, { p: patient.id, after: String(await lastCommittedSeq(server().orm.em.fork())) });
    await burst(server().orm.em, patient.id, range('a', 3));
    const seen = await stream.take(3);
    expect(seen.map(label)).toEqual(['a0', 'a1', 'a2']);
    await first.client.dispose();

    await burst(server().orm.em, patient.id, range('b', 60)); // more than one subscriber's queue holds
    const again = wsConnect(server().wsUrl, token);
    const resumed = liveStream<Ev>(again.client, PATIENT_EVENTS, { p: patient.id, after: seen[2].patientEvents.seq });
    const replayed = await resumed.take(60);
    expect(replayed.map(label)).toEqual(range('b', 60));
    await burst(server().orm.em, patient.id, ['live']);
    const [live] = await resumed.take(1);
    expect(label(live)).toBe('live');
    const seqs = [...seen, ...replayed, live].map((e) => Number(e.patientEvents.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    await again.client.dispose();
  });

  it('resumes across a server restart with nothing missed and nothing repeated', async () => {
    const a = await startTestServer();
    const world = await makeWorld(a.orm.em.fork());
    const patient = await world.patient([world.users.gp]);
    const token = await signInAs(a.url, world.users.gp);
    const socket = wsConnect(a.wsUrl, token);
    const stream = liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after: String(await lastCommittedSeq(a.orm.em.fork())) });
    await burst(a.orm.em, patient.id, ['before restart']);
    const [last] = await stream.take(1);
    await a.stop(); // the socket closes with the server
    await socket.closed;

    await burst(server().orm.em, patient.id, range('while down ', 5)); // written while the client's server is down
    const restarted = await startTestServer();
    extra.push(restarted);
    await burst(restarted.orm.em, patient.id, ['after restart']);
    const socket2 = wsConnect(restarted.wsUrl, token); // sessions live in the database: the token still works
    const resumed = liveStream<Ev>(socket2.client, PATIENT_EVENTS, { p: patient.id, after: last.patientEvents.seq });
    expect((await resumed.take(6)).map(label)).toEqual([...range('while down ', 5), 'after restart']);
    await burst(restarted.orm.em, patient.id, ['live']);
    expect((await resumed.take(1)).map(label)).toEqual(['live']);
    await socket2.client.dispose();
  });

  it('delivers a change made through one instance to a subscriber on another', async () => {
    const b = await startTestServer();
    extra.push(b);
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const watcher = wsConnect(b.wsUrl, await signInAs(b.url, world.users.coach));
    const stream = liveStream<Ev>(watcher.client, PATIENT_EVENTS, { p: patient.id, after: String(await lastCommittedSeq(b.orm.em.fork())) });
    const res = await gql(server().url, ADD_MEMBER, { p: patient.id, u: world.users.fcp.id }, await signInAs(server().url, world.users.coach));
    expect(res.errors).toBeUndefined();
    const [event] = await stream.take(1);
    expect(event.patientEvents).toMatchObject({ kind: 'CARE_TEAM_MEMBER_ADDED', actorName: world.users.coach.name, payload: { userId: world.users.fcp.id } });
    await watcher.client.dispose();
  });

  it('ends an open subscription as soon as its user is removed from the care team', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const fcpSocket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.fcp));
    const coachSocket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    const after = String(await lastCommittedSeq(server().orm.em.fork()));
    const fcpStream = liveStream<Ev>(fcpSocket.client, PATIENT_EVENTS, { p: patient.id, after });
    const coachStream = liveStream<Ev>(coachSocket.client, PATIENT_EVENTS, { p: patient.id, after });
    await burst(server().orm.em, patient.id, ['shared']);
    expect((await fcpStream.take(1)).map(label)).toEqual(['shared']);

    const coachToken = await signInAs(server().url, world.users.coach);
    expect((await gql(server().url, REMOVE_MEMBER, { p: patient.id, u: world.users.fcp.id }, coachToken)).errors).toBeUndefined();
    await burst(server().orm.em, patient.id, ['private now']);
    // The removed member's stream ends with NOT_FOUND; the removal and anything after never reach them.
    const ended = await fcpStream.next();
    expect('errors' in ended && ended.errors[0].extensions?.code).toBe('NOT_FOUND');
    expect((await coachStream.take(3)).map((e) => e.patientEvents.kind)).toEqual(['THREAD_RESOLVED', 'CARE_TEAM_MEMBER_REMOVED', 'THREAD_RESOLVED']);
    // And they cannot subscribe again.
    const retry = await liveStream<Ev>(fcpSocket.client, PATIENT_EVENTS, { p: patient.id, after }).next();
    expect('errors' in retry && retry.errors[0].extensions?.code).toBe('NOT_FOUND');
    await fcpSocket.client.dispose();
    await coachSocket.client.dispose();
  });

  it('keeps delivering when its LISTEN connection is cut: it reconnects and catches up from the log', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const hub = server().running.services.events;
    const socket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    const stream = liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after: String(await lastCommittedSeq(server().orm.em.fork())) });
    await burst(server().orm.em, patient.id, ['before the cut']);
    expect((await stream.take(1)).map(label)).toEqual(['before the cut']);
    const pid = await hub.listenerPid();
    await ownerQuery('select pg_terminate_backend($1)', [pid]);
    await burst(server().orm.em, patient.id, ['during the cut', 'after the cut']);
    expect((await stream.take(2)).map(label)).toEqual(['during the cut', 'after the cut']);
    expect(await hub.listenerPid()).not.toBe(pid);
    await socket.client.dispose();
  });

  it("decides each event's audience the same whether their access is read with the page or after it", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { orm, logger } = server().running.services;
    // The server's hub reads access with the page; this one, allowed no pairs per read, asks after it.
    const apart = new EventHub(orm, logger, { accessPairsPerRead: 0 });
    await apart.start();
    try {
      for (const hub of [server().running.services.events, apart]) {
        const patient = await world.patient([world.users.coach, world.users.fcp]);
        await hub.dispatched(await lastCommittedSeq(orm.em.fork()));
        const [stays, leaves] = [world.users.coach, world.users.fcp].map((u) => hub.subscribe(u.id, { patientId: patient.id }, hub.dispatchedThrough));
        await Promise.all([stays.live, leaves.live]);
        // Taken off the team without an event of its own: only the check made for the next event can tell.
        await ownerQuery('delete from care_team_member where patient_id = $1 and user_id = $2', [patient.id, world.users.fcp.id]);
        await burst(orm.em, patient.id, ['for the team']);
        expect(((await stays.next()).value as EventRecord).payload.threadId).toBe('for the team');
        await expect(leaves.next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await stays.return();
      }
    } finally {
      await apart.stop();
      await apart.close();
    }
  });

  it('reads and shapes each event once for its whole audience', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const hub = server().running.services.events;
    await hub.dispatched(await lastCommittedSeq(server().orm.em.fork()));
    const subs = [world.users.coach, world.users.gp, world.users.coach].map((u) => hub.subscribe(u.id, { patientId: patient.id }, hub.dispatchedThrough));
    await Promise.all(subs.map((s) => s.live)); // so the event comes from the hub's one read, not each replay
    await burst(server().orm.em, patient.id, ['shared']);
    const got = await Promise.all(subs.map(async (s) => (await s.next()).value!));
    expect(got[1]).toBe(got[0]);
    expect(got[2]).toBe(got[0]);
    expect(toPatientEvent(got[1])).toBe(toPatientEvent(got[0]));
    await Promise.all(subs.map((s) => s.return()));
  });

  it('replays a recent gap from memory: the very events the live subscribers got, in order, then live', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const hub = server().running.services.events;
    await hub.dispatched(await lastCommittedSeq(server().orm.em.fork()));
    const start = hub.dispatchedThrough;
    const watching = hub.subscribe(world.users.coach.id, { patientId: patient.id }, start);
    await watching.live;
    await burst(server().orm.em, patient.id, range('m', 30)); // within what is kept per stream (the queue limit, 40)
    const seen = await take(watching, 30);
    const reconnected = hub.subscribe(world.users.coach.id, { patientId: patient.id }, start);
    const replayed = await take(reconnected, 30);
    expect(replayed.map((e) => e.payload.threadId)).toEqual(range('m', 30));
    replayed.forEach((e, i) => expect(e).toBe(seen[i])); // not read again from the log
    await burst(server().orm.em, patient.id, ['after']);
    expect((await reconnected.next()).value?.payload.threadId).toBe('after');
    await Promise.all([watching.return(), reconnected.return()]);
  });

  it("asks the hub's own access question before replaying unless the caller's check still holds, and again on going live", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const hub = server().running.services.events;
    const start = await lastCommittedSeq(server().orm.em.fork());
    await burst(server().orm.em, patient.id, range('r', 5));
    await hub.dispatched(start + 5);
    const failure = async (sub: ReturnType<typeof hub.subscribe>) => {
      const received: EventRecord[] = [];
      try {
        for (;;) {
          const next = await sub.next();
          if (next.done) return { received, code: 'completed' };
          received.push(next.value);
        }
      } catch (e) {
        return { received, code: (e as { code?: string }).code };
      }
    };
    // No check of the caller's, or one made before an event was dispatched: the outsider is refused
    // before any event reaches it.
    for (const checkedAsOf of [undefined, hub.dispatchedThrough - 1]) {
      const sub = hub.subscribe(world.users.outsider.id, { patientId: patient.id }, start, checkedAsOf);
      expect(await failure(sub)).toEqual({ received: [], code: 'NOT_FOUND' });
    }
    // A caller that says it checked just now is believed for replay (the resolver checks first; here
    // nothing did, to show the second question): going live asks again and ends the stream.
    const vouched = hub.subscribe(world.users.outsider.id, { patientId: patient.id }, start, hub.dispatchedThrough);
    const outcome = await failure(vouched);
    expect(outcome.code).toBe('NOT_FOUND');
    expect(outcome.received.map((e) => e.payload.threadId)).toEqual(range('r', 5).slice(0, outcome.received.length));
  });

  it('refuses a malformed cursor with BAD_USER_INPUT naming it, and strangers with NOT_FOUND', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const socket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    const bad = await liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after: '12; drop table event' }).next();
    expect('errors' in bad && bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const outsider = wsConnect(server().wsUrl, await signInAs(server().url, world.users.outsider));
    const denied = await liveStream<Ev>(outsider.client, PATIENT_EVENTS, { p: patient.id }).next();
    expect('errors' in denied && denied.errors[0].extensions?.code).toBe('NOT_FOUND');
    await socket.client.dispose();
    await outsider.client.dispose();
  });

  it('tells a subscriber that does not pull to resync, without holding back the others', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const hub = server().running.services.events;
    const start = await lastCommittedSeq(server().orm.em.fork());
    const stalled = hub.subscribe(world.users.coach.id, { patientId: patient.id }, start);
    const reader = hub.subscribe(world.users.coach.id, { patientId: patient.id }, start);
    await Promise.all([stalled.live, reader.live]); // replay (which waits for room instead) is over
    const got: string[] = [];
    const readAll = (async () => {
      while (got.length < 100) got.push(String((await reader.next()).value?.payload.threadId));
    })();
    await burst(server().orm.em, patient.id, range('e', 100));
    await readAll;
    expect(got).toEqual(range('e', 100));
    // The stalled one kept at most its queue (40), then was dropped; it learns why when it next pulls.
    let pulled = 0;
    const outcome = await (async () => {
      for (;;) {
        try {
          if ((await stalled.next()).done) return 'done';
          pulled++;
        } catch (e) {
          return (e as { code?: string }).code;
        }
      }
    })();
    expect(outcome).toBe('RESYNC_REQUIRED');
    expect(pulled).toBe(0); // its queue was released when it overflowed
    await reader.return();
  });

  it('tells a WebSocket client that stopped reading to resync, while another client keeps up', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const start = String(await lastCommittedSeq(server().orm.em.fork()));
    const fast = wsConnect(server().wsUrl, token);
    const fastStream = liveStream<Ev>(fast.client, PATIENT_EVENTS, { p: patient.id, after: start });
    const slow = await rawSubscriber(server().wsUrl, token, PATIENT_EVENTS, { p: patient.id, after: start });
    await burst(server().orm.em, patient.id, ['hello']);
    await fastStream.take(1);
    await slow.firstMessage;
    slow.socket.pause(); // stop reading: the TCP buffers fill, then graphql-ws stops pulling this stream

    const hub = server().running.services.events;
    const subscribers = hub.subscriberCount;
    const padding = 'x'.repeat(4000);
    let sent = 0;
    // Keep writing until the stalled client's queue overflows; the fast client must get every event meanwhile.
    for (let round = 0; round < 60 && hub.subscriberCount === subscribers; round++) {
      const labels = range(`r${round}-`, 200);
      await burst(server().orm.em, patient.id, labels, padding);
      sent += labels.length;
      expect((await fastStream.take(labels.length)).map(label)).toEqual(labels.map((l) => l + padding));
    }
    expect(hub.subscriberCount).toBe(subscribers - 1);
    slow.socket.resume();
    const error = await slow.error;
    expect(error.extensions?.code).toBe('RESYNC_REQUIRED');
    expect(slow.nextCount()).toBeLessThan(sent + 1);
    slow.socket.close();
    await fast.client.dispose();
    expect(errorCode({ errors: [error] })).toBe('RESYNC_REQUIRED');
  }, 180_000); // fills a paused socket's TCP buffers first: thousands of events on a busy machine
});

/** A bare graphql-transport-ws client on the `ws` package, so the test controls reading from the socket. */
async function rawSubscriber(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  let nexts = 0;
  let onFirst!: () => void;
  let onError!: (e: { message: string; extensions?: { code?: string } }) => void;
  const firstMessage = new Promise<void>((r) => (onFirst = r));
  const error = new Promise<{ message: string; extensions?: { code?: string } }>((r) => (onError = r));
  const acked = new Promise<void>((resolve) => {
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') resolve();
      if (msg.type === 'next') {
        nexts++;
        onFirst();
      }
      if (msg.type === 'error') onError((msg.payload as Array<{ message: string; extensions?: { code?: string } }>)[0]);
    });
  });
  await new Promise<void>((r) => socket.once('open', () => r()));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
  await acked;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  return { socket, firstMessage, error, nextCount: () => nexts };
}
