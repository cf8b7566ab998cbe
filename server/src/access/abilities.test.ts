import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { abilityField } from './abilities.js';
import { PatientAction, requirePatientAccess } from './policy.js';

const fields = (Object.keys(PatientAction) as (keyof typeof PatientAction)[]).map(abilityField);
const query = `query($id: ID!) { patient(id: $id) { viewerCan { ${fields.join(' ')} } } }`;

describe("a patient's abilities (viewerCan)", () => {
  const server = useTestServer();

  it('has one field per policy action and says exactly what the policy enforces, for every role', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const { coach, fcp, gp, specialist, lead } = world.users;
    const patient = await world.patient([coach, fcp, gp]);
    await world.linkSpecialist(patient);

    for (const user of [coach, fcp, gp, specialist, lead]) {
      const res = await gql<{ patient: { viewerCan: Record<string, boolean> } }>(server().url, query, { id: patient.id }, await signInAs(server().url, user));
      const viewerCan = res.data!.patient.viewerCan;
      expect(Object.keys(viewerCan).sort()).toEqual([...fields].sort());
      for (const [name, action] of Object.entries(PatientAction)) {
        const enforced = await requirePatientAccess(contextOf(user), patient.id, action).then(
          () => true,
          () => false,
        );
        expect({ user: user.name, action, allowed: viewerCan[abilityField(name as keyof typeof PatientAction)] }).toEqual({ user: user.name, action, allowed: enforced });
      }
    }
  });

  it('offers a linked specialist handover posting but not care-plan editing, and the lead acknowledgement', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp]);
    await world.linkSpecialist(patient);
    const can = async (user: User) =>
      (await gql<{ patient: { viewerCan: Record<string, boolean> } }>(server().url, query, { id: patient.id }, await signInAs(server().url, user))).data!.patient.viewerCan;

    expect(await can(world.users.specialist)).toMatchObject({ read: true, postHandover: true, editCarePlan: false, acknowledgeHandover: false });
    expect(await can(world.users.coach)).toMatchObject({ editCarePlan: true, acknowledgeHandover: true, manageCareTeam: true, readAudit: false });
    expect(await can(world.users.lead)).toMatchObject({ read: true, editCarePlan: false, manageCareTeam: true, readAudit: true });
  });

  function contextOf(actor: User): Context {
    return { em: server().orm.em.fork(), actor, session: null, requestId: randomUUID(), clientAddress: 'test', transport: 'http', services: server().running.services };
  }
});
