import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import WebSocket from 'ws';
import { readConfig, type Config } from '../platform/config.js';
import { openCairnDatabase } from '../app/database.js';
import type { Orm } from '../platform/database.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { startServer, type RunningServer } from '../app/server.js';
import './provided-context.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  orm: Orm;
  running: RunningServer;
  stop(): Promise<void>;
}

/**
 * A real Cairn instance on port 0 against the run's database. Stop it (or use `useTestServer`). `logger`:
 * where its log goes (by default, nowhere: `logLevel` is silent).
 */
export async function startTestServer(overrides: Partial<Config> = {}, logger?: Logger): Promise<TestServer> {
  const config: Config = {
    ...readConfig({}),
    databaseUrl: inject('databaseUrl'),
    port: 0,
    host: '127.0.0.1',
    webDist: undefined,
    seedDemo: false,
    logLevel: 'silent',
    sessionSweepMs: 250,
    ...overrides,
  };
  const orm = await openCairnDatabase(config.databaseUrl!);
  const running = await startServer(config, orm, logger ?? createLogger(config.logLevel));
  return {
    url: running.url,
    wsUrl: running.url.replace(/^http/, 'ws') + '/graphql',
    orm,
    running,
    async stop() {
      await running.stop();
      await orm.close();
    },
  };
}

/** Starts a server for the file's tests and stops it after them. */
export function useTestServer(overrides: Partial<Config> = {}, logger?: Logger): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(overrides, logger);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('The test server has not started yet');
    return server;
  };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } & Record<string, unknown> }>;
  headers: Headers;
}

/** A GraphQL request over real HTTP, as an API client sends it. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { ...body, status: res.status, headers: res.headers };
}

/** `gql`'s data, for a request that must succeed: throws with the errors' messages when it does not. */
export async function gqlData<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await gql<T>(url, query, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`The request was refused: ${JSON.stringify(res.errors ?? res.status)}`);
  return res.data;
}

/** The first error's code, for asserting on failures. */
export function errorCode(res: { errors?: Array<{ extensions?: { code?: string } }> }): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

export interface TestSocket {
  client: Client;
  /** Resolves with the close code when the server closes the socket. */
  closed: Promise<number>;
  /** Resolves once the server has accepted the connection. */
  connected: Promise<void>;
}

/** A real graphql-ws client (the `ws` package) authenticated with `token` at connection_init. */
export function wsConnect(wsUrl: string, token?: string): TestSocket {
  let onClosed!: (code: number) => void;
  let onConnected!: () => void;
  const closed = new Promise<number>((r) => (onClosed = r));
  const connected = new Promise<void>((r) => (onConnected = r));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { token } : {},
    on: {
      connected: () => onConnected(),
      closed: (event) => onClosed((event as { code: number }).code),
    },
    onNonLazyError: () => undefined,
  });
  return { client, closed, connected };
}

/** Runs one query or mutation over the socket and resolves with its single result. */
export function wsRequest<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  return new Promise((resolve, reject) => {
    let result: { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = value as typeof result),
        error: (errors) => resolve({ errors: errors as Array<{ message: string; extensions?: { code?: string } }> }),
        complete: () => (result ? resolve(result) : reject(new Error('Completed without a result'))),
      },
    );
  });
}

/**
 * Runs one statement as the database's owner (the run's own URL), for what a test sets up that the app's
 * role rightly may not do: terminating a connection, adding a trigger, reading every session's activity.
 */
export async function ownerQuery<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const owner = new pg.Client({ connectionString: inject('databaseUrl') });
  await owner.connect();
  try {
    return (await owner.query(text, params)).rows as T[];
  } finally {
    await owner.end();
  }
}

/** The patients whose audit entries say `actorId` was allowed `action` on them (each once). */
export async function auditedPatients(actorId: string, action: string): Promise<string[]> {
  const rows = await ownerQuery<{ patient_id: string }>(
    `select distinct patient_id from audit_entry where actor_id = $1 and action = $2 and outcome = 'ALLOWED' and patient_id is not null order by patient_id`,
    [actorId, action],
  );
  return rows.map((r) => r.patient_id);
}

/**
 * Waits until `sessions` database sessions (one unless told) are blocked on a lock while running a statement
 * that mentions `queryLike` (a table's name, say): there is no promise to await for that.
 */
export async function waitForLockWait(queryLike: string, sessions = 1): Promise<void> {
  for (let i = 0; i < 200; i++) {
    // As the owner: the app's role may not read other sessions' activity.
    const rows = await ownerQuery<{ n: string }>(`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query like $1`, [`%${queryLike}%`]);
    if (Number(rows[0].n) >= sessions) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`Nothing waited for a lock while running a statement on ${queryLike}`);
}
