/**
 * The three servers the fan-out benchmark drives the same way: start one, open subscribers to one
 * patient's event stream, post events that carry a timestamp, stop it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCairn, gqlHttp, type CairnUnderTest } from '../support/cairn.js';
import { freePort, startChild, type ChildServer } from '../support/child-server.js';
import { SUBSCRIPTION } from './baseline-event.js';
import { inspectOn, inspectorUrl } from './process-tools.js';
import type { ClientTransport, ConnectionSpec } from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Target {
  name: string;
  transport: ClientTransport;
  /** The server process now (a restart changes it). */
  readonly pid: number;
  /** V8 inspector WebSocket of the server process as first started (for a forced GC before reading memory). */
  inspector: string;
  wsUrl: string;
  query: string;
  /** What subscriber i sends. */
  spec(i: number): ConnectionSpec;
  /** Posts one event through the server's write path; resolves when the server has answered. */
  post(summary: string): Promise<void>;
  /** Stops the server (SIGTERM, its sockets close) and starts it again on the same port; resolves once it is ready. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

interface Baseline {
  child: ChildServer;
  port: number;
  inspector: string;
  restart(): Promise<void>;
}

async function startBaseline(script: string): Promise<Baseline> {
  const [port, debugPort] = [await freePort(), await freePort()];
  const start = () => startChild(path.join(here, script), { PORT: String(port), NODE_OPTIONS: inspectOn(debugPort) }, /^listening/);
  const baseline: Baseline = {
    child: await start(),
    port,
    inspector: await inspectorUrl(debugPort),
    async restart() {
      await baseline.child.stop();
      baseline.child = await start();
    },
  };
  return baseline;
}

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok || text.includes('"errors"')) throw new Error(`post failed (${res.status}): ${text.slice(0, 300)}`);
}

const BASELINE_PATIENT = randomUUID();

/** The floor: plain `ws`, one JSON string broadcast to every socket. */
export async function startPlainWs(): Promise<Target> {
  const baseline = await startBaseline('ws-server.js');
  const { port, inspector } = baseline;
  return {
    name: 'plain ws',
    transport: 'plain-ws',
    get pid() {
      return baseline.child.pid;
    },
    inspector,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    query: '',
    spec: () => ({ variables: {} }),
    post: (summary) => postJson(`http://127.0.0.1:${port}/post`, { patientId: BASELINE_PATIENT, summary }),
    restart: () => baseline.restart(),
    stop: () => baseline.child.stop(),
  };
}

/** The peer: graphql-yoga with its pub/sub, over graphql-ws. */
export async function startYoga(): Promise<Target> {
  const baseline = await startBaseline('yoga-server.js');
  const { port, inspector } = baseline;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    name: 'graphql-yoga',
    transport: 'graphql-ws',
    get pid() {
      return baseline.child.pid;
    },
    inspector,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    query: SUBSCRIPTION,
    spec: () => ({ variables: { patientId: BASELINE_PATIENT } }),
    post: (summary) =>
      postJson(url, { query: 'mutation($p: ID!, $s: String!) { postHandover(patientId: $p, summary: $s) }', variables: { p: BASELINE_PATIENT, s: summary } }),
    restart: () => baseline.restart(),
    stop: () => baseline.child.stop(),
  };
}

export interface CairnTarget extends Target {
  cairn: CairnUnderTest;
  patientId: string;
  tokens: string[];
  posterToken: string;
  /** The newest seq on the patient's timeline. */
  newestSeq(): Promise<string | null>;
}

/**
 * Cairn from server/dist on a fresh database: one patient whose care team has `teamSize` clinicians (the
 * subscribers are spread over their sessions), and a specialist of a linked pain service who posts
 * handovers (Cairn's real write path: validation, transaction, audit, outbox event, team notifications).
 */
export async function startCairnTarget(teamSize: number): Promise<CairnTarget> {
  const debugPort = await freePort();
  // Thousands of subscribers share the team's few sessions here, far past the sockets a real session may
  // hold (a browser opens one per tab): lift that cap for the load test.
  const cairn = await startCairn({ NODE_OPTIONS: inspectOn(debugPort), CAIRN_MAX_SOCKETS_PER_SESSION: '1000000' });
  try {
    const world = await seedFanoutWorld(cairn, teamSize);
    const http = cairn.url;
    return {
      name: 'Cairn',
      transport: 'graphql-ws',
      get pid() {
        return cairn.server.pid;
      },
      inspector: await inspectorUrl(debugPort),
      wsUrl: cairn.wsUrl,
      query: SUBSCRIPTION,
      cairn,
      ...world,
      spec: (i) => ({ token: world.tokens[i % world.tokens.length], variables: { patientId: world.patientId } }),
      post: async (summary) => {
        await gqlHttp(
          http,
          'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
          { input: { patientId: world.patientId, summary, advice: 'Continue the pacing plan; review analgesia in four weeks.', urgency: 'ROUTINE', actions: [] } },
          world.posterToken,
        );
      },
      async newestSeq() {
        const data = await gqlHttp<{ timeline: { nodes: Array<{ seq: string }> } }>(
          http,
          'query($p: ID!) { timeline(patientId: $p, first: 1) { nodes { seq } } }',
          { p: world.patientId },
          world.tokens[0],
        );
        return data.timeline.nodes[0]?.seq ?? null;
      },
      restart: () => cairn.restart(),
      stop: () => cairn.close(),
    };
  } catch (e) {
    await cairn.close().catch(() => undefined);
    throw e;
  }
}

/** Writes the organisations, people, patient, care team, specialist link and sessions straight into Cairn's tables. */
async function seedFanoutWorld(cairn: CairnUnderTest, teamSize: number): Promise<{ patientId: string; tokens: string[]; posterToken: string }> {
  const [pcn, practice, service, patientId, poster] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const client = await cairn.db.pool.connect();
  const session = async (userId: string) => {
    const token = randomBytes(32).toString('base64url');
    await client.query(`insert into session (id, token_hash, user_id, expires_at) values ($1, $2, $3, now() + interval '12 hours')`, [
      randomUUID(),
      createHash('sha256').update(token).digest('hex'),
      userId,
    ]);
    return token;
  };
  const user = (id: string, name: string, role: string, org: string) =>
    client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id) values ($1, $2, $3, 'not-used', $4, $5)`, [
      id,
      name,
      `${id}@fanout.bench.invalid`,
      role,
      org,
    ]);
  try {
    await client.query('begin');
    await client.query(
      `insert into organisation (id, name, kind, pcn_id) values ($1, 'Fan-out PCN', 'PCN', null), ($2, 'Fan-out Practice', 'GP_PRACTICE', $1),
              ($3, 'Fan-out Specialist Pain Service', 'SPECIALIST_PAIN_SERVICE', null)`,
      [pcn, practice, service],
    );
    await client.query(
      `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
       values ($1, '9990000018', 'Fanout', 'Patient', '1970-01-01', $2, '{}', 'ACTIVE')`,
      [patientId, practice],
    );
    const roles = ['PAIN_PRACTITIONER', 'COACH', 'FCP', 'GP'];
    const tokens: string[] = [];
    for (let i = 0; i < teamSize; i++) {
      const id = randomUUID();
      await user(id, `Clinician ${i + 1}`, roles[i % roles.length], practice);
      await client.query(`insert into care_team_member (id, patient_id, user_id, team_role, is_lead) values ($1, $2, $3, $4, $5)`, [
        randomUUID(),
        patientId,
        id,
        roles[i % roles.length],
        i === 0,
      ]);
      tokens.push(await session(id));
    }
    await user(poster, 'Dr Fanout Poster', 'SPECIALIST', service);
    await client.query(`insert into specialist_link (id, patient_id, service_id, reason) values ($1, $2, $3, 'REFERRED')`, [randomUUID(), patientId, service]);
    const posterToken = await session(poster);
    await client.query('commit');
    return { patientId, tokens, posterToken };
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
