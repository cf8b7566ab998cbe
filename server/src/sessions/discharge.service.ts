import type { EntityManager } from '@mikro-orm/postgresql';
import type { CarePlanView } from '@cairn/schema/care-plan';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role } from '../auth/user.entity.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';
import { listSignOffs } from '../care-plans/care-plan.history.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { excerpt } from '../events/event-kinds.js';
import { appendEvent } from '../events/event-log.js';
import { links, notify } from '../notifications/notification.service.js';
import { instruments, type Instrument } from '../outcomes/instruments.js';
import { patientSeries } from '../outcomes/outcome.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { statusFacts } from '../patients/patient-record.service.js';
import { badInput, conflict } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { requireText } from '../platform/validate.js';
import { endEpisode, latestEpisodeStart } from '../referrals/referral.service.js';
import { cancelBooked, lockPatientSessions, nameOf, type By } from './booking.service.js';
import { Discharge, dischargeReasonWords, type DischargeReason } from './discharge.entity.js';
import { CoachingSession, SessionStatus } from './session.entity.js';
import { dateInWords, ukDate, ukMidnight } from '../platform/uk-dates.js';

const SUMMARY_MAX = 20_000;

export interface DischargeDraftFacts {
  summary: string;
  attended: number;
  dnas: number;
  /** The GPs on the care team, who receive the signed summary. */
  gpNames: string[];
}

/** The summary Cairn drafts from the record, for the coach to edit and sign. */
export async function draftDischarge(em: EntityManager, carePlans: CarePlanStore, patient: Patient, reason: DischargeReason, today: string): Promise<DischargeDraftFacts> {
  // This episode's sessions, from the UK midnight it began (as `inLatestEpisode`): the measures below are this episode's too.
  const episodeStart = await latestEpisodeStart(em, patient.id);
  const sessions = await em.find(
    CoachingSession,
    { patientId: patient.id, status: { $in: [SessionStatus.ATTENDED, SessionStatus.DNA] }, ...(episodeStart ? { startsAt: { $gte: ukMidnight(episodeStart) } } : {}) },
    { orderBy: { startsAt: 'asc' } },
  );
  const attended = sessions.filter((s) => s.status === SessionStatus.ATTENDED);
  const dnas = sessions.length - attended.length;
  const [agreed] = await listSignOffs(em, patient.id);
  const view: CarePlanView = agreed?.view ?? (await carePlans.read(patient.id)).view;
  const current = (await carePlans.read(patient.id)).view; // the latest check-ins are on the current plan
  const series = (await patientSeries(em, patient.id)).filter((s) => s.points.length > 0);
  const gps = await gpsOnTeam(em, patient.id);

  const lines: string[] = [];
  lines.push(`${nameOf(patient)} is discharged from health and wellbeing coaching on ${dateInWords(today)}: ${dischargeReasonWords[reason]}.`);
  lines.push('');
  lines.push('Sessions');
  lines.push(
    attended.length === 0
      ? `No sessions attended${dnas ? `; ${dnas} missed` : ''}.`
      : attended.length === 1
        ? `1 session attended, on ${dateInWords(ukDate(attended[0]!.startsAt))}${dnas ? `; ${dnas} missed` : ''}.`
        : `${attended.length} sessions attended between ${dateInWords(ukDate(attended[0]!.startsAt))} and ${dateInWords(ukDate(attended[attended.length - 1]!.startsAt))}${dnas ? `; ${dnas} missed` : ''}.`,
  );
  lines.push('');
  lines.push('Goals and their last check-in');
  const goals = current.goals.filter((g) => g.status !== 'DROPPED');
  if (goals.length === 0) lines.push('No goals recorded in the care plan.');
  for (const g of goals) {
    const checkIns = [...g.checkIns].sort((a, b) => a.date.localeCompare(b.date));
    const first = checkIns[0];
    const last = checkIns[checkIns.length - 1];
    const progress = last ? (first && first !== last ? `${first.rating}/10 → ${last.rating}/10 (${dateInWords(last.date)})` : `${last.rating}/10 (${dateInWords(last.date)})`) : 'no check-in';
    lines.push(`- ${g.what || 'Untitled goal'} (${g.status.toLowerCase()}): ${progress}`);
  }
  lines.push('');
  lines.push(agreed ? `The care plan as agreed with the patient on ${dateInWords(agreed.agreedOn)}` : 'The care plan (not signed off with the patient)');
  if (view.whatMatters.trim()) lines.push(`What matters to them: ${view.whatMatters.trim().replace(/\s*\n+\s*/g, ' ')}`);
  if (view.strategies.length) lines.push(`Self-management: ${view.strategies.map((s) => `${s.what} (${s.howOften})`).join('; ')}.`);
  if (view.flareUp.whatHelps.trim()) lines.push(`In a flare-up: ${view.flareUp.whatHelps.trim()}`);
  lines.push('');
  lines.push('Outcome measures, first and last');
  const notScored = takenWithoutScore(attended, series);
  if (series.length === 0) lines.push(notScored.length === 0 ? 'No outcome measures recorded.' : 'No outcome measure scores entered in Cairn.');
  for (const s of series) {
    const first = s.points[0]!;
    const last = s.points[s.points.length - 1]!;
    const name = instruments[s.instrument].shortName;
    lines.push(first === last ? `- ${name}: ${first.score} (${dateInWords(first.measuredOn)}, once)` : `- ${name}: ${first.score} (${dateInWords(first.measuredOn)}) → ${last.score} (${dateInWords(last.measuredOn)})`);
  }
  for (const { instrument, on } of notScored) lines.push(`- ${instruments[instrument].shortName}: taken at the session on ${dateInWords(on)}, but no score entered in Cairn`);
  lines.push('');
  lines.push('If pain or confidence worsens, the patient may be re-referred to the coaching service.');
  return { summary: lines.join('\n'), attended: attended.length, dnas, gpNames: gps.map((m) => m.user.name) };
}

/**
 * The measures a session records as taken that have no score in the record, each with the last session that took
 * it: the summary says so, rather than "no outcome measures" beside a session note that says one was taken.
 */
function takenWithoutScore(attended: readonly CoachingSession[], series: ReadonlyArray<{ instrument: Instrument }>): Array<{ instrument: Instrument; on: string }> {
  const scored = new Set(series.map((s) => s.instrument));
  const lastTaken = new Map<Instrument, string>();
  for (const session of attended) for (const instrument of session.measuresTaken) if (!scored.has(instrument)) lastTaken.set(instrument, ukDate(session.startsAt));
  return [...lastTaken].map(([instrument, on]) => ({ instrument, on }));
}

/**
 * Discharges the patient with the summary the coach signed: the patient becomes DISCHARGED, sessions still
 * booked are cancelled by the clinic, the discharge is on the timeline and the GPs on the care team are
 * notified with the summary; all in one transaction.
 */
export async function dischargePatient(em: EntityManager, by: By, carePlans: CarePlanStore, patient: Patient, reason: DischargeReason, summary: string, now = new Date()): Promise<Discharge> {
  if (patient.status === PatientStatus.DISCHARGED) throw conflict(`${nameOf(patient)} is already discharged.`);
  if (!Object.hasOwn(dischargeReasonWords, reason)) throw badInput('reason', 'Please choose the reason for discharge.');
  const signed = requireText('summary', summary, SUMMARY_MAX);
  const drafted = (await draftDischarge(em, carePlans, patient, reason, ukDate(now))).summary;
  const discharge = Object.assign(new Discharge(), { patientId: patient.id, reason, draftedSummary: drafted, summary: signed, signedBy: by.actor, signedAt: now });
  await em.transactional(async (tx) => {
    // Under the lock bookings take: a session booked a moment ago is cancelled below, and none is booked after.
    await lockPatientSessions(tx, patient.id);
    // The patient's row too, against a referral (which locks it against updates too): one made a moment ago is seen
    // below, and none is made after. No key update: a colleague's write about the patient (a session's
    // record, its event) only checks the row exists, and must not wait for the discharge (SES-H16).
    await runSql(tx, sql`select 1 from patient where id = ${patient.id} for no key update`);
    if ((await statusFacts(tx, patient.id)).referralAwaitingTriage) {
      throw conflict(`A referral for ${nameOf(patient)} is waiting to be triaged: decline it on the Referrals screen, with the reason, rather than discharging them.`);
    }
    const stillBooked = await lockBookedSessions(tx, patient.id);
    const changed = await runSql(tx, sql`update patient set status = ${PatientStatus.DISCHARGED} where id = ${patient.id} and status <> ${PatientStatus.DISCHARGED} returning id`);
    if (changed.length === 0) throw conflict(`${nameOf(patient)} was discharged by someone else a moment ago.`);
    tx.persist(discharge);
    await tx.flush();
    await endEpisode(tx, patient.id);
    for (const session of stillBooked) await cancelBooked(tx, by, session, 'CLINIC', 'Discharged from the coaching programme.', now);
    await recordAudit(tx, { actorId: by.actor.id, action: 'patient.discharge', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { dischargeId: discharge.id, reason } });
    await appendEvent(tx, { patientId: patient.id, kind: 'PATIENT_DISCHARGED', actorId: by.actor.id, payload: { dischargeId: discharge.id, reason, signedByName: by.actor.name, excerpt: excerpt(signed, 280) } });
    const gps = await gpsOnTeam(tx, patient.id);
    await notify(tx, gps.map((m) => m.user.id), {
      kind: 'PATIENT_DISCHARGED',
      patientId: patient.id,
      title: `${nameOf(patient)} discharged from coaching (${dischargeReasonWords[reason]})`,
      body: excerpt(signed, 1000),
      link: links.sessions(patient.id),
      actorId: by.actor.id,
    });
  });
  patient.status = PatientStatus.DISCHARGED;
  return discharge;
}

/**
 * The patient's booked sessions, locked before the discharge writes anything: a recording under way holds its
 * session while it takes the event log's turn, so the discharge waits for it here, holding nothing it needs,
 * and then leaves the session as recorded. Taking them later, after an event, made the two wait for each other.
 */
async function lockBookedSessions(tx: EntityManager, patientId: string): Promise<CoachingSession[]> {
  const rows = await runSql<{ id: string }>(tx, sql`select id from coaching_session where patient_id = ${patientId} and status = 'BOOKED' order by id for update`);
  if (rows.length === 0) return [];
  return tx.find(CoachingSession, { id: { $in: rows.map((r) => r.id) } }, { populate: ['coach'], orderBy: { startsAt: 'asc' } });
}

export async function dischargesOf(em: EntityManager, patientId: string): Promise<Discharge[]> {
  return em.find(Discharge, { patientId }, { populate: ['signedBy'], orderBy: { signedAt: 'desc' } });
}

async function gpsOnTeam(em: EntityManager, patientId: string): Promise<CareTeamMember[]> {
  const members = await em.find(CareTeamMember, { patient: patientId }, { populate: ['user'] });
  return members.filter((m) => m.user.role === Role.GP && m.user.active);
}

