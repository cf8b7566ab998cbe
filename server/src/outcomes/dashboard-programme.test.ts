import { beforeAll, describe, expect, it } from 'vitest';
import { PatientStatus } from '../patients/patient.entity.js';
import { errorCode, gql, gqlData, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';

const CREATE_REFERRAL = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id } }`;
const BOOK = `mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }`;
const RECORD_SESSION = `mutation($input: RecordSessionInput!) { recordSession(input: $input) { detail { session { id } } } }`;
const CANCEL_SESSION = `mutation($input: CancelSessionInput!) { cancelSession(input: $input) { session { id } } }`;
const CREATE_CAFE = `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id } }`;
const REGISTER = `mutation($cafe: ID!, $patient: ID!) { registerPatientForPainCafe(cafeId: $cafe, patientId: $patient) { id } }`;
const ATTEND = `mutation($id: ID!, $a: PainCafeAttendance!) { recordPainCafeAttendance(input: { registrationId: $id, attendance: $a }) { id } }`;
const FIG = '{ value n }';
const PROGRAMME = `referralsReceived referralsAccepted sessionsAttended sessionsDna dnaRatePercent ${FIG} cafeAttendances cafePatients`;
const DASHBOARD = `query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) { total { patients ${PROGRAMME} } rows { label ${PROGRAMME} } } }`;
const OPTIONS = '{ dashboardFilterOptions { practices { id name } leads { id name } conditions } }';
const CSV = 'query($f: DashboardFilterInput!) { serviceDashboardCsv(filter: $f) }';

const details = { reason: 'Widespread pain for three years', wantsHelpWith: 'Getting back to the choir', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Mornings' };
const days = (n: number) => new Date(Date.now() + n * 86_400_000);

/**
 * The programme's figures (referrals, sessions and their DNA rate, Pain Café attendance), made through the API
 * as a team would make them, then moved to known dates with the owner's SQL (the API books only the future).
 */
describe('the service dashboard: the programme', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  let tokens: Record<'gp' | 'coach' | 'lead', string>;
  const ok = <T,>(query: string, variables: Record<string, unknown>, token: string): Promise<T> => gqlData<T>(url(), query, variables, token);
  const dashboard = async (f: Record<string, unknown>, token = tokens.lead) =>
    (await ok<{ serviceDashboard: { total: Record<string, unknown>; rows: Array<Record<string, unknown>> } }>(DASHBOARD, { f }, token)).serviceDashboard;

  /** A session booked through the API, moved to `on` (a UK date, 10:00) and recorded, or left booked. */
  let slot = 0;
  const session = async (patientId: string, on: string, outcome: 'ATTENDED' | 'DNA' | 'BOOKED' | 'CANCELLED') => {
    const startsAt = days(30 + slot++);
    const asBooked = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString() };
    const booked = await ok<{ bookSession: { session: { id: string } } }>(BOOK, { input: { patientId, coachId: world.users.coach.id, ...asBooked, mode: 'PHONE', purpose: 'Pacing' } }, tokens.coach);
    const id = booked.bookSession.session.id;
    if (outcome === 'CANCELLED') return ok(CANCEL_SESSION, { input: { sessionId: id, cancelledBy: 'PATIENT', reason: 'Unwell', seen: asBooked } }, tokens.coach);
    const [moved] = await ownerQuery<{ starts_at: Date; ends_at: Date }>(
      `update coaching_session set starts_at = ($2 || ' 10:00 Europe/London')::timestamptz, ends_at = ($2 || ' 10:45 Europe/London')::timestamptz where id = $1 returning starts_at, ends_at`,
      [id, on],
    );
    const seen = { startsAt: moved!.starts_at.toISOString(), endsAt: moved!.ends_at.toISOString() };
    if (outcome !== 'BOOKED') await ok(RECORD_SESSION, { input: { sessionId: id, outcome, discussed: outcome === 'ATTENDED' ? 'Pacing the garden work' : '', seen } }, tokens.coach);
  };
  /** A café held on `on`, with each patient's attendance as recorded. */
  const cafe = async (on: string, attendance: Array<[string, 'ATTENDED' | 'DID_NOT_ATTEND']>) => {
    const startsAt = days(60 + slot++);
    const { createPainCafe } = await ok<{ createPainCafe: { id: string } }>(
      CREATE_CAFE,
      { input: { title: 'Pain Café', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(), venue: 'Community Hall', capacity: 10, facilitatorIds: [world.users.coach.id] } },
      tokens.coach,
    );
    const places = [];
    for (const [patientId] of attendance) places.push((await ok<{ registerPatientForPainCafe: { id: string } }>(REGISTER, { cafe: createPainCafe.id, patient: patientId }, tokens.coach)).registerPatientForPainCafe.id);
    await ownerQuery(`update pain_cafe set starts_at = ($2 || ' 14:00 Europe/London')::timestamptz, ends_at = ($2 || ' 16:00 Europe/London')::timestamptz where id = $1`, [createPainCafe.id, on]);
    for (const [i, [, a]] of attendance.entries()) await ok(ATTEND, { id: places[i], a }, tokens.coach);
  };

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    const { gp, coach, lead } = world.users;
    tokens = { gp: await signInAs(url(), gp), coach: await signInAs(url(), coach), lead: await signInAs(url(), lead) };
    const patients = [];
    for (let i = 0; i < 4; i++) patients.push(await world.patient([coach, gp], { status: PatientStatus.REFERRED, conditions: [i % 2 ? 'Fibromyalgia' : 'Chronic low back pain'] }));
    const referrals = [];
    for (const p of patients) referrals.push((await ok<{ createReferral: { id: string } }>(CREATE_REFERRAL, { input: { patientId: p.id, details } }, tokens.gp)).createReferral.id);
    await ok(TRIAGE, { input: { referralId: referrals[0], outcome: 'ACCEPT', coachId: coach.id } }, tokens.coach);
    await ok(TRIAGE, { input: { referralId: referrals[1], outcome: 'ACCEPT', coachId: coach.id } }, tokens.coach);
    await ok(TRIAGE, { input: { referralId: referrals[2], outcome: 'DECLINE', reason: 'Would be better served by the specialist pain service first.' } }, tokens.coach);
    // The second accepted referral arrived in January; the others today.
    await ownerQuery(`update referral set received_at = '2026-01-10 09:00 Europe/London' where id = $1`, [referrals[1]]);

    const [a, b] = patients;
    await session(a.id, '2026-02-03', 'ATTENDED');
    await session(a.id, '2026-02-10', 'DNA');
    await session(a.id, '2026-03-03', 'ATTENDED');
    await session(b.id, '2026-02-05', 'ATTENDED');
    await session(b.id, '2026-02-12', 'BOOKED'); // held but never recorded: counts in neither
    await session(b.id, '', 'CANCELLED');
    await cafe('2026-02-20', [[a.id, 'ATTENDED'], [b.id, 'DID_NOT_ATTEND']]);
    await cafe('2026-03-20', [[a.id, 'ATTENDED']]);
  });

  it('counts referrals, sessions delivered, the DNA rate over recorded sessions and Pain Café attendance, over all time and in a period', async () => {
    const all = await dashboard({});
    expect(all.total).toMatchObject({
      referralsReceived: 4,
      referralsAccepted: 2,
      sessionsAttended: 3,
      sessionsDna: 1,
      dnaRatePercent: { value: 25, n: 4 },
      cafeAttendances: 2,
      cafePatients: 1,
    });
    // February: no referral arrived (one in January, three today); two sessions attended and one DNA; one café place.
    const february = await dashboard({ from: '2026-02-01', to: '2026-02-28' });
    expect(february.total).toMatchObject({
      referralsReceived: 0,
      referralsAccepted: 0,
      sessionsAttended: 2,
      sessionsDna: 1,
      dnaRatePercent: { value: 33.3, n: 3 },
      cafeAttendances: 1,
      cafePatients: 1,
    });
    // By condition: the patients alternate between two, and each group has its own share.
    const byCondition = await dashboard({ groupBy: 'CONDITION' });
    expect(byCondition.rows.map((r) => [r.label, r.sessionsAttended, r.sessionsDna, r.referralsReceived])).toEqual([
      ['Chronic low back pain', 2, 1, 2],
      ['Fibromyalgia', 1, 0, 2],
    ]);
    // A period with nothing recorded: the rate has no sessions to be computed over.
    expect((await dashboard({ from: '2025-01-01', to: '2025-01-31' })).total).toMatchObject({ sessionsAttended: 0, dnaRatePercent: { value: null, n: 0 } });
  });

  it("offers the practices, leads and conditions of the asker's patients as filters, and exports the programme's figures", async () => {
    const options = (await ok<{ dashboardFilterOptions: { practices: Array<{ id: string }>; leads: Array<{ id: string; name: string }>; conditions: string[] } }>(OPTIONS, {}, tokens.lead)).dashboardFilterOptions;
    expect(options.practices.map((p) => p.id)).toEqual([world.practice.id]);
    expect(options.leads.map((l) => l.name)).toContain(world.users.coach.name);
    expect(options.conditions).toEqual(['Chronic low back pain', 'Fibromyalgia']);
    // Another PCN's lead is offered nothing of this one.
    const other = await makeWorld(server().orm.em.fork());
    const theirs = (await ok<{ dashboardFilterOptions: { practices: Array<{ id: string }> } }>(OPTIONS, {}, await signInAs(url(), other.users.lead))).dashboardFilterOptions;
    expect(theirs.practices.map((p) => p.id)).not.toContain(world.practice.id);
    expect(errorCode(await gql(url(), OPTIONS, {}, tokens.gp))).toBe('FORBIDDEN');

    const csv = (await ok<{ serviceDashboardCsv: string }>(CSV, { f: {} }, tokens.lead)).serviceDashboardCsv;
    const lines = csv.trim().split('\r\n');
    const [header, total] = lines.slice(lines.findIndex((l) => l.startsWith('Group,'))).map((l) => l.split(','));
    const column = (name: string) => total[header.indexOf(name)];
    expect([column('Referrals received'), column('Sessions delivered'), column('Sessions DNA'), column('DNA rate (%)'), column('Sessions recorded'), column('Pain Café attendances')]).toEqual(['4', '3', '1', '25', '4', '2']);
  });

  it("counts a patient once in a condition's group, even where their record names the condition twice", async () => {
    const patient = await world.patient([world.users.coach, world.users.gp], { status: PatientStatus.REFERRED, conditions: ['Sciatica'] });
    // The API keeps a patient's conditions distinct; the dashboard does not rely on it.
    await ownerQuery(`update patient set conditions = array['Sciatica', 'Sciatica'] where id = $1`, [patient.id]);
    await ok(CREATE_REFERRAL, { input: { patientId: patient.id, details } }, tokens.gp);
    const byCondition = await ok<{ serviceDashboard: { rows: Array<{ label: string; patients: number; referralsReceived: number }> } }>(
      'query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) { rows { label patients referralsReceived } } }',
      { f: { groupBy: 'CONDITION', condition: 'Sciatica' } },
      tokens.lead,
    );
    expect(byCondition.serviceDashboard.rows).toEqual([{ label: 'Sciatica', patients: 1, referralsReceived: 1 }]);
  });
});
