/**
 * Cairn's process: configuration, the database (embedded when DATABASE_URL is unset), demo data, the server,
 * and the signals that stop it. Started by `main.ts`, after MikroORM has loaded.
 */
import 'reflect-metadata';
import { readConfig, type Config } from '../platform/config.js';
import { openCairnDatabase } from './database.js';
import { ensureDatabase, type Orm } from '../platform/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../platform/embedded-postgres.js';
import { createLogger } from '../platform/logger.js';
import { startServer, type RunningServer } from './server.js';
import { seedDemoService } from '../demo/demo-service.js';
import { activeDemoAccounts, DEMO_PASSWORD, demoUsers } from '../demo/demo-seed.js';
import path from 'node:path';

const config = configOrExit();
const logger = createLogger(config.logLevel);
let embedded: EmbeddedDatabase | undefined;
let orm: Orm | undefined;
let server: RunningServer | undefined;

async function main(): Promise<void> {
  const started = Date.now();
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), (m) => logger.info(m));
    await ensureDatabase(embedded.url('postgres'), 'cairn');
    url = embedded.url('cairn');
  }
  orm = await openCairnDatabase(url).catch((e: unknown) => fail(`Cannot reach the database (${describe(e)}). Check DATABASE_URL or that PostgreSQL is running.`));
  if (config.seedDemo && (await seedDemoService(orm, logger))) logger.info('Seeded the demo service');
  if (config.production && !config.demoService) await refuseDemoAccounts(orm);
  server = await startServer(config, orm, logger).catch((e: unknown) =>
    fail(isAddressInUse(e) ? `Port ${config.port} is already in use. Stop whatever is using it, or start Cairn with PORT=<another port>.` : describe(e)),
  );
  printWelcome(server.url, Date.now() - started);
}

function printWelcome(url: string, ms: number): void {
  const lines = [
    '',
    `  Cairn is running at ${url}  (started in ${(ms / 1000).toFixed(1)} s)`,
    '',
    `  Demo sign-ins (password for all: ${DEMO_PASSWORD}):`,
    ...demoUsers.map((u) => `    ${u.role.padEnd(18)} ${u.name.padEnd(18)} ${u.email}`),
    '',
  ];
  if (config.seedDemo) process.stdout.write(lines.join('\n') + '\n');
  else process.stdout.write(`Cairn is running at ${url}\n`);
}

/** Production with an account anyone can sign in to (the demo password is in the README) does not start. */
async function refuseDemoAccounts(db: Orm): Promise<void> {
  const active = await activeDemoAccounts(db.em.fork());
  if (active.length === 0) return;
  fail(
    `NODE_ENV=production and the demo accounts ${active.join(', ')} are active (their password is published). ` +
      'Deactivate them, or set CAIRN_SEED_DEMO=true if this is a demonstration service.',
  );
}

let stopping = false;

/** The one owner of the termination signals: drain requests and sockets, then the database, then exit 0. */
async function shutdown(signal: string): Promise<void> {
  // A terminal's Ctrl-C reaches Cairn twice under `npm start` (npm forwards it too): stop once.
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: draining connections and stopping`);
  try {
    await server?.stop();
    await orm?.close();
    await embedded?.stop();
    process.exit(0);
  } catch (e) {
    logger.error('Shutdown failed', { error: describe(e) });
    process.exit(1);
  }
}

class StartupError extends Error {}

function fail(message: string): never {
  throw new StartupError(message);
}

/** One line a person can act on, not a stack trace; then stop what was started. */
async function exitWith(e: unknown): Promise<never> {
  process.stderr.write(`Cairn could not start: ${e instanceof StartupError ? e.message : describe(e)}\n`);
  await orm?.close().catch(() => undefined);
  // A cluster found running may be another Cairn's (a second start on a port in use): leave it be.
  if (!embedded?.reused) await embedded?.stop().catch(() => undefined);
  process.exit(1);
}

function configOrExit(): Config {
  try {
    return readConfig();
  } catch (e) {
    process.stderr.write(`Cairn could not start: ${describe(e)}\n`);
    process.exit(1);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

function isAddressInUse(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'EADDRINUSE';
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
main().catch(exitWith);
