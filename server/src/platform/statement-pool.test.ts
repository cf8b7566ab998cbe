import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/harness.js';
import { plansOf } from '../test-support/prepared-plans.js';
import { makeWorld } from '../test-support/world.js';
import { runSql, prepared, sql } from './sql.js';
import { keyReadPool, StatementPool } from './statement-pool.js';

describe('connections of their own for reads by key', () => {
  const server = useTestServer();

  it('plan a prepared read once for any number of keys, where a plain connection makes a plan for each of its first calls', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { orm, logger } = server().running.services;
    const ids = [world.users.coach.id, world.users.gp.id, world.users.fcp.id];
    const read = (n: number) => prepared('statement-pool-test-users', sql`select u.id from app_user u join organisation o on o.id = u.organisation_id where u.id = any(${ids.slice(0, n)}::uuid[])`);
    const keyReads = keyReadPool(orm, logger, 'test');
    const plain = new StatementPool(orm, logger, { purpose: 'test', max: 1, settings: {} });
    try {
      for (const pool of [keyReads, plain]) for (let i = 0; i < 8; i++) expect(await pool.run(read(1 + (i % 3)))).toHaveLength(1 + (i % 3));
      // generic_plans counts the calls that used the one generic plan; custom_plans, each plan made for one call.
      expect(await plansOf(keyReads, 'statement-pool-test-users')).toEqual({ generic: 8, custom: 0 });
      expect((await plansOf(plain, 'statement-pool-test-users')).custom).toBeGreaterThanOrEqual(5); // PostgreSQL's rule: five custom plans first
    } finally {
      await Promise.all([keyReads.end(), plain.end()]);
    }
  });

  it('read values as the ORM does, so that their rows make the same entities', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { orm, logger } = server().running.services;
    const patient = await world.patient([world.users.coach]);
    const keyReads = keyReadPool(orm, logger, 'test');
    const read = sql`select p.date_of_birth, p.created_at, array[p.date_of_birth] as dates from patient p where p.id = ${patient.id}::uuid`;
    try {
      const [viaPool] = await runSql(keyReads, read);
      const [viaOrm] = await runSql(orm.em.fork(), read);
      expect(viaPool).toEqual(viaOrm);
      expect(typeof (viaPool as { date_of_birth: unknown }).date_of_birth).toBe('string');
    } finally {
      await keyReads.end();
    }
  });
});
