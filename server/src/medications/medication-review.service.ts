import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { requireIsoDate, requireText } from '../platform/validate.js';
import { MedicationReview } from './medication.entity.js';
import { medicationSummary, type By } from './medication.service.js';
import type { MedicationReviewDue, RecordMedicationReviewInput } from './medication.types.js';
import { runSql, sql, takeTurns, type Sql } from '../platform/sql.js';
import { ukToday } from '../platform/uk-dates.js';

const TEXT_MAX = 4000;

/** Records a person-centred review, with the OME on the day and when the next review is due. */
export async function recordMedicationReview(em: EntityManager, by: By, patient: Patient, input: RecordMedicationReviewInput): Promise<MedicationReview> {
  const today = ukToday();
  const nextReviewDue = requireIsoDate('nextReviewDue', input.nextReviewDue, { label: 'The next review date' });
  if (nextReviewDue <= today) throw badInput('nextReviewDue', 'The next review must be due after today.');
  const review = Object.assign(new MedicationReview(), {
    patientId: patient.id,
    reviewer: by.actor,
    reviewedOn: today,
    howTaken: requireText('howTaken', input.howTaken, TEXT_MAX, 'what the patient takes, and how'),
    effectOnPainAndFunction: requireText('effectOnPainAndFunction', input.effectOnPainAndFunction, TEXT_MAX, 'the effect on pain and on daily life'),
    sideEffects: requireText('sideEffects', input.sideEffects, TEXT_MAX),
    whatMatters: requireText('whatMatters', input.whatMatters, TEXT_MAX, 'what matters to them'),
    readiness: input.readiness,
    omeAtReview: (await medicationSummary(em, patient, undefined, today)).totalOmeMgPerDay,
    nextReviewDue,
  });
  await em.transactional(async (tx) => {
    await refuseSameReviewAgain(tx, review);
    tx.persist(review);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.review', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { reviewId: review.id } });
    await appendEvent(tx, { patientId: patient.id, kind: 'MEDICATION_REVIEWED', actorId: by.actor.id, payload: { reviewId: review.id, omeAtReview: review.omeAtReview, nextReviewDue } });
  });
  return review;
}

/**
 * The same review, word for word, by the same reviewer on the same day, is the form sent twice (a double
 * click, a retry): refused, so the history holds it once. Reviews of one patient take turns for this check.
 */
async function refuseSameReviewAgain(tx: EntityManager, r: MedicationReview): Promise<void> {
  await takeTurns(tx, `medication-reviews:${r.patientId}`);
  const same = await runSql<{ id: string }>(
    tx,
    sql`select id from medication_review
         where patient_id = ${r.patientId} and reviewer_id = ${r.reviewer.id} and reviewed_on = ${r.reviewedOn}::date
           and how_taken = ${r.howTaken} and effect_on_pain_and_function = ${r.effectOnPainAndFunction} and side_effects = ${r.sideEffects}
           and what_matters = ${r.whatMatters} and readiness = ${r.readiness} and next_review_due = ${r.nextReviewDue}::date
         limit 1`,
  );
  if (same.length > 0) throw conflict('This review is already recorded (you saved the same review today). It is in the history once.');
}

/**
 * Patients `actor` can see whose medication review is due today or earlier, and those on an opioid never
 * reviewed (due now), soonest due first. `readable` is the policy's READ rule as SQL over `patient p`.
 */
export async function medicationReviewsDue(em: EntityManager, actor: User, readable: Sql, limit = 200): Promise<MedicationReviewDue[]> {
  const rows = await runSql<{ id: string; next_review_due: string | null; last_reviewed_on: string | null }>(em, reviewsDueSql(readable, ukToday(), limit));
  const patients = new Map((await em.find(Patient, { id: { $in: rows.map((r) => r.id) } })).map((p) => [p.id, p]));
  return rows.map((r) => ({ patient: patients.get(r.id)!, nextReviewDue: r.next_review_due, lastReviewedOn: r.last_reviewed_on }));
}

/**
 * The statement `medicationReviewsDue` runs. Whether a patient is on an opioid is asked of their own medicines,
 * a patient at a time, as their last review is: asked as an EXISTS beside the OR, PostgreSQL answered it for a
 * caseload of 300 by hashing every current opioid in the country (30,000 on 300 PCNs), and a service lead's
 * worklist took 52.6 ms against 16.8 ms on one PCN (`npm run bench -- scale`).
 */
export function reviewsDueSql(readable: Sql, today: string, limit: number): Sql {
  return sql`select p.id, r.next_review_due::text, r.reviewed_on::text as last_reviewed_on
               from patient p
               left join lateral (select next_review_due, reviewed_on from medication_review r where r.patient_id = p.id
                                   order by reviewed_on desc, created_at desc limit 1) r on true
               left join lateral (select true as on_opioid from medication m
                                   where m.patient_id = p.id and m.medicine_class = 'OPIOID'
                                     and m.start_date <= ${today}::date and (m.stop_date is null or m.stop_date > ${today}::date)
                                   limit 1) o on true
              where ${readable}
                and (r.next_review_due <= ${today}::date or (r.next_review_due is null and o.on_opioid))
              order by r.next_review_due nulls first, p.family_name limit ${limit}`;
}

export async function reviewsOf(em: EntityManager, patientId: string): Promise<MedicationReview[]> {
  return em.find(MedicationReview, { patientId }, { populate: ['reviewer'], orderBy: { reviewedOn: 'desc', createdAt: 'desc' } });
}
