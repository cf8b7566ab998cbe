import { describe, expect, it } from 'vitest';
import { episodeStartFor, patientSeries } from '../outcomes/outcome.service.js';
import { gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';
import { recordedSessions } from '../sessions/cadence.service.js';
import { openEpisode } from './referral.service.js';
import { ukDate } from '../platform/uk-dates.js';

const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id patient { id } } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id status } }`;
const DISCHARGE = `mutation($input: DischargePatientInput!) { dischargePatient(input: $input) { id } }`;
const RECORD = `mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id score } }`;
const OF_PATIENT = `query($id: ID!) { patientReferrals(patientId: $id) { id status episodeEndedAt } }`;
const RECORD_SESSION = `mutation($input: RecordSessionInput!) { recordSession(input: $input) { dnaAlert } }`;
const DRAFT = `query($id: ID!) { dischargeDraft(patientId: $id, reason: GOALS_MET) { summary attended dnas } }`;
const DASHBOARD = `query { serviceDashboard(filter: {}) { total { patients pseqChangePoints { value n } } } }`;

const details = { reason: 'Low back pain for two years', wantsHelpWith: 'Gardening again', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Afternoons' };
const pseq = (answers: number[], measuredOn: string) => ({ instrument: 'PSEQ_10', answers, measuredOn });

describe('episodes of care', () => {
  const server = useTestServer();
  const url = () => server().url;

  it('a discharge ends the episode; a re-referral starts a new one, and the patient’s measures are charted from its start', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { gp, coach } = world.users;
    const [gpToken, coachToken] = [await signInAs(url(), gp), await signInAs(url(), coach)];
    const newPatient = { nhsNumber: uniqueNhsNumber(), givenName: 'Owen', familyName: `Parry ${world.tag}`, dateOfBirth: '1961-06-14', practiceId: world.practice.id, conditions: ['Chronic low back pain'] };
    const first = (await gql<{ createReferral: { id: string; patient: { id: string } } }>(url(), CREATE, { input: { newPatient, details } }, gpToken)).data!.createReferral;
    const patientId = first.patient.id;
    expect((await gql(url(), TRIAGE, { input: { referralId: first.id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken)).errors).toBeUndefined();
    // The first episode began in January; a PSEQ from February belongs to it.
    await ownerQuery(`update referral set received_at = '2026-01-05T10:00:00Z' where id = $1`, [first.id]);
    expect((await gql(url(), RECORD, { input: { patientId, ...pseq([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], '2026-02-01') } }, coachToken)).errors).toBeUndefined();
    const em = () => server().orm.em.fork();
    expect(await episodeStartFor(em(), patientId)).toBe('2026-01-05');
    expect((await patientSeries(em(), patientId)).find((s) => s.instrument === 'PSEQ_10')?.points).toHaveLength(1);
    expect((await openEpisode(em(), patientId))?.id).toBe(first.id);
    // The first episode's later PSEQ, an attended session and a DNA that ended it.
    expect((await gql(url(), RECORD, { input: { patientId, ...pseq([4, 5, 4, 5, 4, 5, 4, 5, 4, 5], '2026-03-01') } }, coachToken)).errors).toBeUndefined();
    const pastSession = (startsAt: string, status: string) =>
      ownerQuery(
        `insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id, recorded_at)
         values (gen_random_uuid(), $1, $2, $3::timestamptz, $3::timestamptz + interval '45 minutes', 'PHONE', 'Coaching', $4, $2, $3::timestamptz + interval '1 hour')`,
        [patientId, coach.id, startsAt, status],
      );
    await pastSession('2026-02-02T10:00:00Z', 'ATTENDED');
    await pastSession('2026-03-10T10:00:00Z', 'DNA');

    expect((await gql(url(), DISCHARGE, { input: { patientId, reason: 'GOALS_MET', summary: 'Walking daily; back to the allotment.' } }, coachToken)).errors).toBeUndefined();
    expect(await openEpisode(em(), patientId)).toBeNull();
    const afterDischarge = (await gql<{ patientReferrals: Array<{ id: string; episodeEndedAt: string | null }> }>(url(), OF_PATIENT, { id: patientId }, coachToken)).data!.patientReferrals;
    expect(afterDischarge.find((r) => r.id === first.id)?.episodeEndedAt).not.toBeNull();

    // Re-referred: a new episode from today; February's measure stays recorded but is not this episode's baseline.
    const second = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId, details } }, gpToken)).data!.createReferral;
    expect((await gql(url(), TRIAGE, { input: { referralId: second.id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken)).errors).toBeUndefined();
    const today = ukDate(new Date());
    expect(await episodeStartFor(em(), patientId)).toBe(today);
    expect((await openEpisode(em(), patientId))?.id).toBe(second.id);
    expect((await patientSeries(em(), patientId)).find((s) => s.instrument === 'PSEQ_10')?.points ?? []).toHaveLength(0);
    expect((await gql(url(), RECORD, { input: { patientId, ...pseq([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], today) } }, coachToken)).errors).toBeUndefined();
    const series = (await patientSeries(em(), patientId)).find((s) => s.instrument === 'PSEQ_10');
    expect(series?.points.map((p) => p.score)).toEqual([40]);
    const referrals = (await gql<{ patientReferrals: Array<{ id: string; status: string }> }>(url(), OF_PATIENT, { id: patientId }, coachToken)).data!.patientReferrals;
    expect(referrals.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());

    // The new episode is counted on its own: the service's evaluation, the cadence, a DNA run, the discharge summary.
    await ownerQuery(`update referral set received_at = '2026-04-01T09:00:00Z' where id = $1`, [second.id]);
    expect((await gql(url(), RECORD, { input: { patientId, ...pseq([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], today) } }, coachToken)).errors).toBeUndefined();
    const evaluation = await gql<{ serviceDashboard: { total: { patients: number; pseqChangePoints: { value: number; n: number } } } }>(url(), DASHBOARD, {}, await signInAs(url(), world.users.lead));
    // 40 → 50 in this episode; not 20 (last February's baseline) → 50.
    expect(evaluation.data?.serviceDashboard.total).toEqual({ patients: 1, pseqChangePoints: { value: 10, n: 1 } });
    expect(await recordedSessions(em(), patientId)).toEqual([]);
    const [{ id: sessionId, starts_at, ends_at }] = await ownerQuery<{ id: string; starts_at: Date; ends_at: Date }>(
      `insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id)
       values (gen_random_uuid(), $1, $2, now() - interval '1 minute', now() + interval '44 minutes', 'PHONE', 'First session', 'BOOKED', $2) returning id, starts_at, ends_at`,
      [patientId, coach.id],
    );
    // One missed session in this episode: last March's DNA, which ended the first, does not make it two in a row.
    const seen = { startsAt: starts_at.toISOString(), endsAt: ends_at.toISOString() };
    const dna = await gql<{ recordSession: { dnaAlert: boolean } }>(url(), RECORD_SESSION, { input: { sessionId, outcome: 'DNA', seen } }, coachToken);
    expect(dna.data?.recordSession.dnaAlert).toBe(false);
    expect((await recordedSessions(em(), patientId)).map((r) => r.outcome)).toEqual(['DNA']);
    const draft = (await gql<{ dischargeDraft: { summary: string; attended: number; dnas: number } }>(url(), DRAFT, { id: patientId }, coachToken)).data!.dischargeDraft;
    expect(draft).toMatchObject({ attended: 0, dnas: 1 });
    expect(draft.summary).toContain('No sessions attended; 1 missed.');
    expect(draft.summary).not.toContain('February 2026');
  });
});
