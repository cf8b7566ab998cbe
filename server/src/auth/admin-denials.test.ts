import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

describe('administration refused to those who are not administrators', () => {
  const server = useTestServer();

  it('audits each refusal: adding a user, (de)activating one, adding an organisation', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const lead = await signInAs(server().url, world.users.lead);
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ['user.create', 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { name: 'X', email: `x.${world.tag}@test.example`, role: 'GP', organisationId: world.practice.id, password: 'kettle granite owl 1987 drift' } }],
      ['user.deactivate', 'mutation($id: ID!) { setUserActive(userId: $id, active: false) { id } }', { id: world.users.gp.id }],
      ['organisation.create', 'mutation { createOrganisation(name: "Rogue", kind: PCN) { id } }', {}],
    ];
    for (const [, query, variables] of attempts) expect(errorCode(await gql(server().url, query, variables, lead))).toBe('FORBIDDEN');
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.lead.id]);
    expect(denials.map((d) => [d.action, d.detail?.reason])).toEqual(attempts.map(([action]) => [action, 'not permitted']));
    expect(denials[0].detail).not.toHaveProperty('password');
    expect(JSON.stringify(denials)).not.toContain('kettle');
  });
});
