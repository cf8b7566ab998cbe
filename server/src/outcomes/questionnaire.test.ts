import { describe, expect, it } from 'vitest';
import { lastCommittedSeq } from '../events/event-log.js';
import { User } from '../auth/user.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { errorCode, gql, ownerQuery, useTestServer, wsConnect } from '../test-support/harness.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { QuestionnaireChannel } from './questionnaire-request.entity.js';
import { DOB_ATTEMPTS, gpQuestionFrom, hashToken, monthsBefore, sendQuestionnaire } from './questionnaire.service.js';
import { addDays, dateInWords, ukDate } from '../platform/uk-dates.js';

const SEND = 'mutation($input: SendQuestionnaireInput!) { sendQuestionnaire(input: $input) { path request { id instruments channel expiresAt } } }';
const STATE = 'query($t: String!) { questionnaireLink(token: $t) }';
const OPEN = 'mutation($t: String!, $dob: String!) { openQuestionnaire(token: $t, dateOfBirth: $dob) { givenName instruments { code items { number text } } } }';
const SUBMIT = 'mutation($t: String!, $dob: String!, $r: [PatientResponseInput!]!) { submitQuestionnaire(token: $t, dateOfBirth: $dob, responses: $r) { received } }';
const INBOX = '{ myNotifications(first: 50) { kind title } }';
const NOTIFICATIONS = 'subscription($after: String) { notifications(after: $after) { kind title body link } }';
const DOB = '1970-05-17'; // makeWorld's patients

describe('questionnaire links patients complete from home', () => {
  const server = useTestServer();
  let world: World;
  const url = () => server().url;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const send = async (patientId: string, instruments = ['PSEQ_10', 'CONFIDENCE_WITHOUT_MEDICATION']) => {
    const res = await gql<{ sendQuestionnaire: { path: string; request: { id: string; expiresAt: string } } }>(url(), SEND, { input: { patientId, instruments, channel: 'SMS' } }, await signInAs(url(), world.users.coach));
    expect(res.errors).toBeUndefined();
    return { token: res.data!.sendQuestionnaire.path.replace('/q/', ''), ...res.data!.sendQuestionnaire };
  };
  const state = async (t: string) => (await gql<{ questionnaireLink: string }>(url(), STATE, { t })).data!.questionnaireLink;
  const open = (t: string, dob: string) => gql<{ openQuestionnaire: { givenName: string; instruments: Array<{ code: string }> } }>(url(), OPEN, { t, dob });
  const answers = [{ instrument: 'PSEQ_10', answers: [4, 4, 3, 3, 2, 4, 1, 3, 2, 4] }, { instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [6] }];
  const submit = (t: string, dob: string, r: unknown = answers) => gql<{ submitQuestionnaire: { received: number } }>(url(), SUBMIT, { t, dob, r });
  const records = async (patientId: string) =>
    server().orm.em.fork().getConnection().execute<Array<{ instrument: string; score: number; completed_by: string }>>('select instrument, score, completed_by from outcome_record where patient_id = ? order by instrument', [patientId]);

  it('works once: the patient confirms their date of birth, answers, and the coach who sent it is told live', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach], { givenName: 'Iolo' });
    const { token, request } = await send(patient.id);
    // 14 days by default.
    expect(Math.round((Date.parse(request.expiresAt) - Date.now()) / 86_400_000)).toBe(14);
    // Only the hash is kept.
    const em = server().orm.em.fork();
    expect(await em.getConnection().execute('select count(*)::int as n from questionnaire_request where token_hash = ?', [hashToken(token)])).toEqual([{ n: 1 }]);
    expect(JSON.stringify(await em.getConnection().execute('select * from questionnaire_request where id = ?', [request.id]))).not.toContain(token);

    const socket = wsConnect(server().wsUrl, await signInAs(url(), world.users.coach));
    const live = liveStream<{ notifications: { kind: string; title: string; body: string; link: string } }>(socket.client, NOTIFICATIONS, { after: String(await lastCommittedSeq(em)) });

    expect(await state(token)).toBe('OPEN');
    const opened = await open(token, DOB);
    expect(opened.data!.openQuestionnaire.givenName).toBe('Iolo');
    expect(opened.data!.openQuestionnaire.instruments.map((i) => i.code)).toEqual(['PSEQ_10', 'CONFIDENCE_WITHOUT_MEDICATION']);
    expect((await submit(token, DOB)).data!.submitQuestionnaire.received).toBe(2);
    // 4+4+3+3+2+4+1+3+2+4 = 30.
    expect(await records(patient.id)).toEqual([
      { instrument: 'CONFIDENCE_WITHOUT_MEDICATION', score: 6, completed_by: 'PATIENT' },
      { instrument: 'PSEQ_10', score: 30, completed_by: 'PATIENT' },
    ]);
    const [n] = await live.take(1);
    expect(n.notifications).toEqual({ kind: 'QUESTIONNAIRE_COMPLETED', title: `Iolo ${patient.familyName} completed their questionnaire`, body: 'PSEQ-10 30, Confidence without medication 6', link: `/patients/${patient.id}/measures` });
    await socket.client.dispose();

    // A second use is refused and writes nothing.
    expect(await state(token)).toBe('USED');
    const again = await submit(token, DOB);
    expect([errorCode(again), again.errors?.[0].message]).toEqual(['CONFLICT', 'This questionnaire has already been completed. Thank you – there is nothing more to do.']);
    expect(await records(patient.id)).toHaveLength(2);
  });

  it('tells the care-team lead, and not the sender, when the sender has been taken off the team before the patient answers', async () => {
    await fresh();
    const { coach, fcp, lead } = world.users;
    const inbox = async (user: User) => (await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), INBOX, {}, await signInAs(url(), user))).data!.myNotifications.filter((n) => n.kind === 'QUESTIONNAIRE_COMPLETED');
    // The physio leads; the coach sends a link, then leaves the team before the patient answers.
    const patient = await world.patient([fcp, coach], { givenName: 'Nia' });
    const { token } = await send(patient.id);
    const removed = await gql(url(), 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: coach.id }, await signInAs(url(), fcp));
    expect(removed.errors).toBeUndefined();
    expect((await submit(token, DOB)).errors).toBeUndefined();
    expect(await inbox(coach)).toEqual([]);
    expect((await inbox(fcp)).map((n) => n.title)).toEqual([`Nia ${patient.familyName} completed their questionnaire`]);

    // A sender whose account is closed, and who was the lead: the rest of the team hears of it, no one else.
    const gone = await world.patient([coach, fcp, world.users.pharm], { givenName: 'Owain' });
    const second = await send(gone.id);
    await ownerQuery('update app_user set active = false where id = $1', [coach.id]);
    try {
      expect((await submit(second.token, DOB)).errors).toBeUndefined();
    } finally {
      await ownerQuery('update app_user set active = true where id = $1', [coach.id]);
    }
    for (const member of [fcp, world.users.pharm]) expect((await inbox(member)).map((n) => n.title)).toContain(`Owain ${gone.familyName} completed their questionnaire`);
    expect(await inbox(coach)).toEqual([]);
    expect(await inbox(lead)).toEqual([]);
  });

  it('asks a patient for their GP appointments over the last three months, and records them with that period', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const { token } = await send(patient.id, ['PSEQ_10', 'GP_APPOINTMENTS']);
    const opened = await gql<{ openQuestionnaire: { instruments: Array<{ code: string; instructions: string }> } }>(url(), 'mutation($t: String!, $dob: String!) { openQuestionnaire(token: $t, dateOfBirth: $dob) { instruments { code instructions } } }', { t: token, dob: DOB });
    expect(opened.data!.openQuestionnaire.instruments.find((i) => i.code === 'GP_APPOINTMENTS')?.instructions).toBe('Think about the last 3 months, up to today.');
    const sent = await submit(token, DOB, [answers[0], { instrument: 'GP_APPOINTMENTS', answers: [2] }]);
    expect(sent.errors).toBeUndefined();
    const today = ukDate(new Date());
    const [gp] = await server().orm.em.fork().getConnection().execute<Array<Record<string, unknown>>>(
      `select score, to_char(period_from, 'YYYY-MM-DD') as period_from, to_char(period_to, 'YYYY-MM-DD') as period_to, gp_source, completed_by from outcome_record where patient_id = ? and instrument = 'GP_APPOINTMENTS'`,
      [patient.id],
    );
    expect(gp).toEqual({ score: 2, period_from: monthsBefore(today, 3), period_to: today, gp_source: 'PATIENT_REPORTED', completed_by: 'PATIENT' });
  });

  it('asks a patient six weeks into the programme for their GP appointments since it began, once their baseline count is in, so the count is of time on it', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const today = ukDate(new Date());
    const began = addDays(today, -42);
    // Their referral was accepted six weeks ago: the evaluation counts only GP visits from that day on.
    await ownerQuery(
      `insert into referral (id, patient_id, source, referrer_id, reason, wants_help_with, consent_to_contact, contact_method, status, patient_status_before, received_at, triaged_at, triaged_by_id, assigned_coach_id)
       values (gen_random_uuid(), $1, 'GP', $2, 'Persistent back pain', 'Walking further', true, 'PHONE', 'ACCEPTED', 'REFERRED',
               ($3::date + time '12:00') at time zone 'Europe/London', ($3::date + time '15:00') at time zone 'Europe/London', $4, $4)`,
      [patient.id, gp.id, began, coach.id],
    );
    const { token } = await send(patient.id, ['GP_APPOINTMENTS']);
    const asked = async () =>
      (await gql<{ openQuestionnaire: { instruments: Array<{ code: string; instructions: string }> } }>(url(), 'mutation($t: String!, $dob: String!) { openQuestionnaire(token: $t, dateOfBirth: $dob) { instruments { code instructions } } }', { t: token, dob: DOB })).data!
        .openQuestionnaire.instruments[0]?.instructions;
    // No count in the episode yet: this one is its baseline, the months before the programme.
    expect(await asked()).toBe('Think about the last 3 months, up to today.');
    const baseline = await gql(url(), 'mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id } }', {
      input: { patientId: patient.id, instrument: 'GP_APPOINTMENTS', answers: [3], periodFrom: addDays(began, -90), periodTo: began, measuredOn: began, gpSource: 'PATIENT_REPORTED' },
    }, await signInAs(url(), coach));
    expect(baseline.errors).toBeUndefined();
    // Now a follow-up: asked since the day the programme began.
    expect(await asked()).toBe(`Think about the time since ${dateInWords(began)}, when you started on the programme, up to today.`);
    expect((await submit(token, DOB, [{ instrument: 'GP_APPOINTMENTS', answers: [0] }])).errors).toBeUndefined();
    const [record] = await ownerQuery<{ period_from: string }>(`select to_char(period_from, 'YYYY-MM-DD') as period_from from outcome_record where patient_id = $1 and completed_by = 'PATIENT'`, [patient.id]);
    expect(record.period_from).toBe(began);
    // Three months back when the programme began longer ago than that, or for a patient never on it.
    expect(gpQuestionFrom({ start: addDays(today, -200), hasCount: true }, today)).toBe(monthsBefore(today, 3));
    expect(gpQuestionFrom({ start: null, hasCount: true }, today)).toBe(monthsBefore(today, 3));
  });

  it('counts months back to the day after the same date, or the month\'s end where it has no such day', () => {
    expect(monthsBefore('2026-12-05', 3)).toBe('2026-09-06');
    expect(monthsBefore('2026-01-15', 3)).toBe('2025-10-16');
    expect(monthsBefore('2026-05-31', 3)).toBe('2026-03-01');
    expect(monthsBefore('2028-05-31', 3)).toBe('2028-03-01');
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-03-01');
  });

  it('reveals nothing about the patient before the date of birth matches, and rate limits wrong ones', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach], { givenName: 'Siân' });
    const { token } = await send(patient.id);
    for (let i = 1; i < DOB_ATTEMPTS; i++) {
      const wrong = await open(token, '1971-05-17');
      expect(wrong.data).toBeNull();
      expect([errorCode(wrong), wrong.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'dateOfBirth']);
      expect(JSON.stringify(wrong)).not.toMatch(new RegExp(`Siân|${patient.familyName}|${patient.nhsNumber}`));
    }
    const last = await open(token, '1971-05-17');
    expect(errorCode(last)).toBe('RATE_LIMITED');
    expect(last.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Now even the right date of birth waits, and answers cannot be sent.
    expect(errorCode(await open(token, DOB))).toBe('RATE_LIMITED');
    expect(errorCode(await submit(token, DOB))).toBe('RATE_LIMITED');
    expect(await records(patient.id)).toEqual([]);
    // An unknown token says so, and nothing more.
    expect(await state('x'.repeat(43))).toBe('INVALID');
    expect(errorCode(await open('x'.repeat(43), DOB))).toBe('NOT_FOUND');
  });

  it('compares no more than the allowed dates of birth when many guesses arrive at once', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const { token } = await send(patient.id);
    // Twenty guesses at once, the right one among them: DOB_ATTEMPTS are compared, the rest wait out the lock.
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 13 ? DOB : `19${String(50 + i).padStart(2, '0')}-01-01`));
    const answered = await Promise.all(guesses.map((dob) => open(token, dob)));
    const codes = answered.map((a) => (a.errors ? errorCode(a) : 'OPENED'));
    // Wrong dates told so with tries left: at most the tries less the one that locks the link (it answers RATE_LIMITED).
    expect(codes.filter((c) => c === 'BAD_USER_INPUT').length).toBeLessThanOrEqual(DOB_ATTEMPTS - 1);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(20 - DOB_ATTEMPTS - 1);
    const [{ failed }] = await server().orm.em.fork().getConnection().execute<Array<{ failed: number }>>('select failed_attempts as failed from questionnaire_request where token_hash = ?', [hashToken(token)]);
    expect(failed).toBeLessThan(DOB_ATTEMPTS);
    // However the burst fell out, the link is shut now unless the right date got through within the tries.
    if (!codes.includes('OPENED')) expect(errorCode(await open(token, DOB))).toBe('RATE_LIMITED');
  });

  it('an expired link says so plainly and opens for no one', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const em = server().orm.em.fork();
    const coach = await em.findOneOrFail(User, { id: world.users.coach.id });
    // Made 15 days ago with the default 14-day life.
    const { token } = await sendQuestionnaire(em, { actor: coach, requestId: 'test' }, await em.findOneOrFail(Patient, { id: patient.id }), { instruments: ['PEG_3'], channel: QuestionnaireChannel.LETTER }, 14, new Date(Date.now() - 15 * 86_400_000));
    expect(await state(token)).toBe('EXPIRED');
    const res = await open(token, DOB);
    expect([errorCode(res), res.errors?.[0].message]).toEqual(['CONFLICT', 'This link has expired. Please ask your coach for a new one.']);
  });

  it('refuses an unanswered question, naming it, and keeps the link open', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const { token } = await send(patient.id);
    const res = await submit(token, DOB, [{ instrument: 'PSEQ_10', answers: [4, 4, 3, null, 2, 4, 1, 3, 2, 4] }, { instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [6] }]);
    expect([errorCode(res), res.errors?.[0].extensions?.field, res.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'answers.4', 'Please answer question 4 of PSEQ-10.']);
    const missing = await submit(token, DOB, [answers[0]]);
    expect(missing.errors?.[0].message).toBe('Please answer Confidence without medication too.');
    expect(await state(token)).toBe('OPEN');
    expect(await records(patient.id)).toEqual([]);
  });

  it('only the care team sends links, never for the licensed PAM, and outsiders get NOT_FOUND', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const coachToken = await signInAs(url(), world.users.coach);
    const pam = await gql(url(), SEND, { input: { patientId: patient.id, instruments: ['PAM'], channel: 'EMAIL' } }, coachToken);
    expect([errorCode(pam), pam.errors?.[0].message]).toEqual(['BAD_USER_INPUT', 'PAM cannot be completed by the patient from a link.']);
    expect(errorCode(await gql(url(), SEND, { input: { patientId: patient.id, instruments: ['PEG_3'], channel: 'EMAIL' } }, await signInAs(url(), world.users.outsider)))).toBe('NOT_FOUND');
    expect(await server().orm.em.fork().getConnection().execute('select count(*)::int as n from questionnaire_request where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
  });
});
