import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SocketClose } from '../auth/socket-registry.js';
import { errorCode, gql, startTestServer, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs, TEST_PASSWORD } from '../test-support/world.js';

describe('the WebSocket transport', () => {
  const server = useTestServer();

  it("authenticates a browser's socket with the session cookie, as the web app does", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(server().url, world.users.coach);
    const origin = server().url;
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: `cairn_session=${token}`, origin } });
      }
    }
    const client = createClient({ url: server().wsUrl, webSocketImpl: CookieSocket, retryAttempts: 0 });
    const res = await wsRequest<{ me: { id: string } }>(client, '{ me { id } }');
    expect(res.data?.me.id).toBe(world.users.coach.id);
    await client.dispose();
  });

  it('refuses an upgrade from another site (Origin check), before any GraphQL', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(server().url, world.users.coach);
    const socket = new WebSocket(server().wsUrl, 'graphql-transport-ws', { headers: { origin: 'https://evil.example', cookie: `cairn_session=${token}` } });
    const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('closes sockets whose session expires', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(server().url, world.users.gp);
    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    await server().orm.em.fork().getConnection().execute("update session set expires_at = now() - interval '1 second' where user_id = ?", [world.users.gp.id]);
    expect(await socket.closed).toBe(SocketClose.Forbidden);
  });

  it('does not lock out everyone behind one address when its people mistype (limits are per account)', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const signIn = (email: string, password: string) =>
      gql(server().url, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', { e: email, p: password });
    // Twenty wrong passwords spread over eight accounts from one address (a practice behind one NHS
    // gateway): each account stays under its own limit, so a colleague behind the same address signs in.
    const accounts = Object.values(world.users);
    for (let i = 0; i < 20; i++) expect(errorCode(await signIn(accounts[i % accounts.length].email, `guess ${i}`))).toBe('UNAUTHENTICATED');
    const colleague = await signIn(world.users.fcp.email, TEST_PASSWORD);
    expect(colleague.errors).toBeUndefined();
  });
});

describe('in production', () => {
  it('turns introspection off on both paths and masks internal errors', async () => {
    const server = await startTestServer({ production: true });
    try {
      const world = await makeWorld(server.orm.em.fork());
      const token = await signInAs(server.url, world.users.coach);
      const introspection = '{ __schema { types { name } } }';
      expect((await gql(server.url, introspection, {}, token)).errors?.[0].message).toMatch(/introspection/i);
      const socket = wsConnect(server.wsUrl, token);
      await socket.connected;
      expect((await wsRequest(socket.client, introspection)).errors?.[0].message).toMatch(/introspection/i);
      await socket.client.dispose();
    } finally {
      await server.stop();
    }
  });
});
