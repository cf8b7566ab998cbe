import { describe, expect, it } from 'vitest';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq changedSinceSignOff } }`;
const SIGN = `mutation($p: ID!, $s: SafeInt!, $d: String) { signOffCarePlan(patientId: $p, seq: $s, agreedOn: $d) { id } }`;

describe('printing the current care plan', () => {
  const server = useTestServer();

  async function planNow(patientId: string, token: string): Promise<{ seq: number; changedSinceSignOff: boolean }> {
    const res = await gql<{ carePlan: { seq: number; changedSinceSignOff: boolean } }>(server().url, PLAN, { p: patientId }, token);
    if (!res.data) throw new Error(`plan not read: ${JSON.stringify(res.errors)}`);
    return res.data.carePlan;
  }

  async function printCurrent(patientId: string, token: string): Promise<string> {
    const res = await fetch(`${server().url}/patients/${patientId}/care-plan/print`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  }

  it('says the plan was agreed, on which day and with whom, while nothing changed since its sign-off; "not yet agreed as shown" once it has', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const [coach, fcp] = await Promise.all([world.users.coach, world.users.fcp].map((u) => signInAs(server().url, u)));
    const editor = new PlanEditor(server().wsUrl, coach, patient.id);
    await editor.connect();
    editor.doc.getText('whatMatters').insert(0, 'Walking the dog every morning');
    await editor.settled();

    const signed = await gql(server().url, SIGN, { p: patient.id, s: (await planNow(patient.id, fcp)).seq, d: '2026-01-15' }, fcp);
    expect(signed.errors).toBeUndefined();
    // The screen says "Agreed … No changes since": the page printed from it says the same.
    expect((await planNow(patient.id, coach)).changedSinceSignOff).toBe(false);
    const agreedPage = await printCurrent(patient.id, coach);
    expect(agreedPage).toContain(`Agreed on 15 January 2026 with ${world.users.fcp.name}`);
    expect(agreedPage).not.toContain('not yet agreed as shown');

    editor.doc.getText('whatMatters').insert(0, 'Still: ');
    await editor.settled();
    expect((await planNow(patient.id, coach)).changedSinceSignOff).toBe(true);
    const changedPage = await printCurrent(patient.id, coach);
    expect(changedPage).toContain('Still: Walking the dog every morning');
    expect(changedPage).toContain('not yet agreed as shown');
    expect(changedPage).not.toContain('Agreed on');
    await editor.disconnect();
  });
});
