import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, readersAmong } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role, User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { links, notify } from '../notifications/notification.service.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { badInput, changedSinceSeen, conflict } from '../platform/errors.js';
import { runSql, sql, takeTurns } from '../platform/sql.js';
import { optionalText, requireText } from '../platform/validate.js';
import { CoachingSession, SessionChange, SessionChangeKind, SessionMode, SessionStatus } from './session.entity.js';
import type { BookSessionInput, CancelSessionInput, RebookSessionInput } from './session.types.js';
import { slotWords } from '../platform/uk-dates.js';

export interface By {
  actor: User;
  requestId: string;
}

/** What a booking may be: sessions are 10 minutes to 4 hours, booked up to a year ahead. */
export const bookingLimits = { minMinutes: 10, maxMinutes: 240, maxDaysAhead: 366, textChars: 1000 } as const;

/** Books a session; every check runs before anything is written, and the clash check runs under a lock. */
export async function bookSession(em: EntityManager, by: By, patient: Patient, input: BookSessionInput, now = new Date()): Promise<CoachingSession> {
  if (patient.status === PatientStatus.DISCHARGED) throw conflict(`${nameOf(patient)} has been discharged; a new referral starts a new episode before sessions are booked.`);
  const { startsAt, endsAt } = requireSlot(input.startsAt, input.endsAt, now);
  const coach = await requireCoach(em, input.coachId, patient);
  const location = optionalText('location', input.location, 200);
  if (input.mode === SessionMode.IN_PERSON && !location) throw badInput('location', 'Please say where an in-person session is held.');
  const session = Object.assign(new CoachingSession(), {
    patientId: patient.id,
    coach,
    startsAt,
    endsAt,
    mode: input.mode,
    location,
    purpose: requireText('purpose', input.purpose, bookingLimits.textChars),
    bookedBy: by.actor,
  });
  await em.transactional(async (tx) => {
    await refuseClashes(tx, session, patient);
    // Under the patient's turn, which removing a member from the care team takes too: a coach taken off the team
    // meanwhile is not booked (the session would fall out of their diary, which lists only patients they may read).
    if (!(await readersAmong(tx, patient.id, [coach.id])).has(coach.id)) throw notOnTeam(coach, patient);
    tx.persist(session);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'session.book', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { sessionId: session.id } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'SESSION_BOOKED',
      actorId: by.actor.id,
      payload: { sessionId: session.id, coachId: coach.id, coachName: coach.name, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), mode: session.mode, purpose: session.purpose },
    });
    // The coach is told when someone else fills their diary (never of their own booking).
    await notify(tx, [coach.id], {
      kind: 'SESSION_BOOKED',
      patientId: patient.id,
      title: `Session booked with ${nameOf(patient)}`,
      body: `${by.actor.name} booked ${slotWords(startsAt, endsAt)}: ${session.purpose}`,
      link: links.sessions(patient.id),
      actorId: by.actor.id,
    });
  });
  return session;
}

/**
 * Moves a booked session to another time, keeping the time it replaces. It moves from the time its mover
 * saw (`input.seen`): a session a colleague has moved since is refused, not moved back over their move.
 */
export async function rebookSession(em: EntityManager, by: By, session: CoachingSession, patient: Patient, input: RebookSessionInput, now = new Date()): Promise<CoachingSession> {
  requireBooked(session, 'moved');
  const { startsAt, endsAt } = requireSlot(input.startsAt, input.endsAt, now);
  if (startsAt.getTime() === session.startsAt.getTime() && endsAt.getTime() === session.endsAt.getTime()) throw badInput('startsAt', 'The session is already booked for that time.');
  const reason = requireText('reason', input.reason, bookingLimits.textChars);
  const previous = { startsAt: session.startsAt, endsAt: session.endsAt };
  if (!sameSlot(input.seen, previous)) throw movedMeanwhile(previous, 'Nothing was changed: check that time with the patient before you move it from there.');
  await em.transactional(async (tx) => {
    await refuseClashes(tx, { id: session.id, coach: session.coach, startsAt, endsAt }, patient);
    const moved = await runSql(tx, sql`update coaching_session set starts_at = ${startsAt}, ends_at = ${endsAt}
                                        where id = ${session.id} and status = 'BOOKED' and starts_at = ${previous.startsAt} and ends_at = ${previous.endsAt} returning id`);
    if (moved.length === 0) throw conflict('This session was changed by someone else a moment ago; please look again.');
    tx.persist(Object.assign(new SessionChange(), { sessionId: session.id, kind: SessionChangeKind.REBOOKED, previousStartsAt: previous.startsAt, previousEndsAt: previous.endsAt, newStartsAt: startsAt, newEndsAt: endsAt, reason, changedBy: by.actor }));
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'session.rebook', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { sessionId: session.id } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'SESSION_REBOOKED',
      actorId: by.actor.id,
      payload: { sessionId: session.id, coachName: session.coach.name, previousStartsAt: previous.startsAt.toISOString(), startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), reason },
    });
    await notify(tx, [session.coach.id], {
      kind: 'SESSION_BOOKED',
      patientId: patient.id,
      title: `Session with ${nameOf(patient)} moved`,
      body: `${by.actor.name} moved it from ${slotWords(previous.startsAt, previous.endsAt)} to ${slotWords(startsAt, endsAt)}: ${reason}`,
      link: links.sessions(patient.id),
      actorId: by.actor.id,
    });
  });
  await em.refresh(session);
  return session;
}

export function sameSlot(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt.getTime() === b.startsAt.getTime() && a.endsAt.getTime() === b.endsAt.getTime();
}

/** The refusal of a change from a form opened before a colleague moved the session; `nothingDone` says what was left as it was. */
export function movedMeanwhile(now: { startsAt: Date; endsAt: Date }, nothingDone: string) {
  return changedSinceSeen(`Someone else moved this session since you opened the form: it is now ${slotWords(now.startsAt, now.endsAt)}. ${nothingDone}`);
}

const notCancelled = 'Nothing was cancelled: check with the patient whether they can keep that time before you cancel it.';

/**
 * Cancels a booked session, by the patient or by the clinic, with the reason; the row stays. It cancels the
 * time its canceller saw (`input.seen`, SES-H19): a session a colleague has moved since, likely to a time the
 * patient agreed, is refused, not cancelled there.
 */
export async function cancelSession(em: EntityManager, by: By, session: CoachingSession, patient: Patient, input: CancelSessionInput, now = new Date()): Promise<CoachingSession> {
  requireBooked(session, 'cancelled');
  const reason = requireText('reason', input.reason, bookingLimits.textChars);
  if (!sameSlot(input.seen, session)) throw movedMeanwhile(session, notCancelled);
  await em.transactional(async (tx) => {
    // Again as it is now, locked until the cancellation commits: a move that committed a moment ago is refused too.
    const locked = await lockBookedSlot(tx, session.id);
    if (!locked) throw await changedMeanwhile(tx, session.id, 'It was not cancelled; look at the sessions again.');
    if (!sameSlot(input.seen, locked)) throw movedMeanwhile(locked, notCancelled);
    await cancelBooked(tx, by, session, input.cancelledBy, reason, now);
    await recordAudit(tx, { actorId: by.actor.id, action: 'session.cancel', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { sessionId: session.id } });
    await notify(tx, [session.coach.id], {
      kind: 'SESSION_BOOKED',
      patientId: patient.id,
      title: `Session with ${nameOf(patient)} cancelled`,
      body: `${slotWords(session.startsAt, session.endsAt)}, cancelled by the ${input.cancelledBy === 'PATIENT' ? 'patient' : 'clinic'}: ${reason}`,
      link: links.sessions(patient.id),
      actorId: by.actor.id,
    });
  });
  await em.refresh(session);
  return session;
}

/** Inside a transaction: marks one booked session cancelled with its history row and event (discharge uses it too). */
export async function cancelBooked(tx: EntityManager, by: By, session: CoachingSession, cancelledBy: 'PATIENT' | 'CLINIC', reason: string, now: Date): Promise<void> {
  const status = cancelledBy === 'PATIENT' ? SessionStatus.CANCELLED_BY_PATIENT : SessionStatus.CANCELLED_BY_CLINIC;
  const done = await runSql(tx, sql`update coaching_session set status = ${status}, cancel_reason = ${reason}, cancelled_by_id = ${by.actor.id}, cancelled_at = ${now}
                                     where id = ${session.id} and status = 'BOOKED' returning id`);
  if (done.length === 0) throw conflict('This session was changed by someone else a moment ago; please look again.');
  tx.persist(Object.assign(new SessionChange(), { sessionId: session.id, kind: SessionChangeKind.CANCELLED, previousStartsAt: session.startsAt, previousEndsAt: session.endsAt, reason, changedBy: by.actor, changedAt: now }));
  await tx.flush();
  await appendEvent(tx, { patientId: session.patientId, kind: 'SESSION_CANCELLED', actorId: by.actor.id, payload: { sessionId: session.id, startsAt: session.startsAt.toISOString(), cancelledBy, reason } });
}

/**
 * Inside a transaction: the session's time as it is now, locked until the transaction ends, so that no one
 * moves, records or cancels it meanwhile; null once it is no longer booked.
 */
export async function lockBookedSlot(tx: EntityManager, sessionId: string): Promise<{ startsAt: Date; endsAt: Date } | null> {
  const [booked] = await runSql<{ startsAt: string; endsAt: string }>(
    tx,
    sql`select starts_at as "startsAt", ends_at as "endsAt" from coaching_session where id = ${sessionId} and status = 'BOOKED' for update`,
  );
  return booked ? { startsAt: new Date(booked.startsAt), endsAt: new Date(booked.endsAt) } : null; // the driver answers timestamps as text
}

/** The refusal of a change that found the session no longer booked: what became of it (a discharge cancels it, say), then `nothingDone`. */
export async function changedMeanwhile(tx: EntityManager, sessionId: string, nothingDone: string) {
  const [now] = await runSql<{ status: SessionStatus }>(tx, sql`select status from coaching_session where id = ${sessionId}`);
  const became = now ? statusWords[now.status] : 'not booked';
  return conflict(`Someone else changed this session a moment ago: it is now ${became}. ${nothingDone}`);
}

export function requireBooked(session: CoachingSession, verb: string): void {
  if (session.status !== SessionStatus.BOOKED) throw conflict(`Only a booked session can be ${verb}; this one is ${statusWords[session.status]}.`);
}

export const statusWords: Record<SessionStatus, string> = {
  BOOKED: 'booked',
  ATTENDED: 'recorded as attended',
  DNA: 'recorded as did not attend',
  CANCELLED_BY_PATIENT: 'cancelled by the patient',
  CANCELLED_BY_CLINIC: 'cancelled by the clinic',
};

/** A real slot: in the future, ending after it starts, of a sensible length, within a year. */
function requireSlot(startsAt: Date, endsAt: Date, now: Date): { startsAt: Date; endsAt: Date } {
  if (!(startsAt instanceof Date) || Number.isNaN(startsAt.getTime())) throw badInput('startsAt', 'Please give the date and time the session starts.');
  if (!(endsAt instanceof Date) || Number.isNaN(endsAt.getTime())) throw badInput('endsAt', 'Please give the time the session ends.');
  if (startsAt.getTime() < now.getTime()) throw badInput('startsAt', 'That time has passed: a session is booked for a time to come.');
  if (endsAt.getTime() <= startsAt.getTime()) throw badInput('endsAt', 'The session must end after it starts.');
  const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
  if (minutes < bookingLimits.minMinutes) throw badInput('endsAt', `A session lasts at least ${bookingLimits.minMinutes} minutes.`);
  if (minutes > bookingLimits.maxMinutes) throw badInput('endsAt', `A session lasts at most ${bookingLimits.maxMinutes / 60} hours; this one would last ${Math.round(minutes / 60)} hours.`);
  if (startsAt.getTime() - now.getTime() > bookingLimits.maxDaysAhead * 86_400_000) throw badInput('startsAt', 'Sessions are booked at most a year ahead.');
  return { startsAt, endsAt };
}

/** The coach named for a session: an active coach who can see the patient. */
async function requireCoach(em: EntityManager, coachId: string, patient: Patient): Promise<User> {
  const coach = isUuid(coachId) ? await em.findOne(User, { id: coachId }, { populate: ['organisation'] }) : null;
  if (!coach || coach.role !== Role.COACH || !coach.active) throw badInput('coachId', 'No such coach.');
  if (!(await readersAmong(em, patient.id, [coach.id])).has(coach.id)) throw notOnTeam(coach, patient);
  return coach;
}

function notOnTeam(coach: Pick<User, 'name'>, patient: Patient) {
  return badInput('coachId', `${coach.name} is not on ${nameOf(patient)}'s care team; add them to the team before booking them.`);
}

/**
 * Refuses a session overlapping another BOOKED one of the same coach or the same patient. The advisory
 * locks (one per coach, one per patient) make two bookings at once take turns, so both cannot pass the check.
 */
async function refuseClashes(tx: EntityManager, session: Pick<CoachingSession, 'id' | 'coach' | 'startsAt' | 'endsAt'>, patient: Patient): Promise<void> {
  await takeTurns(tx, `session-coach:${session.coach.id}`);
  await lockPatientSessions(tx, patient.id);
  // A discharge signed while this booking waited for the lock has cancelled what was booked; nothing more is.
  const [current] = await runSql<{ status: string }>(tx, sql`select status from patient where id = ${patient.id}`);
  if (current?.status === PatientStatus.DISCHARGED) throw conflict(`${nameOf(patient)} has been discharged; a new referral starts a new episode before sessions are booked.`);
  const clashes = await runSql<{ coach_id: string; patient_id: string; starts_at: string; ends_at: string }>(
    tx,
    sql`select coach_id, patient_id, starts_at, ends_at from coaching_session
         where status = 'BOOKED' and id <> ${session.id} and (coach_id = ${session.coach.id} or patient_id = ${patient.id})
           and starts_at < ${session.endsAt} and ends_at > ${session.startsAt}
         order by starts_at limit 1`,
  );
  const clash = clashes[0];
  if (!clash) return;
  const when = slotWords(new Date(clash.starts_at), new Date(clash.ends_at)); // the driver answers timestamps as text
  if (clash.coach_id === session.coach.id) throw conflict(`${session.coach.name} already has a session booked ${when}, which overlaps this one.`);
  throw conflict(`${nameOf(patient)} already has a session booked ${when}, which overlaps this one.`);
}

/** A coach's sessions still BOOKED with a patient, soonest first, those that have ended apart from those to come. */
export interface StillBooked {
  /** Ended but never recorded: they drop out of the coach's diary, unrecorded, once the coach leaves the team. */
  waitingToBeRecorded: Array<{ startsAt: Date; endsAt: Date }>;
  stillToCome: Array<{ startsAt: Date; endsAt: Date }>;
}

/**
 * Every session still booked with `coachId` for this patient, past or future. Read under
 * `lockPatientSessions` for a check that must hold until its write commits (no booking slips in meanwhile).
 */
export async function sessionsStillBooked(tx: EntityManager, patientId: string, coachId: string, now = new Date()): Promise<StillBooked> {
  const rows = await runSql<{ starts_at: string; ends_at: string }>(
    tx,
    sql`select starts_at, ends_at from coaching_session where patient_id = ${patientId} and coach_id = ${coachId} and status = 'BOOKED' order by starts_at`,
  );
  const slots = rows.map((r) => ({ startsAt: new Date(r.starts_at), endsAt: new Date(r.ends_at) })); // the driver answers timestamps as text
  return { waitingToBeRecorded: slots.filter((s) => s.endsAt <= now), stillToCome: slots.filter((s) => s.endsAt > now) };
}

/** Bookings, moves and a discharge of one patient take turns (until the transaction ends). */
export async function lockPatientSessions(tx: EntityManager, patientId: string): Promise<void> {
  await takeTurns(tx, `session-patient:${patientId}`);
}

export function nameOf(patient: Pick<Patient, 'givenName' | 'familyName'>): string {
  return `${patient.givenName} ${patient.familyName}`;
}
