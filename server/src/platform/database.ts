import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';

export type Orm = MikroORM;

/** What the database holds: the composition root gathers both from every module. */
export interface SchemaParts {
  entities: readonly EntityClass<object>[];
  /** In the order they run. */
  migrations: readonly MigrationObject[];
}

export function ormOptions(clientUrl: string, { entities, migrations }: SchemaParts): Options {
  return {
    clientUrl,
    entities: [...entities],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: { migrationsList: [...migrations], transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: 10 },
    // Patient data never goes to logs.
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
  };
}

/**
 * The role the running server acts as (migration 0009-app-role): it reads and writes the data, but may
 * only insert into and read the audit trail, and cannot alter, disable or drop a table or its triggers.
 */
export const APP_ROLE = 'cairn_app';
const actAsAppRole = `-c role=${APP_ROLE}`;

/**
 * Connects, runs any pending checked-in migrations (never schema:update) as the URL's own role (the
 * owner), then reconnects so that every connection from then on acts as the app role from its first
 * statement: the ORM's pool, and the raw node-postgres pools and listeners that read `clientUrl`.
 */
export async function openDatabase(clientUrl: string, parts: SchemaParts): Promise<Orm> {
  const orm = await MikroORM.init(ormOptions(clientUrl, parts));
  try {
    await orm.getMigrator().up();
    await orm.reconnect({ clientUrl: asAppRole(clientUrl), driverOptions: { connection: { options: actAsAppRole } } });
  } catch (e) {
    await orm.close().catch(() => undefined);
    throw e;
  }
  return orm;
}

/** `clientUrl` with the startup option node-postgres sends: the session acts as the app role. */
export function asAppRole(clientUrl: string): string {
  const url = new URL(clientUrl);
  url.searchParams.set('options', actAsAppRole);
  return url.toString();
}

/** Creates `name` on the server `adminUrl` points at, if missing. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** A transaction on one connection of a `pg.Pool`, with parameters sent apart from the text ($1, $2…). */
export interface SqlTransaction {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Runs `fn` in a transaction on `pool`. For the hottest write path: the ORM formats every parameter into
 * the SQL text, which for large values costs more than the write itself; here PostgreSQL gets them as
 * parameters. `begin` travels with the first statement when that one has no parameters (one round trip
 * fewer). Rolls back when `fn` throws; a connection that failed is discarded, not reused.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let begun = false;
  const tx: SqlTransaction = {
    query: async <R>(text: string, params: unknown[] = []) => {
      if (!begun) {
        begun = true;
        if (params.length === 0) {
          const results = (await client.query(`begin; ${text}`)) as unknown as pg.QueryResult[];
          return results[results.length - 1].rows as R[];
        }
        await client.query('begin');
      }
      return (await client.query(text, params)).rows as R[];
    },
  };
  try {
    const result = await fn(tx);
    if (begun) await client.query('commit');
    client.release();
    return result;
  } catch (e) {
    const rolledBack = await client.query('rollback').then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : true);
    throw e;
  }
}

/**
 * A PostgreSQL array literal of `items` as SQL text ('{"a","b"}'), for statements sent without
 * parameters: every element quoted, so any text is safe.
 */
export function sqlTextArray(items: readonly string[]): string {
  const elements = items.map((i) => `"${i.replace(/[\\"]/g, '\\$&')}"`).join(',');
  return `'{${elements.replace(/'/g, "''")}}'`;
}
