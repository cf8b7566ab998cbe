import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { inject } from 'vitest';
import { freePort, postgresProcessesUnder, repoRoot, serverNodeFlags, startCairnProcess, type CairnProcess } from './support/cairn-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-start-'));
fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as another user that must reach it
const running: CairnProcess[] = [];
const start = (env: Record<string, string>) => {
  const p = startCairnProcess(env);
  running.push(p);
  return p;
};

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.signalGroup('SIGKILL');
  // A PostgreSQL left behind (the failure the clean-stop test looks for) must not outlive the run.
  for (const pid of postgresProcessesUnder(dataDir)) process.kill(pid, 'SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A new, empty database on the run's PostgreSQL server, dropped after the file. */
const databases: string[] = [];
const adminUrl = () => Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString();
async function adminQuery(sql: string, database = 'postgres'): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: Object.assign(new URL(adminUrl()), { pathname: `/${database}` }).toString() });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
async function freshDatabase(): Promise<{ name: string; url: string }> {
  const name = `cairn_start_${process.pid}_${Date.now()}_${databases.length}`;
  await adminQuery(`create database "${name}"`);
  databases.push(name);
  return { name, url: Object.assign(new URL(adminUrl()), { pathname: `/${name}` }).toString() };
}
afterAll(async () => {
  for (const name of databases) await adminQuery(`drop database if exists "${name}" with (force)`);
});

async function signIn(url: string, email = 'amara.okafor@cairn.example'): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!) { signIn(email: $e, password: "cairn-demo-password") { token } }', variables: { e: email } }),
  });
  const body = (await res.json()) as { data: { signIn: { token: string } } };
  return body.data.signIn.token;
}

async function countUsers(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ patients(first: 1) { totalCount } colleagues { id } }' }),
  });
  const body = (await res.json()) as { data: { patients: { totalCount: number }; colleagues: unknown[] } };
  return body.data.patients.totalCount * 1000 + body.data.colleagues.length;
}

/** Each test starts real Cairn processes (and a PostgreSQL cluster); allow for a busy machine. */
const PROCESS_TIMEOUT = 180_000;

describe('npm start on a fresh machine (embedded PostgreSQL, demo data)', () => {
  it('runs the server with the Node flags the tests and benchmarks start it with (server/node-flags.json)', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start.split('&& ').pop()).toBe(`node ${serverNodeFlags.join(' ')} server/dist/main.js`);
  });

  it('starts, seeds once, serves the app and /healthz, and prints the URL and demo sign-ins', async () => {
    const port = await freePort();
    // A quick sweep, so the demo's URGENT handover (posted five hours before the seed) escalates at once.
    const first = start({ CAIRN_DATA_DIR: dataDir, PORT: String(port), CAIRN_ESCALATION_SWEEP_MS: '200' });
    const url = await first.ready;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(first.output()).toMatch(/amara\.okafor@cairn\.example/);
    expect(first.output()).toMatch(/password for all: cairn-demo-password/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const token = await signIn(url);
    const before = await countUsers(url, token);
    expect(Math.floor(before / 1000)).toBeGreaterThan(20); // the demo coach leads most of the 40 demo patients

    // The demo shows an escalation: the service lead is told of the demo's overdue URGENT handover.
    const lead = createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { token: await signIn(url, 'kate.morgan@cairn.example') }, retryAttempts: 0 });
    const escalated = await new Promise<string>((resolve, reject) => {
      const stop = lead.subscribe<{ notifications: { kind: string; title: string } }>(
        { query: 'subscription { notifications(after: "0") { kind title } }' },
        {
          next: ({ data }) => {
            if (data?.notifications.kind === 'HANDOVER_ESCALATED') {
              stop();
              resolve(data.notifications.title);
            }
          },
          error: reject,
          complete: () => reject(new Error('the notifications stream ended before an escalation')),
        },
      );
    });
    expect(escalated).toMatch(/^Urgent handover for .+ not yet acknowledged$/);
    await lead.dispose();

    // The demo's Pain Cafés: next week's is full with two waiting and one invited; the past one has its attendance.
    const cafes = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ upcoming: painCafes { title registeredCount waitlistCount invitedCount } past: painCafes(timeframe: PAST) { title places { attendance } } }' }),
    }).then((r) => r.json() as Promise<{ data: { upcoming: unknown[]; past: Array<{ places: Array<{ attendance: string | null }> }> } }>);
    expect(cafes.data.upcoming).toEqual([{ title: 'Pain Café: pacing and sleep', registeredCount: 4, waitlistCount: 2, invitedCount: 1 }]);
    expect(cafes.data.past[0]!.places.map((p) => p.attendance)).toEqual(['ATTENDED', 'ATTENDED', 'DID_NOT_ATTEND', 'ATTENDED']);

    // The demo's waiting list: oldest first, the oldest past the 18-week breach, one accepted and not yet seen.
    const waiting = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ referralWaitingList { entries { stage breached } } }' }),
    }).then((r) => r.json() as Promise<{ data: { referralWaitingList: { entries: Array<{ stage: string; breached: boolean }> } } }>);
    const entries = waiting.data.referralWaitingList.entries;
    expect(entries[0]).toEqual({ stage: 'AWAITING_TRIAGE', breached: true });
    expect(entries.filter((e) => e.breached)).toHaveLength(1);
    expect(entries.filter((e) => e.stage === 'AWAITING_FIRST_CONTACT')).toHaveLength(1);
    expect(entries).toHaveLength(6);

    // SIGTERM with an open subscription socket: drains and exits 0.
    const socket = createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, lazy: false, connectionParams: { token }, retryAttempts: 0, onNonLazyError: () => undefined });
    await new Promise<void>((resolve) => socket.on('connected', () => resolve()));
    const socketClosed = new Promise<void>((resolve) => socket.on('closed', () => resolve()));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await socketClosed;
    expect(postgresProcessesUnder(dataDir)).toEqual([]); // the embedded PostgreSQL was stopped, not left running

    // Second start: same data, no second seed.
    const second = start({ CAIRN_DATA_DIR: dataDir, PORT: String(port) });
    const url2 = await second.ready;
    const elapsed = /started in ([\d.]+) s/.exec(second.output())?.[1];
    console.log(`second start: ${elapsed} s`);
    expect(await countUsers(url2, await signIn(url2))).toBe(before);

    // A second Cairn on the same port fails with one clear line, not a stack trace.
    const clash = start({ CAIRN_DATA_DIR: dataDir, PORT: String(port) });
    expect(await clash.exited).toBe(1);
    expect(clash.output()).toContain(`Cairn could not start: Port ${port} is already in use.`);
    expect(clash.output()).not.toMatch(/\n\s+at /);

    // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
    expect(postgresProcessesUnder(dataDir)).toHaveLength(1);
    second.signalGroup('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toMatch(/Shutdown failed|Error/);
    expect(postgresProcessesUnder(dataDir)).toEqual([]);
  }, PROCESS_TIMEOUT);

  it('says so in one line when the database cannot be reached', async () => {
    const closedPort = await freePort();
    const p = start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/cairn`, PORT: String(await freePort()) });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/^Cairn could not start: Cannot reach the database/m);
    expect(p.output()).not.toMatch(/\n\s+at /);
  }, PROCESS_TIMEOUT);
});

describe('NODE_ENV=production', () => {
  const users = async (database: string) =>
    (await adminQuery('select email, active from app_user order by email', database)).map((r) => `${String(r.email)}${r.active ? '' : ' (inactive)'}`);

  it('does not seed the demo service into an empty database, nor print demo sign-ins', async () => {
    const db = await freshDatabase();
    const p = start({ NODE_ENV: 'production', DATABASE_URL: db.url, PORT: String(await freePort()) });
    await p.ready;
    expect(p.output()).not.toMatch(/cairn-demo-password|@cairn\.example/);
    expect(await users(db.name)).toEqual([]);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, PROCESS_TIMEOUT);

  it('refuses to start while a demo account is active, unless this is a demonstration service', async () => {
    const db = await freshDatabase();
    const seeding = start({ DATABASE_URL: db.url, PORT: String(await freePort()) }); // development seeds
    await seeding.ready;
    seeding.child.kill('SIGTERM');
    expect(await seeding.exited).toBe(0);
    expect(await users(db.name)).toContain('admin@cairn.example');

    const refused = start({ NODE_ENV: 'production', DATABASE_URL: db.url, PORT: String(await freePort()) });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/^Cairn could not start: NODE_ENV=production and the demo accounts .*admin@cairn\.example.* are active/m);
    expect(refused.output()).not.toMatch(/\n\s+at /);

    // A demonstration service says so; it is not seeded twice.
    const demo = start({ NODE_ENV: 'production', CAIRN_SEED_DEMO: 'true', DATABASE_URL: db.url, PORT: String(await freePort()) });
    await demo.ready;
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);

    // Once every demo account is deactivated, production starts.
    await adminQuery("update app_user set active = false where email like '%@cairn.example'", db.name);
    const live = start({ NODE_ENV: 'production', DATABASE_URL: db.url, PORT: String(await freePort()) });
    await live.ready;
    live.child.kill('SIGTERM');
    expect(await live.exited).toBe(0);
  }, PROCESS_TIMEOUT);

  it('refuses CAIRN_EXPOSE_ERRORS in one line', async () => {
    const p = start({ NODE_ENV: 'production', CAIRN_EXPOSE_ERRORS: 'true', PORT: String(await freePort()) });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/^Cairn could not start: CAIRN_EXPOSE_ERRORS is for development only/m);
  }, PROCESS_TIMEOUT);
});

describe('/healthz', () => {
  it('answers 503 when the database goes away', async () => {
    const { inject } = await import('vitest');
    const adminUrl = new URL(inject('databaseUrl'));
    const name = `cairn_health_${Date.now()}`;
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: Object.assign(new URL(adminUrl), { pathname: '/postgres' }).toString() });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const port = await freePort();
    const p = start({ DATABASE_URL: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString(), PORT: String(port), CAIRN_SEED_DEMO: 'false' });
    const url = await p.ready;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await admin.query(`drop database "${name}" with (force)`);
    await admin.end();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    p.child.kill('SIGTERM');
    await p.exited;
  }, PROCESS_TIMEOUT);
});
