import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCarePlanDoc, goalMap, strategyMap } from '../care-plans/care-plan.doc.js';
import { auditedPatients, errorCode, gql, ownerQuery, useTestServer, waitForLockWait } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { runSql, sql } from '../platform/sql.js';
import { dateInWords, ukDate } from '../platform/uk-dates.js';
import { addCheckInsToPlan, sessionCheckInsId } from './plan-check-ins.js';
import { recordSession } from './recording.service.js';
import { CoachingSession } from './session.entity.js';
import { SessionOutcome } from './session.types.js';

const BOOK = `mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id status startsAt endsAt mode location purpose coach { name } } } }`;
const REBOOK = `mutation($input: RebookSessionInput!) { rebookSession(input: $input) { session { id startsAt } changes { kind previousStartsAt newStartsAt reason changedBy { name } } } }`;
const CANCEL = `mutation($input: CancelSessionInput!) { cancelSession(input: $input) { session { id status cancelReason } changes { kind reason } } }`;
const RECORD = `mutation($input: RecordSessionInput!) { recordSession(input: $input) {
  detail { session { id status discussed nextSteps measuresTaken flareUp activationLevel } goalReviews { goalId goalWhat rating note } strategiesPractised { strategyId strategyWhat } }
  cadence { interval previous direction reasons suggestedDate } dnaAlert } }`;
const ADDENDUM = `mutation($id: ID!, $body: String!) { addSessionAddendum(sessionId: $id, body: $body) { id body author { name } } }`;
const SESSIONS = `query($id: ID!) { patientSessions(patientId: $id) { session { id status discussed } addenda { body } changes { kind } } }`;
const CADENCE = `query($id: ID!) { sessionCadence(patientId: $id) { interval direction reasons } }`;
const PLAN = `query($id: ID!) { carePlan(patientId: $id) { view { goals { id checkIns { date rating note } } } } }`;
const APPLY = `mutation($p: ID!, $u: String!, $c: String!) { applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: $c) { seq } }`;
const TIMELINE = `query($id: ID!) { timeline(patientId: $id, first: 50) { nodes { kind payload } } }`;
const NOTIFS = `{ myNotifications(first: 20) { kind title body link } }`;
const DIARY = `query($coachId: ID, $date: String) { coachDiary(coachId: $coachId, date: $date) { today day weekStart daySessions { session { id } patient { id givenName } } weekSessions { session { id mode purpose } patient { id } } } }`;
const CAPACITIES = `{ coachCapacities { coach { id name } sessionsPerWeek caseloadSize activeCaseload sessionsThisWeek sessionsNextWeek cafesThisWeek cafesNextWeek weekStart } }`;
const CREATE_CAFE = `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id } }`;
const CANCEL_CAFE = `mutation($id: ID!) { cancelPainCafe(cafeId: $id, reason: "Venue flooded") { status } }`;
const SET_CAPACITY = `mutation($input: SetCoachCapacityInput!) { setCoachCapacity(input: $input) { sessionsPerWeek caseloadSize activeCaseload sessionsThisWeek } }`;
const DRAFT = `query($id: ID!) { dischargeDraft(patientId: $id, reason: GOALS_MET) { summary attended dnas gpNames } }`;
const DISCHARGE = `mutation($input: DischargePatientInput!) { dischargePatient(input: $input) { id reason summary draftedSummary signedBy { name } } }`;
const PATIENT = `query($id: ID!) { patient(id: $id) { status viewerCan { bookSession recordSession dischargePatient } } }`;

const hour = 3_600_000;
const at = (msFromNow: number) => new Date(Date.now() + msFromNow);
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
/** A session's slot as a form shows it (`seen` of a move). */
const slotOf = (startsAt: Date, minutes: number) => ({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString() });

describe('coaching sessions', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const em = () => server().orm.em.fork();
  const counts = async (patientId: string) => {
    const [row] = await runSql<Record<string, string>>(
      em(),
      sql`select (select count(*) from coaching_session where patient_id = ${patientId}) as sessions,
                 (select count(*) from coaching_session_change c join coaching_session s on s.id = c.session_id where s.patient_id = ${patientId}) as changes,
                 (select count(*) from session_goal_review r join coaching_session s on s.id = r.session_id where s.patient_id = ${patientId}) as reviews,
                 (select count(*) from event where patient_id = ${patientId}) as events,
                 (select count(*) from discharge where patient_id = ${patientId}) as discharges,
                 (select string_agg(status, ',' order by starts_at) from coaching_session where patient_id = ${patientId}) as statuses`,
    );
    return row;
  };
  const booking = (patientId: string, coachId: string, startsAt: Date, minutes = 45, extra: Record<string, unknown> = {}) => ({
    patientId, coachId, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString(), mode: 'PHONE', purpose: 'Review pacing and sleep', ...extra,
  });
  const book = async (token: string, input: Record<string, unknown>) => {
    const res = await gql<{ bookSession: { session: { id: string } } }>(url(), BOOK, { input }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.bookSession.session.id;
  };
  /** Fixture: a booked session moved into the past, as if booked earlier (booking itself refuses the past). */
  const bookInPast = async (token: string, patientId: string, coachId: string, daysAgo: number) => {
    const id = await book(token, booking(patientId, coachId, at(24 * hour * 300 + Math.random() * hour * 24 * 50)));
    const startsAt = at(-daysAgo * 24 * hour);
    await runSql(em(), sql`update coaching_session set starts_at = ${startsAt}, ends_at = ${new Date(startsAt.getTime() + 45 * 60_000)} where id = ${id}`);
    return id;
  };
  /** A record's input as its form sends it: with the session's time as the form showed it (`seen`). */
  const asSeen = async <T extends { sessionId: string }>(input: T) => {
    const [row] = await ownerQuery<{ starts_at: Date; ends_at: Date }>('select starts_at, ends_at from coaching_session where id = $1', [input.sessionId]);
    return { ...input, seen: { startsAt: row!.starts_at.toISOString(), endsAt: row!.ends_at.toISOString() } };
  };
  const seedPlan = async (token: string, patientId: string) => {
    const doc = createCarePlanDoc();
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      doc.getArray('goals').push([
        goalMap({ id: 'goal-walk', what: 'Walk to the allotment twice a week', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [{ date: '2026-01-02', rating: 3, note: 'Start' }] }),
        goalMap({ id: 'goal-sleep', what: 'Sleep through four nights a week', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] }),
      ]);
      doc.getArray('strategies').push([strategyMap({ id: 'strategy-pacing', category: 'ACTIVITY_PACING', what: 'Ten-minute blocks with rests', howOften: 'Daily', suggestedBy: 'Coach' })]);
    });
    const res = await gql(url(), APPLY, { p: patientId, u: b64(Y.encodeStateAsUpdate(doc, before)), c: `seed-${patientId}` }, token);
    expect(res.errors).toBeUndefined();
  };

  it('books a session, refuses a double-booked coach naming the clash, and keeps rebooks and cancellations as history', async () => {
    await fresh();
    const { coach, gp, lead } = world.users;
    const patient = await world.patient([coach, gp]);
    const other = await world.patient([coach]);
    const leadToken = await signInAs(url(), lead);
    const coachToken = await signInAs(url(), coach);
    const start = at(3 * 24 * hour);

    const booked = await gql<{ bookSession: { session: { id: string; status: string; coach: { name: string } } } }>(url(), BOOK, { input: booking(patient.id, coach.id, start, 45, { mode: 'IN_PERSON', location: 'Room 2, Riverside Surgery' }) }, leadToken);
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.bookSession.session).toMatchObject({ status: 'BOOKED', coach: { name: coach.name } });
    const sessionId = booked.data!.bookSession.session.id;
    // Booked by the service lead: the coach is told it is in their diary.
    expect((await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), NOTIFS, {}, coachToken)).data!.myNotifications[0]).toMatchObject({ kind: 'SESSION_BOOKED' });

    const before = await counts(other.id);
    const clash = await gql(url(), BOOK, { input: booking(other.id, coach.id, new Date(start.getTime() + 30 * 60_000)) }, coachToken);
    expect(errorCode(clash)).toBe('CONFLICT');
    expect(clash.errors![0].message).toMatch(new RegExp(`^${coach.name} already has a session booked \\w+day,? \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d–\\d\\d:\\d\\d, which overlaps this one\\.$`));
    expect(await counts(other.id)).toEqual(before);
    // Back to back is not a clash.
    await book(coachToken, booking(other.id, coach.id, new Date(start.getTime() + 45 * 60_000)));

    const newStart = at(4 * 24 * hour);
    const moved = await gql<{ rebookSession: { session: { startsAt: string }; changes: Array<{ kind: string; previousStartsAt: string; newStartsAt: string; reason: string }> } }>(
      url(), REBOOK, { input: { sessionId, startsAt: newStart.toISOString(), endsAt: new Date(newStart.getTime() + 45 * 60_000).toISOString(), reason: 'Patient has a hospital appointment', seen: slotOf(start, 45) } }, coachToken);
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.rebookSession.changes).toEqual([
      expect.objectContaining({ kind: 'REBOOKED', previousStartsAt: start.toISOString(), newStartsAt: newStart.toISOString(), reason: 'Patient has a hospital appointment' }),
    ]);
    const cancelled = await gql<{ cancelSession: { session: { status: string }; changes: Array<{ kind: string }> } }>(url(), CANCEL, { input: { sessionId, cancelledBy: 'PATIENT', reason: 'Unwell', seen: slotOf(newStart, 45) } }, coachToken);
    expect(cancelled.data!.cancelSession.session.status).toBe('CANCELLED_BY_PATIENT');
    expect(cancelled.data!.cancelSession.changes.map((c) => c.kind)).toEqual(['REBOOKED', 'CANCELLED']);
    expect(errorCode(await gql(url(), CANCEL, { input: { sessionId, cancelledBy: 'CLINIC', reason: 'again', seen: slotOf(newStart, 45) } }, coachToken))).toBe('CONFLICT');

    const kinds = (await gql<{ timeline: { nodes: Array<{ kind: string }> } }>(url(), TIMELINE, { id: patient.id }, coachToken)).data!.timeline.nodes.map((n) => n.kind);
    expect(kinds).toEqual(['SESSION_CANCELLED', 'SESSION_REBOOKED', 'SESSION_BOOKED']);
  });

  it("a move from a form opened before a colleague's move is refused, naming the session's new time; the colleague's move stands", async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const [coachToken, fcpToken] = [await signInAs(url(), coach), await signInAs(url(), fcp)];
    const start = at(3 * 24 * hour);
    const sessionId = await book(coachToken, booking(patient.id, coach.id, start, 45));
    const opened = slotOf(start, 45); // both forms open on this time
    const move = (token: string, startsAt: Date, minutes: number, seen: { startsAt: string; endsAt: string }) =>
      gql(url(), REBOOK, { input: { sessionId, ...slotOf(startsAt, minutes), reason: 'Patient asked', seen } }, token);

    // The physio moves it four hours later at the patient's request.
    const later = new Date(start.getTime() + 4 * hour);
    expect((await move(fcpToken, later, 45, opened)).errors).toBeUndefined();
    // The coach's form still shows the old time: a longer session there is refused, naming the new time.
    const stale = await move(coachToken, start, 60, opened);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0].message).toMatch(/^Someone else moved this session since you opened the form: it is now \w+day,? \d+ \w+ \d{4}, \d\d:\d\d–\d\d:\d\d\. Nothing was changed/);
    const [row] = await ownerQuery<{ starts_at: Date; ends_at: Date; changes: string }>(
      'select starts_at, ends_at, (select count(*) from coaching_session_change c where c.session_id = s.id) as changes from coaching_session s where id = $1',
      [sessionId],
    );
    expect([row!.starts_at.toISOString(), row!.ends_at.toISOString(), Number(row!.changes)]).toEqual([later.toISOString(), new Date(later.getTime() + 45 * 60_000).toISOString(), 1]);
    // From the time as it is now, the coach can move it.
    expect((await move(coachToken, later, 60, slotOf(later, 45))).errors).toBeUndefined();
  });

  /**
   * What `send` is answered when a colleague's move of the session to `to` commits while it waits for the
   * session's row: the move's transaction holds the row, `send` is seen waiting for it, then the move commits.
   */
  async function sentWhileMoving<T>(sessionId: string, to: Date, minutes: number, send: () => Promise<T>): Promise<T> {
    const moving = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
    await moving.connect();
    try {
      await moving.query('begin');
      await moving.query('update coaching_session set starts_at = $2, ends_at = $3 where id = $1', [sessionId, to, new Date(to.getTime() + minutes * 60_000)]);
      const sent = send();
      sent.catch(() => undefined);
      await waitForLockWait('coaching_session');
      await moving.query('commit');
      return await sent;
    } finally {
      await moving.end();
    }
  }

  it("a record from a form opened before a colleague's move is refused, naming the session's new time; one sent as it moves is judged on the time it moved to", async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const coachToken = await signInAs(url(), coach);
    const sessionId = await bookInPast(coachToken, patient.id, coach.id, 0);
    const row = async () => (await ownerQuery<{ status: string; starts_at: Date }>('select status, starts_at from coaching_session where id = $1', [sessionId]))[0]!;
    const opened = (await asSeen({ sessionId })).seen; // the Record form opens on the session as booked, a moment ago
    const dna = (seen: { startsAt: string; endsAt: string }) => gql(url(), RECORD, { input: { sessionId, outcome: 'DNA', seen } }, coachToken);

    // The physio moves it to later today, as the patient asked.
    const later = at(2 * hour);
    expect((await gql(url(), REBOOK, { input: { sessionId, ...slotOf(later, 45), reason: 'Patient at work until noon', seen: opened } }, await signInAs(url(), fcp))).errors).toBeUndefined();
    const stale = await dna(opened);
    expect([errorCode(stale), stale.errors![0].extensions?.field]).toEqual(['CONFLICT', 'seen']);
    expect(stale.errors![0].message).toMatch(/^Someone else moved this session since you opened the form: it is now \w+day,? \d+ \w+ \d{4}, \d\d:\d\d–\d\d:\d\d\. Nothing was recorded/);
    // From its new time, it has not happened yet.
    expect(errorCode(await dna(slotOf(later, 45)))).toBe('BAD_USER_INPUT');
    expect((await row()).status).toBe('BOOKED');

    // A move committing while the record waits for the session: the record is judged on the time it moved to.
    const earlier = at(-30 * 60_000);
    const answer = await sentWhileMoving(sessionId, earlier, 45, () => dna(slotOf(later, 45)));
    expect([errorCode(answer), answer.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'seen']);
    expect(await row()).toEqual({ status: 'BOOKED', starts_at: earlier });
    // Recorded from the time it now has.
    expect(errorCode(await dna(slotOf(earlier, 45)))).toBeUndefined();
    expect((await row()).status).toBe('DNA');
  });

  it("a cancel from a form opened before a colleague's move is refused, naming the session's new time; the session stays booked there", async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const [coachToken, fcpToken] = [await signInAs(url(), coach), await signInAs(url(), fcp)];
    const thursday = at(3 * 24 * hour);
    const sessionId = await book(coachToken, booking(patient.id, coach.id, thursday, 45));
    const opened = slotOf(thursday, 45); // the coach's Cancel form opens on this time
    const row = async () => (await ownerQuery<{ status: string; starts_at: Date }>('select status, starts_at from coaching_session where id = $1', [sessionId]))[0]!;
    const cancel = (seen: { startsAt: string; endsAt: string }) => gql(url(), CANCEL, { input: { sessionId, cancelledBy: 'PATIENT', reason: 'Cannot make Thursday', seen } }, coachToken);

    // The physio moves it to the Friday the patient agreed.
    const friday = new Date(thursday.getTime() + 24 * hour);
    expect((await gql(url(), REBOOK, { input: { sessionId, ...slotOf(friday, 45), reason: 'Patient can make Friday', seen: opened } }, fcpToken)).errors).toBeUndefined();
    const before = await counts(patient.id);
    const stale = await cancel(opened);
    expect([errorCode(stale), stale.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'seen']);
    expect(stale.errors![0].message).toMatch(/^Someone else moved this session since you opened the form: it is now \w+day,? \d+ \w+ \d{4}, \d\d:\d\d–\d\d:\d\d\. Nothing was cancelled/);
    expect(await row()).toEqual({ status: 'BOOKED', starts_at: friday });
    expect(await counts(patient.id)).toEqual(before);

    // A move committing while the cancel waits for the session: the cancel is refused, and the move stands.
    const later = new Date(friday.getTime() + 2 * hour);
    const answer = await sentWhileMoving(sessionId, later, 45, () => cancel(slotOf(friday, 45)));
    expect([errorCode(answer), answer.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'seen']);
    expect(await row()).toEqual({ status: 'BOOKED', starts_at: later });
    // Cancelled from the time it now has.
    expect(errorCode(await cancel(slotOf(later, 45)))).toBeUndefined();
    expect((await row()).status).toBe('CANCELLED_BY_PATIENT');
  });

  it('refuses bad bookings with a typed error and stores nothing', async () => {
    await fresh();
    const { coach, fcp, outsider } = world.users;
    const patient = await world.patient([coach, fcp]);
    const token = await signInAs(url(), coach);
    const before = await counts(patient.id);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [booking(patient.id, coach.id, at(-hour)), 'startsAt', /has passed/],
      [{ ...booking(patient.id, coach.id, at(24 * hour)), endsAt: at(23 * hour).toISOString() }, 'endsAt', /must end after it starts/],
      [booking(patient.id, coach.id, at(24 * hour), 60 * 9), 'endsAt', /at most 4 hours/],
      [booking(patient.id, coach.id, at(24 * hour), 3), 'endsAt', /at least 10 minutes/],
      [booking(patient.id, coach.id, at(24 * hour), 45, { mode: 'IN_PERSON' }), 'location', /where an in-person session/],
      [booking(patient.id, '00000000-0000-4000-8000-000000000000', at(24 * hour)), 'coachId', /^No such coach\.$/],
      [booking(patient.id, fcp.id, at(24 * hour)), 'coachId', /^No such coach\.$/],
      [booking(patient.id, outsider.id, at(24 * hour)), 'coachId', /is not on .* care team/],
      [booking(patient.id, coach.id, at(24 * hour), 45, { purpose: '   ' }), 'purpose', /fill in the purpose/],
    ];
    for (const [input, field, message] of cases) {
      const res = await gql(url(), BOOK, { input }, token);
      expect(errorCode(res), field).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions?.field).toBe(field);
      expect(res.errors![0].message).toMatch(message);
    }
    expect(await counts(patient.id)).toEqual(before);
  });

  it('records a session: goal ratings become check-ins on the care plan, notes are kept, amended only by addendum', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const token = await signInAs(url(), coach);
    await seedPlan(token, patient.id);
    const sessionId = await bookInPast(token, patient.id, coach.id, 1);
    const day = ukDate(at(-24 * hour));

    const bad = await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'ATTENDED', discussed: 'Pacing', goalReviews: [{ goalId: 'no-such-goal', rating: 5 }] }) }, token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    // A session later today (or tomorrow) has not happened yet: not recorded, not even as a DNA.
    const later = await book(token, booking((await world.patient([coach])).id, coach.id, at(3 * hour)));
    const early = await gql(url(), RECORD, { input: await asSeen({ sessionId: later, outcome: 'DNA' }) }, token);
    expect(errorCode(early)).toBe('BAD_USER_INPUT');
    expect(early.errors![0].message).toMatch(/recorded once it has happened; this one is booked for \w+,? \d+ \w+ \d{4}, \d\d:\d\d/);
    expect((await runSql<{ status: string }>(em(), sql`select status from coaching_session where id = ${later}`))[0]!.status).toBe('BOOKED');
    const badRating = await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'ATTENDED', discussed: 'Pacing', goalReviews: [{ goalId: 'goal-walk', rating: 11 }] }) }, token);
    expect(errorCode(badRating)).toBe('BAD_USER_INPUT');
    expect((await counts(patient.id)).statuses).toBe('BOOKED');

    const recorded = await gql<{ recordSession: { detail: { session: Record<string, unknown>; goalReviews: unknown[]; strategiesPractised: unknown[] }; cadence: { interval: string; reasons: string[] } } }>(url(), RECORD, {
      input: await asSeen({
        sessionId, outcome: 'ATTENDED', discussed: 'Walked twice; sleep still broken', nextSteps: 'Add a third walk; wind-down routine',
        goalReviews: [{ goalId: 'goal-walk', rating: 6, note: 'Two walks this week' }, { goalId: 'goal-sleep', rating: 3 }],
        strategyIds: ['strategy-pacing'], measuresTaken: ['PSEQ_10', 'PEG_3'], flareUp: false,
      }),
    }, token);
    expect(recorded.errors).toBeUndefined();
    const r = recorded.data!.recordSession;
    expect(r.detail.session).toMatchObject({ status: 'ATTENDED', discussed: 'Walked twice; sleep still broken', measuresTaken: ['PSEQ_10', 'PEG_3'] });
    expect(r.detail.goalReviews).toEqual([
      { goalId: 'goal-sleep', goalWhat: 'Sleep through four nights a week', rating: 3, note: '' },
      { goalId: 'goal-walk', goalWhat: 'Walk to the allotment twice a week', rating: 6, note: 'Two walks this week' },
    ]);
    expect(r.detail.strategiesPractised).toEqual([{ strategyId: 'strategy-pacing', strategyWhat: 'Ten-minute blocks with rests' }]);
    expect(r.cadence.interval).toBe('WEEKLY');

    const goals = (await gql<{ carePlan: { view: { goals: Array<{ id: string; checkIns: Array<{ date: string; rating: number; note: string }> }> } } }>(url(), PLAN, { id: patient.id }, token)).data!.carePlan.view.goals;
    expect(goals.find((g) => g.id === 'goal-walk')!.checkIns).toEqual([
      { date: '2026-01-02', rating: 3, note: 'Start' },
      { date: day, rating: 6, note: 'Two walks this week' },
    ]);
    expect(goals.find((g) => g.id === 'goal-sleep')!.checkIns).toEqual([{ date: day, rating: 3, note: '' }]);

    expect(errorCode(await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'DNA' }) }, token))).toBe('CONFLICT');
    // Notes never change, not even from SQL; an addendum adds to them.
    await expect(runSql(em(), sql`update coaching_session set discussed = 'rewritten' where id = ${sessionId}`)).rejects.toThrow(/never changed/);
    const add = await gql<{ addSessionAddendum: { body: string; author: { name: string } } }>(url(), ADDENDUM, { id: sessionId, body: 'Patient called: the third walk was too much, keep two.' }, token);
    expect(add.data?.addSessionAddendum).toEqual({ id: expect.any(String), body: 'Patient called: the third walk was too much, keep two.', author: { name: coach.name } });
    const history = (await gql<{ patientSessions: Array<{ session: { discussed: string }; addenda: Array<{ body: string }> }> }>(url(), SESSIONS, { id: patient.id }, token)).data!.patientSessions;
    expect(history[0]).toMatchObject({ session: { discussed: 'Walked twice; sleep still broken' }, addenda: [{ body: 'Patient called: the third walk was too much, keep two.' }] });
    const kinds = (await gql<{ timeline: { nodes: Array<{ kind: string }> } }>(url(), TIMELINE, { id: patient.id }, token)).data!.timeline.nodes.map((n) => n.kind);
    expect(kinds[0]).toBe('SESSION_ADDENDUM_ADDED');
    expect(kinds).toContain('SESSION_RECORDED');
  });

  /** A coach's patient with a plan of two goals and a session yesterday, still booked; and a late attended recording of it with a rating. */
  const sessionToRecord = async () => {
    await fresh();
    const { coach } = world.users;
    const patient = await world.patient([coach]);
    const token = await signInAs(url(), coach);
    await seedPlan(token, patient.id);
    const sessionId = await bookInPast(token, patient.id, coach.id, 1);
    // The session as a form read it: still booked.
    const seen = await em().findOneOrFail(CoachingSession, sessionId, { populate: ['coach'] });
    const input = { sessionId, outcome: SessionOutcome.ATTENDED, discussed: 'Pacing', goalReviews: [{ goalId: 'goal-walk', rating: 7, note: 'Three walks' }], strategyIds: [], nextSteps: '', measuresTaken: [], flareUp: false, seen: { startsAt: seen.startsAt, endsAt: seen.endsAt } };
    const recordLate = () => recordSession(em(), { actor: coach, requestId: randomUUID() }, seen, patient, input, server().running.services.carePlans);
    const walkCheckIns = async () =>
      (await gql<{ carePlan: { view: { goals: Array<{ id: string; checkIns: unknown[] }> } } }>(url(), PLAN, { id: patient.id }, token)).data!.carePlan.view.goals.find((g) => g.id === 'goal-walk')!.checkIns;
    return { coach, patient, token, sessionId, recordLate, walkCheckIns };
  };
  const seededCheckIns = [{ date: '2026-01-02', rating: 3, note: 'Start' }];

  it("two bookings of one coach's slot sent at once queue for the coach's turn: one is booked, the other is CONFLICT naming the clash", async () => {
    await fresh();
    const { coach } = world.users;
    const [first, second] = [await world.patient([coach]), await world.patient([coach])];
    const coachToken = await signInAs(url(), coach);
    const start = at(5 * 24 * hour);
    const answers = await sentWhileTurnHeld(
      `session-coach:${coach.id}`,
      [first, second].map((p) => () => gql(url(), BOOK, { input: booking(p.id, coach.id, start) }, coachToken)),
    );
    expect(answers.filter((r) => !r.errors)).toHaveLength(1);
    const refused = answers.find((r) => r.errors)!;
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(new RegExp(`^${coach.name} already has a session booked .*, which overlaps this one\\.$`));
    const [{ n }] = await runSql<{ n: number }>(em(), sql`select count(*)::int as n from coaching_session where coach_id = ${coach.id} and status = 'BOOKED' and starts_at = ${start}`);
    expect(n).toBe(1);
  });

  it('a recording that loses to another one leaves no check-ins on the plan', async () => {
    const { patient, token, sessionId, recordLate, walkCheckIns } = await sessionToRecord();
    // Another tab records it as a DNA first.
    expect(errorCode(await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'DNA' }) }, token))).toBeUndefined();
    await expect(recordLate()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await walkCheckIns()).toEqual(seededCheckIns);
    expect((await counts(patient.id)).statuses).toBe('DNA');
  });

  it('a recording waits for one under way, then finds the session recorded and writes nothing to the plan', async () => {
    const { coach, patient, sessionId, recordLate, walkCheckIns } = await sessionToRecord();
    // A colleague's recording under way: it holds the session, as the service's transaction does, uncommitted.
    const colleague = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
    await colleague.connect();
    try {
      await colleague.query('begin');
      await colleague.query(`select id from coaching_session where id = $1 for update`, [sessionId]);
      const late = recordLate();
      late.catch(() => undefined); // awaited below, once the colleague has committed
      await waitForLockWait('coaching_session');
      await colleague.query(`update coaching_session set status = 'DNA', recorded_by_id = $2, recorded_at = now() where id = $1`, [sessionId, coach.id]);
      await colleague.query('commit');
      await expect(late).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await colleague.end();
    }
    expect(await walkCheckIns()).toEqual(seededCheckIns);
    expect((await counts(patient.id)).statuses).toBe('DNA');
  });

  it('a recording that wrote its check-ins and then failed can be finished by a colleague: the check-ins reach the plan once', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([gp, coach]);
    const coachToken = await signInAs(url(), coach);
    await seedPlan(coachToken, patient.id);
    const sessionId = await bookInPast(coachToken, patient.id, coach.id, 1);
    const day = ukDate((await em().findOneOrFail(CoachingSession, sessionId)).startsAt);
    const review = { goalId: 'goal-walk', rating: 7, note: 'Three walks' };
    // The coach's recording wrote the check-ins to the plan (which commits on its own), then failed: still booked.
    await addCheckInsToPlan(server().running.services.carePlans, patient.id, coach.id, day, [review], sessionCheckInsId(sessionId, day, [review]), randomUUID());
    expect((await counts(patient.id)).statuses).toBe('BOOKED');
    // The lead GP records it, saying the same.
    const res = await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'ATTENDED', discussed: 'Pacing', goalReviews: [review] }) }, await signInAs(url(), gp));
    expect(res.errors).toBeUndefined();
    expect((await counts(patient.id)).statuses).toBe('ATTENDED');
    const walk = (await gql<{ carePlan: { view: { goals: Array<{ id: string; checkIns: unknown[] }> } } }>(url(), PLAN, { id: patient.id }, coachToken)).data!.carePlan.view.goals.find((g) => g.id === 'goal-walk')!;
    expect(walk.checkIns).toEqual([...seededCheckIns, { date: day, rating: 7, note: 'Three walks' }]);
  });

  it('suggests a cadence that steps down as the patient improves and back up after a DNA, through the API', async () => {
    await fresh();
    const { coach } = world.users;
    const patient = await world.patient([coach]);
    const token = await signInAs(url(), coach);
    await seedPlan(token, patient.id);
    const record = async (daysAgo: number, rating: number, level: number, outcome = 'ATTENDED') => {
      await runSql(em(), sql`update patient set activation_level = ${level} where id = ${patient.id}`);
      const id = await bookInPast(token, patient.id, coach.id, daysAgo);
      const input = outcome === 'ATTENDED' ? { sessionId: id, outcome, discussed: 'Progress review', goalReviews: [{ goalId: 'goal-walk', rating }] } : { sessionId: id, outcome };
      const res = await gql<{ recordSession: { cadence: { interval: string; direction: string; reasons: string[] } } }>(url(), RECORD, { input: await asSeen(input) }, token);
      expect(res.errors).toBeUndefined();
      return res.data!.recordSession.cadence;
    };
    expect(await record(21, 3, 2)).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    expect(await record(14, 6, 3)).toEqual({ interval: 'FORTNIGHTLY', previous: 'WEEKLY', direction: 'STEP_DOWN', reasons: ['Activation level 2 → 3.', 'Goal check-ins 3 → 6 out of 10 on average.'], suggestedDate: expect.any(String) });
    expect(await record(7, 0, 3, 'DNA')).toMatchObject({ interval: 'WEEKLY', direction: 'STEP_UP', reasons: [expect.stringMatching(/^Did not attend on /)] });
    expect((await gql<{ sessionCadence: { interval: string } }>(url(), CADENCE, { id: patient.id }, token)).data!.sessionCadence.interval).toBe('WEEKLY');
  });

  it('two DNAs in a row alert the coach and the care-team lead, with a timeline event', async () => {
    await fresh();
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([fcp, coach, gp]); // the physio leads this team
    const token = await signInAs(url(), coach);
    const first = await bookInPast(token, patient.id, coach.id, 14);
    const second = await bookInPast(token, patient.id, coach.id, 7);
    const dna = async (sessionId: string) => gql<{ recordSession: { dnaAlert: boolean } }>(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'DNA', discussed: 'No answer twice' }) }, token);
    expect((await dna(first)).data!.recordSession.dnaAlert).toBe(false);
    expect((await dna(second)).data!.recordSession.dnaAlert).toBe(true);
    for (const user of [coach, fcp]) {
      const notes = (await gql<{ myNotifications: Array<{ kind: string; title: string; link: string }> }>(url(), NOTIFS, {}, await signInAs(url(), user))).data!.myNotifications;
      expect(notes).toContainEqual({ kind: 'SESSION_DNA_ALERT', title: `Pat ${patient.familyName} missed 2 sessions in a row`, body: expect.any(String), link: `/patients/${patient.id}/sessions` });
    }
    const gpNotes = (await gql<{ myNotifications: Array<{ kind: string }> }>(url(), NOTIFS, {}, await signInAs(url(), gp))).data!.myNotifications;
    expect(gpNotes.map((n) => n.kind)).not.toContain('SESSION_DNA_ALERT');
    const timeline = (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patient.id }, token)).data!.timeline.nodes;
    expect(timeline[0]).toMatchObject({ kind: 'SESSION_DNA_ALERT', payload: { consecutiveDnas: 2, coachName: coach.name } });
  });

  it('two DNAs in a row recorded out of order still alert: the later one first, then the one before it', async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([fcp, coach]);
    const token = await signInAs(url(), coach);
    const attended = await bookInPast(token, patient.id, coach.id, 21);
    const missedFirst = await bookInPast(token, patient.id, coach.id, 14);
    const missedSecond = await bookInPast(token, patient.id, coach.id, 7);
    expect((await gql(url(), RECORD, { input: await asSeen({ sessionId: attended, outcome: 'ATTENDED', discussed: 'Pacing' }) }, token)).errors).toBeUndefined();
    const dna = async (sessionId: string) => (await gql<{ recordSession: { dnaAlert: boolean } }>(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'DNA' }) }, token)).data!.recordSession.dnaAlert;
    // The later missed session is recorded first, while the one before it is still booked: one missed so far.
    expect(await dna(missedSecond)).toBe(false);
    expect(await dna(missedFirst)).toBe(true);
    const notes = (await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), NOTIFS, {}, await signInAs(url(), fcp))).data!.myNotifications;
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'SESSION_DNA_ALERT', title: `Pat ${patient.familyName} missed 2 sessions in a row` }));
  });

  it("shows a coach's diary and capacity, and the service lead every coach of the PCN", async () => {
    await fresh();
    const { coach, lead, outsider, gp } = world.users;
    const led = [await world.patient([coach]), await world.patient([coach]), await world.patient([coach], { status: 'DISCHARGED' })];
    const notLed = await world.patient([gp, coach]);
    const token = await signInAs(url(), coach);
    const today = ukDate(new Date());
    await runSql(em(), sql`insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id)
      values (gen_random_uuid(), ${led[0]!.id}, ${coach.id}, now() + interval '1 minute', now() + interval '46 minutes', 'VIDEO', 'First session', 'BOOKED', ${coach.id})`);
    const nextWeekAt = at(7 * 24 * hour);
    const nextWeek = await book(token, booking(led[1]!.id, coach.id, nextWeekAt));
    const cancelled = await book(token, booking(notLed.id, coach.id, at(8 * 24 * hour)));
    await gql(url(), CANCEL, { input: await asSeen({ sessionId: cancelled, cancelledBy: 'CLINIC', reason: 'Coach on leave' }) }, token);
    // A Pain Café the coach facilitates next week counts beside the sessions; a cancelled one does not.
    const cafe = (days: number) => ({ title: 'Pain Café', startsAt: at(days * 24 * hour).toISOString(), endsAt: at(days * 24 * hour + 2 * hour).toISOString(), venue: 'Hall', capacity: 8, facilitatorIds: [coach.id] });
    expect((await gql(url(), CREATE_CAFE, { input: cafe(7) }, token)).errors).toBeUndefined();
    const called = await gql<{ createPainCafe: { id: string } }>(url(), CREATE_CAFE, { input: cafe(7.5) }, token);
    expect((await gql(url(), CANCEL_CAFE, { id: called.data!.createPainCafe.id }, token)).errors).toBeUndefined();

    type Diary = { coachDiary: { today: string; day: string; daySessions: Array<{ session: { id: string }; patient: { id: string } }>; weekSessions: Array<{ session: { id: string } }> } };
    const diary = (await gql<Diary>(url(), DIARY, {}, token)).data!.coachDiary;
    expect(diary).toMatchObject({ today, day: today });
    // Each patient the diary named is in the audit trail as seen by the coach.
    expect(await auditedPatients(coach.id, 'coach.diary')).toContain(led[0]!.id);
    // A minute from now is still today unless the test runs in the day's last minute.
    if (ukDate(at(60_000)) === today) expect(diary.daySessions.map((e) => e.patient.id)).toEqual([led[0]!.id]);
    expect(diary.weekSessions.map((e) => e.session.id)).not.toContain(nextWeek);
    // Opened on another day (the "Next week" button), the diary shows that day, and today is still today.
    const thatDay = ukDate(nextWeekAt);
    const later = (await gql<Diary>(url(), DIARY, { date: thatDay }, token)).data!.coachDiary;
    expect(later).toMatchObject({ today, day: thatDay });
    expect(later.daySessions.map((e) => e.session.id)).toEqual([nextWeek]);
    expect(later.weekSessions.map((e) => e.session.id)).toContain(nextWeek);

    const set = await gql<{ setCoachCapacity: { sessionsPerWeek: number; caseloadSize: number; activeCaseload: number } }>(url(), SET_CAPACITY, { input: { coachId: coach.id, sessionsPerWeek: 20, caseloadSize: 30 } }, token);
    expect(set.data?.setCoachCapacity).toMatchObject({ sessionsPerWeek: 20, caseloadSize: 30, activeCaseload: 2 });
    expect(errorCode(await gql(url(), SET_CAPACITY, { input: { coachId: coach.id, sessionsPerWeek: -1, caseloadSize: 30 } }, token))).toBe('BAD_USER_INPUT');
    const mine = (await gql<{ coachCapacities: Array<{ coach: { id: string }; sessionsThisWeek: number; sessionsNextWeek: number; activeCaseload: number }> }>(url(), CAPACITIES, {}, token)).data!.coachCapacities;
    // The cancelled session counts for nothing; a week from now is always next week.
    expect(mine).toEqual([expect.objectContaining({ coach: { id: coach.id, name: coach.name }, activeCaseload: 2, sessionsNextWeek: 1, cafesThisWeek: 0, cafesNextWeek: 1 })]);
    if (ukDate(at(60_000)) === today) expect(mine[0]!.sessionsThisWeek).toBe(1);

    const all = (await gql<{ coachCapacities: Array<{ coach: { id: string }; sessionsPerWeek: number | null }> }>(url(), CAPACITIES, {}, await signInAs(url(), lead))).data!.coachCapacities;
    expect(all).toEqual([expect.objectContaining({ coach: { id: coach.id, name: coach.name }, sessionsPerWeek: 20 })]);
    const leadDiary = await gql<{ coachDiary: { weekSessions: unknown[] } }>(url(), DIARY, { coachId: coach.id }, await signInAs(url(), lead));
    expect(leadDiary.errors).toBeUndefined();

    const outsiderToken = await signInAs(url(), outsider);
    expect(errorCode(await gql(url(), DIARY, { coachId: coach.id }, outsiderToken))).toBe('NOT_FOUND');
    // No such coach answers alike, and is audited like the refusal above.
    const madeUp = randomUUID();
    expect(errorCode(await gql(url(), DIARY, { coachId: madeUp }, outsiderToken))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), SET_CAPACITY, { input: { coachId: madeUp, sessionsPerWeek: 1, caseloadSize: 1 } }, token))).toBe('NOT_FOUND');
    const refused = await ownerQuery<{ action: string; coach_id: string }>(`select action, detail->>'coachId' as coach_id from audit_entry where outcome = 'DENIED' and detail->>'coachId' = $1 order by id`, [madeUp]);
    expect(refused.map((r) => r.action)).toEqual(['coach.diary', 'coach.capacity']);
    expect(errorCode(await gql(url(), SET_CAPACITY, { input: { coachId: coach.id, sessionsPerWeek: 1, caseloadSize: 1 } }, outsiderToken))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), CAPACITIES, {}, await signInAs(url(), gp)))).toBe('FORBIDDEN');
  });

  it('drafts a discharge from the record; signing it notifies the GP, cancels what is booked and leaves the patient DISCHARGED', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const token = await signInAs(url(), coach);
    await seedPlan(token, patient.id);
    const held = await bookInPast(token, patient.id, coach.id, 10);
    // A PEG-3 taken at the session, its score not entered: the summary says so rather than "no outcome measures".
    const recorded = await gql(url(), RECORD, { input: await asSeen({ sessionId: held, outcome: 'ATTENDED', discussed: 'Goals reviewed', goalReviews: [{ goalId: 'goal-walk', rating: 8 }], measuresTaken: ['PEG_3'] }) }, token);
    expect(recorded.errors).toBeUndefined();
    const future = await book(token, booking(patient.id, coach.id, at(5 * 24 * hour)));

    const draft = (await gql<{ dischargeDraft: { summary: string; attended: number; dnas: number; gpNames: string[] } }>(url(), DRAFT, { id: patient.id }, token)).data!.dischargeDraft;
    expect(draft).toMatchObject({ attended: 1, dnas: 0, gpNames: [gp.name] });
    expect(await auditedPatients(coach.id, 'discharge.draft')).toEqual([patient.id]);
    expect(draft.summary).toMatch(/is discharged from health and wellbeing coaching on .*: goals met\./);
    expect(draft.summary).toMatch(/1 session attended, on /);
    expect(draft.summary).toMatch(/- Walk to the allotment twice a week \(active\): 3\/10 → 8\/10/);
    expect(draft.summary).toMatch(/Self-management: Ten-minute blocks with rests \(Daily\)\./);
    const [heldRow] = await ownerQuery<{ starts_at: Date }>('select starts_at from coaching_session where id = $1', [held]);
    const heldOn = dateInWords(ukDate(heldRow!.starts_at));
    expect(draft.summary.split('Outcome measures, first and last\n')[1]!.split('\n\n')[0]).toBe(`No outcome measure scores entered in Cairn.\n- PEG-3: taken at the session on ${heldOn}, but no score entered in Cairn`);

    const before = await counts(patient.id);
    expect(errorCode(await gql(url(), DISCHARGE, { input: { patientId: patient.id, reason: 'GOALS_MET', summary: '  ' } }, token))).toBe('BAD_USER_INPUT');
    expect(await counts(patient.id)).toEqual(before);

    const signed = `${draft.summary}\n\nShe is keen to join the Pain Café.`;
    const done = await gql<{ dischargePatient: { reason: string; summary: string; draftedSummary: string; signedBy: { name: string } } }>(url(), DISCHARGE, { input: { patientId: patient.id, reason: 'GOALS_MET', summary: signed } }, token);
    expect(done.errors).toBeUndefined();
    expect(done.data!.dischargePatient).toMatchObject({ reason: 'GOALS_MET', summary: signed, draftedSummary: draft.summary, signedBy: { name: coach.name } });
    expect((await gql<{ patient: { status: string } }>(url(), PATIENT, { id: patient.id }, token)).data!.patient.status).toBe('DISCHARGED');
    expect((await counts(patient.id)).statuses).toBe('ATTENDED,CANCELLED_BY_CLINIC');
    const gpNotes = (await gql<{ myNotifications: Array<{ kind: string; body: string }> }>(url(), NOTIFS, {}, await signInAs(url(), gp))).data!.myNotifications;
    expect(gpNotes[0]).toMatchObject({ kind: 'PATIENT_DISCHARGED', body: expect.stringMatching(/goals met/) });
    const kinds = (await gql<{ timeline: { nodes: Array<{ kind: string }> } }>(url(), TIMELINE, { id: patient.id }, token)).data!.timeline.nodes.map((n) => n.kind);
    expect(kinds.slice(0, 2)).toEqual(['PATIENT_DISCHARGED', 'SESSION_CANCELLED']);
    expect(errorCode(await gql(url(), DISCHARGE, { input: { patientId: patient.id, reason: 'GOALS_MET', summary: 'again' } }, token))).toBe('CONFLICT');
    expect(errorCode(await gql(url(), BOOK, { input: booking(patient.id, coach.id, at(6 * 24 * hour)) }, token))).toBe('CONFLICT');
    expect(future).toBeTruthy();

    const letter = await fetch(`${url()}/patients/${patient.id}/discharge-letter/print`, { headers: { authorization: `Bearer ${token}` } });
    expect(letter.status).toBe(200);
    const html = await letter.text();
    expect(html).toContain('Discharge from health and wellbeing coaching');
    expect(html).toContain('She is keen to join the Pain Café.');
    expect(html).toContain(`To: ${gp.name}`);
  });

  it('refuses to discharge a patient whose referral awaits triage, and changes nothing', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp], { status: 'REFERRED' as never });
    await runSql(em(), sql`insert into referral (id, patient_id, source, referrer_id, reason, wants_help_with, consent_to_contact, contact_method, status, patient_status_before)
                           values (gen_random_uuid(), ${patient.id}, 'GP', ${gp.id}, 'Persistent neck pain', 'Sleeping through', true, 'PHONE', 'RECEIVED', 'REFERRED')`);
    const refused = await gql(url(), DISCHARGE, { input: { patientId: patient.id, reason: 'PATIENT_CHOICE', summary: 'Does not want coaching.' } }, await signInAs(url(), coach));
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/waiting to be triaged: decline it on the Referrals screen/);
    const [row] = await runSql<{ status: string; discharges: number }>(em(), sql`select p.status, (select count(*)::int from discharge d where d.patient_id = p.id) as discharges from patient p where p.id = ${patient.id}`);
    expect(row).toEqual({ status: 'REFERRED', discharges: 0 });
  });

  it('a booking made while the discharge is signed is either cancelled by it or refused: nothing stays booked', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const token = await signInAs(url(), coach);
    for (let round = 0; round < 6; round++) {
      const patient = await world.patient([coach, gp]);
      const [booked, discharged] = await Promise.all([
        gql(url(), BOOK, { input: booking(patient.id, coach.id, at((10 + round) * 24 * hour)) }, token),
        gql(url(), DISCHARGE, { input: { patientId: patient.id, reason: 'GOALS_MET', summary: 'Walking daily.' } }, token),
      ]);
      expect(discharged.errors).toBeUndefined();
      if (booked.errors) expect(errorCode(booked)).toBe('CONFLICT');
      const left = await runSql<{ status: string }>(em(), sql`select status from coaching_session where patient_id = ${patient.id} and status = 'BOOKED'`);
      expect(left).toEqual([]);
    }
  });

  it('a discharge signed while the last session is recorded: both finish promptly, neither an internal error, whichever goes first', async () => {
    /** Fails the test rather than wait for good: two writes waiting for each other through the app never end. */
    const within = <T,>(what: string, answer: Promise<T>) =>
      Promise.race([answer, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within 10 s`)), 10_000))]);
    /** Runs `meanwhile` while a connection of the test's own holds the event log's counter, which every write's event takes. */
    const whileEventsHeld = async <T,>(meanwhile: () => Promise<T>): Promise<T> => {
      const holder = new pg.Client({ connectionString: String(server().orm.config.get('clientUrl')) });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('update event_counter set last_seq = last_seq where id = 1');
        return await meanwhile();
      } finally {
        await holder.query('commit').finally(() => holder.end());
      }
    };
    const discharge = (patientId: string, token: string) => gql(url(), DISCHARGE, { input: { patientId, reason: 'GOALS_MET', summary: 'Walking daily.' } }, token);
    const attend = async (sessionId: string, token: string) => gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'ATTENDED', discussed: 'Last session', goalReviews: [{ goalId: 'goal-walk', rating: 8 }] }) }, token);

    // The recording first: holding its session, with its check-ins on the plan, it waits to write its event; the discharge comes meanwhile.
    {
      const { coach, patient, token, sessionId, walkCheckIns } = await sessionToRecord();
      await book(token, booking(patient.id, coach.id, at(5 * 24 * hour)));
      const [recorded, discharged] = await whileEventsHeld(async () => {
        const recorded = attend(sessionId, token);
        await waitForLockWait('event_counter');
        const discharged = discharge(patient.id, token);
        await waitForLockWait('', 2); // the discharge too, at whichever lock it waits for
        return [recorded, discharged];
      });
      const [r, d] = await within('the recording and the discharge', Promise.all([recorded, discharged]));
      expect([r.errors?.[0]?.message, d.errors?.[0]?.message]).toEqual([undefined, undefined]);
      expect((await counts(patient.id)).statuses).toBe('ATTENDED,CANCELLED_BY_CLINIC');
      expect(await walkCheckIns()).toEqual([...seededCheckIns, expect.objectContaining({ rating: 8 })]);
    }
    // The discharge first: it has cancelled the session and waits to write its events; the recording comes meanwhile.
    {
      const { patient, token, sessionId, walkCheckIns } = await sessionToRecord();
      const [discharged, recorded] = await whileEventsHeld(async () => {
        const discharged = discharge(patient.id, token);
        await waitForLockWait('event_counter');
        const recorded = attend(sessionId, token);
        await waitForLockWait('coaching_session');
        return [discharged, recorded];
      });
      const [d, r] = await within('the discharge and the recording', Promise.all([discharged, recorded]));
      expect(errorCode(d)).toBeUndefined();
      expect(errorCode(r)).toBe('CONFLICT');
      expect(r.errors![0].message).toBe('Someone else changed this session a moment ago: it is now cancelled by the clinic. What you entered was not recorded; look at the sessions again.');
      expect((await counts(patient.id)).statuses).toBe('CANCELLED_BY_CLINIC');
      expect(await walkCheckIns()).toEqual(seededCheckIns);
    }
  });

  it('an outsider gets NOT_FOUND for the sessions of a patient they cannot see, and nothing is stored', async () => {
    await fresh();
    const { coach, outsider, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const token = await signInAs(url(), coach);
    const sessionId = await bookInPast(token, patient.id, coach.id, 1);
    const before = await counts(patient.id);
    const outsiderToken = await signInAs(url(), outsider);
    const attempts: Array<[string, Record<string, unknown>]> = [
      [SESSIONS, { id: patient.id }],
      [CADENCE, { id: patient.id }],
      [DRAFT, { id: patient.id }],
      [BOOK, { input: booking(patient.id, outsider.id, at(24 * hour)) }],
      [RECORD, { input: await asSeen({ sessionId, outcome: 'DNA' }) }],
      [REBOOK, { input: { sessionId, startsAt: at(24 * hour).toISOString(), endsAt: at(25 * hour).toISOString(), reason: 'x', seen: slotOf(at(48 * hour), 45) } }],
      [CANCEL, { input: await asSeen({ sessionId, cancelledBy: 'CLINIC', reason: 'x' }) }],
      [ADDENDUM, { id: sessionId, body: 'x' }],
      [DISCHARGE, { input: { patientId: patient.id, reason: 'GOALS_MET', summary: 'x' } }],
    ];
    for (const [query, variables] of attempts) expect(errorCode(await gql(url(), query, variables, outsiderToken)), query.slice(0, 40)).toBe('NOT_FOUND');
    expect(await counts(patient.id)).toEqual(before);
    const letter = await fetch(`${url()}/patients/${patient.id}/discharge-letter/print`, { headers: { authorization: `Bearer ${outsiderToken}` } });
    expect(letter.status).toBe(404);
    // The GP on the team can see sessions but not record or discharge; the abilities say so.
    const gpToken = await signInAs(url(), gp);
    expect((await gql<{ patient: { viewerCan: Record<string, boolean> } }>(url(), PATIENT, { id: patient.id }, gpToken)).data!.patient.viewerCan).toEqual({ bookSession: true, recordSession: false, dischargePatient: false });
    expect(errorCode(await gql(url(), RECORD, { input: await asSeen({ sessionId, outcome: 'DNA' }) }, gpToken))).toBe('FORBIDDEN');
  });
});
