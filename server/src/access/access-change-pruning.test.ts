import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runSql, sql, sqlState } from '../platform/sql.js';
import { useTestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { makeWorld, type World } from '../test-support/world.js';
import { AccessChangePruning } from './access-change-pruning.js';
import { ACCESS_CHANGE_NOTES_KEPT_MS, KEPT_RELATIONSHIP_TRUSTED_MS } from './policy.js';

/**
 * Its own database: a run removes every note a snapshot saw, and with the hour passed in rather than waited
 * for, notes that kept relationships of other files' servers still ask about would go too.
 */
describe('pruning the notes of access changes', () => {
  const databaseUrl = useOwnDatabase('access_pruning');
  const server = useTestServer({ databaseUrl });
  const db = () => server().orm.em.fork();
  const hour = ACCESS_CHANGE_NOTES_KEPT_MS;
  const notes = async () => (await runSql<{ xid: string }>(db(), sql`select xid::text as xid from access_change`)).map((r) => r.xid);
  /** A change that may alter a relationship (a role set again), and the id of the transaction noted. */
  async function noteOne(world: World): Promise<string> {
    const [row] = await runSql<{ xid: string }>(
      db(),
      sql`with changed as (update app_user set role = role where id = ${world.users.outsider.id} returning 1) select pg_current_xact_id()::text as xid from changed`,
    );
    return row!.xid;
  }

  it('removes the notes that a snapshot taken an hour before saw, and none committed after it', async () => {
    const world = await makeWorld(db());
    const pruning = new AccessChangePruning();
    const start = Date.now();
    const first = await noteOne(world);
    expect(await pruning.prune(db(), start)).toBe(0); // its snapshot saw the first
    const second = await noteOne(world);
    expect(await pruning.prune(db(), start + hour / 2)).toBe(0); // this one saw both; neither is an hour old
    const third = await noteOne(world);
    expect(await notes()).toEqual(expect.arrayContaining([first, second, third]));

    expect(await pruning.prune(db(), start + hour)).toBeGreaterThan(0);
    const afterAnHour = await notes();
    expect(afterAnHour).not.toContain(first);
    expect(afterAnHour).toEqual(expect.arrayContaining([second, third]));

    await pruning.prune(db(), start + hour + hour / 2);
    const later = await notes();
    expect(later).not.toContain(second);
    expect(later).toContain(third);
  });

  it('keeps a change that was under way when the snapshot was taken, however old its note, until a later snapshot saw it', async () => {
    const world = await makeWorld(db());
    const pruning = new AccessChangePruning();
    const start = Date.now();
    const slow = new pg.Client({ connectionString: databaseUrl });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query('update app_user set active = active where id = $1', [world.users.outsider.id]);
      const { rows } = await slow.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
      await pruning.prune(db(), start); // under way: this snapshot does not see it
      await slow.query('commit');
      await pruning.prune(db(), start + hour / 2); // committed: this one does
      await pruning.prune(db(), start + hour);
      expect(await notes()).toContain(rows[0]!.xid);
      await pruning.prune(db(), start + hour + hour / 2);
      expect(await notes()).not.toContain(rows[0]!.xid);
    } finally {
      await slow.end();
    }
  });

  it('is the only way the app role removes a note; kept relationships are trusted for far less than an hour', async () => {
    const refused = await runSql(db(), sql`delete from access_change`).catch((e: unknown) => e);
    expect(sqlState(refused)).toBe('42501');
    expect(KEPT_RELATIONSHIP_TRUSTED_MS * 6).toBeLessThanOrEqual(ACCESS_CHANGE_NOTES_KEPT_MS);
  });
});
