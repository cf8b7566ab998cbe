import { describe, expect, it } from 'vitest';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';

const TRAIL = 'query($u: ID!) { auditTrail(userId: $u, first: 200) { action patientId detail } }';
const READ = 'query($id: ID!) { patient(id: $id) { id } }';
type Trail = { auditTrail: Array<{ action: string; patientId: string | null; detail: Record<string, unknown> | null }> };

describe("a user's audit trail, read by a service lead", () => {
  const server = useTestServer();

  it('shows only entries about patients the lead may open (and those about no patient)', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const home = await world.patient([world.users.gp]);
    // The GP also cares for a patient registered in another PCN, which the lead cannot open.
    const farPractice = new Organisation(`Far practice ${world.tag}`, OrganisationKind.GP_PRACTICE, world.users.outsider.organisation);
    const far = new Patient({ nhsNumber: uniqueNhsNumber(), givenName: 'Far', familyName: world.tag, dateOfBirth: '1960-01-01', practice: farPractice, conditions: [], status: PatientStatus.ACTIVE });
    em.persist([farPractice, far, new CareTeamMember(far, world.users.gp, 'GP', true)]);
    await em.flush();
    const gp = await signInAs(server().url, world.users.gp);
    for (const id of [home.id, far.id]) expect((await gql(server().url, READ, { id }, gp)).errors).toBeUndefined();

    const trail = await gql<Trail>(server().url, TRAIL, { u: world.users.gp.id }, await signInAs(server().url, world.users.lead));
    expect(trail.errors).toBeUndefined();
    const entries = trail.data!.auditTrail;
    expect(entries.filter((e) => e.patientId === home.id).map((e) => e.action)).toEqual(['patient.read']);
    expect(entries.some((e) => e.action === 'auth.signIn' && e.patientId === null)).toBe(true);
    expect(entries.filter((e) => e.patientId === far.id)).toEqual([]);
    expect(JSON.stringify(entries)).not.toContain(far.id);
  });

  it("refuses, and audits, reading the trail of a user outside the lead's PCN", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const res = await gql(server().url, TRAIL, { u: world.users.outsider.id }, await signInAs(server().url, world.users.lead));
    expect(errorCode(res)).toBe('NOT_FOUND');
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.lead.id]);
    expect(denials).toMatchObject([{ action: 'audit.read', detail: { userId: world.users.outsider.id, reason: 'user outside your PCN' } }]);
  });

  it('writes a request id the server chose, whatever the client sends as x-request-id', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const res = await fetch(`${server().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'forged-by-the-client' },
      body: JSON.stringify({ query: READ, variables: { id: patient.id } }),
    });
    expect(res.status).toBe(200);
    const [entry] = await auditRows(server().orm, "actor_id = ? and action = 'patient.read'", [world.users.coach.id]);
    expect(entry.request_id).not.toBe('forged-by-the-client');
    expect(entry.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
