import { describe, expect, it } from 'vitest';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';

const CREATE = 'mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }';

describe('registering a patient Cairn already knows, from outside their care', () => {
  const server = useTestServer();

  it('does not confirm the person exists; records an audited request for access and tells the service leads of their PCN', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach], { givenName: 'Robin', familyName: `Hidden ${world.tag}` });
    const outsiderPractice = new Organisation(`Far practice ${world.tag}`, OrganisationKind.GP_PRACTICE, world.users.outsider.organisation);
    await em.persist(outsiderPractice).flush();

    const outsider = await signInAs(server().url, world.users.outsider);
    const input = { nhsNumber: patient.nhsNumber, givenName: 'Robin', familyName: 'Elsewhere', dateOfBirth: '1970-05-17', practiceId: outsiderPractice.id };
    const res = await gql(server().url, CREATE, { input }, outsider);
    expect(errorCode(res)).toBe('CONFLICT');
    const message = res.errors?.[0].message ?? '';
    expect(message).toMatch(/cannot be registered by you/);
    expect(message).toMatch(/request for access has been recorded/);
    expect(message).not.toMatch(/already registered|exists|Hidden/);

    const [request] = await auditRows(server().orm, "actor_id = ? and action = 'patient.create'", [world.users.outsider.id]);
    expect(request).toMatchObject({ outcome: 'DENIED', patient_id: patient.id, detail: { reason: 'already registered outside your care', accessRequested: true } });
    const leadNotes = await em.getConnection().execute('select kind, patient_id, title from notification where recipient_id = ?', [world.users.lead.id]);
    expect(leadNotes).toEqual([{ kind: 'ACCESS_REQUESTED', patient_id: patient.id, title: `${world.users.outsider.name} asked to register Robin Hidden ${world.tag}, who is already in Cairn` }]);
    // Nothing of the patient changed, and no second record.
    expect(await em.getConnection().execute('select count(*)::int as n from patient where nhs_number = ?', [patient.nhsNumber])).toEqual([{ n: 1 }]);
  });

  it('within the care team, says plainly that the patient is already registered', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const input = { nhsNumber: patient.nhsNumber, givenName: 'Pat', familyName: 'Again', dateOfBirth: '1970-05-17', practiceId: world.practice.id };
    const res = await gql(server().url, CREATE, { input }, await signInAs(server().url, world.users.coach));
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors?.[0].message).toMatch(/already registered/);
  });

  it('audits a refusal to a role that does not register patients', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const input = { nhsNumber: uniqueNhsNumber(), givenName: 'A', familyName: 'B', dateOfBirth: '1990-06-01', practiceId: world.practice.id };
    expect(errorCode(await gql(server().url, CREATE, { input }, await signInAs(server().url, world.users.specialist)))).toBe('FORBIDDEN');
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.specialist.id]);
    expect(denials).toMatchObject([{ action: 'patient.create', detail: { reason: 'not permitted' } }]);
  });
});
