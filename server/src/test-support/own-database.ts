import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/**
 * An empty database of the calling file's own on the run's PostgreSQL, made before its tests and dropped
 * after them, for tests that count rows or change the schema under a server. Returns its URL.
 */
export function useOwnDatabase(prefix: string): string {
  const name = `cairn_${prefix}_${process.pid}_${Date.now()}`;
  const base = inject('databaseUrl');
  const admin = new pg.Client({ connectionString: Object.assign(new URL(base), { pathname: '/postgres' }).toString() });
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database "${name}"`);
  });
  afterAll(async () => {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return Object.assign(new URL(base), { pathname: `/${name}` }).toString();
}
