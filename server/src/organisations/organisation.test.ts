import { auditRows } from '../test-support/audit-rows.js';
import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const CREATE_ORG = 'mutation($n: String!, $k: OrganisationKind!, $p: ID) { createOrganisation(name: $n, kind: $k, pcnId: $p) { name kind pcn { id } } }';
const CREATE_USER = 'mutation($i: CreateUserInput!) { createUser(input: $i) { email role organisation { id } } }';

describe('administration of organisations and users', () => {
  const server = useTestServer();

  it('an admin adds a practice to a PCN and a user to it; clinicians cannot', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    const org = await gql<{ createOrganisation: { name: string; pcn: { id: string } } }>(server().url, CREATE_ORG, { n: ` Brook Lane Surgery ${world.tag} `, k: 'GP_PRACTICE', p: world.pcn.id }, admin);
    expect(org.data?.createOrganisation).toEqual({ name: `Brook Lane Surgery ${world.tag}`, kind: 'GP_PRACTICE', pcn: { id: world.pcn.id } });

    const input = { name: 'New Coach', email: `New.Coach.${world.tag}@Test.Example`, role: 'COACH', organisationId: world.pcn.id, password: 'a long enough password' };
    const user = await gql<{ createUser: { email: string } }>(server().url, CREATE_USER, { i: input }, admin);
    expect(user.data?.createUser.email).toBe(input.email.toLowerCase());
    expect(errorCode(await gql(server().url, CREATE_USER, { i: input }, admin))).toBe('CONFLICT');

    const coach = await signInAs(server().url, world.users.coach);
    expect(errorCode(await gql(server().url, CREATE_ORG, { n: 'X', k: 'PCN' }, coach))).toBe('FORBIDDEN');
    expect(errorCode(await gql(server().url, CREATE_USER, { i: { ...input, email: `x.${world.tag}@test.example` } }, coach))).toBe('FORBIDDEN');
  });

  it('adds one account when the same new user is sent several times at once; the rest are CONFLICT, none an internal error', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    for (let round = 0; round < 2; round++) {
      const email = `twice.${round}.${world.tag}@test.example`;
      const input = { name: 'Sent Twice', email, role: 'COACH', organisationId: world.pcn.id, password: 'a long enough password' };
      const answers = await Promise.all(Array.from({ length: 6 }, () => gql(server().url, CREATE_USER, { i: input }, admin)));
      expect(answers.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of answers.filter((r) => r.errors)) expect([errorCode(r), r.errors?.[0].message]).toEqual(['CONFLICT', `An account with the email ${email} already exists.`]);
      expect(await server().orm.em.fork().getConnection().execute('select id from app_user where email = ?', [email])).toHaveLength(1);
    }
  });

  it('one name per kind in a PCN: the same practice added again, sent several times at once, or renamed onto another, is CONFLICT naming it (three sent at once queue for one turn)', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    const RENAME = 'mutation($o: ID!, $n: String!) { renameOrganisation(organisationId: $o, name: $n) { id name } }';
    const name = `Canal Street Surgery ${world.tag}`;
    const add = () => gql<{ createOrganisation: { name: string } }>(server().url, CREATE_ORG, { n: name, k: 'GP_PRACTICE', p: world.pcn.id }, admin);
    const answers = await sentWhileTurnHeld('organisation-names', [add, add, add]);
    expect(answers.filter((r) => !r.errors)).toHaveLength(1);
    const taken = `A GP practice named "${name}" already exists in ${world.pcn.name}. Use that one, or give this one a name that tells them apart.`;
    const again = await gql(server().url, CREATE_ORG, { n: `  ${name.toUpperCase()} `, k: 'GP_PRACTICE', p: world.pcn.id }, admin);
    for (const r of [...answers.filter((r) => r.errors), again]) expect([errorCode(r), r.errors?.[0].message]).toEqual(['CONFLICT', taken.replace(name.toUpperCase(), name)]);
    expect(await server().orm.em.fork().getConnection().execute('select id from organisation where lower(name) = lower(?)', [name])).toHaveLength(1);
    // The same name is another organisation in another PCN, or of another kind.
    expect((await gql(server().url, CREATE_ORG, { n: name, k: 'GP_PRACTICE', p: world.users.outsider.organisation.pcnId }, admin)).errors).toBeUndefined();
    expect((await gql(server().url, CREATE_ORG, { n: name, k: 'PHYSIO_PROVIDER', p: world.pcn.id }, admin)).errors).toBeUndefined();
    // Renamed onto another practice's name: refused and unchanged; its own name in another case is fine.
    const onto = await gql(server().url, RENAME, { o: world.practice.id, n: name.toLowerCase() }, admin);
    expect([errorCode(onto), onto.errors?.[0].message]).toEqual(['CONFLICT', taken]);
    const [row] = await server().orm.em.fork().getConnection().execute('select name from organisation where id = ?', [world.practice.id]);
    expect(row.name).toBe(world.practice.name);
    expect((await gql(server().url, RENAME, { o: world.practice.id, n: world.practice.name.toUpperCase() }, admin)).errors).toBeUndefined();
  });

  it('refuses inconsistent organisations and weak user details, naming the field', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const admin = await signInAs(server().url, world.users.admin);
    const orgCases: Array<[Record<string, unknown>, string]> = [
      [{ n: '  ', k: 'PCN' }, 'name'],
      [{ n: 'Practice', k: 'GP_PRACTICE' }, 'pcnId'],
      [{ n: 'Nested PCN', k: 'PCN', p: world.pcn.id }, 'pcnId'],
      [{ n: 'Practice', k: 'GP_PRACTICE', p: world.practice.id }, 'pcnId'],
      [{ n: 'Pain service', k: 'SPECIALIST_PAIN_SERVICE', p: world.pcn.id }, 'pcnId'],
    ];
    for (const [vars, field] of orgCases) {
      const res = await gql(server().url, CREATE_ORG, vars, admin);
      expect([errorCode(res), res.errors?.[0].extensions?.field], JSON.stringify(vars)).toEqual(['BAD_USER_INPUT', field]);
    }
    const base = { name: 'Someone', email: `someone.${world.tag}@test.example`, role: 'GP', organisationId: world.practice.id, password: 'a long enough password' };
    const userCases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'not-an-email' }, 'email'],
      [{ password: 'short' }, 'password'],
      [{ organisationId: '7b0c7f5e-0000-4000-8000-000000000000' }, 'organisationId'],
    ];
    for (const [change, field] of userCases) {
      const res = await gql(server().url, CREATE_USER, { i: { ...base, ...change } }, admin);
      expect([errorCode(res), res.errors?.[0].extensions?.field], field).toEqual(['BAD_USER_INPUT', field]);
    }
  });

  it('an admin renames an organisation (audited); blank names, unknown ids and non-admins are refused', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const RENAME = 'mutation($o: ID!, $n: String!) { renameOrganisation(organisationId: $o, name: $n) { id name kind } }';
    const admin = await signInAs(server().url, world.users.admin);
    const res = await gql<{ renameOrganisation: { name: string; kind: string } }>(server().url, RENAME, { o: world.practice.id, n: ` Riverside Practice ${world.tag} ` }, admin);
    expect(res.data?.renameOrganisation).toEqual({ id: world.practice.id, name: `Riverside Practice ${world.tag}`, kind: 'GP_PRACTICE' });
    const blank = await gql(server().url, RENAME, { o: world.practice.id, n: '  ' }, admin);
    expect([errorCode(blank), blank.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'name']);
    expect(errorCode(await gql(server().url, RENAME, { o: '7b0c7f5e-0000-4000-8000-000000000000', n: 'X' }, admin))).toBe('NOT_FOUND');
    expect(errorCode(await gql(server().url, RENAME, { o: world.practice.id, n: 'Taken over' }, await signInAs(server().url, world.users.lead)))).toBe('FORBIDDEN');
    const [row] = await server().orm.em.fork().getConnection().execute('select name from organisation where id = ?', [world.practice.id]);
    expect(row.name).toBe(`Riverside Practice ${world.tag}`);
    const audit = await auditRows(server().orm, "action = 'organisation.rename' and detail->>'organisationId' = ?", [world.practice.id]);
    expect(audit.map((a) => [a.outcome, a.detail?.to ?? a.detail?.reason])).toEqual([['ALLOWED', `Riverside Practice ${world.tag}`], ['DENIED', 'not permitted']]);
  });
});
