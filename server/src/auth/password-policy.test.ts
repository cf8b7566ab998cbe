import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const CREATE_USER = 'mutation($i: CreateUserInput!) { createUser(input: $i) { id email } }';
const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }';

describe('passwords people set', () => {
  const server = useTestServer();

  it('refuses whitespace, common and guessable passwords and absurd lengths when a user is created, and stores nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    const refused: Array<[string, RegExp]> = [
      [' '.repeat(16), /only spaces/],
      ['\t \n '.repeat(5), /only spaces/],
      ['password1234', /too common/],
      ['Password123!', /too common/],
      ['P A S S W O R D 2 0 2 4', /too common/],
      ['qwertyuiop123', /too common/],
      ['correct horse battery staple', /too common/],
      ['iloveyou2024!', /too common/],
      ['aaaaaaaaaaaaaaaa', /too common/],
      ['abcabcabcabcabc', /too common/],
      ['liverpoolliverpool', /too common/],
      ['123456789012', /too common/],
      ['x'.repeat(257), /at most 256/],
      ['ab'.repeat(150_000), /at most 256/],
    ];
    for (const [password, message] of refused) {
      const email = `weak.${world.tag}@test.example`;
      const started = Date.now();
      const res = await gql(server().url, CREATE_USER, { i: { name: 'Weak', email, role: 'GP', organisationId: world.practice.id, password } }, admin);
      expect([errorCode(res), res.errors?.[0].extensions?.field], password.slice(0, 40)).toEqual(['BAD_USER_INPUT', 'password']);
      expect(res.errors?.[0].message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await server().orm.em.fork().getConnection().execute('select id from app_user where email = ?', [email])).toEqual([]);
    }
    const accepted = await gql<{ createUser: { email: string } }>(
      server().url,
      CREATE_USER,
      { i: { name: 'Strong', email: `strong.${world.tag}@test.example`, role: 'GP', organisationId: world.practice.id, password: 'kettle granite owl 1987 drift' } },
      admin,
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.createUser.email).toBe(`strong.${world.tag}@test.example`);
  });

  it('refuses an absurdly long password at sign-in before any hashing, as bad input', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const res = await gql(server().url, SIGN_IN, { e: world.users.coach.email, p: 'y'.repeat(300_000) });
    expect([errorCode(res), res.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'password']);
    // Not an attempt at the account either: the owner's free attempts are untouched.
    const rows = await server().orm.em.fork().getConnection().execute("select id from audit_entry where action = 'auth.signIn' and actor_id = ?", [world.users.coach.id]);
    expect(rows).toEqual([]);
  });
});
