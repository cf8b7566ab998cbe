import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, ownerQuery, useTestServer, wsConnect } from '../test-support/harness.js';
import { makeWorld, signInAs, TEST_PASSWORD } from '../test-support/world.js';
import { SocketClose } from './socket-registry.js';

const RESET = 'mutation($u: ID!) { resetUserPassword(userId: $u) { path expiresAt user { id name } } }';
const STATE = 'query($t: String!) { passwordLink(token: $t) }';
const SET = 'mutation($t: String!, $p: String!) { setPasswordWithLink(token: $t, password: $p) }';
const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }';
const ME = 'query { me { id } }';
const NEW_PASSWORD = 'lantern meadow quietly 4417';

type Reset = { resetUserPassword: { path: string; expiresAt: string; user: { id: string; name: string } } };
const tokenOf = (path: string) => path.replace(/^\/set-password\//, '');

describe('password resets with a one-time link', () => {
  const server = useTestServer();
  const url = () => server().url;
  const state = async (token: string) => (await gql<{ passwordLink: string }>(url(), STATE, { t: token })).data?.passwordLink;
  const signIn = (email: string, password: string) => gql<{ signIn: { token: string } }>(url(), SIGN_IN, { e: email, p: password });

  it('ends the old password and every session at once; the link sets a new password once, then is dead', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { gp, admin } = world.users;
    const gpToken = await signInAs(url(), gp);
    const socket = wsConnect(server().wsUrl, gpToken);
    await socket.connected;

    const res = await gql<Reset>(url(), RESET, { u: gp.id }, await signInAs(url(), admin));
    expect(res.errors).toBeUndefined();
    const { path, expiresAt, user } = res.data!.resetUserPassword;
    expect(user).toEqual({ id: gp.id, name: gp.name });
    expect(path).toMatch(/^\/set-password\/[A-Za-z0-9_-]{43}$/);
    expect(Math.round((Date.parse(expiresAt) - Date.now()) / 3600_000)).toBe(24);
    const token = tokenOf(path);

    // Signed out everywhere, live socket included, and the old password no longer opens the account.
    expect((await gql<{ me: unknown }>(url(), ME, {}, gpToken)).data?.me).toBeNull();
    expect(await socket.closed).toBe(SocketClose.Forbidden);
    expect(errorCode(await signIn(gp.email, TEST_PASSWORD))).toBe('UNAUTHENTICATED');
    // Only the token's hash is stored.
    const [row] = await ownerQuery<{ token_hash: Buffer }>('select token_hash from password_reset where user_id = $1', [gp.id]);
    expect(row.token_hash.toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
    expect(await state(token)).toBe('OPEN');

    // The password policy applies; a refused password leaves the link open.
    const weak = await gql(url(), SET, { t: token, p: 'password1234' });
    expect([errorCode(weak), weak.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'password']);
    expect(await state(token)).toBe('OPEN');

    expect((await gql(url(), SET, { t: token, p: NEW_PASSWORD })).data).toEqual({ setPasswordWithLink: true });
    expect((await signIn(gp.email, NEW_PASSWORD)).data?.signIn.token).toBeTruthy();
    expect(await state(token)).toBe('USED');
    const again = await gql(url(), SET, { t: token, p: 'another fine long password 77' });
    expect([errorCode(again), again.errors?.[0].message]).toEqual(['CONFLICT', 'This link has already been used. Sign in with your new password, or ask your administrator for a new link.']);
    expect(errorCode(await signIn(gp.email, 'another fine long password 77'))).toBe('UNAUTHENTICATED');

    const trail = await auditRows(server().orm, "(action like 'user.%Password%') and (actor_id in (?, ?) or detail->>'userId' = ?)", [admin.id, gp.id, gp.id]);
    expect(trail.map((r) => [r.action, r.actor_id, r.outcome])).toEqual([
      ['user.resetPassword', admin.id, 'ALLOWED'],
      ['user.setPasswordWithLink', gp.id, 'ALLOWED'],
      ['user.setPasswordWithLink', null, 'DENIED'],
    ]);
    expect(trail[0].detail).toMatchObject({ userId: gp.id, sessionsEnded: 1 });
    expect(trail[2].detail).toMatchObject({ userId: gp.id, reason: 'used' });
    expect(JSON.stringify(trail)).not.toContain(token);
  });

  it('refuses an expired link, plainly, and audits the attempt', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const made = await gql<Reset>(url(), RESET, { u: world.users.coach.id }, await signInAs(url(), world.users.admin));
    const token = tokenOf(made.data!.resetUserPassword.path);
    await ownerQuery("update password_reset set expires_at = now() - interval '1 minute' where user_id = $1", [world.users.coach.id]);
    expect(await state(token)).toBe('EXPIRED');
    const res = await gql(url(), SET, { t: token, p: NEW_PASSWORD });
    expect([errorCode(res), res.errors?.[0].message]).toEqual(['CONFLICT', 'This link has expired. Please ask your administrator for a new one.']);
    expect(errorCode(await signIn(world.users.coach.email, NEW_PASSWORD))).toBe('UNAUTHENTICATED');
    const [denied] = await auditRows(server().orm, "action = 'user.setPasswordWithLink' and detail->>'userId' = ?", [world.users.coach.id]);
    expect(denied).toMatchObject({ outcome: 'DENIED', detail: { reason: 'expired' } });
  });

  it('a newer link replaces the older; a made-up or deactivated user’s link does not work', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(url(), world.users.admin);
    const first = tokenOf((await gql<Reset>(url(), RESET, { u: world.users.fcp.id }, admin)).data!.resetUserPassword.path);
    const second = tokenOf((await gql<Reset>(url(), RESET, { u: world.users.fcp.id }, admin)).data!.resetUserPassword.path);
    expect([await state(first), await state(second)]).toEqual(['INVALID', 'OPEN']);
    expect(errorCode(await gql(url(), SET, { t: first, p: NEW_PASSWORD }))).toBe('NOT_FOUND');

    for (const made of ['x'.repeat(43), 'x'.repeat(5000), '']) {
      expect(await state(made)).toBe('INVALID');
      expect(errorCode(await gql(url(), SET, { t: made, p: NEW_PASSWORD }))).toBe('NOT_FOUND');
    }

    expect((await gql(url(), 'mutation($u: ID!) { setUserActive(userId: $u, active: false) { id } }', { u: world.users.fcp.id }, admin)).errors).toBeUndefined();
    expect(await state(second)).toBe('INVALID');
    expect(errorCode(await gql(url(), SET, { t: second, p: NEW_PASSWORD }))).toBe('NOT_FOUND');
    const refused = await gql(url(), RESET, { u: world.users.fcp.id }, admin);
    expect([errorCode(refused), refused.errors?.[0].message]).toEqual(['CONFLICT', `${world.users.fcp.name}'s account is deactivated. Reactivate it before resetting the password.`]);
  });

  it('is for administrators only, never on their own account; each refusal audited, nothing changed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { admin, lead, coach, gp } = world.users;
    for (const who of [coach, lead]) {
      const res = await gql(url(), RESET, { u: gp.id }, await signInAs(url(), who));
      expect([errorCode(res), res.errors?.[0].message]).toEqual(['FORBIDDEN', 'Only administrators can reset passwords.']);
    }
    const adminToken = await signInAs(url(), admin);
    const own = await gql(url(), RESET, { u: admin.id }, adminToken);
    expect([errorCode(own), own.errors?.[0].message]).toEqual(['FORBIDDEN', 'You cannot reset your own password with a link: ask another administrator.']);
    // Their own id in capitals names the same account.
    const ownInCapitals = await gql(url(), RESET, { u: admin.id.toUpperCase() }, adminToken);
    expect([errorCode(ownInCapitals), ownInCapitals.errors?.[0].message]).toEqual(['FORBIDDEN', 'You cannot reset your own password with a link: ask another administrator.']);
    expect(errorCode(await gql(url(), RESET, { u: gp.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(url(), RESET, { u: '7b0c7f5e-0000-4000-8000-000000000000' }, adminToken))).toBe('NOT_FOUND');

    const rows = await ownerQuery('select id from password_reset where user_id = any($1)', [[gp.id, admin.id]]);
    expect(rows).toEqual([]);
    expect((await gql<{ me: { id: string } }>(url(), ME, {}, adminToken)).data?.me?.id).toBe(admin.id);
    expect((await signIn(gp.email, TEST_PASSWORD)).data?.signIn.token).toBeTruthy();
    const denials = await auditRows(server().orm, "action = 'user.resetPassword' and outcome = 'DENIED' and actor_id in (?, ?, ?)", [coach.id, lead.id, admin.id]);
    expect(denials.map((d) => [d.actor_id, d.detail?.userId, d.detail?.reason])).toEqual([
      [coach.id, gp.id, 'not permitted'],
      [lead.id, gp.id, 'not permitted'],
      [admin.id, admin.id, 'not permitted'],
      [admin.id, admin.id, 'not permitted'],
    ]);
  });
});
