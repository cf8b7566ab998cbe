import { describe, expect, it } from 'vitest';
import { auditedPatients, errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { sql } from '../platform/sql.js';
import { appendEvent } from '../events/event-log.js';
import { registerBuiltInCriteria } from './built-in-criteria.js';
import { CriterionRegistry, type CriterionDefinition } from './criteria.js';
import { runCaseSearch } from './case-search.service.js';
import { addMonths, ukToday } from '../platform/uk-dates.js';

const SAVE = `mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { id name criteria { kind summary values min max date } results { patient { id name } lastContactAt invitation { status } } } }`;
const SEARCH = `query($id: ID!) { caseSearch(id: $id) { id results { patient { id } invitation { id status channel } } invitations { id status channel sentBy { name } referralId patient { id } } } }`;
const INVITE = `mutation($input: InvitePatientsInput!) { invitePatients(input: $input) { id status channel sentBy { name } } }`;
const ANSWER = `mutation($input: AnswerInvitationInput!) { answerInvitation(input: $input) { id status statusBy { name } referralId joinedExistingReferral } }`;
const ADD_MED = `mutation($input: AddMedicationInput!) { addMedication(input: $input) { id omeMgPerDay } }`;
const referralDetails = { reason: 'Found by case finding: fibromyalgia, frequent GP visits', wantsHelpWith: 'Sleeping and managing flare-ups', consentToContact: true, contactMethod: 'PHONE' };

describe('case finding and invitations', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;

  const patients = async () => {
    world = await makeWorld(server().orm.em.fork());
    const { gp, coach } = world.users;
    const em = server().orm.em.fork();
    const secondPractice = new Organisation(`Second practice ${world.tag}`, OrganisationKind.GP_PRACTICE, em.getReference(Organisation, world.pcn.id));
    await em.persist(secondPractice).flush();
    const fibro = await world.patient([gp], { familyName: `Fibro ${world.tag}`, conditions: ['Fibromyalgia'], status: PatientStatus.REFERRED });
    const back = await world.patient([gp], { familyName: `Back ${world.tag}`, conditions: ['Chronic low back pain'], status: PatientStatus.DISCHARGED });
    const active = await world.patient([coach], { familyName: `Active ${world.tag}`, conditions: ['Fibromyalgia'], status: PatientStatus.ACTIVE });
    const old = await world.patient([gp], { familyName: `Old ${world.tag}`, conditions: ['Fibromyalgia'], status: PatientStatus.REFERRED });
    await ownerQuery(`update patient set date_of_birth = '1930-01-01' where id = $1`, [old.id]);
    const elsewhere = await world.patient([gp], { familyName: `Elsewhere ${world.tag}`, conditions: ['Fibromyalgia'], status: PatientStatus.REFERRED });
    await ownerQuery('update patient set practice_id = $2 where id = $1', [elsewhere.id, secondPractice.id]);
    return { fibro, back, active, old, elsewhere, secondPractice };
  };

  it("a coach saves a search over the PCN's patients by condition, age band, practice, not on the programme and last contact", async () => {
    const { fibro, back, active, old, elsewhere, secondPractice } = await patients();
    const token = await signInAs(url(), world.users.coach);
    const save = (criteria: unknown[], name = `Search ${Math.random()}`) => gql<{ saveCaseSearch: { id: string; criteria: Array<{ kind: string; summary: string }>; results: Array<{ patient: { id: string } }> } }>(url(), SAVE, { input: { name, criteria } }, token);
    const ids = (r: Awaited<ReturnType<typeof save>>) => {
      expect(r.errors).toBeUndefined();
      return r.data!.saveCaseSearch.results.map((m) => m.patient.id).sort();
    };

    const byCondition = await save([{ kind: 'CONDITIONS', values: ['Fibromyalgia'] }, { kind: 'NOT_ON_PROGRAMME' }], 'Fibromyalgia, not on the programme');
    expect(byCondition.errors).toBeUndefined();
    expect(byCondition.data!.saveCaseSearch.criteria.map((c) => c.summary)).toEqual(['Has Fibromyalgia', 'Not on the programme']);
    expect(ids(byCondition)).toEqual([fibro.id, old.id, elsewhere.id].sort());
    // Each patient a search showed is in the audit trail as seen by the coach who ran it.
    expect(await auditedPatients(world.users.coach.id, 'caseSearch.match')).toEqual([fibro.id, old.id, elsewhere.id].sort());
    expect(ids(await save([{ kind: 'CONDITIONS', values: ['Fibromyalgia'] }, { kind: 'AGE_BAND', min: 18, max: 75 }, { kind: 'NOT_ON_PROGRAMME' }]))).toEqual([fibro.id, elsewhere.id].sort());
    expect(ids(await save([{ kind: 'PRACTICE', values: [secondPractice.id] }]))).toEqual([elsewhere.id]);
    // Nobody has had contact yet (no events on their records) but the one given an entry now.
    await server().orm.em.fork().transactional((tx) => appendEvent(tx, { patientId: back.id, kind: 'THREAD_RESOLVED', actorId: world.users.gp.id, payload: { threadId: back.id } }));
    // What Cairn records by itself is not contact: an unanswered invitation marked so, a handover escalated.
    await server().orm.em.fork().transactional((tx) => appendEvent(tx, { patientId: fibro.id, kind: 'HANDOVER_ESCALATED', actorId: null, payload: { handoverId: fibro.id, urgency: 'SOON', escalatedTo: [] } }));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const noContact = ids(await save([{ kind: 'NO_CONTACT_SINCE', date: '2000-01-01' }, { kind: 'CONDITIONS', values: ['Chronic low back pain', 'Fibromyalgia'] }]));
    expect(noContact).toEqual([fibro.id, active.id, old.id, elsewhere.id].sort());
    const sinceTomorrow = await save([{ kind: 'NO_CONTACT_SINCE', date: tomorrow }]);
    expect(ids(sinceTomorrow)).toContain(back.id);
    const contacted = (sinceTomorrow.data!.saveCaseSearch.results as Array<{ patient: { id: string }; lastContactAt: string | null }>).find((m) => m.patient.id === back.id)!;
    expect(Date.now() - Date.parse(contacted.lastContactAt!)).toBeLessThan(60_000);
    // "Since 1 July" starts at midnight in the UK: contact at 00:30 BST on 1 July (23:30 UTC on 30 June) is contact
    // since then, and contact at 23:30 BST on 30 June is not.
    const contactAt = async (at: string) => {
      const patient = await world.patient([world.users.gp], { familyName: `Seen ${at} ${world.tag}` });
      await ownerQuery(
        `with c as (update event_counter set last_seq = last_seq + 1 returning last_seq)
         insert into event (seq, patient_id, kind, actor_id, payload, created_at) select c.last_seq, $1, 'THREAD_RESOLVED', $2, '{}'::jsonb, $3 from c`,
        [patient.id, world.users.gp.id, at],
      );
      return patient.id;
    };
    const justAfter = await contactAt('2026-06-30T23:30:00Z');
    const justBefore = await contactAt('2026-06-30T22:30:00Z');
    const sinceJuly = ids(await save([{ kind: 'NO_CONTACT_SINCE', date: '2026-07-01' }]));
    expect(sinceJuly).toContain(justBefore);
    expect(sinceJuly).not.toContain(justAfter);

    // Bad criteria: typed errors, nothing saved.
    for (const criteria of [[{ kind: 'NONSENSE' }], [{ kind: 'AGE_BAND', min: 70, max: 20 }], [{ kind: 'CONDITIONS', values: [] }], [{ kind: 'NOT_ON_PROGRAMME' }, { kind: 'NOT_ON_PROGRAMME' }], [{ kind: 'NO_CONTACT_SINCE', date: '2024-02-30' }]]) {
      expect(errorCode(await save(criteria, 'Bad one'))).toBe('BAD_USER_INPUT');
    }
    expect(errorCode(await save([{ kind: 'NOT_ON_PROGRAMME' }], 'Fibromyalgia, not on the programme'))).toBe('CONFLICT');
    const [{ n }] = await ownerQuery<{ n: number }>(`select count(*)::int as n from case_search where owner_id = $1 and name = 'Bad one'`, [world.users.coach.id]);
    expect(n).toBe(0);

    // Searches are their owner's; others (a GP; an outsider) cannot run or see them.
    const searchId = byCondition.data!.saveCaseSearch.id;
    expect(errorCode(await gql(url(), SEARCH, { id: searchId }, await signInAs(url(), world.users.lead)))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), SEARCH, { id: searchId }, await signInAs(url(), world.users.outsider)))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), SEARCH, { id: searchId }, await signInAs(url(), world.users.gp)))).toBe('FORBIDDEN');
  });

  it("the analgesia review's opioid dose is one more criterion; another can be registered without changing the search", async () => {
    const { fibro, old } = await patients();
    const { pharm, gp, coach } = world.users;
    // The practitioner records morphine 60 mg twice daily (120 mg OME) for one patient.
    await gql(url(), `mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { id } }`, { p: fibro.id, u: pharm.id }, await signInAs(url(), gp));
    const med = await gql<{ addMedication: { omeMgPerDay: number } }>(url(), ADD_MED, {
      input: { patientId: fibro.id, medicineCode: 'morphine', form: 'modified-release tablet', strength: '60 mg', dose: 60, frequency: 'twice daily', startDate: addMonths(ukToday(), -3), prescriber: 'Dr A Example' },
    }, await signInAs(url(), pharm));
    expect(med.data?.addMedication.omeMgPerDay).toBe(120);
    const token = await signInAs(url(), coach);
    const save = async (min: number) =>
      (await gql<{ saveCaseSearch: { results: Array<{ patient: { id: string } }> } }>(url(), SAVE, { input: { name: `Opioids ${min}`, criteria: [{ kind: 'OPIOID_DOSE_AT_LEAST', min }] } }, token)).data!.saveCaseSearch.results.map((r) => r.patient.id);
    expect(await save(90)).toEqual([fibro.id]);
    expect(await save(121)).toEqual([]);

    // A criterion from elsewhere: activation level at most N, registered beside the built-in ones.
    interface ActivationAtMost { kind: 'ACTIVATION_AT_MOST'; level: number }
    const activation: CriterionDefinition<ActivationAtMost> = {
      kind: 'ACTIVATION_AT_MOST',
      label: 'Activation level at most',
      fields: { max: 'Level 1–4' },
      parse: ({ max }) => ({ kind: 'ACTIVATION_AT_MOST', level: max ?? 4 }),
      toSql: (c) => sql`p.activation_level <= ${c.level}`,
      toFields: (c) => ({ values: [], min: null, max: c.level, date: null }),
      describe: (c) => `Activation level ${c.level} or lower`,
    };
    const registry = registerBuiltInCriteria(new CriterionRegistry()).register(activation);
    await ownerQuery('update patient set activation_level = 1 where id = $1', [old.id]);
    const criteria = registry.parseAll([{ kind: 'ACTIVATION_AT_MOST', max: 2 }, { kind: 'CONDITIONS', values: ['Fibromyalgia'] }]);
    const matches = await runCaseSearch(server().orm.em.fork(), registry, { pcnId: world.pcn.id, criteria });
    expect(matches.map((m) => m.patient.id)).toEqual([old.id]);
  });

  it('invitations from a search: channel and sender recorded; accepting makes the referral, declining does not; bad input and outsiders refused', async () => {
    const { fibro, old, active, elsewhere } = await patients();
    const { coach, outsider } = world.users;
    const token = await signInAs(url(), coach);
    const searchId = (await gql<{ saveCaseSearch: { id: string } }>(url(), SAVE, { input: { name: 'Fibro', criteria: [{ kind: 'CONDITIONS', values: ['Fibromyalgia'] }, { kind: 'NOT_ON_PROGRAMME' }] } }, token)).data!.saveCaseSearch.id;
    const invitationCount = async () => (await ownerQuery<{ n: number }>('select count(*)::int as n from invitation where search_id = $1', [searchId]))[0].n;

    // An ACTIVE patient cannot be invited; an outsider's patient is not found; nothing is stored either way.
    expect(errorCode(await gql(url(), INVITE, { input: { searchId, patientIds: [fibro.id, active.id], channel: 'SMS' } }, token))).toBe('CONFLICT');
    const otherWorld = await makeWorld(server().orm.em.fork());
    const foreign = await otherWorld.patient([otherWorld.users.gp], { status: PatientStatus.REFERRED });
    expect(errorCode(await gql(url(), INVITE, { input: { searchId, patientIds: [fibro.id, foreign.id], channel: 'SMS' } }, token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), INVITE, { input: { searchId, patientIds: [fibro.id], channel: 'SMS' } }, await signInAs(url(), outsider)))).toBe('NOT_FOUND');
    expect(await invitationCount()).toBe(0);

    // An id in capitals is the same patient, and the same patient twice is one invitation.
    const asked = [fibro.id, old.id.toUpperCase(), elsewhere.id, fibro.id.toUpperCase()];
    const sent = await gql<{ invitePatients: Array<{ id: string; status: string; channel: string; sentBy: { name: string } }> }>(url(), INVITE, { input: { searchId, patientIds: asked, channel: 'LETTER' } }, token);
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.invitePatients.map((i) => [i.status, i.channel, i.sentBy.name])).toEqual(Array(3).fill(['INVITED', 'LETTER', coach.name]));
    // One open invitation per patient.
    expect(errorCode(await gql(url(), INVITE, { input: { searchId, patientIds: [fibro.id], channel: 'PHONE' } }, token))).toBe('CONFLICT');
    const [toFibro, toOld] = sent.data!.invitePatients;

    // Accepting needs the referral's details (with consent); then it makes the referral.
    expect(errorCode(await gql(url(), ANSWER, { input: { invitationId: toFibro.id, answer: 'ACCEPTED' } }, token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(url(), ANSWER, { input: { invitationId: toFibro.id, answer: 'ACCEPTED', referral: { ...referralDetails, consentToContact: false } } }, token))).toBe('BAD_USER_INPUT');
    expect((await ownerQuery<{ n: number }>('select count(*)::int as n from referral where patient_id = $1', [fibro.id]))[0].n).toBe(0);
    const accepted = await gql<{ answerInvitation: { status: string; referralId: string; statusBy: { name: string } } }>(url(), ANSWER, { input: { invitationId: toFibro.id, answer: 'ACCEPTED', referral: referralDetails } }, token);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.answerInvitation).toMatchObject({ status: 'ACCEPTED', statusBy: { name: coach.name }, joinedExistingReferral: false });
    const referral = await gql<{ referral: { source: string; status: string; patient: { id: string; status: string } } }>(url(), `query($id: ID!) { referral(id: $id) { source status patient { id status } } }`, { id: accepted.data!.answerInvitation.referralId }, token);
    expect(referral.data!.referral).toEqual({ source: 'PROACTIVE_INVITATION', status: 'RECEIVED', patient: { id: fibro.id, status: 'REFERRED' } });
    expect(errorCode(await gql(url(), ANSWER, { input: { invitationId: toFibro.id, answer: 'DECLINED' } }, token))).toBe('CONFLICT');
    // Her referral awaits triage: a colleague's screen from before cannot invite her again.
    const again = await gql(url(), INVITE, { input: { searchId, patientIds: [fibro.id], channel: 'SMS' } }, token);
    expect([errorCode(again), again.errors?.[0].message]).toEqual(['CONFLICT', `${fibro.givenName} ${fibro.familyName} has been referred to the programme already, or is on it: there is no need to invite them.`]);

    const declined = await gql<{ answerInvitation: { status: string; referralId: string | null } }>(url(), ANSWER, { input: { invitationId: toOld.id, answer: 'DECLINED' } }, token);
    expect(declined.data!.answerInvitation).toEqual({ id: toOld.id, status: 'DECLINED', statusBy: { name: coach.name }, referralId: null, joinedExistingReferral: false });
    expect(errorCode(await gql(url(), ANSWER, { input: { invitationId: toOld.id, answer: 'DECLINED' } }, await signInAs(url(), outsider)))).toBe('NOT_FOUND');

    const view = (await gql<{ caseSearch: { invitations: Array<{ status: string; patient: { id: string } }> } }>(url(), SEARCH, { id: searchId }, token)).data!.caseSearch;
    expect(view.invitations.map((i) => i.status).sort()).toEqual(['ACCEPTED', 'DECLINED', 'INVITED']);
    // The invitations list names each patient: each is in the audit trail as seen by the coach, as the matches are.
    expect(await auditedPatients(coach.id, 'caseSearch.invitations')).toEqual([fibro.id, old.id, elsewhere.id].sort());
    const timeline = (await gql<{ timeline: { nodes: Array<{ kind: string }> } }>(url(), `query($id: ID!) { timeline(patientId: $id) { nodes { kind } } }`, { id: fibro.id }, await signInAs(url(), world.users.gp))).data!.timeline.nodes.map((e) => e.kind);
    expect(timeline).toEqual(expect.arrayContaining(['INVITATION_SENT', 'INVITATION_ANSWERED', 'REFERRAL_RECEIVED']));
  });

  it('"Accepted" on an invitation whose patient was referred another way meanwhile links it to that referral, awaiting triage or accepted, and makes no other', async () => {
    const { fibro, old } = await patients();
    const { coach, gp } = world.users;
    const token = await signInAs(url(), coach);
    const searchId = (await gql<{ saveCaseSearch: { id: string } }>(url(), SAVE, { input: { name: 'Fibro', criteria: [{ kind: 'CONDITIONS', values: ['Fibromyalgia'] }, { kind: 'NOT_ON_PROGRAMME' }] } }, token)).data!.saveCaseSearch.id;
    const sent = (await gql<{ invitePatients: Array<{ id: string }> }>(url(), INVITE, { input: { searchId, patientIds: [fibro.id, old.id], channel: 'LETTER' } }, token)).data!.invitePatients;
    // Their GP refers both; the second is accepted onto the programme.
    const gpToken = await signInAs(url(), gp);
    const refer = async (patientId: string) => (await gql<{ createReferral: { id: string } }>(url(), `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`, { input: { patientId, details: referralDetails } }, gpToken)).data!.createReferral.id;
    const [awaiting, accepted] = [await refer(fibro.id), await refer(old.id)];
    expect((await gql(url(), `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id } }`, { input: { referralId: accepted, outcome: 'ACCEPT', coachId: coach.id } }, token)).errors).toBeUndefined();

    for (const [invitation, referralId, patientId] of [[sent[0], awaiting, fibro.id], [sent[1], accepted, old.id]] as const) {
      const answered = await gql<{ answerInvitation: { status: string; referralId: string; joinedExistingReferral: boolean } }>(url(), ANSWER, { input: { invitationId: invitation.id, answer: 'ACCEPTED', referral: referralDetails } }, token);
      expect(answered.errors).toBeUndefined();
      // The answer says so, so the screen can tell whoever recorded it that the details they gave were not used.
      expect(answered.data!.answerInvitation).toMatchObject({ status: 'ACCEPTED', referralId, joinedExistingReferral: true });
      expect((await ownerQuery<{ n: number }>('select count(*)::int as n from referral where patient_id = $1', [patientId]))[0].n).toBe(1);
    }
  });

  it('each match says whether the patient was referred already (awaiting triage) or is on the programme, so the rest can still be invited', async () => {
    const { fibro, active, old, elsewhere } = await patients();
    const token = await signInAs(url(), world.users.coach);
    await gql(url(), `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`, { input: { patientId: fibro.id, details: referralDetails } }, await signInAs(url(), world.users.gp));
    const saved = await gql<{ saveCaseSearch: { results: Array<{ patient: { id: string }; alreadyReferred: boolean }> } }>(
      url(), `mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { results { patient { id } alreadyReferred } } }`, { input: { name: 'Fibromyalgia', criteria: [{ kind: 'CONDITIONS', values: ['Fibromyalgia'] }] } }, token,
    );
    expect(saved.errors).toBeUndefined();
    const flags = Object.fromEntries(saved.data!.saveCaseSearch.results.map((m) => [m.patient.id, m.alreadyReferred]));
    expect(flags).toEqual({ [fibro.id]: true, [active.id]: true, [old.id]: false, [elsewhere.id]: false });
  });
});
