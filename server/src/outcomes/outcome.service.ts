import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, PatientAction } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { setActivationLevel } from '../patients/patient.service.js';
import { badInput, conflict } from '../platform/errors.js';
import { requireIsoDate } from '../platform/validate.js';
import { Instrument, instruments } from './instruments.js';
import { CompletedBy, GpAppointmentSource, OutcomeRecord, OutcomeStatus } from './outcome-record.entity.js';
import { seriesOf, type Series, type SeriesPoint } from './outcome-series.js';
import { activationLevelOf, isMeaningfulWorsening, scoreAnswers, type Answers } from './scoring.js';
import { isUniqueViolation, runSql, sql } from '../platform/sql.js';
import { latestEpisodeStart } from '../referrals/referral.service.js';
import { ukDate } from '../platform/uk-dates.js';

/** Who is writing: a clinician, or (actor null) the patient through their questionnaire link. */
export interface By {
  actor: User | null;
  requestId: string;
}

export interface NewOutcome {
  instrument: Instrument;
  answers: Answers;
  /** YYYY-MM-DD; for GP appointments it defaults to the end of the period. */
  measuredOn: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  gpSource: GpAppointmentSource | null;
  /** The record this one corrects. */
  supersedesId: string | null;
}

export interface Provenance {
  completedBy: CompletedBy;
  questionnaireRequestId: string | null;
}

/**
 * Validates, scores and stores one measure with its audit entry and event in one transaction. A PAM score
 * that is the patient's latest sets their activation level; a score that worsens past the instrument's
 * meaningful-change threshold notifies the care-team lead. Pass a transaction's EntityManager to make it
 * part of a larger write (a patient's questionnaire). A correction keeps the provenance of the record it
 * corrects, whatever `provenance` says.
 */
export async function recordOutcome(em: EntityManager, by: By, patient: Patient, input: NewOutcome, provenance: Provenance, now = new Date()): Promise<OutcomeRecord> {
  const scored = scoreAnswers(input.instrument, input.answers);
  // A stored record is never removed (a trigger refuses it), so a draft with nothing in it would stay for ever.
  if (input.answers.every((a) => a === null)) throw badInput('answers', nothingAnsweredMessage(input.instrument));
  const dates = checkDates(input, patient.dateOfBirth, now);
  const superseded = input.supersedesId ? await supersedable(em, patient.id, input.instrument, input.supersedesId, scored.complete) : null;
  const record = Object.assign(new OutcomeRecord(), {
    patientId: patient.id,
    instrument: input.instrument,
    status: scored.complete ? OutcomeStatus.COMPLETED : OutcomeStatus.DRAFT,
    answers: [...input.answers],
    score: scored.score,
    pseq2: scored.pseq2,
    ...dates,
    ...(superseded ? provenanceOf(superseded) : provenance),
    recordedBy: by.actor,
    supersedesId: superseded?.id ?? null,
  });
  try {
    await em.transactional(async (tx) => {
      tx.persist(record);
      await tx.flush();
      const def = instruments[record.instrument];
      await recordAudit(tx, {
        actorId: by.actor?.id ?? null,
        action: PatientAction.RECORD_OUTCOME,
        patientId: patient.id,
        requestId: by.requestId,
        outcome: AuditOutcome.ALLOWED,
        detail: { recordId: record.id, instrument: record.instrument, status: record.status, supersedesId: record.supersedesId, completedBy: record.completedBy },
      });
      await appendEvent(tx, {
        patientId: patient.id,
        kind: 'OUTCOME_RECORDED',
        actorId: by.actor?.id ?? null,
        payload: { recordId: record.id, instrument: record.instrument, shortName: def.shortName, status: record.status, score: record.score, supersedesId: record.supersedesId, completedBy: record.completedBy },
      });
      if (record.status === OutcomeStatus.COMPLETED) await afterCompleted(tx, by, patient, record);
    });
  } catch (e) {
    // Two corrections of one record at once: the unique index lets only the first in.
    if (isUniqueViolation(e)) throw conflict('That measure has just been corrected by someone else. Reload to see the correction.');
    throw e;
  }
  return record;
}

/** Whether `record` corrects the score that was its instrument's latest (measured no earlier than any other now current). */
async function correctedTheLatest(tx: EntityManager, record: OutcomeRecord, series: Series[]): Promise<boolean> {
  if (!record.supersedesId) return false;
  const [old] = await runSql<{ measured_on: string }>(tx, sql`select to_char(measured_on, 'YYYY-MM-DD') as measured_on from outcome_record where id = ${record.supersedesId}`);
  const others = (series.find((s) => s.instrument === record.instrument)?.points ?? []).filter((p) => p.recordId !== record.id);
  return old !== undefined && others.every((p) => p.measuredOn <= old.measured_on);
}

/** What follows from a completed measure, in its transaction: the activation level, and a worsening told. */
async function afterCompleted(tx: EntityManager, by: By, patient: Patient, record: OutcomeRecord): Promise<void> {
  const series = await patientSeries(tx, patient.id);
  const latestOf = (instrument: Instrument) => series.find((s) => s.instrument === instrument)?.points.at(-1);
  // The level follows the latest PAM: this one when it is the latest, or whichever is latest now when this
  // corrects the one that was (a correction may move a score's date). A level the team set by hand since is
  // left alone by a correction of an older score.
  const latestPam = latestOf(Instrument.PAM);
  if (record.instrument === Instrument.PAM && by.actor && latestPam?.score != null && (latestPam.recordId === record.id || (await correctedTheLatest(tx, record, series)))) {
    await setActivationLevel(tx, by.actor, patient, activationLevelOf(latestPam.score), by.requestId);
  }
  // The series the record is the latest point of (a PSEQ-10 is also the latest PSEQ-2).
  const worsened = series
    .map((s) => ({ s, p: s.points.at(-1) }))
    .filter((x): x is { s: Series; p: SeriesPoint } => x.p?.recordId === record.id && x.p.change !== null && isMeaningfulWorsening(x.p.change));
  if (worsened.length === 0) return;
  const leads = await runSql<{ user_id: string }>(tx, sql`select user_id from care_team_member where patient_id = ${patient.id} and is_lead`);
  for (const { s, p } of worsened) {
    const def = instruments[s.instrument];
    const change = p.change!;
    await notify(tx, leads.map((l) => l.user_id), {
      kind: NotificationKind.OUTCOME_WORSENED,
      patientId: patient.id,
      title: `${patient.givenName} ${patient.familyName}: ${def.shortName} worsened`,
      body: `${def.shortName} ${p.score} on ${p.measuredOn}, ${change.points > 0 ? '+' : ''}${change.points} points from baseline (${change.rule}).`,
      link: `${links.patient(patient.id)}/measures`,
      actorId: by.actor?.id ?? null,
    });
  }
}

/** The dates of a measure, checked: real dates, none in the future; a period only for GP appointments. */
function nothingAnsweredMessage(instrument: Instrument): string {
  const def = instruments[instrument];
  const what = def.items.length === 1 ? `the ${def.shortName} answer` : `at least one ${def.shortName} item`;
  return `Nothing was answered, so nothing was saved: give ${what} before saving.`;
}

function checkDates(input: NewOutcome, dateOfBirth: string, now: Date): Pick<OutcomeRecord, 'measuredOn' | 'periodFrom' | 'periodTo' | 'gpSource'> {
  const today = ukDate(now);
  // Between the patient's birth and today: a date outside it is a slip, and would be left out of every trend unseen.
  const notFuture = (field: string, value: string, words: string) => {
    const date = requireIsoDate(field, value, { label: words });
    if (date > today) throw badInput(field, `${words} cannot be in the future.`);
    if (date < dateOfBirth) throw badInput(field, `${words} cannot be before the patient was born.`);
    return date;
  };
  if (input.instrument !== Instrument.GP_APPOINTMENTS) {
    if (input.periodFrom || input.periodTo) throw badInput('periodFrom', 'Only GP appointments are counted over a period.');
    if (input.gpSource) throw badInput('gpSource', 'Only GP appointments have a source.');
    if (!input.measuredOn) throw badInput('measuredOn', 'Please give the date the measure was taken.');
    return { measuredOn: notFuture('measuredOn', input.measuredOn, 'The date measured'), periodFrom: null, periodTo: null, gpSource: null };
  }
  if (!input.periodFrom) throw badInput('periodFrom', 'Please give the first day of the period counted.');
  if (!input.periodTo) throw badInput('periodTo', 'Please give the last day of the period counted.');
  if (!input.gpSource) throw badInput('gpSource', 'Please say where the count comes from: the patient, or the practice record.');
  const periodFrom = notFuture('periodFrom', input.periodFrom, 'The start of the period');
  const periodTo = notFuture('periodTo', input.periodTo, 'The end of the period');
  if (periodFrom > periodTo) throw badInput('periodTo', 'The period must end on or after the day it starts.');
  const measuredOn = input.measuredOn ? notFuture('measuredOn', input.measuredOn, 'The date measured') : periodTo;
  if (measuredOn < periodTo) throw badInput('measuredOn', 'A count cannot be taken before the end of the period it counts.');
  return { measuredOn, periodFrom, periodTo, gpSource: input.gpSource };
}

/**
 * A correction answers for the same questionnaire as the record it replaces: answers the patient gave from
 * their link stay theirs (and tied to the link) when a clinician corrects one, who is kept as `recordedBy`.
 */
function provenanceOf(superseded: OutcomeRecord): Provenance {
  return { completedBy: superseded.completedBy, questionnaireRequestId: superseded.questionnaireRequestId };
}

/** The record a correction replaces: this patient's, the same instrument, and not corrected already. */
async function supersedable(em: EntityManager, patientId: string, instrument: Instrument, id: string, complete: boolean): Promise<OutcomeRecord> {
  const old = isUuid(id) ? await em.findOne(OutcomeRecord, { id, patientId }) : null;
  if (!old) throw badInput('supersedesId', 'The measure to correct is not one of this patient’s.');
  if (old.instrument !== instrument) {
    throw badInput('supersedesId', `A correction must be of the same instrument: that record is a ${instruments[old.instrument].shortName}, not a ${instruments[instrument].shortName}.`);
  }
  if (old.status === OutcomeStatus.COMPLETED && !complete) throw badInput('answers', 'A correction of a completed measure must answer every item.');
  if (await em.count(OutcomeRecord, { supersedesId: id })) throw conflict('That measure has already been corrected. Correct the latest version instead.');
  return old;
}

/**
 * Where the patient's current episode of care starts (YYYY-MM-DD): the day the referral of their latest
 * accepted episode arrived, or null ("from their first record") for a patient never referred into the
 * programme. A re-referral starts a new series; earlier records stay listed. Baselines and series ask this.
 */
export function episodeStartFor(em: EntityManager, patientId: string): Promise<string | null> {
  return latestEpisodeStart(em, patientId);
}

/** Every record of a patient, newest first; superseded ones only when asked. */
export async function listRecords(em: EntityManager, patientId: string, includeSuperseded: boolean): Promise<OutcomeRecord[]> {
  const all = await em.find(OutcomeRecord, { patientId }, { populate: ['recordedBy'], orderBy: { measuredOn: 'desc', createdAt: 'desc', id: 'desc' } });
  if (includeSuperseded) return all;
  const superseded = new Set(all.map((r) => r.supersedesId).filter((id): id is string => id !== null));
  return all.filter((r) => !superseded.has(r.id));
}

/** Each instrument's series over the patient's current episode, from current completed records. */
export async function patientSeries(em: EntityManager, patientId: string): Promise<Series[]> {
  const start = await episodeStartFor(em, patientId);
  const current = await listRecords(em, patientId, false);
  return seriesOf(
    current
      .filter((r) => r.status === OutcomeStatus.COMPLETED && r.score !== null && (start === null || r.measuredOn >= start))
      .map((r) => ({ id: r.id, instrument: r.instrument, score: r.score!, pseq2: r.pseq2, measuredOn: r.measuredOn, createdAt: r.createdAt, completedBy: r.completedBy })),
  );
}

/** One record, or null; the caller checks access to its patient. */
export async function findRecord(em: EntityManager, id: string): Promise<OutcomeRecord | null> {
  return isUuid(id) ? em.findOne(OutcomeRecord, { id }, { populate: ['recordedBy'] }) : null;
}

/** The id of the record that corrects `id`, if any. */
export async function supersededBy(em: EntityManager, id: string): Promise<string | null> {
  const next = await em.findOne(OutcomeRecord, { supersedesId: id }, { fields: ['id'] });
  return next?.id ?? null;
}
