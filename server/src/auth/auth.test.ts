import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorCode, gql, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs, TEST_PASSWORD, type World } from '../test-support/world.js';
import { runSql, sql } from '../platform/sql.js';
import { defaultCost, hashPassword } from './password.js';
import { SocketClose } from './socket-registry.js';

const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token expiresAt user { id name role } } }';
const ME = '{ me { id name } }';

describe('signing in and out', () => {
  const server = useTestServer();
  let world: World;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));

  it('signs in with email (any case) and password, and the token identifies the user', async () => {
    await fresh();
    const res = await gql<{ signIn: { token: string; user: { id: string } } }>(server().url, SIGN_IN, {
      e: world.users.coach.email.toUpperCase(),
      p: TEST_PASSWORD,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.signIn.user.id).toBe(world.users.coach.id);
    expect(res.headers.get('set-cookie')).toMatch(/cairn_session=.*HttpOnly.*SameSite=Lax/i);
    const me = await gql<{ me: { id: string } }>(server().url, ME, {}, res.data!.signIn.token);
    expect(me.data?.me.id).toBe(world.users.coach.id);
  });

  it('gives the same error for a wrong password and an unknown email', async () => {
    await fresh();
    const wrong = await gql(server().url, SIGN_IN, { e: world.users.fcp.email, p: 'not the password' });
    const unknown = await gql(server().url, SIGN_IN, { e: `nobody.${world.tag}@test.example`, p: 'whatever' });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0].message).toBe(unknown.errors?.[0].message);
  });

  it('refuses empty fields with BAD_USER_INPUT naming the field', async () => {
    const res = await gql(server().url, SIGN_IN, { e: '  ', p: 'x' });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('email');
  });

  it('refuses an email address longer than any can be with BAD_USER_INPUT, at sign-in and when an account is made', async () => {
    await fresh();
    const long = `${'a'.repeat(300_000)}@example.test`;
    const res = await gql(server().url, SIGN_IN, { e: long, p: 'anything at all' });
    expect([errorCode(res), res.errors?.[0].extensions?.field, res.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'email', 'Email addresses are at most 254 characters.']);
    const create = await gql(
      server().url,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { name: 'Long Address', email: `${'b'.repeat(250)}@example.test`, role: 'COACH', organisationId: world.pcn.id, password: 'lantern meadow quietly 4417' } },
      await signInAs(server().url, world.users.admin),
    );
    expect([errorCode(create), create.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'email']);
  });

  it('opens no session that outlives a password reset made while the password was being checked', async () => {
    await fresh();
    const { fcp, admin } = world.users;
    // A costlier hash than usual, so that checking it takes a second or more: the reset lands meanwhile.
    await runSql(server().orm.em.fork(), sql`update app_user set password_hash = ${await hashPassword(TEST_PASSWORD, { ...defaultCost, timeCost: 25 })} where id = ${fcp.id}`);
    const adminToken = await signInAs(server().url, admin);
    const signingIn = gql<{ signIn: { token: string } }>(server().url, SIGN_IN, { e: fcp.email, p: TEST_PASSWORD });
    const reset = await gql(server().url, 'mutation($u: ID!) { resetUserPassword(userId: $u) { path } }', { u: fcp.id }, adminToken);
    expect(reset.errors).toBeUndefined();
    const signedIn = await signingIn;
    // Refused, or (had it stored its session before the reset) a session the reset ended.
    const token = signedIn.data?.signIn.token;
    if (token) expect((await gql<{ me: { id: string } | null }>(server().url, ME, {}, token)).data?.me ?? null).toBeNull();
    else expect(errorCode(signedIn)).toBe('UNAUTHENTICATED');
  });

  it('keeps an administrator: one cannot deactivate their own account (its id in any letter case), and of two deactivating each other at once one is refused', async () => {
    await fresh();
    const DEACTIVATE = 'mutation($id: ID!) { setUserActive(userId: $id, active: false) { active } }';
    const first = world.users.admin;
    const second = (await makeWorld(server().orm.em.fork())).users.admin;
    const [firstToken, secondToken] = [await signInAs(server().url, first), await signInAs(server().url, second)];
    const own = await gql(server().url, DEACTIVATE, { id: first.id.toUpperCase() }, firstToken);
    expect([errorCode(own), own.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'You cannot deactivate your own account.']);

    const answers = await sentWhileTurnHeld('user-activity', [
      () => gql(server().url, DEACTIVATE, { id: second.id }, firstToken),
      () => gql(server().url, DEACTIVATE, { id: first.id }, secondToken),
    ]);
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
    expect(errorCode(answers.find((a) => a.errors)!)).toBe('UNAUTHENTICATED');
    const active = await runSql<{ active: boolean }>(server().orm.em.fork(), sql`select active from app_user where id in (${first.id}, ${second.id})`);
    expect(active.filter((r) => r.active)).toHaveLength(1);
  });

  it('holds back repeated failures for one account, even with the right password, for a moment', async () => {
    await fresh();
    for (let i = 0; i < 5; i++) {
      expect(errorCode(await gql(server().url, SIGN_IN, { e: world.users.pharm.email, p: `wrong ${i}` }))).toBe('UNAUTHENTICATED');
    }
    const limited = await gql(server().url, SIGN_IN, { e: world.users.pharm.email, p: TEST_PASSWORD });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0].message).toMatch(/^Too many sign-in attempts\. Please wait \d+ seconds? and try again\.$/);
    // Another account from the same address is not held back by one person's typos.
    expect(errorCode(await gql(server().url, SIGN_IN, { e: world.users.gp.email, p: TEST_PASSWORD }))).toBeUndefined();
  });

  it('signs out: the token stops working and its socket closes with 4403', async () => {
    await fresh();
    const token = await signInAs(server().url, world.users.coach);
    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    expect((await wsRequest<{ me: { id: string } }>(socket.client, ME)).data?.me.id).toBe(world.users.coach.id);
    expect((await gql(server().url, 'mutation { signOut }', {}, token)).data).toEqual({ signOut: true });
    expect(await socket.closed).toBe(SocketClose.Forbidden);
    expect((await gql<{ me: unknown }>(server().url, ME, {}, token)).data?.me).toBeNull();
  });

  it('signs out everywhere: every session of the user ends and all their sockets close with 4403', async () => {
    await fresh();
    const [a, b] = [await signInAs(server().url, world.users.gp), await signInAs(server().url, world.users.gp)];
    const other = await signInAs(server().url, world.users.fcp);
    const sockets = [wsConnect(server().wsUrl, a), wsConnect(server().wsUrl, b)];
    const bystander = wsConnect(server().wsUrl, other);
    await Promise.all([...sockets, bystander].map((s) => s.connected));
    const res = await gql<{ signOutEverywhere: number }>(server().url, 'mutation { signOutEverywhere }', {}, a);
    expect(res.data?.signOutEverywhere).toBe(2);
    expect(await Promise.all(sockets.map((s) => s.closed))).toEqual([SocketClose.Forbidden, SocketClose.Forbidden]);
    expect((await gql<{ me: unknown }>(server().url, ME, {}, b)).data?.me).toBeNull();
    // Someone else's socket stays open and working.
    expect((await wsRequest<{ me: { id: string } }>(bystander.client, ME)).data?.me.id).toBe(world.users.fcp.id);
    await bystander.client.dispose();
  });

  it('closes an unauthenticated socket with 4401, and one with a bad token too', async () => {
    expect(await wsConnect(server().wsUrl).closed).toBe(SocketClose.Unauthorized);
    expect(await wsConnect(server().wsUrl, 'not-a-token').closed).toBe(SocketClose.Unauthorized);
  });

  it('takes a session cookie that does not decode for no session: signed out over HTTP, on a socket and on a printed page, not an internal error', async () => {
    const cookie = { cookie: 'cairn_session=%zz' };
    const http = await fetch(`${server().url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...cookie }, body: JSON.stringify({ query: ME }) });
    expect(http.status).toBe(200);
    expect(await http.json()).toEqual({ data: { me: null } });
    const socket = new WebSocket(server().wsUrl, 'graphql-transport-ws', { headers: cookie });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    expect(await closed).toBe(SocketClose.Unauthorized);
    const patient = await (await fresh()).patient([world.users.coach]);
    const print = await fetch(`${server().url}/patients/${patient.id}/care-plan/print`, { headers: cookie, redirect: 'manual' });
    expect(print.status).toBe(401);
  });

  it('closes the sockets of a deactivated user within seconds', async () => {
    await fresh();
    const token = await signInAs(server().url, world.users.fcp);
    const adminToken = await signInAs(server().url, world.users.admin);
    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    const res = await gql(server().url, 'mutation($id: ID!) { setUserActive(userId: $id, active: false) { active } }', { id: world.users.fcp.id }, adminToken);
    expect(res.data).toEqual({ setUserActive: { active: false } });
    expect(await socket.closed).toBe(SocketClose.Forbidden);
    expect(errorCode(await gql(server().url, SIGN_IN, { e: world.users.fcp.email, p: TEST_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('closes a socket whose session was revoked elsewhere (another instance) on the next sweep', async () => {
    await fresh();
    const token = await signInAs(server().url, world.users.pharm);
    const socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    const started = Date.now();
    await server().orm.em.fork().getConnection().execute('update session set revoked_at = now() where user_id = ?', [world.users.pharm.id]);
    expect(await socket.closed).toBe(SocketClose.Forbidden);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
