import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { APP_ROLE, withStartupSettings } from './database.js';

/**
 * Each statement in a transaction of its own, rolled back: a statement wrongly allowed leaves no trace.
 * `drop trigger` takes the table's exclusive lock before it checks ownership: it waits at most briefly,
 * rather than stall every test writing audit rows meanwhile.
 */
async function attempt(client: pg.Client, statement: string): Promise<string> {
  await client.query("begin; set local lock_timeout = '5s'");
  try {
    await client.query(statement);
    return 'allowed';
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.query('rollback');
  }
}

describe('the database role the server runs as', () => {
  const server = useTestServer();

  it('is the app role on every connection of the running server', async () => {
    const [row] = await server().orm.em.fork().getConnection().execute<Array<{ role: string }>>('select current_user as role');
    expect(row.role).toBe(APP_ROLE);
    // The raw node-postgres pools and listeners connect with the ORM's URL.
    const client = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
    await client.connect();
    try {
      expect((await client.query<{ role: string }>('select current_user as role')).rows[0].role).toBe(APP_ROLE);
    } finally {
      await client.end();
    }
  });

  it('is still the app role on a connection given settings of its own (the care-plan group connection)', async () => {
    const url = withStartupSettings(String(server().orm.config.get('clientUrl')), { enable_seqscan: 'off' });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ role: string; seqscan: string }>("select current_user as role, current_setting('enable_seqscan') as seqscan");
      expect(rows[0]).toEqual({ role: APP_ROLE, seqscan: 'off' });
    } finally {
      await client.end();
    }
  });

  it('cannot alter the audit trail, switch off or drop its triggers, skip them, or change or remove its rows', async () => {
    const client = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
    await client.connect();
    try {
      const refusals = {
        'alter table audit_entry disable trigger audit_entry_no_update': /must be owner/,
        'alter table audit_entry disable trigger all': /must be owner/,
        'drop trigger audit_entry_no_update on audit_entry': /must be owner/,
        'alter table audit_entry add column note text': /must be owner/,
        'drop table audit_entry': /must be owner/,
        'set session_replication_role = replica': /permission denied/,
        "update audit_entry set outcome = 'ALLOWED'": /permission denied/,
        'delete from audit_entry': /permission denied/,
        'truncate audit_entry': /permission denied/,
        'create or replace function audit_entry_is_append_only() returns trigger language plpgsql as $$ begin return new; end $$': /must be owner|permission denied/,
      };
      for (const [statement, refusal] of Object.entries(refusals)) expect([statement, await attempt(client, statement)]).toEqual([statement, expect.stringMatching(refusal)]);
    } finally {
      await client.end();
    }
  });

  it('still reads and writes: a sign-in, a patient read, and its audit entry', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const res = await gql<{ patient: { id: string } }>(server().url, 'query($id: ID!) { patient(id: $id) { id } }', { id: patient.id }, token);
    expect(res.data?.patient.id).toBe(patient.id);
    const rows = await server().orm.em.fork().getConnection().execute<Array<{ action: string }>>('select action from audit_entry where patient_id = ?', [patient.id]);
    expect(rows.map((r) => r.action)).toContain('patient.read');
  });

  it("leaves migrations to the tables' owner", async () => {
    expect((await ownerQuery<{ role: string }>('select current_user as role'))[0].role).not.toBe(APP_ROLE);
    const client = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
    await client.connect();
    try {
      expect(await attempt(client, 'select count(*) from mikro_orm_migrations')).toMatch(/permission denied/);
      expect(await attempt(client, 'create table intruder (id int)')).toMatch(/permission denied/);
    } finally {
      await client.end();
    }
  });
});
