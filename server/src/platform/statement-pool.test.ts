import { setTimeout as sleep } from 'node:timers/promises';
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

  it('warm: make every connection at once and prepare the given reads on each, before anyone asks', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { orm, logger } = server().running.services;
    const read = prepared('statement-pool-test-warm', sql`select u.id from app_user u where u.id = any(${[world.users.coach.id]}::uuid[])`);
    // Two reads at once take both connections: each says which backend it is and what it has prepared.
    const eachConnection = (pool: StatementPool) =>
      Promise.all([1, 2].map(() => runSql<{ pid: number; names: string[] }>(pool, sql`select pg_backend_pid() as pid, array(select name from pg_prepared_statements) as names from pg_sleep(0.05)`)));
    const warmed = keyReadPool(orm, logger, 'test', 2);
    const cold = keyReadPool(orm, logger, 'test', 2);
    try {
      const seen: unknown[] = [];
      await warmed.warm(async (db) => seen.push(...(await db.run(read))));
      expect(seen).toEqual([{ id: world.users.coach.id }, { id: world.users.coach.id }]); // run once on each connection
      const [a, b] = (await eachConnection(warmed)).map(([row]) => row);
      expect(a.pid).not.toBe(b.pid);
      expect(a.names).toContain('statement-pool-test-warm');
      expect(b.names).toContain('statement-pool-test-warm');
      for (const [row] of await eachConnection(cold)) expect(row.names).not.toContain('statement-pool-test-warm');
    } finally {
      await Promise.all([warmed.end(), cold.end()]);
    }
  });

  it('warm: a read or a connection that fails is logged and the start goes on, the pool still answering', async () => {
    const { orm, logger } = server().running.services;
    const pool = keyReadPool(orm, logger, 'test', 2);
    const unconnectable = new StatementPool(orm, logger, { purpose: 'test', max: 2, settings: { statement_timeout: 'never' } });
    try {
      await expect(pool.warm((db) => db.run(sql`select no_such_column from app_user`))).resolves.toBeUndefined();
      expect(await pool.run(sql`select 1 as one`)).toEqual([{ one: 1 }]);
      // Nor does a connection PostgreSQL refuses stop the start.
      await expect(unconnectable.warm((db) => db.run(sql`select 1`))).resolves.toBeUndefined();
      await expect(unconnectable.run(sql`select 1`)).rejects.toThrow(/statement_timeout/);
    } finally {
      await Promise.all([pool.end(), unconnectable.end()]);
    }
  });

  it('keep their connections, and what is prepared on them, through a quiet spell longer than node-postgres lets one idle', async () => {
    const { orm, logger } = server().running.services;
    const pool = keyReadPool(orm, logger, 'test', 1);
    const read = prepared('statement-pool-test-quiet', sql`select pg_backend_pid() as pid`);
    const backend = async () => (await runSql<{ pid: number }>(pool, read))[0].pid;
    try {
      const before = await backend();
      await sleep(10_500); // node-postgres's default idle timeout is 10 s
      expect(await backend()).toBe(before);
      expect(await runSql<{ name: string }>(pool, sql`select name from pg_prepared_statements`)).toContainEqual({ name: 'statement-pool-test-quiet' });
    } finally {
      await pool.end();
    }
  }, 20_000);

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
