import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCairnDatabase } from '../app/database.js';
import { startServer } from '../app/server.js';
import { gql, startTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { readConfig, type Config } from './config.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { recordingLogger } from '../test-support/recording-logger.js';

const PATIENTS = '{ patients(first: 5) { nodes { id } } }';

/**
 * A database of this file's own, whose `patient` table then loses a column under the server (as the
 * owner, in a migration gone wrong would): every caseload read becomes an internal error carrying SQL.
 */
describe('internal errors', () => {
  const url = useOwnDatabase('errors');
  let token = '';
  let coachId = '';
  let patientId = '';

  beforeAll(async () => {
    const orm = await openCairnDatabase(url);
    try {
      const world = await makeWorld(orm.em.fork());
      patientId = (await world.patient([world.users.coach])).id;
      coachId = world.users.coach.id;
      const server = await startServer(config({}), orm, recordingLogger());
      token = await signInAs(server.url, world.users.coach);
      await server.stop();
    } finally {
      await orm.close();
    }
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    await owner.query('alter table patient rename column given_name to given_name_lost');
    await owner.end();
  });

  function config(overrides: Partial<Config>): Config {
    return { ...readConfig({}), databaseUrl: url, port: 0, host: '127.0.0.1', webDist: undefined, seedDemo: false, logLevel: 'silent', ...overrides };
  }

  /** Starts a server in `mode`, asks for the caseload over HTTP and WebSocket and for the printed plan, and stops it. */
  async function caseloadErrors(mode: Partial<Config>) {
    const orm = await openCairnDatabase(url);
    const logger = recordingLogger();
    const server = await startServer(config(mode), orm, logger);
    try {
      const http = await gql(server.url, PATIENTS, {}, token);
      const socket = wsConnect(server.url.replace(/^http/, 'ws') + '/graphql', token);
      const ws = await wsRequest(socket.client, PATIENTS);
      await socket.client.dispose();
      const printed = await fetch(`${server.url}/patients/${patientId}/care-plan/print`, { headers: { authorization: `Bearer ${token}` } });
      const print = { status: printed.status, text: await printed.text() };
      return { errors: [http.errors?.[0], ws.errors?.[0]], print, logged: logger.lines.filter((l) => l.msg === 'Internal error') };
    } finally {
      await server.stop();
      await orm.close();
    }
  }

  for (const [mode, settings] of [
    ['by default (what `npm start` runs)', {}],
    ['in production', { production: true }],
  ] as const) {
    it(`are answered ${mode} with a generic message and a request id, and logged in full under that id`, async () => {
      const { errors, print, logged } = await caseloadErrors(settings);
      for (const error of errors) {
        expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        const requestId = (error?.extensions as { requestId?: string } | undefined)?.requestId;
        expect(requestId).toEqual(expect.stringMatching(/^[\w-]{8,}$/));
        expect(error?.message).toBe(`Something went wrong on our side. Please try again; if it goes on, quote request ${requestId}.`);
        expect(JSON.stringify(error)).not.toMatch(/select|given_name|"p\d"|from/i);
        const line = logged.find((l) => l.requestId === requestId);
        expect(line?.message).toMatch(/given_name/);
      }
      // The printed plan, a route of its own, answers the same words in plain text.
      expect(print.status).toBe(500);
      const printRequestId = /quote request ([\w-]+)\.$/.exec(print.text)?.[1];
      expect(print.text).toBe(`Something went wrong on our side. Please try again; if it goes on, quote request ${printRequestId}.`);
      expect(logged.find((l) => l.requestId === printRequestId)?.message).toMatch(/given_name/);
    });
  }

  it('show their real message with CAIRN_EXPOSE_ERRORS=true (development only)', async () => {
    const { errors } = await caseloadErrors({ exposeErrors: true });
    for (const error of errors) expect(error?.message).toMatch(/given_name/);
    expect(() => readConfig({ NODE_ENV: 'production', CAIRN_EXPOSE_ERRORS: 'true' })).toThrow(/development only/);
    expect(readConfig({}).exposeErrors).toBe(false);
  });

  it('leave the failing statement\'s values out of the log line', async () => {
    const { logged } = await caseloadErrors({});
    expect(logged.length).toBeGreaterThan(0);
    // The failing statement compares with the signed-in user's id; it travels as a parameter, never in the text.
    for (const line of logged) {
      expect(String(line.message)).toMatch(/given_name/);
      expect(String(line.message)).not.toMatch(/'[^'…]+'/);
      expect(JSON.stringify(line)).not.toContain(coachId);
    }
  });
});

describe('"Did you mean …" suggestions', () => {
  const misspelt = '{ me { nmae } }';

  it('are not given in production, over HTTP or the WebSocket', async () => {
    const server = await startTestServer({ production: true });
    try {
      const world = await makeWorld(server.orm.em.fork());
      const token = await signInAs(server.url, world.users.coach);
      const http = await gql(server.url, misspelt, {}, token);
      const socket = wsConnect(server.wsUrl, token);
      const ws = await wsRequest(socket.client, misspelt);
      await socket.client.dispose();
      for (const res of [http, ws]) {
        expect(res.errors?.[0].message).toBe('Cannot query field "nmae" on type "User".');
        expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      }
    } finally {
      await server.stop();
    }
  });

  it('are still given in development', async () => {
    const server = await startTestServer();
    try {
      expect((await gql(server.url, misspelt)).errors?.[0].message).toMatch(/Did you mean "name"\?/);
    } finally {
      await server.stop();
    }
  });
});
