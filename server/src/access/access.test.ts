import { describe, expect, it } from 'vitest';
import { errorCode, gql, ownerQuery, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const PATIENT = 'query($id: ID!) { patient(id: $id) { id name careTeam { isLead user { id } } } }';

interface AuditRow {
  actor_id: string | null;
  action: string;
  patient_id: string | null;
  outcome: string;
  request_id: string | null;
}

describe('who may see a patient', () => {
  const server = useTestServer();
  const auditFor = (patientId: string) =>
    server().orm.em.fork().getConnection().execute<AuditRow[]>('select actor_id, action, patient_id, outcome, request_id from audit_entry where patient_id = ? order by id', [patientId]);

  it('care-team members, the PCN service lead and a linked specialist service can; others get NOT_FOUND, like a missing id', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const canSee = [world.users.coach, world.users.gp, world.users.lead];
    for (const user of canSee) {
      const res = await gql<{ patient: { id: string } }>(server().url, PATIENT, { id: patient.id }, await signInAs(server().url, user));
      expect(res.data?.patient.id, user.name).toBe(patient.id);
    }
    const cannot = [world.users.fcp, world.users.specialist, world.users.admin, world.users.outsider];
    for (const user of cannot) {
      const token = await signInAs(server().url, user);
      const denied = await gql(server().url, PATIENT, { id: patient.id }, token);
      const missing = await gql(server().url, PATIENT, { id: '7b0c7f5e-0000-4000-8000-000000000000' }, token);
      expect(errorCode(denied), user.name).toBe('NOT_FOUND');
      expect(denied.errors).toEqual(missing.errors);
      expect(denied.data).toBeNull();
    }
    await world.linkSpecialist(patient);
    const specialist = await gql<{ patient: { id: string } }>(server().url, PATIENT, { id: patient.id }, await signInAs(server().url, world.users.specialist));
    expect(specialist.data?.patient.id).toBe(patient.id);
  });

  it('takes a patient id in capitals for the same patient: the care team opens the record, and an outsider\'s refusal is on its trail', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const inCapitals = patient.id.toUpperCase();
    const read = await gql<{ patient: { id: string } }>(server().url, PATIENT, { id: inCapitals }, await signInAs(server().url, world.users.coach));
    expect(read.data?.patient.id).toBe(patient.id);
    const refused = await gql(server().url, PATIENT, { id: inCapitals }, await signInAs(server().url, world.users.outsider));
    expect(errorCode(refused)).toBe('NOT_FOUND');
    const trail = await auditFor(patient.id);
    expect(trail.filter((r) => r.outcome === 'DENIED').map((r) => r.actor_id)).toEqual([world.users.outsider.id]);
  });

  it('answers UNAUTHENTICATED without a session', async () => {
    expect(errorCode(await gql(server().url, PATIENT, { id: '7b0c7f5e-0000-4000-8000-000000000000' }))).toBe('UNAUTHENTICATED');
  });

  it('enforces the same over the WebSocket', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const member = wsConnect(server().wsUrl, await signInAs(server().url, world.users.coach));
    const outsider = wsConnect(server().wsUrl, await signInAs(server().url, world.users.outsider));
    await Promise.all([member.connected, outsider.connected]);
    expect((await wsRequest<{ patient: { id: string } }>(member.client, PATIENT, { id: patient.id })).data?.patient.id).toBe(patient.id);
    const denied = await wsRequest(outsider.client, PATIENT, { id: patient.id });
    expect(denied.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(denied.errors?.[0].message).toBe('No such patient, or you do not have access to it.');
    await Promise.all([member.client.dispose(), outsider.client.dispose()]);
  });

  it('records the read, the write and the denial in the audit trail, with actor and request id', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const coach = await signInAs(server().url, world.users.coach);
    const outsider = await signInAs(server().url, world.users.outsider);
    await gql(server().url, PATIENT, { id: patient.id }, coach);
    const add = await gql(server().url, 'mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: world.users.fcp.id }, coach);
    expect(add.errors).toBeUndefined();
    await gql(server().url, PATIENT, { id: patient.id }, outsider);
    const rows = await auditFor(patient.id);
    expect(rows.map((r) => [r.actor_id, r.action, r.outcome])).toEqual([
      [world.users.coach.id, 'patient.read', 'ALLOWED'],
      [world.users.coach.id, 'careTeam.add', 'ALLOWED'],
      [world.users.outsider.id, 'patient.read', 'DENIED'],
    ]);
    expect(rows.every((r) => r.request_id)).toBe(true);
  });

  it('records list reads per patient shown', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.gp]);
    const token = await signInAs(server().url, world.users.gp);
    const res = await gql<{ patients: { nodes: Array<{ id: string }> } }>(server().url, '{ patients(filter: { mine: true }) { nodes { id } } }', {}, token);
    expect(res.data?.patients.nodes.map((p) => p.id)).toEqual([patient.id]);
    expect((await auditFor(patient.id)).map((r) => r.action)).toEqual(['patient.list']);
  });

  it("keeps the audit trail append-only: updates and deletes are refused by the database, even to the tables' owner", async () => {
    // The app role may not even try (platform/app-role.test.ts); the triggers hold for the owner too.
    // (Not `truncate` here: the owner's would queue for the table's exclusive lock behind every test file
    // writing audit rows, and stall them all; the app role's is refused before any lock.)
    for (const statement of ["update audit_entry set outcome = 'ALLOWED' where outcome = 'DENIED'", 'delete from audit_entry']) {
      // One transaction each: if the database wrongly allowed the statement, it is rolled back.
      await expect(ownerQuery(`begin; ${statement}; rollback`)).rejects.toThrow(/append-only/);
    }
  });

  it("lets the PCN's service lead read a patient's audit trail and a user's, and nobody else", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const coach = await signInAs(server().url, world.users.coach);
    await gql(server().url, PATIENT, { id: patient.id }, coach);
    const query = 'query($p: ID, $u: ID) { auditTrail(patientId: $p, userId: $u) { action outcome actorName } }';
    const lead = await signInAs(server().url, world.users.lead);
    const byPatient = await gql<{ auditTrail: Array<{ action: string; actorName: string }> }>(server().url, query, { p: patient.id }, lead);
    expect(byPatient.errors).toBeUndefined();
    expect(byPatient.data?.auditTrail[0]).toMatchObject({ action: 'patient.read', actorName: world.users.coach.name });
    const byUser = await gql<{ auditTrail: Array<{ action: string }> }>(server().url, query, { u: world.users.coach.id }, lead);
    expect(byUser.data?.auditTrail.map((r) => r.action)).toContain('patient.read');
    expect(errorCode(await gql(server().url, query, { p: patient.id }, coach))).toBe('FORBIDDEN');
    expect(errorCode(await gql(server().url, query, { u: world.users.gp.id }, coach))).toBe('FORBIDDEN');
    expect(errorCode(await gql(server().url, query, {}, lead))).toBe('BAD_USER_INPUT');
  });
});
