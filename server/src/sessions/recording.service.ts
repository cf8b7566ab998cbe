import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { appendEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { runSql, sql, sqlText } from '../platform/sql.js';
import { inLatestEpisode } from '../referrals/referral.service.js';
import { optionalText, requireText } from '../platform/validate.js';
import { changedMeanwhile, lockBookedSlot, movedMeanwhile, nameOf, requireBooked, sameSlot, type By } from './booking.service.js';
import { addCheckInsToPlan, planIndex, sessionCheckInsId, type CheckIn } from './plan-check-ins.js';
import { CoachingSession, SessionAddendum, SessionChange, SessionStatus } from './session.entity.js';
import type { RecordSessionInput, SessionDetail, SessionGoalReview, SessionStrategyPractised } from './session.types.js';
import { slotWords, ukDate } from '../platform/uk-dates.js';

/** How long before its start a session may be recorded as attended: a call that began a little early. */
const RECORD_EARLY_MS = 15 * 60_000;

const TEXT_MAX = 4000;

/** What recording a session did beyond the session itself. */
export interface Recorded {
  dnaAlert: boolean;
}

/**
 * Records what happened at a booked session: attended (with notes, goals reviewed and their ratings,
 * strategies practised, next steps, measures taken) or DNA. Everything is checked against the care plan
 * first; the ratings then reach the plan's goals through the care-plan store, and the session's record,
 * audit and events commit together. Two DNAs in a row alert the coach and the care-team lead.
 */
export async function recordSession(em: EntityManager, by: By, session: CoachingSession, patient: Patient, input: RecordSessionInput, carePlans: CarePlanStore, now = new Date()): Promise<Recorded> {
  requireBooked(session, 'recorded');
  // Recorded at the time its recorder saw (SES-H17): a session a colleague has moved since is not theirs to record.
  if (!sameSlot(input.seen, session)) throw movedMeanwhile(session, notRecorded);
  const day = ukDate(session.startsAt);
  const attended = input.outcome === 'ATTENDED';
  const discussed = attended ? requireText('discussed', input.discussed, TEXT_MAX, 'what was discussed') : optionalText('discussed', input.discussed, TEXT_MAX, 'the note');
  const nextSteps = optionalText('nextSteps', input.nextSteps, TEXT_MAX);
  if (!attended && (input.goalReviews.length > 0 || input.strategyIds.length > 0 || input.measuresTaken.length > 0)) {
    throw badInput('outcome', 'A session the patient did not attend has no goal check-ins, strategies or measures.');
  }
  const plan = planIndex((await carePlans.read(patient.id)).view);
  const reviews = requireGoalReviews(input, plan.goals);
  const strategies = requireStrategies(input.strategyIds, plan.strategies);
  if (new Set(input.measuresTaken).size !== input.measuresTaken.length) throw badInput('measuresTaken', 'Each measure is listed once.');

  let dnaAlert = false;
  await em.transactional(async (tx) => {
    // The session stays locked until its record commits: whoever records, moves or cancels it meanwhile
    // waits, then finds it no longer booked. So the plan never keeps the check-ins of a recording that
    // lost to another one (this lock is the only one the transaction holds while the plan is written). A
    // discharge waits for it before it writes anything, and locks the patient only against other updates, so
    // the plan's write and this record's event, which need the patient's row to stay, never wait for it.
    const locked = await lockBookedSlot(tx, session.id);
    if (!locked) throw await changedMeanwhile(tx, session.id, 'What you entered was not recorded; look at the sessions again.');
    // As it is now, locked: one moved a moment ago is refused, and whether it has happened yet is judged on
    // the time it has, not the time the form showed.
    if (!sameSlot(input.seen, locked)) throw movedMeanwhile(locked, notRecorded);
    requireHappened(locked, attended, now);
    // Then the plan: an edit the store refuses records nothing. The plan's write commits on its own, so a
    // failure below leaves the check-ins there with the session still booked; a retry that says the same,
    // whoever sends it, finds them by their clientUpdateId and does not add them twice.
    const checkInsId = sessionCheckInsId(session.id, day, reviews);
    if (!(await carePlans.holdsUpdate(tx, patient.id, checkInsId))) {
      await addCheckInsToPlan(carePlans, patient.id, by.actor.id, day, reviews, checkInsId, by.requestId);
    }
    await runSql(
      tx,
      sql`update coaching_session set status = ${input.outcome}, recorded_by_id = ${by.actor.id}, recorded_at = ${now}, discussed = ${discussed},
                 next_steps = ${nextSteps}, measures_taken = ${input.measuresTaken}::text[], flare_up = ${attended ? input.flareUp : null}, activation_level = ${patient.activationLevel}
           where id = ${session.id}`,
    );
    if (reviews.length > 0) {
      await runSql(tx, sql`insert into session_goal_review (session_id, goal_id, goal_what, rating, note)
                           select ${session.id}::uuid, g->>'goalId', g->>'goalWhat', (g->>'rating')::smallint, g->>'note' from jsonb_array_elements(${JSON.stringify(reviews)}::jsonb) g`);
    }
    if (strategies.length > 0) {
      await runSql(tx, sql`insert into session_strategy_practised (session_id, strategy_id, strategy_what)
                           select ${session.id}::uuid, s->>'strategyId', s->>'strategyWhat' from jsonb_array_elements(${JSON.stringify(strategies)}::jsonb) s`);
    }
    await recordAudit(tx, { actorId: by.actor.id, action: 'session.record', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { sessionId: session.id, outcome: input.outcome } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'SESSION_RECORDED',
      actorId: by.actor.id,
      payload: { sessionId: session.id, startsAt: session.startsAt.toISOString(), outcome: input.outcome, goalsReviewed: reviews.length, measuresTaken: input.measuresTaken },
    });
    if (!attended) dnaAlert = await alertOnDnaRun(tx, by, session, patient);
  });
  await em.refresh(session);
  return { dnaAlert };
}

/** A call may begin a little early; a patient has not missed a session before its time. */
function requireHappened(slot: { startsAt: Date; endsAt: Date }, attended: boolean, now: Date): void {
  if (slot.startsAt.getTime() - (attended ? RECORD_EARLY_MS : 0) > now.getTime()) {
    throw badInput('sessionId', `A session is recorded once it has happened; this one is booked for ${slotWords(slot.startsAt, slot.endsAt)}.`);
  }
}

const notRecorded = 'Nothing was recorded: check with the patient which time they kept before you record it.';

/** Adds an addendum to a recorded session's notes (which themselves never change). */
export async function addSessionAddendum(em: EntityManager, by: By, session: CoachingSession, body: string): Promise<SessionAddendum> {
  if (session.status !== SessionStatus.ATTENDED && session.status !== SessionStatus.DNA) throw conflict('An addendum is added to a recorded session; record this one first.');
  const addendum = Object.assign(new SessionAddendum(), { sessionId: session.id, author: by.actor, body: requireText('body', body, TEXT_MAX, 'the addendum') });
  await em.transactional(async (tx) => {
    tx.persist(addendum);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'session.addendum', patientId: session.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { sessionId: session.id, addendumId: addendum.id } });
    await appendEvent(tx, { patientId: session.patientId, kind: 'SESSION_ADDENDUM_ADDED', actorId: by.actor.id, payload: { sessionId: session.id, addendumId: addendum.id, excerpt: excerpt(addendum.body) } });
  });
  return addendum;
}

/**
 * After a DNA, inside its transaction: how many recorded sessions in a row, this one among them, were DNAs
 * (within the current episode: a DNA that ended an earlier one is not part of the new one's run). The run
 * reaches both ways, since missed sessions are not always recorded in the order they fell: a DNA recorded
 * before the one just before it joins the run as much as one recorded after it.
 * Two or more in a row: an event on the timeline and a notification to the coach and the care-team lead
 * (from Cairn, not the person recording, so the coach is told even when they recorded it).
 */
async function alertOnDnaRun(tx: EntityManager, by: By, session: CoachingSession, patient: Patient): Promise<boolean> {
  const recorded = await runSql<{ status: string; at_or_before: boolean }>(
    tx,
    sql`select status, starts_at <= ${session.startsAt} as at_or_before from coaching_session
         where patient_id = ${patient.id} and status in ('ATTENDED', 'DNA') and ${inLatestEpisode(sqlText('starts_at'), patient.id)}
         order by starts_at, id`,
  );
  const consecutiveDnas = dnaRunLength(recorded.filter((r) => r.at_or_before).reverse()) + dnaRunLength(recorded.filter((r) => !r.at_or_before));
  if (consecutiveDnas < 2) return false;
  const lead = await tx.findOne(CareTeamMember, { patient: patient.id, isLead: true }, { populate: ['user'] });
  await appendEvent(tx, { patientId: patient.id, kind: 'SESSION_DNA_ALERT', actorId: by.actor.id, payload: { sessionId: session.id, consecutiveDnas, coachName: session.coach.name } });
  await notify(tx, [session.coach.id, ...(lead ? [lead.user.id] : [])], {
    kind: 'SESSION_DNA_ALERT',
    patientId: patient.id,
    title: `${nameOf(patient)} missed ${consecutiveDnas} sessions in a row`,
    body: 'Consider contacting the patient, and whether the time, mode or plan suits them.',
    link: links.sessions(patient.id),
    actorId: null,
  });
  return true;
}

/** How many of `sessions`, from the first, were DNAs before one was attended. */
function dnaRunLength(sessions: ReadonlyArray<{ status: string }>): number {
  const attended = sessions.findIndex((r) => r.status !== 'DNA');
  return attended === -1 ? sessions.length : attended;
}

function requireGoalReviews(input: RecordSessionInput, goals: Map<string, string>): Array<CheckIn & { goalWhat: string }> {
  const seen = new Set<string>();
  return input.goalReviews.map((r) => {
    if (seen.has(r.goalId)) throw badInput('goalReviews', 'Each goal is reviewed once per session.');
    seen.add(r.goalId);
    const what = goals.get(r.goalId);
    if (what === undefined) throw badInput('goalReviews', "A goal reviewed is not in the patient's care plan; reload the plan and try again.");
    if (!Number.isInteger(r.rating) || r.rating < 0 || r.rating > 10) throw badInput('goalReviews', 'A check-in rating is a whole number from 0 to 10.');
    return { goalId: r.goalId, goalWhat: what || 'Untitled goal', rating: r.rating, note: optionalText('goalReviews', r.note, 500, "a goal's note") ?? '' };
  });
}

function requireStrategies(ids: readonly string[], strategies: Map<string, string>): SessionStrategyPractised[] {
  if (new Set(ids).size !== ids.length) throw badInput('strategyIds', 'Each strategy is listed once.');
  return ids.map((id) => {
    const what = strategies.get(id);
    if (what === undefined) throw badInput('strategyIds', "A strategy practised is not in the patient's care plan; reload the plan and try again.");
    return { strategyId: id, strategyWhat: what || 'Untitled strategy' };
  });
}

/** A session with everything recorded about it. */
export async function sessionDetails(em: EntityManager, sessions: CoachingSession[]): Promise<SessionDetail[]> {
  const ids = sessions.map((s) => s.id);
  if (ids.length === 0) return [];
  const reviews = await runSql<{ session_id: string; goal_id: string; goal_what: string; rating: number; note: string }>(em, sql`select * from session_goal_review where session_id = any(${ids}::uuid[]) order by goal_what`);
  const strategies = await runSql<{ session_id: string; strategy_id: string; strategy_what: string }>(em, sql`select * from session_strategy_practised where session_id = any(${ids}::uuid[]) order by strategy_what`);
  const changes = await em.find(SessionChange, { sessionId: { $in: ids } }, { populate: ['changedBy'], orderBy: { changedAt: 'asc' } });
  const addenda = await em.find(SessionAddendum, { sessionId: { $in: ids } }, { populate: ['author'], orderBy: { createdAt: 'asc' } });
  return sessions.map((session) => ({
    session,
    goalReviews: reviews.filter((r) => r.session_id === session.id).map((r): SessionGoalReview => ({ goalId: r.goal_id, goalWhat: r.goal_what, rating: r.rating, note: r.note })),
    strategiesPractised: strategies.filter((r) => r.session_id === session.id).map((r) => ({ strategyId: r.strategy_id, strategyWhat: r.strategy_what })),
    changes: changes.filter((c) => c.sessionId === session.id),
    addenda: addenda.filter((a) => a.sessionId === session.id),
  }));
}

/** A patient's sessions, newest first. */
export async function sessionsOf(em: EntityManager, patientId: string): Promise<CoachingSession[]> {
  return em.find(CoachingSession, { patientId }, { populate: ['coach', 'bookedBy', 'recordedBy', 'cancelledBy'], orderBy: { startsAt: 'desc' } });
}
