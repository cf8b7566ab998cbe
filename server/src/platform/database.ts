import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { ormIsWithoutAsyncContext } from './orm-context.js';

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
    // Two connections stay open through a quiet spell: with none kept (the pool lets one idle 30 s), the next
    // request after one waited for a new connection on a cold backend. See StatementPool for the figures.
    pool: { min: 2, max: 10 },
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
  if (!ormIsWithoutAsyncContext()) throw new Error('MikroORM was loaded before platform/orm-context.js: import that module first in the entry point');
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

/**
 * `clientUrl` with more settings sent at connection start (`-c name=value`), kept beside any the URL
 * already sends (node-postgres takes the URL's `options` over a pool's own).
 */
export function withStartupSettings(clientUrl: string, settings: Record<string, string>): string {
  const url = new URL(clientUrl);
  const extra = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`);
  url.searchParams.set('options', [url.searchParams.get('options') ?? '', ...extra].join(' ').trim());
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
