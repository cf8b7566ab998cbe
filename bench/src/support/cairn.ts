import argon2 from 'argon2';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, type ChildServer } from './child-server.js';
import { freshDatabase, type FreshDatabase } from './postgres.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/**
 * The build under test: `server/dist`, or another build of the server (another commit's) copied beside it,
 * `BENCH_CAIRN_DIST=server/dist-other`, to measure two builds at once (bench/side-by-side.sh).
 */
const serverDist = path.resolve(repoRoot, process.env.BENCH_CAIRN_DIST ?? 'server/dist');
const serverScript = path.join(serverDist, 'main.js');
/**
 * The Node flags `npm start` runs Cairn with (server/node-flags.json): Cairn is measured as it runs. A build
 * copied beside it may carry a `node-flags.json` of its own, so that side by side can measure a change of
 * flags as it measures a change of code.
 */
const serverNodeFlags: string[] = JSON.parse(fs.readFileSync(nodeFlagsOf(serverDist), 'utf8'));

/** Where a build's Node flags are read from: its own `node-flags.json`, else the server's. */
export function nodeFlagsOf(dist: string): string {
  const own = path.join(dist, 'node-flags.json');
  return fs.existsSync(own) ? own : path.join(repoRoot, 'server/node-flags.json');
}

/** Cairn started from `server/dist/main.js` as a child process against a database of its own. */
export interface CairnUnderTest {
  /** The GraphQL endpoint over HTTP, e.g. http://127.0.0.1:41234/graphql. */
  url: string;
  /** The same endpoint for graphql-ws. */
  wsUrl: string;
  db: FreshDatabase;
  /** The running server process (changes on restart). */
  server: ChildServer;
  /** Stops the server (SIGTERM) and starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/**
 * Creates a fresh database (on DATABASE_URL's server or the machine-local PostgreSQL), starts Cairn on a free
 * port as it runs in service (NODE_ENV=production: graphql-js's development checks cost time on every
 * field) with no demo data and quiet logs, and waits for "Cairn is running at". Cairn migrates the database
 * itself on start.
 */
export async function startCairn(env: Record<string, string> = {}): Promise<CairnUnderTest> {
  const db = await freshDatabase('cairn_bench');
  try {
    const port = await freePort();
    const childEnv = serverEnv(db.url, port, env);
    const start = () => startChild(serverScript, childEnv, /Cairn is running at/, { flags: serverNodeFlags });
    const cairn: CairnUnderTest = {
      url: `http://127.0.0.1:${port}/graphql`,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      db,
      server: await start(),
      async restart() {
        await cairn.server.stop();
        cairn.server = await start();
      },
      async close() {
        await cairn.server.stop().catch(() => undefined);
        await db.drop();
      },
    };
    return cairn;
  } catch (e) {
    await db.drop().catch(() => undefined);
    throw e;
  }
}

/** One GraphQL request over HTTP (`operationName` picks one of a document's operations); throws on transport errors and on GraphQL errors. */
export async function gqlHttp<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string, operationName?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, operationName }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.map((e) => e.message).join('; ') ?? res.status}`);
  return body.data;
}

export const BENCH_PASSWORD = 'cairn-bench-password';

/** Synthetic people and patients for a load, written straight into Cairn's tables. */
export interface BenchWorld {
  users: Array<{ id: string; email: string }>;
  patients: string[];
}

const roles = ['COACH', 'FCP', 'PAIN_PRACTITIONER', 'GP', 'SPECIALIST'] as const;

/**
 * Writes a PCN with one practice, `teams.length` patients and, for patient i, `teams[i]` clinicians who
 * are all on that patient's care team (the first is the lead). Every user's password is BENCH_PASSWORD
 * (one argon2 hash computed here, shared by all rows).
 */
export async function seedWorld(db: FreshDatabase, plans: number, editorsPerPlan: number): Promise<BenchWorld> {
  const hash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const pcn = randomUUID();
  const practice = randomUUID();
  const client = await db.pool.connect();
  const users: BenchWorld['users'] = [];
  const patients: string[] = [];
  try {
    await client.query('begin');
    await client.query(`insert into organisation (id, name, kind, pcn_id) values ($1, 'Bench PCN', 'PCN', null), ($2, 'Bench Practice', 'GP_PRACTICE', $1)`, [pcn, practice]);
    for (let p = 0; p < plans; p++) {
      const patient = randomUUID();
      patients.push(patient);
      await client.query(
        `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
         values ($1, $2, 'Bench', $3, '1970-01-01', $4, '{}', 'ACTIVE')`,
        [patient, nhsNumber(p), `Patient ${p + 1}`, practice],
      );
      for (let e = 0; e < editorsPerPlan; e++) {
        const user = { id: randomUUID(), email: `bench-${p + 1}-${e + 1}@bench.invalid` };
        users.push(user);
        await client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id) values ($1, $2, $3, $4, $5, $6)`, [
          user.id,
          `Clinician ${p + 1}.${e + 1}`,
          user.email,
          hash,
          roles[e % roles.length],
          practice,
        ]);
        await client.query(`insert into care_team_member (id, patient_id, user_id, team_role, is_lead) values ($1, $2, $3, $4, $5)`, [
          randomUUID(),
          patient,
          user.id,
          roles[e % roles.length],
          e === 0,
        ]);
      }
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return { users, patients };
}

/**
 * Opens a session for each user the way signIn does (a random token; only its SHA-256 is stored), straight
 * in the database: 250 real sign-ins cost 250 argon2 verifications (64 MiB each), minutes on 2 busy cores.
 * The returned bearer tokens authenticate like any other (sockets look the session up by that hash).
 */
export async function openSessions(db: FreshDatabase, userIds: string[]): Promise<string[]> {
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const values: unknown[] = [];
  const rows = userIds.map((userId, i) => {
    values.push(randomUUID(), createHash('sha256').update(tokens[i]).digest('hex'), userId);
    const n = i * 3;
    return `($${n + 1}, $${n + 2}, $${n + 3}, now() + interval '12 hours', 'cairn-bench')`;
  });
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const offset = i * 3;
    await db.pool.query(
      `insert into session (id, token_hash, user_id, expires_at, user_agent) values ${chunk.map((r) => r.replace(/\$(\d+)/g, (_, d: string) => `$${Number(d) - offset}`)).join(', ')}`,
      values.slice(offset, offset + chunk.length * 3),
    );
  }
  return tokens;
}

/** Signs each email in through the API (argon2 verification included), `concurrency` at a time. */
export async function signInAll(url: string, emails: string[], concurrency = 2): Promise<string[]> {
  const tokens = new Array<string>(emails.length);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const i = next++;
      const data = await gqlHttp<{ signIn: { token: string } }>(url, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', {
        e: emails[i],
        p: BENCH_PASSWORD,
      });
      tokens[i] = data.signIn.token;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tokens;
}

/** A synthetic NHS number in the 999 range with a valid modulus-11 check digit. */
function nhsNumber(i: number): string {
  for (let n = i * 7; ; n++) {
    const nine = `999${String(n % 1_000_000).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, k) => s + Number(d) * (10 - k), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + String(check === 11 ? 0 : check);
  }
}

/**
 * Another Cairn server on `cairn`'s database (its own port and process, the same environment plus `env`),
 * as a second instance of one deployment: the two share the event log and wake each other by NOTIFY.
 * Stopping it leaves the database to `cairn`.
 */
export async function startCairnPeer(cairn: CairnUnderTest, env: Record<string, string> = {}): Promise<{ url: string; wsUrl: string; server: ChildServer }> {
  const port = await freePort();
  const childEnv = serverEnv(cairn.db.url, port, env);
  const server = await startChild(serverScript, childEnv, /Cairn is running at/, { flags: serverNodeFlags });
  return { url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, server };
}

/** A Cairn server's environment under test: as in service, on `databaseUrl`, no demo data, quiet logs. */
function serverEnv(databaseUrl: string, port: number, env: Record<string, string>): Record<string, string> {
  return { NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', CAIRN_SEED_DEMO: 'false', CAIRN_LOG_LEVEL: 'warn', ...env };
}
