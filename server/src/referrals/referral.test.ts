import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCarePlanDoc } from '../care-plans/care-plan.doc.js';
import { auditedPatients, errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs, uniqueNhsNumber, type World } from '../test-support/world.js';
import { Role, User } from '../auth/user.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { openEpisode } from './referral.service.js';

const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status source conditions interpreterLanguage largePrint hearingSupport contactMethod contactTimes referrer { name } patient { id status } } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id status declineReason redirectedTo triagedAt triagedBy { name } assignedCoach { name } patient { status careTeam { isLead user { id } } } } }`;
const ONE = `query($id: ID!) { referral(id: $id) { id status reason } }`;
const OF_PATIENT = `query($id: ID!) { patientReferrals(patientId: $id) { id status episodeEndedAt } }`;
const NOTIFS = `{ myNotifications(first: 20) { kind title body link } }`;
const TIMELINE = `query($id: ID!) { timeline(patientId: $id) { nodes { kind payload } } }`;

const details = (extra: Record<string, unknown> = {}) => ({
  reason: 'Widespread pain for 3 years, low mood, struggling at work',
  wantsHelpWith: 'Getting back to walking the dog and sleeping better',
  consentToContact: true,
  contactMethod: 'PHONE',
  contactTimes: 'Weekday mornings',
  interpreterNeeded: true,
  interpreterLanguage: 'Polish',
  largePrint: true,
  ...extra,
});

describe('referrals and triage', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const newPatient = () => ({ nhsNumber: uniqueNhsNumber(), givenName: 'Rhiannon', familyName: `Price ${world.tag}`, dateOfBirth: '1968-02-03', practiceId: world.practice.id, conditions: ['Fibromyalgia'] });
  /** Rows a failed write must not have left. */
  const stored = async (patientId: string) => {
    const [row] = await ownerQuery<{ referrals: number; events: number; members: number; status: string; statuses: string | null }>(
      `select (select count(*)::int from referral where patient_id = $1) as referrals,
              (select count(*)::int from event where patient_id = $1) as events,
              (select count(*)::int from care_team_member where patient_id = $1) as members,
              (select status from patient where id = $1) as status,
              (select string_agg(status, ',' order by received_at) from referral where patient_id = $1) as statuses`,
      [patientId],
    );
    return row;
  };

  it('a GP refers a new patient; a coach of the PCN accepts, the patient becomes ACTIVE with the coach on the team, and both are told', async () => {
    await fresh();
    const { gp, coach } = world.users;
    const gpToken = await signInAs(url(), gp);
    const created = await gql<{ createReferral: { id: string; status: string; source: string; conditions: string[]; interpreterLanguage: string; largePrint: boolean; patient: { id: string; status: string } } }>(
      url(), CREATE, { input: { newPatient: newPatient(), details: details() } }, gpToken,
    );
    expect(created.errors).toBeUndefined();
    const referral = created.data!.createReferral;
    expect(referral).toMatchObject({ status: 'RECEIVED', source: 'GP', conditions: ['Fibromyalgia'], interpreterLanguage: 'Polish', largePrint: true, patient: { status: 'REFERRED' } });
    const patientId = referral.patient.id;
    // The GP's own referrals list it, and the patient it names is in the audit trail as seen by the GP.
    const mine = await gql<{ myReferrals: Array<{ id: string }> }>(url(), `{ myReferrals { id patient { id } } }`, {}, gpToken);
    expect(mine.data!.myReferrals.map((r) => r.id)).toEqual([referral.id]);
    expect(await auditedPatients(gp.id, 'referral.listMine')).toEqual([patientId]);

    // A coach of the PCN, not on the care team, sees and triages it.
    const coachToken = await signInAs(url(), coach);
    expect((await gql(url(), ONE, { id: referral.id }, coachToken)).errors).toBeUndefined();
    const accepted = await gql<{ triageReferral: { status: string; assignedCoach: { name: string }; patient: { status: string; careTeam: Array<{ isLead: boolean; user: { id: string } }> } } }>(
      url(), TRIAGE, { input: { referralId: referral.id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken,
    );
    expect(accepted.errors).toBeUndefined();
    const t = accepted.data!.triageReferral;
    expect(t.status).toBe('ACCEPTED');
    expect(t.assignedCoach.name).toBe(coach.name);
    expect(t.patient.status).toBe('ACTIVE');
    // The GP who registered the patient leads the team already, so the coach joins as a member.
    expect(t.patient.careTeam.map((m) => [m.user.id, m.isLead])).toEqual([[gp.id, true], [coach.id, false]]);
    expect((await openEpisode(server().orm.em.fork(), patientId))?.id).toBe(referral.id);

    const gpNotes = (await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), NOTIFS, {}, gpToken)).data!.myNotifications;
    expect(gpNotes.find((n) => n.kind === 'REFERRAL_TRIAGED')?.title).toMatch(/^Your referral of Rhiannon Price .* was accepted$/);
    const timeline = (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patientId }, coachToken)).data!.timeline.nodes;
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['REFERRAL_RECEIVED', 'REFERRAL_TRIAGED', 'CARE_TEAM_MEMBER_ADDED']));
    expect(timeline.find((e) => e.kind === 'REFERRAL_TRIAGED')?.payload).toMatchObject({ outcome: 'ACCEPTED', coachName: coach.name });
  });

  it('the assigned coach leads the care team when it has no lead, and is told the patient is theirs', async () => {
    await fresh();
    const { coach, lead } = world.users;
    const patient = await world.patient([], { status: PatientStatus.REFERRED });
    const leadToken = await signInAs(url(), lead);
    const created = await gql<{ createReferral: { id: string; source: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details({ interpreterNeeded: false, interpreterLanguage: null }) } }, leadToken);
    expect(created.data?.createReferral.source).toBe('SELF');
    const accepted = await gql<{ triageReferral: { patient: { careTeam: Array<{ isLead: boolean; user: { id: string } }> } } }>(
      url(), TRIAGE, { input: { referralId: created.data!.createReferral.id, outcome: 'ACCEPT', coachId: coach.id } }, leadToken,
    );
    expect(accepted.data!.triageReferral.patient.careTeam).toEqual([{ isLead: true, user: { id: coach.id } }]);
    const coachNotes = (await gql<{ myNotifications: Array<{ kind: string; title: string; link: string }> }>(url(), NOTIFS, {}, await signInAs(url(), coach))).data!.myNotifications;
    expect(coachNotes.find((n) => n.kind === 'REFERRAL_ASSIGNED')).toMatchObject({ link: `/patients/${patient.id}` });
  });

  it('accepting a referral while the team lead adds the same coach at the same moment: both are served, the coach joins once, nothing is an internal error', async () => {
    await fresh();
    const { gp, coach } = world.users;
    const [gpToken, coachToken] = [await signInAs(url(), gp), await signInAs(url(), coach)];
    const ADD = 'mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { user { id } } }';
    for (let round = 0; round < 2; round++) {
      const created = await gql<{ createReferral: { id: string; patient: { id: string } } }>(url(), CREATE, { input: { newPatient: newPatient(), details: details() } }, gpToken);
      const { id: referralId, patient } = created.data!.createReferral;
      // Both queue for the care team's turn, so each finds the team as the other left it.
      const [triage, add] = await sentWhileTurnHeld(`care-team:${patient.id}`, [
        () => gql(url(), TRIAGE, { input: { referralId, outcome: 'ACCEPT', coachId: coach.id } }, coachToken),
        () => gql(url(), ADD, { p: patient.id, u: coach.id }, gpToken),
      ]);
      expect(triage.errors).toBeUndefined();
      // Added first, or found on the team by the triage that came first.
      if (add.errors) expect([errorCode(add), add.errors[0]?.message]).toEqual(['CONFLICT', `${coach.name} is already on this care team.`]);
      const team = await ownerQuery<{ user_id: string }>('select user_id from care_team_member where patient_id = $1 and user_id = $2', [patient.id, coach.id]);
      expect(team).toHaveLength(1);
      const added = await ownerQuery<{ n: number }>("select count(*)::int as n from event where patient_id = $1 and kind = 'CARE_TEAM_MEMBER_ADDED' and payload->>'userId' = $2", [patient.id, coach.id]);
      expect(added[0]?.n).toBe(1);
    }
  });

  it('a coach deactivated while the triage waits for the care team is not assigned: refused beside the coach, the referral still awaits triage', async () => {
    await fresh();
    const { gp, lead, admin } = world.users;
    const em = server().orm.em.fork();
    const leaving = new User('Coach Leaving', `coach.leaving.${world.tag}@test.example`, '', Role.COACH, em.getReference(Organisation, world.pcn.id));
    await em.persist(leaving).flush();
    const created = await gql<{ createReferral: { id: string; patient: { id: string } } }>(url(), CREATE, { input: { newPatient: newPatient(), details: details() } }, await signInAs(url(), gp));
    const { id: referralId, patient } = created.data!.createReferral;
    const [leadToken, adminToken] = [await signInAs(url(), lead), await signInAs(url(), admin)];
    // The triage checked the coach before it queued for the care team's turn; the coach is deactivated while it waits.
    const [triage] = await sentWhileTurnHeld(`care-team:${patient.id}`, [() => gql(url(), TRIAGE, { input: { referralId, outcome: 'ACCEPT', coachId: leaving.id } }, leadToken)], {
      whileHeld: async () => {
        expect((await gql(url(), 'mutation($u: ID!) { setUserActive(userId: $u, active: false) { active } }', { u: leaving.id }, adminToken)).errors).toBeUndefined();
      },
    });
    expect([errorCode(triage), triage.errors?.[0].extensions?.field, triage.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'coachId', 'Coach Leaving no longer has an active account, so cannot be assigned this patient.']);
    expect(await stored(patient.id)).toMatchObject({ statuses: 'RECEIVED', status: 'REFERRED', members: 1 });
  });

  it('declining needs a reason, which the referrer is told; redirecting names the service; the patient is where they were', async () => {
    await fresh();
    const { gp, coach, fcp } = world.users;
    const discharged = await world.patient([gp], { status: PatientStatus.DISCHARGED });
    const gpToken = await signInAs(url(), gp);
    const coachToken = await signInAs(url(), coach);
    const first = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: discharged.id, details: details() } }, gpToken)).data!.createReferral;
    expect((await stored(discharged.id)).status).toBe('REFERRED');

    const noReason = await gql(url(), TRIAGE, { input: { referralId: first.id, outcome: 'DECLINE', reason: '  ' } }, coachToken);
    expect(errorCode(noReason)).toBe('BAD_USER_INPUT');
    expect((await stored(discharged.id)).statuses).toBe('RECEIVED');

    const declined = await gql<{ triageReferral: { status: string; declineReason: string; patient: { status: string } } }>(
      url(), TRIAGE, { input: { referralId: first.id, outcome: 'DECLINE', reason: 'Already under the specialist pain clinic' } }, coachToken,
    );
    expect(declined.data!.triageReferral).toMatchObject({ status: 'DECLINED', declineReason: 'Already under the specialist pain clinic', patient: { status: 'DISCHARGED' } });
    const note = (await gql<{ myNotifications: Array<{ kind: string; title: string; body: string }> }>(url(), NOTIFS, {}, gpToken)).data!.myNotifications.find((n) => n.kind === 'REFERRAL_TRIAGED');
    expect(note).toMatchObject({ body: 'Already under the specialist pain clinic' });
    expect(note!.title).toMatch(/was declined$/);

    // Triaged once only.
    expect(errorCode(await gql(url(), TRIAGE, { input: { referralId: first.id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken))).toBe('CONFLICT');

    const fcpPatient = await world.patient([fcp], { status: PatientStatus.REFERRED });
    const second = (await gql<{ createReferral: { id: string; source: string } }>(url(), CREATE, { input: { patientId: fcpPatient.id, details: details() } }, await signInAs(url(), fcp))).data!.createReferral;
    expect(second.source).toBe('FCP');
    expect(errorCode(await gql(url(), TRIAGE, { input: { referralId: second.id, outcome: 'REDIRECT' } }, coachToken))).toBe('BAD_USER_INPUT');
    const redirected = await gql<{ triageReferral: { status: string; redirectedTo: string } }>(url(), TRIAGE, { input: { referralId: second.id, outcome: 'REDIRECT', redirectTo: 'Community mental health team' } }, coachToken);
    expect(redirected.data!.triageReferral).toMatchObject({ status: 'REDIRECTED', redirectedTo: 'Community mental health team' });
  });

  it('a discharged patient can be re-referred: a new episode, the earlier referrals still readable', async () => {
    await fresh();
    const { gp, coach } = world.users;
    const patient = await world.patient([gp], { status: PatientStatus.REFERRED });
    const gpToken = await signInAs(url(), gp);
    const coachToken = await signInAs(url(), coach);
    const first = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details() } }, gpToken)).data!.createReferral;
    await gql(url(), TRIAGE, { input: { referralId: first.id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken);
    // While ACTIVE, another referral is refused and nothing is stored.
    const before = await stored(patient.id);
    const refused = await gql(url(), CREATE, { input: { patientId: patient.id, details: details() } }, gpToken);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(await stored(patient.id)).toEqual(before);

    // The sessions domain discharges the patient (here: as its discharge leaves the patient).
    await ownerQuery(`update patient set status = 'DISCHARGED' where id = $1`, [patient.id]);
    expect(await openEpisode(server().orm.em.fork(), patient.id)).toBeNull();
    const again = await gql<{ createReferral: { id: string; status: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details({ reason: 'Flare-up after a fall; wants support again' }) } }, gpToken);
    expect(again.errors).toBeUndefined();
    const all = (await gql<{ patientReferrals: Array<{ id: string; status: string; episodeEndedAt: string | null }> }>(url(), OF_PATIENT, { id: patient.id }, coachToken)).data!.patientReferrals;
    expect(all.map((r) => [r.id, r.status])).toEqual([[again.data!.createReferral.id, 'RECEIVED'], [first.id, 'ACCEPTED']]);
    expect(all[1].episodeEndedAt).not.toBeNull();
  });

  it('bad input is a typed error and stores nothing: missing consent, an interpreter without a language, an unknown coach, a coach of another PCN, both kinds of patient', async () => {
    await fresh();
    const { gp, coach, fcp, outsider } = world.users;
    const gpToken = await signInAs(url(), gp);
    const coachToken = await signInAs(url(), coach);
    const np = newPatient();
    const noConsent = await gql<unknown>(url(), CREATE, { input: { newPatient: np, details: details({ consentToContact: false }) } }, gpToken);
    expect(errorCode(noConsent)).toBe('BAD_USER_INPUT');
    expect(noConsent.errors![0].extensions!.field).toBe('consentToContact');
    const noLanguage = await gql<unknown>(url(), CREATE, { input: { newPatient: np, details: details({ interpreterLanguage: ' ' }) } }, gpToken);
    expect(noLanguage.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interpreterLanguage' });
    const [{ n }] = await ownerQuery<{ n: number }>('select count(*)::int as n from patient where nhs_number = $1', [np.nhsNumber]);
    expect(n).toBe(0);

    const patient = await world.patient([gp], { status: PatientStatus.REFERRED });
    expect(errorCode(await gql(url(), CREATE, { input: { patientId: patient.id, newPatient: np, details: details() } }, gpToken))).toBe('BAD_USER_INPUT');
    const referral = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details() } }, gpToken)).data!.createReferral;
    // One referral awaiting triage at a time.
    expect(errorCode(await gql(url(), CREATE, { input: { patientId: patient.id, details: details() } }, gpToken))).toBe('CONFLICT');
    const before = await stored(patient.id);
    for (const coachId of ['6f1c1d2e-0000-4000-8000-000000000000', fcp.id, outsider.id]) {
      const res = await gql<unknown>(url(), TRIAGE, { input: { referralId: referral.id, outcome: 'ACCEPT', coachId } }, coachToken);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'coachId' });
    }
    expect(errorCode(await gql(url(), TRIAGE, { input: { referralId: referral.id, outcome: 'ACCEPT' } }, coachToken))).toBe('BAD_USER_INPUT');
    expect(await stored(patient.id)).toEqual(before);
  });

  it('who sees a referral: its referrer, the PCN coaches and leads, GPs of the practice; an outsider or a GP of another practice gets NOT_FOUND', async () => {
    await fresh();
    const { gp, coach, specialist, outsider, pharm } = world.users;
    const patient = await world.patient([gp], { status: PatientStatus.REFERRED });
    await world.linkSpecialist(patient);
    const specialistToken = await signInAs(url(), specialist);
    const referral = (await gql<{ createReferral: { id: string; source: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details() } }, specialistToken)).data!.createReferral;
    expect(referral.source).toBe('SPECIALIST_SERVICE');
    // The link ends; the specialist still sees the referral they made, but not the patient's others.
    await ownerQuery('delete from specialist_link where patient_id = $1', [patient.id]);
    expect((await gql(url(), ONE, { id: referral.id }, specialistToken)).errors).toBeUndefined();
    expect(errorCode(await gql(url(), OF_PATIENT, { id: patient.id }, specialistToken))).toBe('NOT_FOUND');

    // A GP of the practice (not on the team) sees it but cannot triage it.
    const otherGp = await makeGp(world.practice);
    const practiceGpToken = await signInAs(url(), otherGp);
    expect((await gql(url(), ONE, { id: referral.id }, practiceGpToken)).errors).toBeUndefined();
    expect(errorCode(await gql(url(), TRIAGE, { input: { referralId: referral.id, outcome: 'DECLINE', reason: 'x' } }, practiceGpToken))).toBe('FORBIDDEN');
    // A pain practitioner of the practice is neither: NOT_FOUND.
    expect(errorCode(await gql(url(), ONE, { id: referral.id }, await signInAs(url(), pharm)))).toBe('NOT_FOUND');

    // An outsider (a coach of another PCN) and a GP of another practice: NOT_FOUND everywhere, as for no such id.
    const elsewhere = await makeWorld(server().orm.em.fork());
    for (const token of [await signInAs(url(), outsider), await signInAs(url(), elsewhere.users.gp)]) {
      expect(errorCode(await gql(url(), ONE, { id: referral.id }, token))).toBe('NOT_FOUND');
      expect(errorCode(await gql(url(), OF_PATIENT, { id: patient.id }, token))).toBe('NOT_FOUND');
      expect(errorCode(await gql(url(), TRIAGE, { input: { referralId: referral.id, outcome: 'ACCEPT', coachId: coach.id } }, token))).toBe('NOT_FOUND');
      expect(errorCode(await gql(url(), CREATE, { input: { patientId: patient.id, details: details() } }, token))).toBe('NOT_FOUND');
    }
    expect(errorCode(await gql(url(), ONE, { id: '0b7f6c1e-1111-4111-8111-111111111111' }, await signInAs(url(), coach)))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), `{ referralWaitingList { breachWeeks } }`, {}, practiceGpToken))).toBe('FORBIDDEN');
  });

  it("a patient reached through a referral shows the record's own fields only to those who may open the record", async () => {
    await fresh();
    const { gp, coach } = world.users;
    const patient = await world.patient([gp], { status: PatientStatus.REFERRED });
    await ownerQuery(`update patient set activation_level = 2, activation_level_set_at = now() where id = $1`, [patient.id]);
    const store = server().running.services.carePlans;
    const doc = createCarePlanDoc((await store.read(patient.id)).state);
    const before = Y.encodeStateVector(doc);
    doc.getMap('review').set('nextReviewDate', '2027-01-15');
    await store.apply(patient.id, gp.id, Y.encodeStateAsUpdate(doc, before), `review-${patient.id}`, 'test');
    const referral = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details() } }, await signInAs(url(), gp))).data!.createReferral;

    const RECORD = `query($id: ID!) { referral(id: $id) { patient { name careTeam { isLead } lead { id } nextReviewDate activationLevel activationLevelSetAt statusChanges { to } painCafes { id } viewerCan { read } } } }`;
    type Seen = { referral: { patient: { name: string; careTeam: unknown[]; lead: unknown; nextReviewDate: string | null; activationLevel: number | null; activationLevelSetAt: string | null; statusChanges: unknown[]; viewerCan: { read: boolean } } } };
    // The lead GP, on the care team, sees the record's fields through the referral as in the record.
    const onTeam = (await gql<Seen>(url(), RECORD, { id: referral.id }, await signInAs(url(), gp))).data!.referral.patient;
    expect(onTeam).toMatchObject({ careTeam: [{ isLead: true }], lead: { id: expect.any(String) }, nextReviewDate: '2027-01-15', activationLevel: 2, viewerCan: { read: true } });
    expect(onTeam.activationLevelSetAt).not.toBeNull();
    expect(onTeam.statusChanges.length).toBeGreaterThan(0);
    // A coach of the PCN triages the referral and a GP of the practice sees it; neither may open the record.
    for (const viewer of [coach, await makeGp(world.practice)]) {
      const seen = await gql<Seen>(url(), RECORD, { id: referral.id }, await signInAs(url(), viewer));
      expect(seen.errors).toBeUndefined();
      expect(seen.data!.referral.patient).toEqual({
        name: onTeam.name,
        careTeam: [],
        lead: null,
        nextReviewDate: null,
        activationLevel: null,
        activationLevelSetAt: null,
        statusChanges: [],
        painCafes: [],
        viewerCan: { read: false },
      });
    }
  });

  it('offers every coach of the PCN to assign at triage, however many colleagues sort before them', async () => {
    await fresh();
    const em = server().orm.em.fork();
    const pcn = world.users.coach.organisation;
    for (let i = 0; i < 55; i++) em.persist(new User(`Aaron ${i} ${world.tag}`, `aaron.${i}.${world.tag}@test.example`, '', Role.FCP, pcn));
    const late = new User(`Zara Williams ${world.tag}`, `zara.${world.tag}@test.example`, '', Role.COACH, pcn);
    em.persist(late);
    await em.flush();
    const token = await signInAs(url(), world.users.lead);
    const everyone = (await gql<{ colleagues: Array<{ id: string }> }>(url(), '{ colleagues { id } }', {}, token)).data!.colleagues;
    expect(everyone).toHaveLength(50);
    expect(everyone.map((u) => u.id)).not.toContain(late.id);
    const coaches = (await gql<{ colleagues: Array<{ id: string; role: string }> }>(url(), '{ colleagues(role: COACH) { id role } }', {}, token)).data!.colleagues;
    expect(coaches.map((u) => u.id)).toEqual(expect.arrayContaining([world.users.coach.id, late.id]));
    expect(new Set(coaches.map((u) => u.role))).toEqual(new Set(['COACH']));
    expect(coaches.map((u) => u.id)).not.toContain(world.users.outsider.id);
  });

  it("a referral is announced to the PCN's active coaches and service leads, and its triage to those who did not do it; nobody else is told", async () => {
    await fresh();
    const { gp, coach, lead, outsider, fcp } = world.users;
    const colleague = await makeUser('Colleague Coach', Role.COACH, world.pcn);
    const gone = await makeUser('Former Coach', Role.COACH, world.pcn, false);
    const patient = await world.patient([gp], { givenName: 'Siân', familyName: `Told ${world.tag}`, status: PatientStatus.REFERRED });
    const referral = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: patient.id, details: details() } }, await signInAs(url(), gp))).data!.createReferral;
    const received = async (user: User) => (await notes(user)).filter((n) => n.kind === 'REFERRAL_RECEIVED' && n.title.includes(`Told ${world.tag}`));

    for (const user of [coach, lead, colleague]) {
      expect(await received(user)).toEqual([{ kind: 'REFERRAL_RECEIVED', title: `New referral: Siân Told ${world.tag}`, body: expect.stringMatching(/^From GP\. Reason: Widespread pain/), link: '/referrals' }]);
    }
    // The referrer made it; another PCN's coach, a physio and a deactivated coach have no part in triage.
    for (const user of [gp, outsider, fcp]) expect(await received(user)).toEqual([]);
    const [{ n }] = await ownerQuery<{ n: number }>(`select count(*)::int as n from notification where recipient_id = $1`, [gone.id]);
    expect(n).toBe(0);

    // The colleague accepts it for the coach: the coach is assigned, the lead is told it was triaged, the referrer the outcome.
    const accepted = await gql(url(), TRIAGE, { input: { referralId: referral.id, outcome: 'ACCEPT', coachId: coach.id } }, await signInAs(url(), colleague));
    expect(accepted.errors).toBeUndefined();
    const triaged = async (user: User) => (await notes(user)).filter((n) => n.kind === 'REFERRAL_TRIAGED' || n.kind === 'REFERRAL_ASSIGNED').map((n) => [n.kind, n.title]);
    expect(await triaged(lead)).toEqual([['REFERRAL_TRIAGED', `Colleague Coach accepted the referral of Siân Told ${world.tag}`]]);
    expect(await triaged(coach)).toEqual([['REFERRAL_ASSIGNED', `Siân Told ${world.tag} was referred to you`]]);
    expect(await triaged(gp)).toEqual([['REFERRAL_TRIAGED', `Your referral of Siân Told ${world.tag} was accepted`]]);
    expect(await triaged(colleague)).toEqual([]);
    expect(await triaged(outsider)).toEqual([]);
  });

  async function notes(user: User) {
    return (await gql<{ myNotifications: Array<{ kind: string; title: string; body: string; link: string }> }>(url(), NOTIFS, {}, await signInAs(url(), user))).data!.myNotifications;
  }

  /** Another user of `org` (active unless told otherwise). */
  async function makeUser(name: string, role: Role, org: World['pcn'], active = true) {
    const em = server().orm.em.fork();
    const u = new User(name, `${name.toLowerCase().replace(/\W+/g, '.')}.${world.tag}@test.example`, world.users.gp.passwordHash, role, em.getReference(Organisation, org.id));
    u.active = active;
    await em.persist(u).flush();
    return u;
  }

  /** A second GP at the same practice, not on the patient's team. */
  async function makeGp(practice: World['practice']) {
    const em = server().orm.em.fork();
    const u = new User('Second GP', `gp2.${world.tag}@test.example`, world.users.gp.passwordHash, Role.GP, em.getReference(Organisation, practice.id));
    await em.persist(u).flush();
    return u;
  }
});
