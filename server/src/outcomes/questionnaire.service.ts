import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { readersAmong } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import { Patient } from '../patients/patient.entity.js';
import { badInput, CairnError, conflict, ErrorCode, notFound } from '../platform/errors.js';
import { requireIsoDate } from '../platform/validate.js';
import { Instrument, instruments, patientGpPeriodMonths } from './instruments.js';
import { CompletedBy, GpAppointmentSource, type OutcomeRecord } from './outcome-record.entity.js';
import { episodeStartFor, recordOutcome, type NewOutcome } from './outcome.service.js';
import { QuestionnaireRequest, type QuestionnaireChannel } from './questionnaire-request.entity.js';
import { scoreAnswers, type Answers } from './scoring.js';
import { runSql, sql } from '../platform/sql.js';
import { addDays, addMonths, dateInWords, ukDate } from '../platform/uk-dates.js';

/** Wrong dates of birth allowed on one link before it is held shut for LOCK_MINUTES. */
export const DOB_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

/** Where a link stands, said without anything about the patient. */
export const LinkState = { OPEN: 'OPEN', EXPIRED: 'EXPIRED', USED: 'USED', INVALID: 'INVALID' } as const;
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

/** 32 random bytes (256 bits) as base64url: unguessable. Only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Makes a one-time link for the patient to answer `instruments` from home; returns the request and the
 * token, which is never stored and never shown again. The audit entry and event commit with it.
 */
export async function sendQuestionnaire(
  em: EntityManager,
  by: { actor: User; requestId: string },
  patient: Patient,
  input: { instruments: Instrument[]; channel: QuestionnaireChannel },
  linkDays: number,
  now = new Date(),
): Promise<{ request: QuestionnaireRequest; token: string }> {
  const wanted = [...new Set(input.instruments)];
  if (wanted.length === 0) throw badInput('instruments', 'Choose at least one questionnaire to send.');
  const notForPatients = wanted.filter((i) => !instruments[i].patientCompletable);
  if (notForPatients.length > 0) throw badInput('instruments', `${notForPatients.map((i) => instruments[i].shortName).join(', ')} cannot be completed by the patient from a link.`);
  const token = newToken();
  const request = Object.assign(new QuestionnaireRequest(), {
    patientId: patient.id,
    instruments: wanted,
    channel: input.channel,
    tokenHash: hashToken(token),
    createdBy: by.actor,
    createdAt: now,
    expiresAt: new Date(now.getTime() + linkDays * 86_400_000),
  });
  await em.transactional(async (tx) => {
    tx.persist(request);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'questionnaire.send', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { questionnaireRequestId: request.id, instruments: wanted, channel: input.channel } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'QUESTIONNAIRE_SENT',
      actorId: by.actor.id,
      payload: { requestId: request.id, instruments: wanted, channel: input.channel, expiresAt: request.expiresAt.toISOString() },
    });
  });
  return { request, token };
}

/** The state of the link `token` opens, revealing nothing about whose it is. */
export async function linkState(em: EntityManager, token: string, now = new Date()): Promise<LinkState> {
  const request = await findByToken(em, token);
  if (!request) return LinkState.INVALID;
  if (request.completedAt) return LinkState.USED;
  if (request.expiresAt <= now) return LinkState.EXPIRED;
  return LinkState.OPEN;
}

/**
 * Opens a link for the patient once their date of birth matches. Before that nothing about them is
 * revealed; every wrong date is counted on the link, and after DOB_ATTEMPTS the link stays shut for
 * LOCK_MINUTES (RATE_LIMITED), whoever is trying.
 */
export async function openQuestionnaire(em: EntityManager, token: string, dateOfBirth: string, requestId: string, now = new Date()): Promise<{ request: QuestionnaireRequest; patient: Patient }> {
  const request = await findByToken(em, token);
  if (!request) throw notFound('questionnaire link');
  if (request.completedAt) throw conflict('This questionnaire has already been completed. Thank you – there is nothing more to do.');
  if (request.expiresAt <= now) throw conflict('This link has expired. Please ask your coach for a new one.');
  const dob = requireIsoDate('dateOfBirth', dateOfBirth);
  // The date is compared, and a wrong one counted (the last one locking the link), in one statement on the
  // link's row: guesses sent all at once take turns on it, and none is compared once the link is locked.
  const [tried] = await runSql<{ matched: boolean; failed_attempts: number; locked_until: Date | null }>(
    em,
    sql`update questionnaire_request q
           set failed_attempts = case when p.date_of_birth = ${dob}::date then q.failed_attempts
                                      when q.failed_attempts + 1 >= ${DOB_ATTEMPTS} then 0 else q.failed_attempts + 1 end,
               locked_until = case when p.date_of_birth <> ${dob}::date and q.failed_attempts + 1 >= ${DOB_ATTEMPTS}
                                   then ${new Date(now.getTime() + LOCK_MINUTES * 60_000)}::timestamptz else q.locked_until end
          from patient p
         where q.id = ${request.id} and p.id = q.patient_id and (q.locked_until is null or q.locked_until <= ${now})
         returning p.date_of_birth = ${dob}::date as matched, q.failed_attempts, q.locked_until`,
  );
  if (!tried) {
    const [row] = await runSql<{ locked_until: Date }>(em, sql`select locked_until from questionnaire_request where id = ${request.id}`);
    throw locked(new Date(row!.locked_until), now);
  }
  const patient = await em.findOneOrFail(Patient, { id: request.patientId });
  if (!tried.matched) {
    await recordAudit(em, { actorId: null, action: 'questionnaire.open', patientId: patient.id, requestId, outcome: AuditOutcome.DENIED, detail: { questionnaireRequestId: request.id, reason: 'date of birth did not match' } });
    if (tried.locked_until && new Date(tried.locked_until) > now) throw locked(new Date(tried.locked_until), now);
    const left = DOB_ATTEMPTS - tried.failed_attempts;
    throw badInput('dateOfBirth', `That date of birth does not match the one we have. Please check it and try again (${left} ${left === 1 ? 'try' : 'tries'} left).`);
  }
  await recordAudit(em, { actorId: null, action: 'questionnaire.open', patientId: patient.id, requestId, outcome: AuditOutcome.ALLOWED, detail: { questionnaireRequestId: request.id } });
  return { request, patient };
}

/** One instrument's answers from the patient's page. */
export interface PatientResponse {
  instrument: Instrument;
  answers: Answers;
}

/**
 * The patient's answers: checked (the link opens with their date of birth; exactly the questionnaires
 * asked for; every item answered), then stored as patient-completed records in one transaction that also
 * closes the link (so it works once) and tells the clinician who sent it, live (`toldOfCompletion`).
 */
export async function submitQuestionnaire(
  em: EntityManager,
  token: string,
  dateOfBirth: string,
  responses: PatientResponse[],
  requestId: string,
  now = new Date(),
): Promise<OutcomeRecord[]> {
  const { request, patient } = await openQuestionnaire(em, token, dateOfBirth, requestId, now);
  const asked = new Set(request.instruments);
  const given = responses.map((r) => r.instrument);
  const missing = request.instruments.filter((i) => !given.includes(i));
  if (missing.length > 0) throw badInput('responses', `Please answer ${missing.map((i) => instruments[i].shortName).join(' and ')} too.`);
  if (given.some((i) => !asked.has(i)) || new Set(given).size !== given.length) throw badInput('responses', 'Those answers are not for the questionnaires on this link.');
  for (const r of responses) {
    scoreAnswers(r.instrument, r.answers);
    const unanswered = r.answers.findIndex((a) => a === null);
    if (unanswered >= 0) throw badInput(`answers.${unanswered + 1}`, `Please answer question ${unanswered + 1} of ${instruments[r.instrument].shortName}.`);
  }
  const by = { actor: null, requestId };
  return em.transactional(async (tx) => {
    // The row lock makes two submissions of one link queue; the second finds it completed.
    const [row] = await runSql<{ completed_at: Date | null }>(tx, sql`select completed_at from questionnaire_request where id = ${request.id} for update`);
    if (row.completed_at) throw conflict('This questionnaire has already been completed. Thank you – there is nothing more to do.');
    const gpEpisode = await gpEpisodeOf(tx, patient.id);
    const records: OutcomeRecord[] = [];
    for (const r of responses) {
      records.push(
        await recordOutcome(tx, by, patient, { instrument: r.instrument, answers: r.answers, ...patientDates(r.instrument, now, gpEpisode), supersedesId: null }, { completedBy: CompletedBy.PATIENT, questionnaireRequestId: request.id }, now),
      );
    }
    await runSql(tx, sql`update questionnaire_request set completed_at = ${now} where id = ${request.id}`);
    await recordAudit(tx, { actorId: null, action: 'questionnaire.complete', patientId: patient.id, requestId, outcome: AuditOutcome.ALLOWED, detail: { questionnaireRequestId: request.id, recordIds: records.map((x) => x.id) } });
    await appendEvent(tx, { patientId: patient.id, kind: 'QUESTIONNAIRE_COMPLETED', actorId: null, payload: { requestId: request.id, recordIds: records.map((x) => x.id) } });
    await notify(tx, await toldOfCompletion(tx, patient.id, request.createdBy.id), {
      kind: NotificationKind.QUESTIONNAIRE_COMPLETED,
      patientId: patient.id,
      title: `${patient.givenName} ${patient.familyName} completed their questionnaire`,
      body: records.map((x) => `${instruments[x.instrument].shortName} ${x.score}`).join(', '),
      link: `${links.patient(patient.id)}/measures`,
      actorId: null,
    });
    return records;
  });
}

/**
 * Who hears that the patient answered: the clinician who sent the link while they may still read the patient.
 * One taken off the care team, or whose account is closed, since would learn the name and scores of a patient
 * no longer theirs while no one on the team heard; so then the team's lead is told, or the whole team when
 * no lead may read the patient.
 */
async function toldOfCompletion(tx: EntityManager, patientId: string, senderId: string): Promise<string[]> {
  if ((await readersAmong(tx, patientId, [senderId])).has(senderId)) return [senderId];
  const team = await runSql<{ user_id: string; is_lead: boolean }>(tx, sql`select user_id, is_lead from care_team_member where patient_id = ${patientId}`);
  const readers = await readersAmong(tx, patientId, team.map((m) => m.user_id));
  const mayRead = team.filter((m) => readers.has(m.user_id));
  const leads = mayRead.filter((m) => m.is_lead);
  return (leads.length > 0 ? leads : mayRead).map((m) => m.user_id);
}

/** A patient's links, newest first, for the clinician. */
export async function listRequests(em: EntityManager, patientId: string): Promise<QuestionnaireRequest[]> {
  return em.find(QuestionnaireRequest, { patientId }, { populate: ['createdBy'], orderBy: { createdAt: 'desc' }, limit: 20 });
}

async function findByToken(em: EntityManager, token: string): Promise<QuestionnaireRequest | null> {
  // A token is 43 base64url characters; anything else cannot be one, so no query.
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return em.findOne(QuestionnaireRequest, { tokenHash: hashToken(token) }, { populate: ['createdBy'], refresh: true });
}

function locked(until: Date, now: Date): CairnError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new CairnError(ErrorCode.RATE_LIMITED, `Too many wrong dates of birth. For your safety this link is paused; please try again in ${Math.ceil(seconds / 60)} minutes.`, 'dateOfBirth', seconds);
}

/**
 * The dates of a record a patient answers from a link: taken today; GP appointments are counted, as the page
 * asks them (`gpQuestionFrom`), by the patient, up to today.
 */
function patientDates(instrument: Instrument, now: Date, gpEpisode: { start: string | null; hasCount: boolean }): Pick<NewOutcome, 'measuredOn' | 'periodFrom' | 'periodTo' | 'gpSource'> {
  const today = ukDate(now);
  if (instrument !== Instrument.GP_APPOINTMENTS) return { measuredOn: today, periodFrom: null, periodTo: null, gpSource: null };
  return { measuredOn: today, periodFrom: gpQuestionFrom(gpEpisode, today), periodTo: today, gpSource: GpAppointmentSource.PATIENT_REPORTED };
}

/**
 * The first day a patient counts GP appointments from when answering a link on `today`: the last
 * `patientGpPeriodMonths` months; or, for a follow-up (the episode already holds a count, its baseline) less
 * than that into the programme, only since the episode began. A follow-up reaching back before the programme
 * says nothing of visits while on it, and the evaluation leaves it out; the first count of an episode is its
 * baseline, the months before referral, and is asked as such.
 */
export function gpQuestionFrom(episode: { start: string | null; hasCount: boolean }, today: string): string {
  const monthsBack = monthsBefore(today, patientGpPeriodMonths);
  const { start } = episode;
  return episode.hasCount && start !== null && start > monthsBack && start <= today ? start : monthsBack;
}

/** Where the patient's episode began, and whether it already holds a completed count of GP appointments. */
export async function gpEpisodeOf(em: EntityManager, patientId: string): Promise<{ start: string | null; hasCount: boolean }> {
  const start = await episodeStartFor(em, patientId);
  const [row] = await runSql<{ has_count: boolean }>(
    em,
    sql`select exists (select 1 from outcome_record r
                        where r.patient_id = ${patientId} and r.instrument = 'GP_APPOINTMENTS' and r.status = 'COMPLETED'
                          and (${start}::date is null or r.measured_on >= ${start}::date)) as has_count`,
  );
  return { start, hasCount: row?.has_count ?? false };
}

/** What the patient's page asks of GP appointments, for the period `gpQuestionFrom` gives. */
export function gpQuestionWords(from: string, today: string): string {
  if (from === monthsBefore(today, patientGpPeriodMonths)) return `Think about the last ${patientGpPeriodMonths} months, up to today.`;
  return `Think about the time since ${dateInWords(from)}, when you started on the programme, up to today.`;
}


/** The day after the same day `months` months earlier: 3 months up to 5 December begin on 6 September. */
export function monthsBefore(isoDay: string, months: number): string {
  return addDays(addMonths(isoDay, -months), 1);
}
