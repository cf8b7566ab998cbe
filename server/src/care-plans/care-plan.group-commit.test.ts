import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CairnError } from '../platform/errors.js';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { CarePlanStore, EditNotAllowed, type UpdateAck } from './care-plan.store.js';
import { runSql, sql } from '../platform/sql.js';

describe('care-plan edits queued together', () => {
  const server = useTestServer();

  it('are stored in one transaction, one row each; a bad edit among them is refused alone and a repeat is stored once', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const watcher = new PlanEditor(server().wsUrl, await signInAs(server().url, world.users.fcp), patient.id);
    await watcher.connect();
    try {
      const store = server().running.services.carePlans;
      const base = await store.read(patient.id);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, base.state);
      const edit = (fn: () => void) => {
        const sv = Y.encodeStateVector(doc);
        fn();
        return Y.encodeStateAsUpdate(doc, sv);
      };
      const first = edit(() => doc.getText('whatMatters').insert(0, 'Walk'));
      const second = edit(() => doc.getText('whatMatters').insert(4, ' daily')); // builds on the first
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, base.state);
      const sv = Y.encodeStateVector(scratch);
      scratch.getMap('secrets').set('x', 1);
      const bad = Y.encodeStateAsUpdate(scratch, sv);

      // Queued in the same tick: one group for this plan.
      const coach = world.users.coach.id;
      const results = await Promise.allSettled([
        store.apply(patient.id, coach, first, 'g-first', 'test'),
        store.apply(patient.id, coach, bad, 'g-bad', 'test'),
        store.apply(patient.id, coach, second, 'g-second', 'test'),
        store.apply(patient.id, coach, first, 'g-first', 'test'),
      ]);
      const [a, b, c, d] = results;
      expect(a.status).toBe('fulfilled');
      expect(c.status).toBe('fulfilled');
      expect(d.status).toBe('fulfilled');
      expect(b.status).toBe('rejected');
      expect(b.status === 'rejected' && b.reason instanceof CairnError && b.reason.code).toBe('BAD_USER_INPUT');
      const [ackA, ackC, ackD] = [a, c, d].map((r) => (r as PromiseFulfilledResult<UpdateAck>).value);
      expect(ackA.duplicate).toBe(false);
      expect(ackC.duplicate).toBe(false);
      expect(ackC.seq).toBeGreaterThan(ackA.seq);
      expect(ackD).toEqual({ seq: ackA.seq, clientUpdateId: 'g-first', duplicate: true });

      const rows = await runSql<{ client_update_id: string; tx: string }>(server().orm.em.fork(), sql`select client_update_id, xmin::text as tx from care_plan_update where patient_id = ${patient.id} order by seq`);
      expect(rows.map((r) => r.client_update_id)).toEqual(['g-first', 'g-second']);
      expect(new Set(rows.map((r) => r.tx)).size).toBe(1);

      await watcher.until(() => watcher.text().toString() === 'Walk daily', 'both stored edits, live');
      store.evict(patient.id);
      expect((await store.read(patient.id)).view.whatMatters).toBe('Walk daily');
    } finally {
      await watcher.disconnect();
    }
  });

  it("stores several plans in one transaction; an author off a plan's team is refused alone, and each plan keeps its own order", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, fcp } = world.users;
    const plans = [await world.patient([coach]), await world.patient([coach, fcp]), await world.patient([fcp])];
    const store = server().running.services.carePlans;
    const editsOf = async (patientId: string, words: string[]) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await store.read(patientId)).state);
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      for (const w of words) doc.getText('whatMatters').insert(doc.getText('whatMatters').length, w);
      return updates;
    };
    const [a, b, c] = await Promise.all(plans.map((p, i) => editsOf(p.id, [`plan${i} `, 'walks ', 'daily'])));

    // Queued in the same tick, interleaved across plans: one group. The coach is not on the third plan's team.
    const results = await Promise.allSettled(
      [0, 1, 2].flatMap((k) => [
        store.apply(plans[0].id, coach.id, a[k], `m-a${k}`, 'test'),
        store.apply(plans[1].id, fcp.id, b[k], `m-b${k}`, 'test'),
        store.apply(plans[2].id, coach.id, c[k], `m-c${k}`, 'test'),
      ]),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.reason instanceof EditNotAllowed)).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);

    const rows = await runSql<{ patient_id: string; client_update_id: string; tx: string }>(server().orm.em.fork(), sql`select patient_id, client_update_id, xmin::text as tx from care_plan_update where patient_id = any(${plans.map((p) => p.id)}::uuid[]) order by seq`);
    expect(rows.filter((r) => r.patient_id === plans[0].id).map((r) => r.client_update_id)).toEqual(['m-a0', 'm-a1', 'm-a2']);
    expect(rows.filter((r) => r.patient_id === plans[1].id).map((r) => r.client_update_id)).toEqual(['m-b0', 'm-b1', 'm-b2']);
    expect(rows.filter((r) => r.patient_id === plans[2].id)).toEqual([]);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);

    for (const [i, plan] of plans.slice(0, 2).entries()) {
      store.evict(plan.id);
      expect((await store.read(plan.id)).view.whatMatters).toBe(`plan${i} walks daily`);
    }
    const audited = await runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from audit_entry where action = 'carePlan.edit' and outcome = 'ALLOWED' and patient_id = any(${plans.map((p) => p.id)}::uuid[])`);
    expect(Number(audited[0].n)).toBe(6);
    const digests = await runSql<{ patient_id: string; editor_ids: string }>(server().orm.em.fork(), sql`select patient_id, editor_ids::text from care_plan_edit_digest where patient_id = any(${plans.map((p) => p.id)}::uuid[])`);
    expect(digests.map((d) => [d.patient_id, d.editor_ids]).sort()).toEqual(
      [
        [plans[0].id, `{${coach.id}}`],
        [plans[1].id, `{${fcp.id}}`],
      ].sort(),
    );
  });

  it('recognises a repeat by its clientUpdateId whatever characters it holds', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const store = server().running.services.carePlans;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await store.read(patient.id)).state);
    const sv = Y.encodeStateVector(doc);
    doc.getText('whatMatters').insert(0, 'Swim');
    const update = Y.encodeStateAsUpdate(doc, sv);
    const id = `it's a "quoted" \\ id, {with} braces`;
    const first = await store.apply(patient.id, world.users.coach.id, update, id, 'test');
    const again = await store.apply(patient.id, world.users.coach.id, update, id, 'test');
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    const rows = await runSql<{ client_update_id: string }>(server().orm.em.fork(), sql`select client_update_id from care_plan_update where patient_id = ${patient.id}`);
    expect(rows.map((r) => r.client_update_id)).toEqual([id]);
  });

  it('holds the next group until the gap since the last began is over, so writes sent meanwhile share one transaction; stopping stores what waits at once', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach } = world.users;
    const plans = [await world.patient([coach]), await world.patient([coach]), await world.patient([coach])];
    const { orm, logger } = server().running.services;
    // A gap far longer than the test's pauses, so that only the gap can put the later writes together.
    const store = new CarePlanStore(orm, logger, { groupGapMs: 1_500 });
    await store.start();
    const editOf = async (patientId: string, word: string) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await store.read(patientId)).state);
      const sv = Y.encodeStateVector(doc);
      doc.getText('whatMatters').insert(0, word);
      return Y.encodeStateAsUpdate(doc, sv);
    };
    const [first, ...later] = await Promise.all(plans.map((p, i) => editOf(p.id, `plan${i}`)));
    const pause = () => new Promise((r) => setTimeout(r, 30));
    let stopped = false;
    try {
      // After a quiet spell the first write is stored and answered without waiting.
      await store.apply(plans[0].id, coach.id, first, 'gap-0', 'test');
      const acks: Array<Promise<UpdateAck>> = [];
      for (const [i, update] of later.entries()) {
        acks.push(store.apply(plans[i + 1].id, coach.id, update, `gap-${i + 1}`, 'test'));
        await pause(); // each in a turn of its own, long after the first group stored
      }
      await Promise.all(acks);
      const rows = await runSql<{ client_update_id: string; tx: string }>(orm.em.fork(), sql`select client_update_id, xmin::text as tx from care_plan_update where patient_id = any(${plans.map((p) => p.id)}::uuid[]) order by client_update_id`);
      expect(rows.map((r) => r.client_update_id)).toEqual(['gap-0', 'gap-1', 'gap-2']);
      expect(rows[1].tx).toBe(rows[2].tx);
      expect(rows[0].tx).not.toBe(rows[1].tx);
      expect(store.groupCounts.done).toBe(2);

      // A write waiting out the gap as the store stops is stored and answered by the stop, not dropped.
      const last = await editOf(plans[0].id, 'again ');
      const waiting = store.apply(plans[0].id, coach.id, last, 'gap-3', 'test');
      stopped = true;
      await store.stop();
      expect((await waiting).duplicate).toBe(false);
      expect(store.groupCounts.done).toBe(3);
    } finally {
      if (!stopped) await store.stop();
    }
  });

  it('does not hold the writes of an author who is the only one writing: with one update in flight they would only wait', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach } = world.users;
    const patient = await world.patient([coach]);
    const { orm, logger } = server().running.services;
    // A gap longer than the test may take: a write held for it would fail the test by its timeout.
    const store = new CarePlanStore(orm, logger, { groupGapMs: 120_000 });
    await store.start();
    try {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await store.read(patient.id)).state);
      const seqs: number[] = [];
      for (const word of ['Walk', ' to', ' the', ' shop']) {
        const sv = Y.encodeStateVector(doc);
        doc.getText('whatMatters').insert(doc.getText('whatMatters').length, word);
        seqs.push((await store.apply(patient.id, coach.id, Y.encodeStateAsUpdate(doc, sv), `lone-${seqs.length}`, 'test')).seq);
      }
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(store.groupCounts.done).toBe(4);
      store.evict(patient.id);
      expect((await store.read(patient.id)).view.whatMatters).toBe('Walk to the shop');
    } finally {
      await store.stop();
    }
  });
});
