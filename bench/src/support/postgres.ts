import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server benchmarks create their databases on: DATABASE_URL's server, else the machine-local one. */
export function adminUrl(): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return url.toString();
}

/** The benchmarks' PostgreSQL runs on this machine (so its processes' CPU can be read here). */
export function databaseIsLocal(): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(new URL(adminUrl()).hostname);
}

/** A database made for one benchmark run; `drop()` removes it (and closes the pool). */
export interface FreshDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name next to the admin database. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // An idle connection ended by the drop below must not crash the run that is reporting why it stopped.
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    name,
    url: url.toString(),
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => undefined);
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
