import { describe, expect, it } from 'vitest';
import { episodeStartFor, patientSeries, ukDate } from '../outcomes/outcome.service.js';
import { gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';
import { openEpisode } from './referral.service.js';

const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id patient { id } } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id status } }`;
const DISCHARGE = `mutation($input: DischargePatientInput!) { dischargePatient(input: $input) { id } }`;
const RECORD = `mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id score } }`;
const OF_PATIENT = `query($id: ID!) { patientReferrals(patientId: $id) { id status episodeEndedAt } }`;

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
  });
});
