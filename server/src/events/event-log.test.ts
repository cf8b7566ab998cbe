import { describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canRead, pairDecisionsQuery, readersAmong } from '../access/policy.js';
import { useTestServer, waitForLockWait } from '../test-support/harness.js';
import { deferred } from '../test-support/live.js';
import { makeWorld } from '../test-support/world.js';
import { sql } from '../platform/sql.js';
import { appendEvent, appendEvents, lastCommittedSeq, readEventsAfter, readEventsAlong, readLogPage } from './event-log.js';

/** Appends one marker event for `patientId` in its own transaction. */
const mark = (em: EntityManager, patientId: string, label: string) =>
  em.fork().transactional((tx) => appendEvent(tx, { patientId, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: label } }));

const labels = (rows: Array<{ payload: Record<string, unknown> }>) => rows.map((r) => r.payload.threadId);

describe('the event log', () => {
  const server = useTestServer();

  it('numbers events in commit order: a transaction that started later but commits first gets the lower seq', async () => {
    const em = server().orm.em;
    const world = await makeWorld(em.fork());
    const patient = await world.patient();
    const start = await lastCommittedSeq(em.fork());
    const aStarted = deferred();
    const aMayAppend = deferred();
    const a = em.fork().transactional(async (tx) => {
      await tx.getConnection().execute('select 1', [], 'all', tx.getTransactionContext());
      aStarted.resolve();
      await aMayAppend.promise;
      return appendEvent(tx, { patientId: patient.id, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: 'A' } });
    });
    await aStarted.promise;
    const seqB = await mark(em, patient.id, 'B');
    // A reader now sees B, and moves its cursor to B's seq...
    const firstRead = await readEventsAfter(em.fork(), start, 100, { patientId: patient.id });
    expect(labels(firstRead)).toEqual(['B']);
    aMayAppend.resolve();
    const seqA = await a;
    // ...and A, committed after, is numbered after: reading on from the cursor finds it.
    expect(seqA).toBeGreaterThan(seqB);
    expect(labels(await readEventsAfter(em.fork(), firstRead[0].seq, 100, { patientId: patient.id }))).toEqual(['A']);
  });

  it('never lets a reader skip: a writer that takes a seq and commits late holds back everyone after it', async () => {
    const em = server().orm.em;
    const world = await makeWorld(em.fork());
    const patient = await world.patient();
    const start = await lastCommittedSeq(em.fork());
    const aAppended = deferred<number>();
    const aMayCommit = deferred();
    const a = em.fork().transactional(async (tx) => {
      aAppended.resolve(await appendEvent(tx, { patientId: patient.id, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: 'A' } }));
      await aMayCommit.promise;
    });
    const seqA = await aAppended.promise;
    // B starts later and would, with a bigserial, commit seq A+1 first; a reader at A+1 would skip A for ever.
    const b = mark(em, patient.id, 'B');
    await waitForLockWait('event_counter');
    expect(await readEventsAfter(em.fork(), start, 100, { patientId: patient.id })).toEqual([]);
    aMayCommit.resolve();
    await a;
    const seqB = await b;
    // Another test's append may have queued for the counter between A and B; the order is what counts.
    expect(seqB).toBeGreaterThan(seqA);
    expect(labels(await readEventsAfter(em.fork(), start, 100, { patientId: patient.id }))).toEqual(['A', 'B']);

    // The hub, reading live, delivers both, in order, to a subscriber that started before either.
    const sub = server().running.services.events.subscribe(world.users.coach.id, { patientId: patient.id }, start);
    expect([(await sub.next()).value?.payload.threadId, (await sub.next()).value?.payload.threadId]).toEqual(['A', 'B']);
    await sub.return();
  });

  it('refuses to append outside a transaction, and a rolled-back write leaves no event and no gap', async () => {
    const em = server().orm.em;
    const world = await makeWorld(em.fork());
    const patient = await world.patient();
    await expect(appendEvent(em.fork(), { patientId: patient.id, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: 'x' } })).rejects.toThrow(
      /inside the transaction/,
    );
    const before = await lastCommittedSeq(em.fork());
    await expect(
      em.fork().transactional(async (tx) => {
        await appendEvent(tx, { patientId: patient.id, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: 'rolled back' } });
        throw new Error('validation failed after the append');
      }),
    ).rejects.toThrow('validation failed');
    await mark(em, patient.id, 'after');
    // The counter update rolled back with the write, so no reader ever waits on (or skips) a phantom seq.
    expect(labels(await readEventsAfter(em.fork(), before, 100, { patientId: patient.id }))).toEqual(['after']);
  });

  it('appends many events in one statement with consecutive seqs in the order given, and announces them once', async () => {
    const em = server().orm.em;
    const world = await makeWorld(em.fork());
    const patient = await world.patient([world.users.coach]);
    const hub = server().running.services.events;
    await hub.dispatched(await lastCommittedSeq(em.fork()));
    const sub = hub.subscribe(world.users.coach.id, { patientId: patient.id }, hub.dispatchedThrough);
    await sub.live;
    const names = ['one', 'two', "three's \"quoted\" \\ text", 'four'];
    const seqs = await em.fork().transactional((tx) =>
      appendEvents(
        tx,
        names.map((threadId) => ({ patientId: patient.id, kind: 'THREAD_RESOLVED', actorId: world.users.coach.id, payload: { threadId } })),
      ),
    );
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    const rows = await readEventsAfter(em.fork(), seqs[0] - 1, 100, { patientId: patient.id });
    expect(rows.map((r) => [r.seq, r.payload.threadId, r.actorName])).toEqual(seqs.map((seq, i) => [seq, names[i], world.users.coach.name]));
    // The one NOTIFY (for the highest seq) brings the whole batch to a live subscriber, in order.
    const live: unknown[] = [];
    for (const _ of names) live.push((await sub.next()).value?.payload.threadId);
    expect(live).toEqual(names);
    await sub.return();
    await expect(em.fork().transactional((tx) => appendEvents(tx, []))).resolves.toEqual([]);
  });

  it("reads a page exactly as readEventsAfter does, with rows of another query for the page's patients in the same statement", async () => {
    const em = server().orm.em;
    const world = await makeWorld(em.fork());
    const [patient, other] = [await world.patient(), await world.patient()];
    // Appended together, so that no other test's events come between them or before them in the page.
    const seqs = await em.fork().transactional((tx) =>
      appendEvents(tx, ['one', 'two'].map((threadId) => ({ patientId: patient.id, kind: 'THREAD_RESOLVED' as const, actorId: null, payload: { threadId } }))),
    );
    const start = seqs[0] - 1;
    const alongside = sql`select * from (values (${patient.id}::uuid, 'in the page'), (${other.id}::uuid, 'not in the page')) v(patient_id, note)`;
    const read = await readEventsAlong<{ patient_id: string; note: string }>(em.fork(), start, 100, alongside);
    // Tests in the other worker append to the same log meanwhile: compare pages up to this test's last event.
    const ours = read.events.filter((e) => e.patientId === patient.id);
    expect(ours.map((e) => (e.payload as { threadId: string }).threadId)).toEqual(['one', 'two']);
    const last = ours[1].seq;
    const upToOurs = <T extends { seq: number }>(events: T[]) => events.filter((e) => e.seq <= last);
    expect(upToOurs(read.events)).toEqual(upToOurs(await readEventsAfter(em.fork(), start, 100)));
    expect(upToOurs(await readLogPage(em.fork(), start, 100))).toEqual(upToOurs(read.events));
    // The hub's own: the policy's relationship read alongside, prepared with it.
    const access = pairDecisionsQuery([{ patientId: patient.id, userId: world.users.coach.id }]);
    expect(upToOurs((await readEventsAlong(em.fork(), start, 100, access.statement)).events)).toEqual(upToOurs(read.events));
    expect(read.events.map((e) => e.createdAt)).toSatisfy((dates: unknown[]) => dates.every((d) => d instanceof Date));
    expect(read.rows).toEqual([{ patient_id: patient.id, note: 'in the page' }]);
    const after = await readEventsAlong(em.fork(), last, 100, alongside);
    expect(after.events.filter((e) => e.patientId === patient.id || e.patientId === other.id)).toEqual([]);
    expect(after.rows).toEqual([]);
  });

  it('checks a whole audience in one query with the same rule as canRead', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach, world.users.gp]);
    await world.linkSpecialist(patient);
    const everyone = Object.values(world.users);
    const readers = await readersAmong(em, patient.id, everyone.map((u) => u.id));
    for (const u of everyone) expect([u.name, readers.has(u.id)]).toEqual([u.name, await canRead(em, u, patient.id)]);
    expect([...readers].sort()).toEqual([world.users.coach.id, world.users.gp.id, world.users.specialist.id, world.users.lead.id].sort());
  });
});

