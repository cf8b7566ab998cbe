import { print } from 'graphql';
import { MeDocument, SignInDocument, type MeQuery, type SignInMutation } from '@cairn/schema/operations';
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, TEST_PASSWORD } from '../server/src/test-support/world.js';

describe('the API through the typed client operations the web app uses', () => {
  const server = useTestServer();

  it('signs in and reads `me` with the generated documents', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const signIn = await gql<SignInMutation>(server().url, print(SignInDocument), { email: world.users.gp.email, password: TEST_PASSWORD });
    expect(signIn.data?.signIn.user.role).toBe('GP');
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    // The web app's way: the HttpOnly cookie, no bearer token.
    const res = await fetch(`${server().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: print(MeDocument) }),
    });
    const body = (await res.json()) as { data: MeQuery };
    expect(body.data.me?.email).toBe(world.users.gp.email);
  });
});
