import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { freePort, startCairnProcess, type CairnProcess } from './support/cairn-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-start-'));
fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as another user that must reach it
const running: CairnProcess[] = [];
const start = (env: Record<string, string>) => {
  const p = startCairnProcess(env);
  running.push(p);
  return p;
};

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { signIn(email: "amara.okafor@cairn.example", password: "cairn-demo-password") { token } }' }),
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
  it('starts, seeds once, serves the app and /healthz, and prints the URL and demo sign-ins', async () => {
    const port = await freePort();
    const first = start({ CAIRN_DATA_DIR: dataDir, PORT: String(port) });
    const url = await first.ready;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(first.output()).toMatch(/amara\.okafor@cairn\.example/);
    expect(first.output()).toMatch(/password for all: cairn-demo-password/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const token = await signIn(url);
    const before = await countUsers(url, token);
    expect(Math.floor(before / 1000)).toBeGreaterThan(20); // the demo coach leads most of the 40 demo patients

    // SIGTERM with an open subscription socket: drains and exits 0.
    const socket = createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, lazy: false, connectionParams: { token }, retryAttempts: 0, onNonLazyError: () => undefined });
    await new Promise<void>((resolve) => socket.on('connected', () => resolve()));
    const socketClosed = new Promise<void>((resolve) => socket.on('closed', () => resolve()));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await socketClosed;

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

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, PROCESS_TIMEOUT);

  it('says so in one line when the database cannot be reached', async () => {
    const closedPort = await freePort();
    const p = start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/cairn`, PORT: String(await freePort()) });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/^Cairn could not start: Cannot reach the database/m);
    expect(p.output()).not.toMatch(/\n\s+at /);
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
