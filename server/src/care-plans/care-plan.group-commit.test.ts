import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CairnError } from '../platform/errors.js';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { sql, type UpdateAck } from './care-plan.store.js';

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

      const rows = await sql<{ client_update_id: string; tx: string }>(
        server().orm.em.fork(),
        'select client_update_id, xmin::text as tx from care_plan_update where patient_id = ? order by seq',
        [patient.id],
      );
      expect(rows.map((r) => r.client_update_id)).toEqual(['g-first', 'g-second']);
      expect(new Set(rows.map((r) => r.tx)).size).toBe(1);

      await watcher.until(() => watcher.text().toString() === 'Walk daily', 'both stored edits, live');
      store.evict(patient.id);
      expect((await store.read(patient.id)).view.whatMatters).toBe('Walk daily');
    } finally {
      await watcher.disconnect();
    }
  });
});
