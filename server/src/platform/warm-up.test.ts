import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCairnDatabase } from '../app/database.js';
import { startServer } from '../app/server.js';
import { gql } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { recordingLogger } from '../test-support/recording-logger.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { readConfig, type Config } from './config.js';
import { warmUp } from './warm-up.js';

/** Whether anything accepts a connection on `port` of the loopback address. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A database of this file's own, so that counting its rows counts only what this server did. */
describe('the warm-up at start', () => {
  const url = useOwnDatabase('warm_up');
  let world: World;
  let orm: Awaited<ReturnType<typeof openCairnDatabase>>;
  let patientId = '';

  beforeAll(async () => {
    orm = await openCairnDatabase(url);
    world = await makeWorld(orm.em.fork());
    patientId = (await world.patient([world.users.coach])).id;
  });
  afterAll(() => orm?.close());

  const config = (overrides: Partial<Config>): Config => ({ ...readConfig({}), databaseUrl: url, port: 0, host: '127.0.0.1', webDist: undefined, seedDemo: false, logLevel: 'silent', ...overrides });

  /** Rows of the tables a read or a write of Cairn adds to: its audit trail, events and sessions. */
  async function trailRows(): Promise<number> {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>('select (select count(*) from audit_entry) + (select count(*) from event) + (select count(*) from session) as n');
      return Number(rows[0].n);
    } finally {
      await db.end();
    }
  }

  it('runs the request paths as a signed-out client on a private port, reads and writes nothing, and closes that port before listening', async () => {
    const before = await trailRows();
    const logger = recordingLogger();
    const server = await startServer(config({ warmUpRequests: 24 }), orm, logger);
    try {
      const warmed = logger.lines.find((l) => l.msg === 'Warmed up before listening');
      // Counted only when answered as a signed-out client is: UNAUTHENTICATED, and sockets closed 4401.
      expect(warmed).toMatchObject({ requests: 24, sockets: 6 });
      expect(await trailRows()).toBe(before);
      expect(await listening(Number(warmed?.port))).toBe(false);
      // The server itself then serves as usual.
      const token = await signInAs(server.url, world.users.coach);
      const res = await gql<{ patient: { id: string } }>(server.url, `query { patient(id: "${patientId}") { id } }`, {}, token);
      expect(res.data?.patient.id).toBe(patientId);
    } finally {
      await server.stop();
    }
  });

  it('is left out when set to 0, as outside production', async () => {
    expect(readConfig({}).warmUpRequests).toBe(0);
    expect(readConfig({ NODE_ENV: 'production' }).warmUpRequests).toBe(200);
    const logger = recordingLogger();
    const server = await startServer(config({ warmUpRequests: 0 }), orm, logger);
    await server.stop();
    expect(logger.lines.some((l) => l.msg === 'Warmed up before listening')).toBe(false);
  });

  it('that fails is logged, and the start goes on', async () => {
    const logger = recordingLogger();
    const result = await warmUp((req) => req.socket.destroy(), () => undefined, 3, logger);
    expect(result).toBeNull();
    expect(logger.lines).toEqual([expect.objectContaining({ msg: 'The warm-up at start failed; starting without it' })]);
  });
});
