import { describe, expect, it } from 'vitest';
import { keyReadPool, StatementPool } from '../platform/statement-pool.js';
import { useTestServer } from '../test-support/harness.js';
import { plansOf } from '../test-support/prepared-plans.js';
import { makeWorld } from '../test-support/world.js';
import { decidePairs, PatientAction } from './policy.js';

describe('the relationship read on the instance-wide access connections', () => {
  const server = useTestServer();

  it("is planned once for any number of pairs, where a plain connection plans it at every call", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { orm, logger } = server().running.services;
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const pairs = [world.users.coach, world.users.gp, world.users.fcp].map((u) => ({ patientId: patient.id, userId: u.id }));
    const keyReads = keyReadPool(orm, logger, 'test');
    const plain = new StatementPool(orm, logger, { purpose: 'test', max: 1, settings: {} });
    try {
      for (const pool of [keyReads, plain]) {
        for (let i = 0; i < 8; i++) {
          const asked = pairs.slice(0, 1 + (i % 3));
          const access = await decidePairs(pool, asked);
          expect(asked.map((p) => access.allows(p, PatientAction.EDIT_CARE_PLAN))).toEqual([true, true, false].slice(0, asked.length));
        }
      }
      // generic_plans counts the calls that used the one generic plan; custom_plans, each plan made for one call.
      expect(await plansOf(keyReads, 'relationships')).toEqual({ generic: 8, custom: 0 });
      expect(await plansOf(plain, 'relationships')).toEqual({ generic: 0, custom: 8 });
    } finally {
      await Promise.all([keyReads.end(), plain.end()]);
    }
  });
});
