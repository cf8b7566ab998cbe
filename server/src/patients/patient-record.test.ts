import { describe, expect, it } from 'vitest';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber, type World } from '../test-support/world.js';
import type { Patient } from './patient.entity.js';

const EDIT = `mutation($input: UpdatePatientDemographicsInput!) {
  updatePatientDemographics(input: $input) { id nhsNumber givenName familyName name dateOfBirth practice { id } }
}`;
const STATUS = 'mutation($p: ID!, $s: PatientStatus!, $r: String!) { setPatientStatus(patientId: $p, status: $s, reason: $r) { id status } }';
const CHANGES = 'query($p: ID!) { patient(id: $p) { status statusChanges { to label allowed why } viewerCan { editPatientDetails changePatientStatus } } }';
const TIMELINE = 'query($p: ID!) { timeline(patientId: $p, first: 100) { nodes { kind actorName payload } } }';
const REFER = 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }';
const TRIAGE = 'mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id } }';
const VIEWER_MAY = '{ viewerMay { createPatient } }';

type Row = { nhs_number: string; given_name: string; family_name: string; date_of_birth: string; practice_id: string; status: string };
type Timeline = { timeline: { nodes: Array<{ kind: string; actorName: string | null; payload: Record<string, unknown> }> } };

const referral = { reason: 'Low back pain for two years', wantsHelpWith: 'Walking further', consentToContact: true, contactMethod: 'PHONE' };

describe("correcting a patient's details", () => {
  const server = useTestServer();
  const url = () => server().url;

  async function rowOf(world: World, patient: Patient): Promise<Row> {
    const [row] = await server()
      .orm.em.fork()
      .getConnection()
      .execute<Row[]>("select nhs_number, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') as date_of_birth, practice_id, status from patient where id = ?", [patient.id]);
    return row!;
  }
  /** The details as a form opened now would show them (`seen` of a correction). */
  const seenOf = (row: Row) => ({ nhsNumber: row.nhs_number, givenName: row.given_name, familyName: row.family_name, dateOfBirth: row.date_of_birth, practiceId: row.practice_id });
  const events = async (patient: Patient, token: string, kind: string) =>
    (await gql<Timeline>(url(), TIMELINE, { p: patient.id }, token)).data!.timeline.nodes.filter((e) => e.kind === kind);

  it('a care-team member corrects name, date of birth, NHS number and practice: audited old→new, on the timeline by field name only', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const otherPractice = new Organisation(`Second practice ${world.tag}`, OrganisationKind.GP_PRACTICE, world.pcn);
    await em.persist(otherPractice).flush();
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const before = await rowOf(world, patient);
    const fcp = await signInAs(url(), world.users.fcp);
    const nhsNumber = uniqueNhsNumber();
    const spaced = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)}-${nhsNumber.slice(6)}`;

    const res = await gql<{ updatePatientDemographics: Record<string, unknown> }>(
      url(),
      EDIT,
      { input: { patientId: patient.id, nhsNumber: spaced, givenName: '  Patricia ', familyName: patient.familyName, dateOfBirth: '1971-05-17', practiceId: otherPractice.id, seen: seenOf(before) } },
      fcp,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updatePatientDemographics).toMatchObject({ nhsNumber, givenName: 'Patricia', name: `Patricia ${patient.familyName}`, dateOfBirth: '1971-05-17', practice: { id: otherPractice.id } });
    expect(await rowOf(world, patient)).toMatchObject({ nhs_number: nhsNumber, given_name: 'Patricia', date_of_birth: '1971-05-17', practice_id: otherPractice.id });

    // The family name was sent unchanged, so it is not among what changed.
    const [audit] = await auditRows(server().orm, "patient_id = ? and action = 'patient.editDetails'", [patient.id]);
    expect(audit).toMatchObject({
      actor_id: world.users.fcp.id,
      outcome: 'ALLOWED',
      detail: {
        fields: ['nhsNumber', 'givenName', 'dateOfBirth', 'practiceId'],
        changes: {
          nhsNumber: { from: before.nhs_number, to: nhsNumber },
          givenName: { from: 'Pat', to: 'Patricia' },
          dateOfBirth: { from: '1970-05-17', to: '1971-05-17' },
          practiceId: { from: world.practice.id, to: otherPractice.id },
        },
      },
    });
    const [event] = await events(patient, fcp, 'PATIENT_DETAILS_CHANGED');
    expect(event).toEqual({ kind: 'PATIENT_DETAILS_CHANGED', actorName: world.users.fcp.name, payload: { fields: ['nhsNumber', 'givenName', 'dateOfBirth', 'practiceId'] } });
    expect(JSON.stringify(event)).not.toContain(nhsNumber);
  });

  it('refuses bad input field by field, and a change of nothing, changing nothing', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach]);
    const elsewhere = await makeWorld(em);
    const before = await rowOf(world, patient);
    const coach = await signInAs(url(), world.users.coach);
    const bad = async (change: Record<string, unknown>) => {
      const res = await gql(url(), EDIT, { input: { patientId: patient.id, seen: seenOf(before), ...change } }, coach);
      return [errorCode(res), res.errors?.[0]?.extensions?.field, res.errors?.[0]?.message];
    };
    const wrongCheckDigit = patient.nhsNumber.slice(0, 9) + String((Number(patient.nhsNumber[9]) + 1) % 10);

    expect(await bad({ nhsNumber: wrongCheckDigit })).toEqual(['BAD_USER_INPUT', 'nhsNumber', expect.stringMatching(/check digit does not match/)]);
    expect(await bad({ nhsNumber: '999 123' })).toEqual(['BAD_USER_INPUT', 'nhsNumber', expect.stringMatching(/10 digits/)]);
    expect(await bad({ givenName: '   ' })).toEqual(['BAD_USER_INPUT', 'givenName', expect.stringMatching(/fill in the given name/)]);
    expect(await bad({ dateOfBirth: '2999-01-01' })).toEqual(['BAD_USER_INPUT', 'dateOfBirth', expect.stringMatching(/future/)]);
    expect(await bad({ dateOfBirth: '1970-02-30' })).toEqual(['BAD_USER_INPUT', 'dateOfBirth', 'Date of birth must be a real date, not in the future.']);
    expect(await bad({ practiceId: elsewhere.practice.id })).toEqual(['BAD_USER_INPUT', 'practiceId', expect.stringMatching(/Primary Care Network/)]);
    expect(await bad({ practiceId: world.pcn.id })).toEqual(['BAD_USER_INPUT', 'practiceId', expect.any(String)]);
    expect(await bad({})).toEqual(['BAD_USER_INPUT', 'input', expect.stringMatching(/Nothing to change/)]);
    // The details as seen, sent back unchanged (a whole form saved untouched), are not a correction.
    expect(await bad({ givenName: 'Pat', nhsNumber: patient.nhsNumber })).toEqual(['BAD_USER_INPUT', 'input', expect.stringMatching(/Nothing to change/)]);
    expect(await bad({ seen: undefined, givenName: 'Patty' })).toEqual(['BAD_USER_INPUT', 'input', expect.stringMatching(/"seen" of required type/)]);
    // One bad field refuses the whole correction: the good one beside it is not written either.
    expect(await bad({ familyName: 'Changed', dateOfBirth: 'yesterday' })).toEqual(['BAD_USER_INPUT', 'dateOfBirth', expect.any(String)]);

    expect(await rowOf(world, patient)).toEqual(before);
    expect(await events(patient, coach, 'PATIENT_DETAILS_CHANGED')).toEqual([]);
    expect(await auditRows(server().orm, "patient_id = ? and action = 'patient.editDetails'", [patient.id])).toEqual([]);
  });

  it("answers CONFLICT for another patient's NHS number, even one the editor cannot see, and changes nothing", async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach]);
    const hidden = await world.patient([world.users.fcp], { givenName: 'Someone', familyName: 'Else' });
    const before = await rowOf(world, patient);
    const coach = await signInAs(url(), world.users.coach);

    const res = await gql(url(), EDIT, { input: { patientId: patient.id, nhsNumber: hidden.nhsNumber, givenName: 'Changed', seen: seenOf(before) } }, coach);
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors?.[0].message).toMatch(/already on another patient's record in Cairn.*nothing was changed/);
    expect(res.errors?.[0].message).not.toMatch(/Someone|Else/);
    expect(await rowOf(world, patient)).toEqual(before);
    expect(await events(patient, coach, 'PATIENT_DETAILS_CHANGED')).toEqual([]);
  });

  it('gives one new NHS number to one of several patients corrected to it at the same moment; the rest are CONFLICT, none an internal error', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const coach = await signInAs(url(), world.users.coach);
    for (let round = 0; round < 3; round++) {
      const patients = await Promise.all(Array.from({ length: 6 }, () => world.patient([world.users.coach])));
      const befores = await Promise.all(patients.map((p) => rowOf(world, p)));
      const nhsNumber = uniqueNhsNumber();
      const answers = await Promise.all(patients.map((p, i) => gql(url(), EDIT, { input: { patientId: p.id, nhsNumber, seen: seenOf(befores[i]!) } }, coach)));
      expect(answers.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of answers.filter((r) => r.errors)) {
        expect(errorCode(r)).toBe('CONFLICT');
        expect(r.errors?.[0].message).toMatch(/already on another patient's record in Cairn/);
      }
      const rows = await Promise.all(patients.map((p) => rowOf(world, p)));
      expect(rows.filter((r) => r.nhs_number === nhsNumber)).toHaveLength(1);
    }
  });

  it('is for the care team and the PCN service lead: a linked specialist is FORBIDDEN, anyone else NOT_FOUND, both audited', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    await world.linkSpecialist(patient);
    const before = await rowOf(world, patient);
    const edit = async (token: string | undefined, patientId = patient.id) => errorCode(await gql(url(), EDIT, { input: { patientId, givenName: 'Changed', seen: seenOf(before) } }, token));

    expect(await edit(await signInAs(url(), world.users.specialist))).toBe('FORBIDDEN');
    expect(await edit(await signInAs(url(), world.users.outsider))).toBe('NOT_FOUND');
    expect(await edit(await signInAs(url(), world.users.gp))).toBe('NOT_FOUND');
    expect(await edit(await signInAs(url(), world.users.coach), '00000000-0000-4000-8000-000000000000')).toBe('NOT_FOUND');
    expect(await edit(undefined)).toBe('UNAUTHENTICATED');
    expect(await rowOf(world, patient)).toEqual(before);
    const denials = await auditRows(server().orm, "patient_id = ? and action = 'patient.editDetails' and outcome = 'DENIED'", [patient.id]);
    expect(denials.map((d) => [d.actor_id, d.detail?.reason]).sort()).toEqual(
      [
        [world.users.specialist.id, 'not permitted'],
        [world.users.outsider.id, 'no relationship'],
        [world.users.gp.id, 'no relationship'],
      ].sort(),
    );

    const lead = await signInAs(url(), world.users.lead);
    expect((await gql(url(), EDIT, { input: { patientId: patient.id, familyName: 'Corrected', seen: seenOf(before) } }, lead)).errors).toBeUndefined();
  });

  it("a form opened before a colleague's correction keeps it: untouched fields are not sent back, the same field is a CONFLICT", async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const opened = seenOf(await rowOf(world, patient)); // both forms open on the same details
    const [coach, fcp] = [await signInAs(url(), world.users.coach), await signInAs(url(), world.users.fcp)];
    const wholeForm = (change: Record<string, string>) => ({ patientId: patient.id, ...opened, ...change, seen: opened });

    // The coach corrects the date of birth first.
    expect((await gql(url(), EDIT, { input: wholeForm({ dateOfBirth: '1971-05-17' }) }, coach)).errors).toBeUndefined();
    // The physio's form still shows the old date; saving a new family name leaves the coach's date alone.
    const second = await gql<{ updatePatientDemographics: Record<string, unknown> }>(url(), EDIT, { input: wholeForm({ familyName: 'Okafor-Smith' }) }, fcp);
    expect(second.errors).toBeUndefined();
    expect(await rowOf(world, patient)).toMatchObject({ date_of_birth: '1971-05-17', family_name: 'Okafor-Smith' });
    const audits = await auditRows(server().orm, "patient_id = ? and action = 'patient.editDetails'", [patient.id]);
    expect(audits.map((a) => [a.actor_id, a.detail?.fields]).sort()).toEqual(
      [
        [world.users.coach.id, ['dateOfBirth']],
        [world.users.fcp.id, ['familyName']],
      ].sort(),
    );

    // A different date of birth from the same stale form is refused, naming the field; nothing is written.
    const before = await rowOf(world, patient);
    const stale = await gql(url(), EDIT, { input: wholeForm({ dateOfBirth: '1972-01-01', givenName: 'Patricia' }) }, fcp);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors?.[0].message).toMatch(/Someone else changed the date of birth since you opened this form\. Nothing was saved/);
    expect(await rowOf(world, patient)).toEqual(before);
    expect(await auditRows(server().orm, "patient_id = ? and action = 'patient.editDetails'", [patient.id])).toHaveLength(2);
    // The same correction someone already made is nothing to do.
    expect(await gql(url(), EDIT, { input: wholeForm({ dateOfBirth: '1971-05-17' }) }, fcp).then((r) => r.errors?.[0]?.message)).toMatch(/already recorded/);
    // Saved against the details as they are now, the physio's correction goes through.
    const now = seenOf(await rowOf(world, patient));
    expect((await gql(url(), EDIT, { input: { patientId: patient.id, dateOfBirth: '1972-01-01', seen: now } }, fcp)).errors).toBeUndefined();
    expect(await rowOf(world, patient)).toMatchObject({ date_of_birth: '1972-01-01', family_name: 'Okafor-Smith' });
  });

  it('corrects the NHS number while colleagues post handovers about the patient at the same moment: every write is saved, none an internal error', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const [coach, gp] = [await signInAs(url(), world.users.coach), await signInAs(url(), world.users.gp)];
    // A handover is one statement that takes the event log's counter before its checks of the patient row: the
    // partner in the deadlock a correction of the NHS number (which locks that row) could make.
    const POST = 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }';
    const numbers: string[] = [];
    const corrections = async () => {
      for (let i = 0; i < 4; i++) {
        const nhsNumber = uniqueNhsNumber();
        const res = await gql(url(), EDIT, { input: { patientId: patient.id, nhsNumber, seen: seenOf(await rowOf(world, patient)) } }, coach);
        expect(res.errors).toBeUndefined();
        numbers.push(nhsNumber);
      }
    };
    const handovers = Array.from({ length: 24 }, (_, i) => gql(url(), POST, { input: { patientId: patient.id, summary: `Update ${i}`, advice: 'Continue pacing', urgency: 'ROUTINE', actions: [] } }, gp));
    const [, ...posted] = await Promise.all([corrections(), ...handovers]);
    expect(posted.map((r) => r.errors)).toEqual(posted.map(() => undefined));
    expect((await rowOf(world, patient)).nhs_number).toBe(numbers.at(-1));
    expect(await events(patient, coach, 'PATIENT_DETAILS_CHANGED')).toHaveLength(4);
  });

  it('of two corrections of one field sent at once from the same form, one is saved and the other is a CONFLICT', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const opened = seenOf(await rowOf(world, patient));
    const [coach, fcp] = [await signInAs(url(), world.users.coach), await signInAs(url(), world.users.fcp)];
    const [a, b] = await Promise.all([
      gql(url(), EDIT, { input: { patientId: patient.id, givenName: 'Patricia', seen: opened } }, coach),
      gql(url(), EDIT, { input: { patientId: patient.id, givenName: 'Patrice', seen: opened } }, fcp),
    ]);
    const outcomes = [a, b].map((r) => errorCode(r) ?? 'OK').sort();
    expect(outcomes).toEqual(['CONFLICT', 'OK']);
    const winner = errorCode(a) ? 'Patrice' : 'Patricia';
    expect(await rowOf(world, patient)).toMatchObject({ given_name: winner });
    expect(await events(patient, coach, 'PATIENT_DETAILS_CHANGED')).toHaveLength(1);
  });
});

describe("changing a patient's status by hand", () => {
  const server = useTestServer();
  const url = () => server().url;
  const status = async (token: string | undefined, p: string, s: string, r = 'Agreed at the MDT meeting') => {
    const res = await gql<{ setPatientStatus: { status: string } }>(url(), STATUS, { p, s, r }, token);
    return res.errors ? [errorCode(res), res.errors[0]?.extensions?.field ?? null, res.errors[0]?.message] : res.data!.setPatientStatus.status;
  };
  const statusOf = async (world: World, patient: Patient) =>
    (await server().orm.em.fork().getConnection().execute<Array<{ status: string }>>('select status from patient where id = ?', [patient.id]))[0]!.status;

  it("the care team's lead starts a registered patient's care, with the reason on the timeline and in the audit trail", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp], { status: 'REFERRED' });
    const coach = await signInAs(url(), world.users.coach);

    const options = await gql<{ patient: { statusChanges: unknown[]; viewerCan: Record<string, boolean> } }>(url(), CHANGES, { p: patient.id }, coach);
    expect(options.data!.patient.viewerCan).toEqual({ editPatientDetails: true, changePatientStatus: true });
    expect(options.data!.patient.statusChanges).toEqual([
      { to: 'ACTIVE', label: 'Active', allowed: true, why: null },
      { to: 'DISCHARGED', label: 'Discharged', allowed: true, why: null },
    ]);

    expect(await status(coach, patient.id, 'ACTIVE', '  First call booked with the patient  ')).toBe('ACTIVE');
    const timeline = (await gql<Timeline>(url(), TIMELINE, { p: patient.id }, coach)).data!.timeline.nodes;
    expect(timeline.find((e) => e.kind === 'PATIENT_STATUS_CHANGED')).toEqual({
      kind: 'PATIENT_STATUS_CHANGED',
      actorName: world.users.coach.name,
      payload: { from: 'REFERRED', to: 'ACTIVE', reason: 'First call booked with the patient' },
    });
    const [audit] = await auditRows(server().orm, "patient_id = ? and action = 'patient.changeStatus'", [patient.id]);
    expect(audit).toMatchObject({ actor_id: world.users.coach.id, outcome: 'ALLOWED', detail: { from: 'REFERRED', to: 'ACTIVE', reason: 'First call booked with the patient' } });

    // An active patient with no coaching episode may be closed by hand: here by a GP on the team who is not the lead.
    expect(await status(await signInAs(url(), world.users.gp), patient.id, 'DISCHARGED', 'Moved out of the area')).toBe('DISCHARGED');
  });

  it('is allowed to the lead, a GP on the team and the PCN service lead only', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp, world.users.gp], { status: 'REFERRED' });
    await world.linkSpecialist(patient);
    const forbidden = "Only the care team's lead, a GP on the team or a PCN service lead can change the patient's status.";

    expect(await status(await signInAs(url(), world.users.fcp), patient.id, 'ACTIVE')).toEqual(['FORBIDDEN', null, forbidden]);
    expect(await status(await signInAs(url(), world.users.specialist), patient.id, 'ACTIVE')).toEqual(['FORBIDDEN', null, forbidden]);
    expect((await status(await signInAs(url(), world.users.outsider), patient.id, 'ACTIVE'))[0]).toBe('NOT_FOUND');
    expect((await status(await signInAs(url(), world.users.pharm), patient.id, 'ACTIVE'))[0]).toBe('NOT_FOUND');
    expect((await status(undefined, patient.id, 'ACTIVE'))[0]).toBe('UNAUTHENTICATED');
    expect(await statusOf(world, patient)).toBe('REFERRED');
    const fcpCan = await gql<{ patient: { viewerCan: Record<string, boolean> } }>(url(), CHANGES, { p: patient.id }, await signInAs(url(), world.users.fcp));
    expect(fcpCan.data!.patient.viewerCan).toEqual({ editPatientDetails: true, changePatientStatus: false });

    expect(await status(await signInAs(url(), world.users.lead), patient.id, 'ACTIVE')).toBe('ACTIVE');
  });

  it('refuses a change without a reason, to the same status, or one the programme makes by its own steps; nothing changes', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const lead = await signInAs(url(), world.users.lead);
    const coach = await signInAs(url(), world.users.coach);
    const gp = await signInAs(url(), world.users.gp);
    const active = await world.patient([world.users.coach, world.users.gp], { status: 'ACTIVE' });
    const discharged = await world.patient([world.users.coach], { status: 'DISCHARGED' });

    expect(await status(coach, active.id, 'DISCHARGED', '   ')).toEqual(['BAD_USER_INPUT', 'reason', expect.stringMatching(/fill in the reason/)]);
    expect(await status(coach, active.id, 'DISCHARGED', 'x'.repeat(501))).toEqual(['BAD_USER_INPUT', 'reason', expect.stringMatching(/too long/)]);
    expect(await status(coach, active.id, 'ACTIVE')).toEqual(['BAD_USER_INPUT', 'status', 'The patient is already Active: nothing to change.']);
    expect(await status(coach, active.id, 'REFERRED')).toEqual(['CONFLICT', null, expect.stringMatching(/through a referral/)]);
    expect(await status(coach, discharged.id, 'ACTIVE')).toEqual(['CONFLICT', null, expect.stringMatching(/new referral/)]);
    expect(await statusOf(world, active)).toBe('ACTIVE');
    expect(await statusOf(world, discharged)).toBe('DISCHARGED');

    // A referral awaiting triage: the triage makes the change, with its coach.
    const referred = await world.patient([world.users.coach, world.users.gp], { status: 'DISCHARGED' });
    const made = await gql<{ createReferral: { id: string } }>(url(), REFER, { input: { patientId: referred.id, details: referral } }, gp);
    expect(made.errors).toBeUndefined();
    expect(await status(coach, referred.id, 'ACTIVE')).toEqual(['CONFLICT', null, expect.stringMatching(/accepting it on the Referrals screen/)]);
    expect(await status(lead, referred.id, 'DISCHARGED')).toEqual(['CONFLICT', null, expect.stringMatching(/decline it on the Referrals screen/)]);
    expect(await statusOf(world, referred)).toBe('REFERRED');

    // Accepted: the patient is on the programme, and is discharged with a signed summary, not by hand.
    expect((await gql(url(), TRIAGE, { input: { referralId: made.data!.createReferral.id, outcome: 'ACCEPT', coachId: world.users.coach.id } }, coach)).errors).toBeUndefined();
    expect(await statusOf(world, referred)).toBe('ACTIVE');
    expect(await status(coach, referred.id, 'DISCHARGED')).toEqual(['CONFLICT', null, expect.stringMatching(/discharge them on the Sessions tab/)]);
    const options = await gql<{ patient: { statusChanges: Array<{ to: string; allowed: boolean; why: string | null }> } }>(url(), CHANGES, { p: referred.id }, coach);
    expect(options.data!.patient.statusChanges).toEqual([
      { to: 'REFERRED', label: 'Referred', allowed: false, why: expect.stringMatching(/through a referral/) },
      { to: 'DISCHARGED', label: 'Discharged', allowed: false, why: expect.stringMatching(/Sessions tab/) },
    ]);

    for (const p of [active, discharged, referred]) {
      const timeline = (await gql<Timeline>(url(), TIMELINE, { p: p.id }, coach)).data!.timeline.nodes;
      expect(timeline.filter((e) => e.kind === 'PATIENT_STATUS_CHANGED')).toEqual([]);
    }
    expect(await auditRows(server().orm, "action = 'patient.changeStatus' and outcome = 'ALLOWED' and patient_id in (?, ?, ?)", [active.id, discharged.id, referred.id])).toEqual([]);
  });

  it('tells the web who may add patients (viewerMay.createPatient), from the policy', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const may = async (token: string | undefined) => (await gql<{ viewerMay: { createPatient: boolean } }>(url(), VIEWER_MAY, {}, token)).data!.viewerMay.createPatient;
    expect(await may(await signInAs(url(), world.users.coach))).toBe(true);
    expect(await may(await signInAs(url(), world.users.lead))).toBe(true);
    expect(await may(await signInAs(url(), world.users.specialist))).toBe(false);
    expect(await may(await signInAs(url(), world.users.admin))).toBe(false);
    expect(await may(undefined)).toBe(false);
  });
});
