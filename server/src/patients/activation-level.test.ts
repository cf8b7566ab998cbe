import { describe, expect, it } from 'vitest';
import { runSql, sql } from '../platform/sql.js';
import { errorCode, gql, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const SET = `mutation($p: ID!, $level: Int) { setPatientActivationLevel(patientId: $p, level: $level) { id activationLevel activationLevelSetAt } }`;
const READ = `query($p: ID!) { patient(id: $p) { activationLevel activationLevelSetAt } }`;

type Set = { setPatientActivationLevel: { id: string; activationLevel: number | null; activationLevelSetAt: string | null } };
type Read = { patient: { activationLevel: number | null; activationLevelSetAt: string | null } };

describe("a patient's activation level", () => {
  const server = useTestServer();

  it('is set and cleared by the care team, audited with who, when and what it was', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const coach = await signInAs(server().url, world.users.coach);

    expect((await gql<Read>(server().url, READ, { p: patient.id }, coach)).data!.patient).toEqual({ activationLevel: null, activationLevelSetAt: null });
    const set = await gql<Set>(server().url, SET, { p: patient.id, level: 2 }, coach);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setPatientActivationLevel.activationLevel).toBe(2);
    expect(Date.parse(set.data!.setPatientActivationLevel.activationLevelSetAt!)).toBeGreaterThan(Date.now() - 60_000);

    // Another member revises it over the WebSocket; the record shows the latest.
    const socket = wsConnect(server().wsUrl, await signInAs(server().url, world.users.fcp));
    await socket.connected;
    const revised = await wsRequest<Set>(socket.client, SET, { p: patient.id, level: 3 });
    await socket.client.dispose();
    expect(revised.data!.setPatientActivationLevel.activationLevel).toBe(3);
    expect((await gql<Read>(server().url, READ, { p: patient.id }, coach)).data!.patient.activationLevel).toBe(3);

    const cleared = await gql<Set>(server().url, SET, { p: patient.id, level: null }, coach);
    expect(cleared.data!.setPatientActivationLevel.activationLevel).toBeNull();

    const audit = await runSql<{ actor_id: string; detail: { from: number | null; to: number | null } }>(server().orm.em.fork(), sql`select actor_id, detail from audit_entry where patient_id = ${patient.id} and action = 'patient.update' and outcome = 'ALLOWED' order by id`);
    expect(audit.map((a) => [a.actor_id, a.detail.from, a.detail.to])).toEqual([
      [world.users.coach.id, null, 2],
      [world.users.fcp.id, 2, 3],
      [world.users.coach.id, 3, null],
    ]);
    const [row] = await runSql<{ activation_level_set_by: string }>(server().orm.em.fork(), sql`select activation_level_set_by from patient where id = ${patient.id}`);
    expect(row.activation_level_set_by).toBe(world.users.coach.id);
  });

  it('refuses a level outside 1–4 with BAD_USER_INPUT and changes nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const coach = await signInAs(server().url, world.users.coach);
    await gql(server().url, SET, { p: patient.id, level: 2 }, coach);
    for (const level of [0, 5, -1, 40]) {
      const res = await gql(server().url, SET, { p: patient.id, level }, coach);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(/1, 2, 3 or 4/);
    }
    expect((await gql<Read>(server().url, READ, { p: patient.id }, coach)).data!.patient.activationLevel).toBe(2);
  });

  it('is for the care team to set: NOT_FOUND to outsiders, FORBIDDEN to those who may only read, UNAUTHENTICATED without a session', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const outsider = await gql(server().url, SET, { p: patient.id, level: 1 }, await signInAs(server().url, world.users.outsider));
    expect(errorCode(outsider)).toBe('NOT_FOUND');
    const lead = await gql(server().url, SET, { p: patient.id, level: 1 }, await signInAs(server().url, world.users.lead));
    expect(errorCode(lead)).toBe('FORBIDDEN');
    expect(errorCode(await gql(server().url, SET, { p: patient.id, level: 1 }))).toBe('UNAUTHENTICATED');
    const coach = await signInAs(server().url, world.users.coach);
    expect((await gql<Read>(server().url, READ, { p: patient.id }, coach)).data!.patient.activationLevel).toBeNull();
    const denials = await runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from audit_entry where patient_id = ${patient.id} and action = 'patient.update' and outcome = 'DENIED'`);
    expect(Number(denials[0].n)).toBe(2);
  });
});
