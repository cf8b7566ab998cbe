import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer, wsConnect, wsRequest, type TestSocket } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { operationLimits } from './graphql-guard.js';

/** `me { organisation { pcn { pcn … } } }`: a real path as deep as asked. */
function deepQuery(depth: number): string {
  let inner = 'name';
  for (let i = 0; i < depth; i++) inner = `pcn { name ${inner} }`;
  return `{ me { organisation { ${inner} } } }`;
}

const aliasQuery = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
const oversizedQuery = () => `{ me { id } } # ${'x'.repeat(operationLimits.maxQueryLength)}`;
/** Many cheap fields spread through fragments: within depth and alias limits, over the cost limit. */
function costlyQuery(): string {
  const fields = 'id name role email active organisation { id name kind pcn { id name kind pcn { id name kind } } }';
  const spreads = Array.from({ length: 120 }, () => '...U').join(' ');
  return `query { me { ${spreads} } } fragment U on User { ${fields} }`;
}

describe('operation limits, the same on HTTP and WebSocket', () => {
  const server = useTestServer();
  let token: string;
  let socket: TestSocket;

  const both = async (query: string) => {
    const http = await gql(server().url, query, {}, token);
    const ws = await wsRequest(socket.client, query);
    return { http, ws };
  };

  it('lets an ordinary query through on both paths', async () => {
    const world = await makeWorld(server().orm.em.fork());
    token = await signInAs(server().url, world.users.coach);
    socket = wsConnect(server().wsUrl, token);
    await socket.connected;
    const { http, ws } = await both(deepQuery(2));
    expect(http.errors).toBeUndefined();
    expect(ws.errors).toBeUndefined();
    expect(ws.data).toEqual(http.data);
  });

  it('refuses a query nested too deep', async () => {
    const { http, ws } = await both(deepQuery(12));
    expect(http.errors?.[0].message).toMatch(/depth/i);
    expect(ws.errors?.[0].message).toMatch(/depth/i);
    expect(errorCode(http)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorCode(ws)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses too many aliases', async () => {
    expect((await gql(server().url, aliasQuery(operationLimits.maxAliases), {}, token)).errors).toBeUndefined();
    const { http, ws } = await both(aliasQuery(operationLimits.maxAliases + 5));
    expect(http.errors?.[0].message).toMatch(/aliases/i);
    expect(ws.errors?.[0].message).toMatch(/aliases/i);
  });

  it('refuses a query over the cost limit', async () => {
    const { http, ws } = await both(costlyQuery());
    expect(http.errors?.[0].message).toMatch(/cost/i);
    expect(ws.errors?.[0].message).toMatch(/cost/i);
  });

  it('refuses an oversized query', async () => {
    const { http, ws } = await both(oversizedQuery());
    expect(http.errors?.[0].message).toMatch(/too large/);
    expect(ws.errors?.[0].message).toMatch(/too large/);
  });

  it('closes a socket that sends a message over the size cap', async () => {
    const big = wsConnect(server().wsUrl, token);
    await big.connected;
    big.client.subscribe({ query: `{ me { id } } # ${'x'.repeat(operationLimits.maxMessageBytes + 10)}` }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    expect(await big.closed).toBe(1009); // "message too big"
    await socket.client.dispose();
  });

  it('masks internal errors but keeps the codes people can act on', async () => {
    const res = await gql(server().url, '{ patient(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, token);
    expect(errorCode(res)).toBe('NOT_FOUND');
    expect(errorCode(await gql(server().url, '{ patient(id: "nope") { id } }', {}, token))).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toMatch(/stack|at .*\.ts/);
  });

  it('refuses a cross-site form post (CSRF prevention)', async () => {
    const res = await fetch(`${server().url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, { method: 'GET' });
    expect(res.status).toBe(400);
  });
});
