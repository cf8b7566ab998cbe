import { describe, expect, it } from 'vitest';
import { Role, User } from '../auth/user.entity.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { formatNhsNumber } from '../patients/nhs-number.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber, type World } from '../test-support/world.js';

const FIND = `query($n: String!) { referablePatient(nhsNumber: $n) { id name dateOfBirth practiceName nhsNumberFormatted awaitingTriage onProgramme } }`;
const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status source patient { id status } } }`;
const details = { reason: 'Low back pain for two years; off work', wantsHelpWith: 'Walking to the shops again', consentToContact: true, contactMethod: 'PHONE' };

type Found = { referablePatient: { id: string; name: string; dateOfBirth: string; practiceName: string; nhsNumberFormatted: string; awaitingTriage: boolean; onProgramme: boolean } | null };

/** The NHS number as a person types it: 3-3-4 with spaces. */
const typed = (nhsNumber: string) => formatNhsNumber(nhsNumber);

describe('finding a patient to refer by NHS number', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;

  /** What the audit trail holds of `actorId`'s searches, oldest first. */
  const searches = (actorId: string) =>
    ownerQuery<{ patient_id: string | null; outcome: string; reason: string | null }>(
      `select patient_id, outcome, detail->>'reason' as reason from audit_entry where actor_id = $1 and action = 'referral.findPatient' order by id`,
      [actorId],
    );

  /** A user of `org` with the world's password. */
  async function makeUser(name: string, role: Role, org: Organisation) {
    const em = server().orm.em.fork();
    const u = new User(name, `${name.toLowerCase().replace(/\W+/g, '.')}.${world.tag}@test.example`, world.users.gp.passwordHash, role, em.getReference(Organisation, org.id));
    await em.persist(u).flush();
    return u;
  }

  it("a GP of the patient's practice, on no care team, finds them by NHS number and refers them; each patient shown is on the audit trail", async () => {
    world = await makeWorld(server().orm.em.fork());
    const { gp, coach } = world.users;
    const patient = await world.patient([], { givenName: 'Megan', familyName: `Unteamed ${world.tag}`, status: PatientStatus.REFERRED });
    const gpToken = await signInAs(url(), gp);

    // The name search lists only patients the GP may open: this one is not among them.
    const listed = await gql<{ patients: { nodes: unknown[] } }>(url(), `query($s: String!) { patients(filter: { search: $s }) { nodes { id } } }`, { s: patient.nhsNumber }, gpToken);
    expect(listed.data!.patients.nodes).toEqual([]);

    const found = await gql<Found>(url(), FIND, { n: typed(patient.nhsNumber) }, gpToken);
    expect(found.errors).toBeUndefined();
    expect(found.data!.referablePatient).toEqual({
      id: patient.id,
      name: `Megan Unteamed ${world.tag}`,
      dateOfBirth: '1970-05-17',
      practiceName: world.practice.name,
      nhsNumberFormatted: formatNhsNumber(patient.nhsNumber),
      awaitingTriage: false,
      onProgramme: false,
    });
    expect(await searches(gp.id)).toEqual([{ patient_id: patient.id, outcome: 'ALLOWED', reason: null }]);
    // Finding the patient to refer them opens nothing of their record.
    expect(errorCode(await gql(url(), `query($id: ID!) { patient(id: $id) { id } }`, { id: patient.id }, gpToken))).toBe('NOT_FOUND');

    const referred = await gql<{ createReferral: { status: string; source: string; patient: { id: string; status: string } } }>(url(), CREATE, { input: { patientId: patient.id, details } }, gpToken);
    expect(referred.errors).toBeUndefined();
    expect(referred.data!.createReferral).toMatchObject({ status: 'RECEIVED', source: 'GP', patient: { id: patient.id, status: 'REFERRED' } });

    // Found again, the referral awaiting triage shows, so a second is not attempted; a coach of the PCN finds them too.
    expect((await gql<Found>(url(), FIND, { n: patient.nhsNumber }, gpToken)).data!.referablePatient).toMatchObject({ awaitingTriage: true, onProgramme: false });
    expect((await gql<Found>(url(), FIND, { n: patient.nhsNumber }, await signInAs(url(), coach))).data!.referablePatient).toMatchObject({ id: patient.id, awaitingTriage: true });
    expect(await searches(coach.id)).toEqual([{ patient_id: patient.id, outcome: 'ALLOWED', reason: null }]);

    // A patient on the programme says so.
    const active = await world.patient([coach], { status: PatientStatus.ACTIVE });
    expect((await gql<Found>(url(), FIND, { n: active.nhsNumber }, gpToken)).data!.referablePatient).toMatchObject({ id: active.id, awaitingTriage: false, onProgramme: true });
  });

  it('a GP of another practice, a coach of another PCN and a made-up number all get the same "no patient found"; each refusal is audited', async () => {
    world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([], { givenName: 'Iwan', familyName: `Unreachable ${world.tag}`, status: PatientStatus.REFERRED });
    const em = server().orm.em.fork();
    const otherPractice = new Organisation(`Other practice ${world.tag}`, OrganisationKind.GP_PRACTICE, em.getReference(Organisation, world.pcn.id));
    await em.persist(otherPractice).flush();
    const otherGp = await makeUser('Other Practice GP', Role.GP, otherPractice);
    const { outsider, gp } = world.users;
    const madeUp = uniqueNhsNumber();

    const answers = [];
    for (const [user, nhsNumber] of [[otherGp, patient.nhsNumber], [outsider, patient.nhsNumber], [gp, madeUp]] as const) {
      const res = await gql<Found>(url(), FIND, { n: typed(nhsNumber) }, await signInAs(url(), user));
      answers.push({ status: res.status, errors: res.errors, data: res.data });
    }
    expect(answers).toEqual(Array(3).fill({ status: 200, errors: undefined, data: { referablePatient: null } }));
    expect(await searches(otherGp.id)).toEqual([{ patient_id: patient.id, outcome: 'DENIED', reason: 'no relationship' }]);
    expect(await searches(outsider.id)).toEqual([{ patient_id: patient.id, outcome: 'DENIED', reason: 'no relationship' }]);
    expect(await searches(gp.id)).toEqual([{ patient_id: null, outcome: 'DENIED', reason: 'no such patient' }]);

    // Nor can they refer the patient by id.
    expect(errorCode(await gql(url(), CREATE, { input: { patientId: patient.id, details } }, await signInAs(url(), otherGp)))).toBe('NOT_FOUND');
  });

  it('only a whole, valid NHS number is looked up; an administrator, who refers no one, is refused', async () => {
    world = await makeWorld(server().orm.em.fork());
    const gpToken = await signInAs(url(), world.users.gp);
    const valid = uniqueNhsNumber();
    const wrongCheckDigit = valid.slice(0, 9) + String((Number(valid[9]) + 1) % 10);
    for (const n of [valid.slice(0, 9), wrongCheckDigit, 'Megan']) {
      const res = await gql(url(), FIND, { n }, gpToken);
      expect([errorCode(res), res.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'nhsNumber']);
    }
    expect(await searches(world.users.gp.id)).toEqual([]);

    const admin = await gql(url(), FIND, { n: valid }, await signInAs(url(), world.users.admin));
    expect(errorCode(admin)).toBe('FORBIDDEN');
    expect(await searches(world.users.admin.id)).toEqual([{ patient_id: null, outcome: 'DENIED', reason: 'not permitted' }]);
  });
});
