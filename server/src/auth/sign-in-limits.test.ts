import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer, type GraphQLResponse } from '../test-support/harness.js';
import { makeWorld, TEST_PASSWORD } from '../test-support/world.js';

const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token user { id } } }';
type SignedIn = { signIn: { token: string; user: { id: string } } };

/** A sign-in over HTTP, optionally claiming to come through a proxy from `forwardedFor`. */
async function signIn(url: string, email: string, password: string, forwardedFor?: string): Promise<GraphQLResponse<SignedIn>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: SIGN_IN, variables: { e: email, p: password } }),
  });
  return { ...((await res.json()) as Omit<GraphQLResponse<SignedIn>, 'status' | 'headers'>), status: res.status, headers: res.headers };
}

const retryAfter = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.retryAfterSeconds as number | undefined;
const waitSeconds = (s: number) => new Promise((r) => setTimeout(r, s * 1000 + 50));

describe('sign-in limits', () => {
  const server = useTestServer();

  it('charges an attempt before the password is checked: of 14 parallel guesses only the free few are checked', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const started = Date.now();
    const guesses = await Promise.all(Array.from({ length: 14 }, (_, i) => signIn(server().url, world.users.coach.email, `guess number ${i}`)));
    // On a loaded machine the burst may be spread over seconds, and the growing wait (1 s, 2 s…) may let
    // through one more per doubling: as many as fit in the time it took, and no more.
    const seconds = (Date.now() - started) / 1000;
    const laterAllowed = Math.floor(Math.log2(seconds + 1));
    const checked = guesses.filter((r) => errorCode(r) === 'UNAUTHENTICATED');
    const refused = guesses.filter((r) => errorCode(r) === 'RATE_LIMITED');
    expect(checked.length).toBeGreaterThanOrEqual(5);
    expect(checked.length).toBeLessThanOrEqual(5 + laterAllowed);
    expect(refused).toHaveLength(14 - checked.length);
    for (const r of refused) expect(retryAfter(r)).toBeGreaterThan(0);
    // Every guess is in the audit trail, the refused ones with their reason; no password is.
    const audited = await auditRows(server().orm, "action = 'auth.signIn' and actor_id = ?", [world.users.coach.id]);
    expect(audited.map((a) => a.detail?.reason).sort()).toEqual([...Array(refused.length).fill('rate limited'), ...Array(checked.length).fill('wrong password')]);
    expect(audited.every((a) => a.outcome === 'DENIED' && typeof a.detail?.address === 'string')).toBe(true);
    expect(JSON.stringify(audited)).not.toMatch(/guess number/);
  });

  it('lets the owner in after a short, growing delay, not a lock of minutes', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const email = world.users.fcp.email;
    for (let i = 0; i < 5; i++) expect(errorCode(await signIn(server().url, email, `typo ${i}`))).toBe('UNAUTHENTICATED');
    const held = await signIn(server().url, email, TEST_PASSWORD);
    expect(errorCode(held)).toBe('RATE_LIMITED');
    expect(held.errors?.[0].message).toMatch(/Please wait \d+ seconds?/);
    expect(retryAfter(held)).toBe(1);
    await waitSeconds(1);
    expect(errorCode(await signIn(server().url, email, 'one more typo'))).toBe('UNAUTHENTICATED');
    const longer = await signIn(server().url, email, TEST_PASSWORD);
    expect(retryAfter(longer)).toBe(2);
    await waitSeconds(2);
    const signedIn = await signIn(server().url, email, TEST_PASSWORD);
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data?.signIn.user.id).toBe(world.users.fcp.id);
    // Signed in from here, the owner starts afresh on this address.
    for (let i = 0; i < 4; i++) expect(errorCode(await signIn(server().url, email, `later typo ${i}`))).toBe('UNAUTHENTICATED');
  });

  it('does not lock out everyone behind one address: other accounts still sign in after many failures from it', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const victims = [world.users.pharm, world.users.specialist, world.users.outsider, world.users.coach, world.users.fcp];
    for (const v of victims) for (let i = 0; i < 5; i++) expect(errorCode(await signIn(server().url, v.email, `wrong ${i}`))).toBe('UNAUTHENTICATED');
    // 25 failures from this address: colleagues behind it are unaffected.
    for (const colleague of [world.users.gp, world.users.lead]) {
      const res = await signIn(server().url, colleague.email, TEST_PASSWORD);
      expect(res.errors).toBeUndefined();
      expect(res.data?.signIn.user.id).toBe(colleague.id);
    }
  });

  it('audits a refused sign-in for an unknown email with the email hashed, never in clear', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const email = `unknown.${world.tag}@test.example`;
    const digest = createHash('sha256').update(email).digest('hex');
    expect(errorCode(await signIn(server().url, email.toUpperCase(), 'secret attempt'))).toBe('UNAUTHENTICATED');
    const [entry] = await auditRows(server().orm, "action = 'auth.signIn' and detail->>'emailSha256' = ?", [digest]);
    expect(entry).toMatchObject({ actor_id: null, outcome: 'DENIED', detail: { reason: 'unknown email', emailSha256: digest } });
    expect(JSON.stringify(entry)).not.toContain(world.tag);
    expect(JSON.stringify(entry)).not.toContain('secret attempt');
  });

  it('ignores X-Forwarded-For unless a proxy is trusted', async () => {
    const world = await makeWorld(server().orm.em.fork());
    expect(errorCode(await signIn(server().url, world.users.coach.email, 'wrong', '203.0.113.7'))).toBe('UNAUTHENTICATED');
    const [entry] = await auditRows(server().orm, "action = 'auth.signIn' and actor_id = ? and detail->>'reason' = 'wrong password'", [world.users.coach.id]);
    expect(entry.detail?.address).not.toBe('203.0.113.7');
  });
});

describe('sign-in limits behind a trusted proxy', () => {
  const server = useTestServer({ trustProxy: ['loopback'] });

  it('keys limits on the forwarded client address, so one person behind the proxy does not hold back another', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const email = world.users.coach.email;
    for (let i = 0; i < 5; i++) expect(errorCode(await signIn(server().url, email, `wrong ${i}`, '203.0.113.7'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await signIn(server().url, email, TEST_PASSWORD, '203.0.113.7'))).toBe('RATE_LIMITED');
    // The same account from another client address of the proxy: the account's own budget is not spent.
    const res = await signIn(server().url, email, TEST_PASSWORD, '198.51.100.4');
    expect(res.errors).toBeUndefined();
    const audited = await auditRows(server().orm, "action = 'auth.signIn' and actor_id = ? and outcome = 'DENIED'", [world.users.coach.id]);
    expect(new Set(audited.map((a) => a.detail?.address))).toEqual(new Set(['203.0.113.7']));
  });
});
