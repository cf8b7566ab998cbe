import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { runSql, sql } from '../platform/sql.js';
import { ownerQuery, useTestServer, waitForLockWait, wsConnect } from '../test-support/harness.js';
import { burst, deferred, liveStream, range } from '../test-support/live.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { lastCommittedSeq, type EventRecord } from './event-log.js';
import { EventSubscription } from './event-subscription.js';

const PATIENT_EVENTS = `subscription($p: ID!, $after: String) { patientEvents(patientId: $p, after: $after) { seq payload } }`;
type Ev = { patientEvents: { seq: string; payload: { threadId: string } } };

/**
 * A subscriber's replay is made while its read's audit entry commits (policy.admitPatientRead), but none
 * of it may leave before the entry is in the trail, and none at all if it cannot be recorded.
 */
describe("a live stream's replay and its audit entry", () => {
  const server = useTestServer();

  async function missedEvents(n: number) {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const after = String(await lastCommittedSeq(server().orm.em.fork()));
    await burst(server().orm.em, patient.id, range('missed ', n));
    await server().running.services.events.dispatched(Number(after) + n);
    const token = await signInAs(server().url, world.users.coach);
    return { world, patient, after, token };
  }

  it('sends nothing until the read is in the audit trail, then every missed event in order', async () => {
    const { world, patient, after, token } = await missedEvents(5);
    const socket = wsConnect(server().wsUrl, token);
    // The trail is locked against inserts, as a slow commit would hold it.
    const owner = new pg.Client({ connectionString: inject('databaseUrl') });
    await owner.connect();
    await owner.query('begin');
    await owner.query('lock table audit_entry in share row exclusive mode');
    const received: string[] = [];
    const stream = liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after });
    const reading = stream.take(5).then((events) => received.push(...events.map((e) => e.patientEvents.payload.threadId)));
    try {
      await waitForLockWait('audit_entry');
      await new Promise((r) => setTimeout(r, 300)); // ample time for a replay from memory to be sent
      expect(received).toEqual([]);
      const [{ n }] = await ownerQuery<{ n: string }>(`select count(*) as n from audit_entry where actor_id = $1 and action = 'patient.read'`, [world.users.coach.id]);
      expect(Number(n)).toBe(0);
    } finally {
      await owner.query('commit');
      await owner.end();
    }
    await reading;
    expect(received).toEqual(range('missed ', 5));
    const entries = await runSql<{ outcome: string; transport: string }>(
      server().orm.em.fork(),
      sql`select outcome, detail->>'transport' as transport from audit_entry where actor_id = ${world.users.coach.id} and action = 'patient.read' and patient_id = ${patient.id}`,
    );
    expect(entries).toEqual([{ outcome: 'ALLOWED', transport: 'ws' }]);
    await socket.client.dispose();
  });

  it('sends nothing and ends the stream when the read cannot be recorded; a retry once it can gets it all', async () => {
    const { world, patient, after, token } = await missedEvents(3);
    const name = `audit_refuse_${randomUUID().slice(0, 8)}`;
    // The database refuses this user's read entries (as it would if the trail could not be written).
    await ownerQuery(
      `create function ${name}() returns trigger language plpgsql as $$
       begin if new.actor_id = '${world.users.coach.id}' and new.action = 'patient.read' then raise exception 'trail unavailable'; end if; return new; end $$`,
    );
    await ownerQuery(`create trigger ${name} before insert on audit_entry for each row execute function ${name}()`);
    const socket = wsConnect(server().wsUrl, token);
    try {
      const first = await liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after }).next();
      expect('errors' in first && first.errors[0].extensions?.code).toBe('RESYNC_REQUIRED');
    } finally {
      await ownerQuery(`drop trigger ${name} on audit_entry`);
      await ownerQuery(`drop function ${name}()`);
    }
    const retry = await liveStream<Ev>(socket.client, PATIENT_EVENTS, { p: patient.id, after }).take(3);
    expect(retry.map((e) => e.patientEvents.payload.threadId)).toEqual(range('missed ', 3));
    await socket.client.dispose();
  });
});

describe('a withheld stream', () => {
  const event = (seq: number): EventRecord => ({ seq, patientId: 'p', kind: 'THREAD_RESOLVED', actorId: null, actorName: null, recipientId: null, payload: {}, createdAt: new Date(0) });

  it('has each replayed result made while withheld, in a later turn, and delivers them all, in order, once released', async () => {
    const sub = new EventSubscription('u', { patientId: 'p' }, 0, 10, { ended: () => undefined });
    const recorded = deferred();
    sub.withholdUntil(recorded.promise);
    const [prepared, delivered] = [[] as number[], [] as number[]];
    void sub.deliverTo(
      (e) => (delivered.push(e.seq), true),
      (e) => void prepared.push(e.seq),
    );
    await sub.replay(async (after) => [1, 2, 3].filter((s) => s > after).map(event), async () => undefined, 10, true);
    expect(sub.isLive).toBe(true);
    sub.offer(event(4)); // live meanwhile: withheld too
    // Not in this turn, at the end of which the audit entry being waited for is written.
    expect(prepared).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(prepared).toEqual([1, 2, 3, 4]);
    expect(delivered).toEqual([]);
    recorded.resolve();
    await recorded.promise;
    await Promise.resolve();
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(prepared).toEqual([1, 2, 3, 4]); // nothing made twice ahead
    sub.offer(event(5));
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(prepared).toEqual([1, 2, 3, 4]);
  });

  it('delivers nothing and ends with RESYNC_REQUIRED if the read cannot be recorded', async () => {
    const sub = new EventSubscription('u', { patientId: 'p' }, 0, 10, { ended: () => undefined });
    const recorded = deferred();
    sub.withholdUntil(recorded.promise);
    const delivered: number[] = [];
    const ended = sub.deliverTo((e) => (delivered.push(e.seq), true));
    await sub.replay(async (after) => [1, 2].filter((s) => s > after).map(event), async () => undefined, 10, true);
    recorded.reject(new Error('trail unavailable'));
    await expect(ended).rejects.toMatchObject({ code: 'RESYNC_REQUIRED' });
    expect(delivered).toEqual([]);
  });

  it('answers a pulling consumer only once released', async () => {
    const sub = new EventSubscription('u', { patientId: 'p' }, 0, 10, { ended: () => undefined });
    const recorded = deferred();
    sub.withholdUntil(recorded.promise);
    await sub.replay(async (after) => [1].filter((s) => s > after).map(event), async () => undefined, 10, true);
    let pulled: number | null = null;
    const pulling = sub.next().then((r) => (pulled = r.value?.seq ?? null));
    await new Promise((r) => setImmediate(r));
    expect(pulled).toBeNull();
    recorded.resolve();
    await pulling;
    expect(pulled).toBe(1);
  });
});
