import pg from 'pg';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServer, waitForLockWait, wsConnect } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const MAX_SOCKETS = 3;

/**
 * A client that goes away while its session is read (a tab closed or reloaded during a reconnect crowd)
 * leaves nothing behind: its socket's close came before the session did. A database of this file's own,
 * since the test holds the session table still.
 */
describe('a socket that closes while its session is read', () => {
  const databaseUrl = useOwnDatabase('socket_left_early');
  const server = useTestServer({ databaseUrl, maxSocketsPerSession: MAX_SOCKETS });

  it('is not kept: it counts toward nothing, and the session connects again as usual', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(server().url, world.users.coach);
    const before = server().running.services.sockets.openCount;
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table session in access exclusive mode'); // every session read waits
      const leaving = Array.from({ length: MAX_SOCKETS + 1 }, () => openAndInit(server().wsUrl, token));
      await Promise.all(leaving.map((s) => s.initSent));
      await waitForLockWait('token_hash');
      await Promise.all(leaving.map((s) => s.gone()));
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    // Once the reads are answered, a socket of the same session still connects (not "too many").
    const again = wsConnect(server().wsUrl, token);
    try {
      await again.connected;
      expect(server().running.services.sockets.openCount - before).toBe(1);
    } finally {
      await again.client.dispose();
    }
  });
});

/** A socket that sends `connection_init` and, when told, goes away without waiting for the answer. */
function openAndInit(wsUrl: string, token: string): { initSent: Promise<void>; gone: () => Promise<void> } {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const initSent = new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }), (e) => (e ? reject(e) : resolve())));
    socket.once('error', reject);
  });
  const gone = () =>
    new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  return { initSent, gone };
}
