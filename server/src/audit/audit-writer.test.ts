import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql, sql } from '../platform/sql.js';
import { startTestServer, type TestServer } from '../test-support/harness.js';
import { makeWorld, type World } from '../test-support/world.js';
import { AuditOutcome } from './audit.service.js';

describe('AuditWriter', () => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer();
    world = await makeWorld(server.orm.em.fork());
  });
  afterAll(() => server?.stop());

  it("commits a read's entry on its own connection: not held behind writes that fill the ORM's pool", async () => {
    const { auditWriter } = server.running.services;
    const max = Number(server.orm.config.get('pool')?.max);
    expect(max).toBeGreaterThan(0);
    // Every connection of the ORM's pool busy for two seconds, as a crowd of slow writes would keep them.
    const sleeps = Array.from({ length: max }, () => runSql(server.orm.em.fork(), sql`select pg_sleep(2)`));
    const requestId = randomUUID();
    const recorded = auditWriter.record({ actorId: world.users.coach.id, action: 'audit.read', patientId: null, requestId, outcome: AuditOutcome.ALLOWED });
    // On the ORM's pool the entry would wait for a sleep to end, and so come after the first of them.
    const first = await Promise.race([recorded.then(() => 'entry'), ...sleeps.map((s) => s.then(() => 'pool'))]);
    expect(first).toBe('entry');
    const [row] = await runSql<{ n: string }>(server.orm.em.fork(), sql`select count(*) as n from audit_entry where request_id = ${requestId}`);
    expect(Number(row.n)).toBe(1);
    await Promise.all(sleeps);
  });
});
