import '../platform/orm-context.js'; // first, as in main.ts
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openCairnDatabase } from '../app/database.js';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.js';
import './provided-context.js';

/**
 * One fresh database per test run: a new database on DATABASE_URL's server when set, otherwise a new
 * embedded PostgreSQL in a temporary directory. Migrations run once here; tests make unique data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `cairn_test_${process.pid}_${Date.now()}`;
  const external = process.env.DATABASE_URL;
  let adminUrl: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmpDir: string | undefined;
  if (external) {
    adminUrl = external;
  } else {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-test-pg-'));
    const embedded = await startEmbeddedPostgres(tmpDir, () => undefined);
    adminUrl = embedded.url('postgres');
    stopEmbedded = () => embedded.stop();
  }
  await adminQuery(adminUrl, `create database "${name}"`);
  const url = withDatabase(adminUrl, name);
  const orm = await openCairnDatabase(url);
  await orm.close();
  project.provide('databaseUrl', url);

  return async () => {
    await adminQuery(adminUrl, `drop database if exists "${name}" with (force)`).catch(() => undefined);
    await stopEmbedded?.();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
