import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, useTestServer, type TestServer } from '../test-support/harness.js';
import { burst, range } from '../test-support/live.js';
import { makeWorld } from '../test-support/world.js';
import { lastCommittedSeq, type EventRecord } from './event-log.js';
import type { EventSubscription } from './event-subscription.js';

/** The next `n` events of a hub subscription, pulled one at a time as graphql-ws does. */
async function take(sub: EventSubscription, n: number): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  while (out.length < n) out.push((await sub.next()).value as EventRecord);
  return out;
}

const labels = (events: EventRecord[]) => events.map((e) => e.payload.threadId);

/**
 * After a restart, clients come back with cursors a few events old: the new instance starts with the
 * latest events in memory and replays them from there, reading the log only for a cursor older than that.
 */
describe('replay after a restart', () => {
  const writer = useTestServer();
  const started: TestServer[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop();
  });

  it('replays what was missed while the instance was down from memory, exactly once and in order, then live', async () => {
    const world = await makeWorld(writer().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const cursor = await lastCommittedSeq(writer().orm.em.fork());
    await burst(writer().orm.em, patient.id, range('away', 12)); // committed before the instance starts

    const restarted = await startTestServer({ eventQueueLimit: 40 });
    started.push(restarted);
    const hub = restarted.running.services.events;
    const resumed = hub.subscribe(world.users.coach.id, { patientId: patient.id }, cursor);
    expect(labels(await take(resumed, 12))).toEqual(range('away', 12));
    await resumed.live;
    expect(hub.replayPages).toEqual({ memory: expect.any(Number), log: 0 });
    expect(hub.replayPages.memory).toBeGreaterThan(0);

    await burst(writer().orm.em, patient.id, ['live']);
    const [live] = await take(resumed, 1);
    expect(live.payload.threadId).toBe('live');
    expect(live.seq).toBeGreaterThan(cursor + 12);
    await resumed.return();
  });

  it('reads the log for a cursor older than what memory holds, and still replays every event once, in order', async () => {
    const world = await makeWorld(writer().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const cursor = await lastCommittedSeq(writer().orm.em.fork());
    await burst(writer().orm.em, patient.id, range('long ago ', 100)); // more than a stream keeps (40, up to 60)

    const restarted = await startTestServer({ eventQueueLimit: 40 });
    started.push(restarted);
    const hub = restarted.running.services.events;
    const resumed = hub.subscribe(world.users.coach.id, { patientId: patient.id }, cursor);
    const replayed = await take(resumed, 100);
    expect(labels(replayed)).toEqual(range('long ago ', 100));
    expect(new Set(replayed.map((e) => e.seq)).size).toBe(100);
    expect(hub.replayPages.log).toBeGreaterThan(0);
    await resumed.return();
  });
});
