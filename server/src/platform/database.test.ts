import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { openCairnDatabase } from '../app/database.js';

describe("the ORM's connections", () => {
  it('stay open through a quiet spell longer than the pool lets one idle: the request after it meets a backend already in use', async () => {
    // An ORM of its own: a server's sweeps would use the pool during the spell.
    const orm = await openCairnDatabase(inject('databaseUrl'));
    const backends = () =>
      Promise.all([1, 2].map(async () => (await orm.em.fork().getConnection().execute<Array<{ pid: number }>>('select pg_backend_pid() as pid from pg_sleep(0.05)'))[0].pid));
    try {
      const before = new Set(await backends()); // two at once: both connections in use
      expect(before.size).toBe(2);
      await sleep(31_000); // the pool's idle timeout is 30 s
      for (const pid of await backends()) expect(before).toContain(pid);
    } finally {
      await orm.close();
    }
  }, 45_000);
});
