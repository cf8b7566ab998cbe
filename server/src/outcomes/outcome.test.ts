import { describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { ukDate } from '../platform/uk-dates.js';

const RECORD = `mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) {
  id instrument status score pseq2 measuredOn completedBy supersedesId band recordedBy { id } items { number text answer answerLabel } } }`;
const SERIES = `query($p: ID!) { patientOutcomes(patientId: $p) { instrument points { recordId score band isBaseline fromPseq10
  change { points percent direction meaningful rule beyondMinimalDetectableChange } } } }`;
const RECORDS = 'query($p: ID!, $all: Boolean) { outcomeRecords(patientId: $p, includeSuperseded: $all) { id score supersedesId supersededById } }';
const ACTIVATION = 'query($p: ID!) { patient(id: $p) { activationLevel } }';
const INBOX = '{ myNotifications(first: 50) { kind title body link } }';

type Recorded = { recordOutcome: { id: string; status: string; score: number | null; pseq2: number | null; band: string | null; supersedesId: string | null; items: Array<{ number: number; text: string; answer: number | null; answerLabel: string | null }> } };
type SeriesData = { patientOutcomes: Array<{ instrument: string; points: Array<{ recordId: string; score: number; band: string | null; isBaseline: boolean; fromPseq10: boolean; change: null | { points: number; percent: number | null; direction: string; meaningful: boolean | null } }> }> };

describe('recording outcome measures', () => {
  const server = useTestServer();
  let world: World;
  const url = () => server().url;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const record = (token: string, input: Record<string, unknown>) => gql<Recorded>(url(), RECORD, { input: { measuredOn: '2026-01-10', ...input } }, token);
  const series = async (token: string, patientId: string, instrument: string) =>
    (await gql<SeriesData>(url(), SERIES, { p: patientId }, token)).data!.patientOutcomes.find((s) => s.instrument === instrument)!.points;
  const countRecords = async (patientId: string) =>
    (await server().orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from outcome_record where patient_id = ?', [patientId]))[0].n;

  it('scores a PSEQ-10 on the server, yields its PSEQ-2, puts it on the timeline and charts change from baseline', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const before = await lastCommittedSeq(server().orm.em.fork());
    // Baseline 1+2+1+2+1+2+1+2+2+2 = 16 (severe); items 5 and 9 → PSEQ-2 = 1 + 2 = 3.
    const first = await record(token, { patientId: patient.id, instrument: 'PSEQ_10', answers: [1, 2, 1, 2, 1, 2, 1, 2, 2, 2] });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordOutcome).toMatchObject({ status: 'COMPLETED', score: 16, pseq2: 3, band: 'Severe' });
    expect(first.data!.recordOutcome.items[4]).toEqual({ number: 5, text: 'I can do some form of work, despite the pain. ("Work" includes housework, paid and unpaid work.)', answer: 1, answerLabel: null });
    // Follow-up 3+3+2+3+2+3+2+3+3+2 = 26 (moderate): +10 points, 10/16 = 62.5 %, a move of band: meaningful.
    await record(token, { patientId: patient.id, instrument: 'PSEQ_10', answers: [3, 3, 2, 3, 2, 3, 2, 3, 3, 2], measuredOn: '2026-03-01' });
    const pseq = await series(token, patient.id, 'PSEQ_10');
    expect(pseq.map((p) => [p.score, p.band, p.isBaseline])).toEqual([[16, 'Severe', true], [26, 'Moderate', false]]);
    expect(pseq[1].change).toMatchObject({ points: 10, percent: 62.5, direction: 'IMPROVED', meaningful: true });
    // The PSEQ-2 trend takes the PSEQ-10's items 5 and 9 (3 then 2 + 3 = 5); the PSEQ-10 trend takes no PSEQ-2.
    await record(token, { patientId: patient.id, instrument: 'PSEQ_2', answers: [4, 4], measuredOn: '2026-04-01' });
    const pseq2 = await series(token, patient.id, 'PSEQ_2');
    expect(pseq2.map((p) => [p.score, p.fromPseq10])).toEqual([[3, true], [5, true], [8, false]]);
    expect((await series(token, patient.id, 'PSEQ_10')).length).toBe(2);
    const events = await readEventsAfter(server().orm.em.fork(), before, 10, { patientId: patient.id });
    expect(events.map((e) => [e.kind, e.payload.shortName, e.payload.score])).toEqual([
      ['OUTCOME_RECORDED', 'PSEQ-10', 16],
      ['OUTCOME_RECORDED', 'PSEQ-10', 26],
      ['OUTCOME_RECORDED', 'PSEQ-2', 8],
    ]);
  });

  it('a PGIC, itself a rating of change, has no baseline and no change from its first answer', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    // "No change", then "Much improved": not "−2 points from baseline".
    await record(token, { patientId: patient.id, instrument: 'PGIC', answers: [4], measuredOn: '2026-01-10' });
    await record(token, { patientId: patient.id, instrument: 'PGIC', answers: [2], measuredOn: '2026-03-01' });
    expect((await series(token, patient.id, 'PGIC')).map((p) => [p.score, p.isBaseline, p.change])).toEqual([[4, false, null], [2, false, null]]);
    const defs = await gql<{ outcomeInstruments: Array<{ code: string; ratesChange: boolean; isCount: boolean }> }>(url(), '{ outcomeInstruments { code ratesChange isCount } }', {}, token);
    expect(defs.data!.outcomeInstruments.filter((d) => d.ratesChange).map((d) => d.code)).toEqual(['PGIC']);
    expect(defs.data!.outcomeInstruments.filter((d) => d.isCount).map((d) => d.code)).toEqual(['GP_APPOINTMENTS']);
  });

  it('saves a partial questionnaire as an unscored draft that no trend uses', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const res = await record(token, { patientId: patient.id, instrument: 'PEG_3', answers: [5, null, 6] });
    expect(res.data!.recordOutcome).toMatchObject({ status: 'DRAFT', score: null });
    expect(await series(token, patient.id, 'PEG_3')).toEqual([]);
  });

  it('refuses a questionnaire with nothing answered, draft or correction, saying why, and writes nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const peg = await record(token, { patientId: patient.id, instrument: 'PEG_3', answers: [4, 4, 4] });
    expect(peg.errors).toBeUndefined();
    const before = await lastCommittedSeq(server().orm.em.fork());
    const cases: Array<[Record<string, unknown>, string]> = [
      // "Save as draft (10 unanswered)" on an untouched PSEQ-10, clicked twice.
      [{ instrument: 'PSEQ_10', answers: Array(10).fill(null) }, 'Nothing was answered, so nothing was saved: give at least one PSEQ-10 item before saving.'],
      [{ instrument: 'PSEQ_10', answers: Array(10).fill(null) }, 'Nothing was answered, so nothing was saved: give at least one PSEQ-10 item before saving.'],
      [{ instrument: 'PAM', answers: [null] }, 'Nothing was answered, so nothing was saved: give the PAM answer before saving.'],
      [{ instrument: 'PEG_3', answers: [null, null, null], supersedesId: peg.data!.recordOutcome.id }, 'Nothing was answered, so nothing was saved: give at least one PEG-3 item before saving.'],
    ];
    for (const [input, message] of cases) {
      const res = await record(token, { patientId: patient.id, ...input });
      expect([errorCode(res), res.errors?.[0].extensions?.field, res.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'answers', message]);
    }
    expect(await countRecords(patient.id)).toBe(1);
    expect(await readEventsAfter(server().orm.em.fork(), before, 10, { patientId: patient.id })).toEqual([]);
    const records = (await gql<{ outcomeRecords: Array<{ id: string; supersededById: string | null }> }>(url(), RECORDS, { p: patient.id, all: true }, token)).data!.outcomeRecords;
    expect(records).toEqual([expect.objectContaining({ id: peg.data!.recordOutcome.id, supersededById: null })]);
  });

  it('refuses an item out of range, a missing item, a wrong instrument, a future date and one before the patient was born, naming what is wrong, and writes nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const before = await lastCommittedSeq(server().orm.em.fork());
    const tomorrow = ukDate(new Date(Date.now() + 36 * 3600_000));
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ instrument: 'PSEQ_10', answers: [1, 2, 1, 2, 1, 9, 1, 2, 2, 2] }, 'answers.6', 'PSEQ-10 item 6 must be a whole number from 0 to 6; 9 is out of range.'],
      [{ instrument: 'PSEQ_10', answers: [1, 2, 1, 2, 1, 2, 1, 2, 2] }, 'answers', 'PSEQ-10 has 10 items; 9 answers were given.'],
      [{ instrument: 'PEG_3', answers: [1, 2, 3], measuredOn: tomorrow }, 'measuredOn', 'The date measured cannot be in the future.'],
      [{ instrument: 'PEG_3', answers: [1, 2, 3], measuredOn: '1950-01-01' }, 'measuredOn', 'The date measured cannot be before the patient was born.'],
      [{ instrument: 'GP_APPOINTMENTS', answers: [1], periodFrom: '1960-01-01', periodTo: '2026-01-05', gpSource: 'PRACTICE_RECORD' }, 'periodFrom', 'The start of the period cannot be before the patient was born.'],
      [{ instrument: 'PEG_3', answers: [1, 2, 3], periodFrom: '2026-01-01', periodTo: '2026-01-05' }, 'periodFrom', 'Only GP appointments are counted over a period.'],
      [{ instrument: 'GP_APPOINTMENTS', answers: [1], periodFrom: '2026-02-01', periodTo: '2026-01-05', gpSource: 'PRACTICE_RECORD' }, 'periodTo', 'The period must end on or after the day it starts.'],
    ];
    for (const [input, field, message] of cases) {
      const res = await record(token, { patientId: patient.id, ...input });
      expect([errorCode(res), res.errors?.[0].extensions?.field, res.errors?.[0].message]).toEqual(['BAD_USER_INPUT', field, message]);
    }
    const unknown = await record(token, { patientId: patient.id, instrument: 'HADS', answers: [1] });
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    // A correction of a PEG cannot be a PSEQ-2.
    const peg = await record(token, { patientId: patient.id, instrument: 'PEG_3', answers: [4, 4, 4] });
    const wrong = await record(token, { patientId: patient.id, instrument: 'PSEQ_2', answers: [3, 3], supersedesId: peg.data!.recordOutcome.id });
    expect([errorCode(wrong), wrong.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'supersedesId']);
    expect(await countRecords(patient.id)).toBe(1);
    const events = await readEventsAfter(server().orm.em.fork(), before, 10, { patientId: patient.id });
    expect(events.map((e) => e.payload.recordId)).toEqual([peg.data!.recordOutcome.id]);
  });

  it('corrects by a new record that supersedes the old one, which stays; a second correction of it is a conflict', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const wrong = (await record(token, { patientId: patient.id, instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [9] })).data!.recordOutcome;
    const fixed = (await record(token, { patientId: patient.id, instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [3], supersedesId: wrong.id })).data!.recordOutcome;
    expect(fixed.supersedesId).toBe(wrong.id);
    expect((await gql<{ outcomeRecords: unknown[] }>(url(), RECORDS, { p: patient.id }, token)).data!.outcomeRecords).toEqual([{ id: fixed.id, score: 3, supersedesId: wrong.id, supersededById: null }]);
    const all = (await gql<{ outcomeRecords: Array<{ id: string; supersededById: string | null }> }>(url(), RECORDS, { p: patient.id, all: true }, token)).data!.outcomeRecords;
    expect(all.find((r) => r.id === wrong.id)?.supersededById).toBe(fixed.id);
    expect((await series(token, patient.id, 'CONFIDENCE_WITHOUT_MEDICATION')).map((p) => p.score)).toEqual([3]);
    const again = await record(token, { patientId: patient.id, instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [4], supersedesId: wrong.id });
    expect(errorCode(again)).toBe('CONFLICT');
    // Nothing is ever overwritten: the database itself refuses an update.
    await expect(server().orm.em.fork().getConnection().execute('update outcome_record set score = 1 where id = ?', [wrong.id])).rejects.toThrow(/append-only/);
  });

  it('a correction of a patient-completed record keeps its provenance: answered by the patient from their link, corrected by the clinician', async () => {
    await fresh();
    const { coach } = world.users;
    const patient = await world.patient([coach]);
    const token = await signInAs(url(), coach);
    const sent = await gql<{ sendQuestionnaire: { path: string; request: { id: string } } }>(url(), 'mutation($input: SendQuestionnaireInput!) { sendQuestionnaire(input: $input) { path request { id } } }', { input: { patientId: patient.id, instruments: ['PEG_3'], channel: 'SMS' } }, token);
    const link = sent.data!.sendQuestionnaire;
    const answered = await gql(url(), 'mutation($t: String!, $dob: String!, $r: [PatientResponseInput!]!) { submitQuestionnaire(token: $t, dateOfBirth: $dob, responses: $r) { received } }', { t: link.path.replace('/q/', ''), dob: '1970-05-17', r: [{ instrument: 'PEG_3', answers: [6, 6, 9] }] });
    expect(answered.errors).toBeUndefined();
    const [original] = await ownerQuery<{ id: string; measured_on: string }>(`select id, to_char(measured_on, 'YYYY-MM-DD') as measured_on from outcome_record where patient_id = $1`, [patient.id]);
    // The patient tells the coach the third answer was a slip for 6.
    const fixed = await record(token, { patientId: patient.id, instrument: 'PEG_3', answers: [6, 6, 6], measuredOn: original.measured_on, supersedesId: original.id });
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data!.recordOutcome).toMatchObject({ completedBy: 'PATIENT', recordedBy: { id: coach.id }, supersedesId: original.id, score: 6 });
    const [stored] = await ownerQuery<{ completed_by: string; questionnaire_request_id: string; recorded_by_id: string }>('select completed_by, questionnaire_request_id, recorded_by_id from outcome_record where id = $1', [fixed.data!.recordOutcome.id]);
    expect(stored).toEqual({ completed_by: 'PATIENT', questionnaire_request_id: link.request.id, recorded_by_id: coach.id });
    // A clinician's own record corrected stays the clinician's.
    const mine = (await record(token, { patientId: patient.id, instrument: 'PGIC', answers: [3] })).data!.recordOutcome;
    expect((await record(token, { patientId: patient.id, instrument: 'PGIC', answers: [2], supersedesId: mine.id })).data!.recordOutcome).toMatchObject({ completedBy: 'CLINICIAN', recordedBy: { id: coach.id } });
  });

  it('a recorded PAM score sets the activation level by its band', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const res = await record(token, { patientId: patient.id, instrument: 'PAM', answers: [55.2] });
    expect(res.data!.recordOutcome.band).toBe('Level 3');
    expect((await gql<{ patient: { activationLevel: number } }>(url(), ACTIVATION, { p: patient.id }, token)).data!.patient.activationLevel).toBe(3);
    // An older score recorded later does not override the latest.
    await record(token, { patientId: patient.id, instrument: 'PAM', answers: [47.0], measuredOn: '2025-12-01' });
    expect((await gql<{ patient: { activationLevel: number } }>(url(), ACTIVATION, { p: patient.id }, token)).data!.patient.activationLevel).toBe(3);

    // A score entered under the wrong date, then corrected to an earlier one: the level follows what is latest now.
    const other = await world.patient([world.users.coach]);
    const level = async () => (await gql<{ patient: { activationLevel: number } }>(url(), ACTIVATION, { p: other.id }, token)).data!.patient.activationLevel;
    await record(token, { patientId: other.id, instrument: 'PAM', answers: [50.0], measuredOn: '2026-03-01' });
    const misdated = (await record(token, { patientId: other.id, instrument: 'PAM', answers: [75.0], measuredOn: '2026-03-10' })).data!.recordOutcome;
    expect(await level()).toBe(4);
    const moved = (await record(token, { patientId: other.id, instrument: 'PAM', answers: [75.0], measuredOn: '2026-02-10', supersedesId: misdated.id })).data!.recordOutcome;
    expect(await level()).toBe(2);
    // A level the team sets by hand is not undone by correcting a score that was not the latest.
    expect((await gql(url(), 'mutation($p: ID!) { setPatientActivationLevel(patientId: $p, level: 3) { id } }', { p: other.id }, token)).errors).toBeUndefined();
    expect((await record(token, { patientId: other.id, instrument: 'PAM', answers: [76.0], measuredOn: '2026-02-10', supersedesId: moved.id })).errors).toBeUndefined();
    expect(await level()).toBe(3);
  });

  it('a PSEQ worsening past the meaningful-change threshold notifies the care-team lead', async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const fcpToken = await signInAs(url(), fcp);
    // 40 (mild) → 28 (moderate): −12 points and a band lower.
    await record(fcpToken, { patientId: patient.id, instrument: 'PSEQ_10', answers: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] });
    await record(fcpToken, { patientId: patient.id, instrument: 'PSEQ_10', answers: [3, 3, 3, 3, 3, 3, 3, 3, 2, 2], measuredOn: '2026-02-01' });
    const inbox = (await gql<{ myNotifications: Array<{ kind: string; title: string; body: string; link: string }> }>(url(), INBOX, {}, await signInAs(url(), coach))).data!.myNotifications;
    expect(inbox).toEqual([
      {
        kind: 'OUTCOME_WORSENED',
        title: `${patient.givenName} ${patient.familyName}: PSEQ-10 worsened`,
        body: 'PSEQ-10 28 on 2026-02-01, -12 points from baseline (ePPOC: at least 7 points and a move into another severity band).',
        link: `/patients/${patient.id}/measures`,
      },
    ]);
    // A fall within the band (40 → 34) tells no one.
    const other = await world.patient([coach, fcp]);
    await record(fcpToken, { patientId: other.id, instrument: 'PSEQ_10', answers: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] });
    await record(fcpToken, { patientId: other.id, instrument: 'PSEQ_10', answers: [4, 4, 4, 4, 3, 3, 3, 3, 3, 3], measuredOn: '2026-02-01' });
    expect((await gql<{ myNotifications: unknown[] }>(url(), INBOX, {}, await signInAs(url(), coach))).data!.myNotifications).toHaveLength(1);
  });

  it('answers NOT_FOUND to someone outside the care team, for reads and writes alike, and writes nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const mine = (await record(await signInAs(url(), world.users.coach), { patientId: patient.id, instrument: 'PGIC', answers: [2] })).data!.recordOutcome;
    expect(mine.items[0].answerLabel).toBe('Much improved');
    const outsider = await signInAs(url(), world.users.outsider);
    expect(errorCode(await record(outsider, { patientId: patient.id, instrument: 'PGIC', answers: [2] }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), SERIES, { p: patient.id }, outsider))).toBe('NOT_FOUND');
    const outsiderRead = await gql(url(), 'query($id: ID!) { outcomeRecord(id: $id) { score } }', { id: mine.id }, outsider);
    // A measure that does not exist answers the same, and both refusals are in the audit trail.
    const madeUp = '0b7f6c1e-2222-4222-8222-222222222222';
    const noSuch = await gql(url(), 'query($id: ID!) { outcomeRecord(id: $id) { score } }', { id: madeUp }, outsider);
    for (const res of [outsiderRead, noSuch]) expect([errorCode(res), res.errors?.[0].message]).toEqual(['NOT_FOUND', outsiderRead.errors?.[0].message]);
    expect(outsiderRead.errors?.[0].message).toMatch(/measure/);
    const refusals = await ownerQuery<{ record_id: string }>(`select detail->>'recordId' as record_id from audit_entry where actor_id = $1 and outcome = 'DENIED' and detail ? 'recordId' order by id`, [world.users.outsider.id]);
    expect(refusals.map((r) => r.record_id)).toEqual([mine.id, madeUp]);
    // A PCN lead may read but is not on the team, so may not record.
    expect(errorCode(await record(await signInAs(url(), world.users.lead), { patientId: patient.id, instrument: 'PGIC', answers: [2] }))).toBe('FORBIDDEN');
    expect(await countRecords(patient.id)).toBe(1);
  });
});
