import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const USERS = `query($f: UserFilterInput, $first: Int, $after: String) {
  users(filter: $f, first: $first, after: $after) { totalCount nodes { name role active organisation { id } } pageInfo { endCursor hasNextPage } }
}`;
type Users = { users: { totalCount: number; nodes: Array<{ name: string; role: string; active: boolean }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };

describe("the administrators' list of users", () => {
  const server = useTestServer();

  it('filters by search, role, organisation and active exactly, and pages by name without gaps or repeats', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    const list = async (f: Record<string, unknown>, first = 25, after: string | null = null) => {
      const res = await gql<Users>(server().url, USERS, { f: { search: world.tag, ...f }, first, after }, admin);
      expect(res.errors).toBeUndefined();
      return res.data!.users;
    };
    const names = async (f: Record<string, unknown>) => (await list(f)).nodes.map((u) => u.name);

    const all = await list({});
    expect(all.totalCount).toBe(8);
    expect(all.nodes.map((u) => u.name)).toEqual(['Admin', 'Coach', 'GP', 'Lead', 'Outsider', 'Physio', 'Practitioner', 'Specialist']);
    expect(await names({ role: 'COACH' })).toEqual(['Coach', 'Outsider']);
    expect(await names({ organisationId: world.practice.id })).toEqual(['GP', 'Practitioner']);
    expect(await names({ search: `physio.${world.tag}` })).toEqual(['Physio']);
    expect(await names({ search: 'no-such-person-' + world.tag })).toEqual([]);

    await gql(server().url, 'mutation($u: ID!) { setUserActive(userId: $u, active: false) { id } }', { u: world.users.gp.id }, admin);
    expect(await names({ active: false })).toEqual(['GP']);
    expect(await names({ active: true, organisationId: world.practice.id })).toEqual(['Practitioner']);
    expect((await list({ active: true })).totalCount).toBe(7);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page = await list({}, 3, after);
      expect(page.totalCount).toBe(8);
      seen.push(...page.nodes.map((u) => u.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.nodes.map((u) => u.name));
  });

  it('refuses a bad page request, and everyone but administrators (audited)', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    for (const [vars, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ after: Buffer.from(JSON.stringify(['a', 'not-a-uuid'])).toString('base64url') }, 'after'],
    ] as const) {
      const res = await gql(server().url, USERS, vars, admin);
      expect([errorCode(res), res.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', field]);
    }
    for (const who of [world.users.lead, world.users.coach]) {
      const res = await gql(server().url, USERS, {}, await signInAs(server().url, who));
      expect(errorCode(res)).toBe('FORBIDDEN');
      expect(res.data?.users ?? null).toBeNull();
    }
    const denials = await auditRows(server().orm, "action = 'user.list' and outcome = 'DENIED' and actor_id in (?, ?)", [world.users.lead.id, world.users.coach.id]);
    expect(denials).toHaveLength(2);
    const reads = await auditRows(server().orm, "action = 'user.list' and outcome = 'ALLOWED' and actor_id = ?", [world.users.admin.id]);
    expect(reads).toEqual([]);
  });
});
