import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { badInput, changedSinceSeen, conflict } from '../platform/errors.js';
import { isUniqueViolation, joinSql, runSql, sql, sqlState, sqlText } from '../platform/sql.js';
import { requireText } from '../platform/validate.js';
import { requireDateOfBirth } from './date-of-birth.js';
import { formatNhsNumber, parseNhsNumber } from './nhs-number.js';
import { Patient, PatientStatus } from './patient.entity.js';
import { checkStatusChange, statusWords, type StatusFacts } from './patient-status.js';
import type { UpdatePatientDemographicsInput } from './patient.types.js';
import { listInWords } from '@cairn/schema/words';

interface By {
  actor: User;
  requestId: string;
}

/** The details that say who the patient is, as the patient row holds them. */
interface Demographics {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  practiceId: string;
}
type DemographicField = keyof Demographics;
const columns: Record<DemographicField, string> = {
  nhsNumber: 'nhs_number',
  givenName: 'given_name',
  familyName: 'family_name',
  dateOfBirth: 'date_of_birth',
  practiceId: 'practice_id',
};
const casts: Record<DemographicField, string> = { nhsNumber: '', givenName: '', familyName: '', dateOfBirth: '::date', practiceId: '::uuid' };

/**
 * Corrects who the patient is. Only the fields given change; each is checked as at registration (the NHS
 * number's Modulus 11 check digit, a date of birth neither in the future nor before 1900, a practice in the
 * patient's own PCN). A number on another patient's record is a CONFLICT; a change of nothing is refused.
 * A correction is made against the details its author saw (`input.seen`): a field sent as seen is not a
 * change, so a colleague's correction of it since stands; one changed both in the form and by someone else
 * since is a CONFLICT. A form opened before a colleague's correction never puts the old value back.
 * The row, the audit entry (each changed field's previous and new value) and a PATIENT_DETAILS_CHANGED
 * event (the fields' names only, never their values) commit together. The caller has checked EDIT_PATIENT_DETAILS.
 */
export async function updatePatientDemographics(em: EntityManager, by: By, patient: Patient, input: UpdatePatientDemographicsInput): Promise<Patient> {
  const wanted: Partial<Demographics> = {};
  if (input.nhsNumber != null) {
    const nhs = parseNhsNumber(input.nhsNumber);
    if (!nhs.ok) throw badInput('nhsNumber', nhs.reason);
    wanted.nhsNumber = nhs.value;
  }
  if (input.givenName != null) wanted.givenName = requireText('givenName', input.givenName, 100);
  if (input.familyName != null) wanted.familyName = requireText('familyName', input.familyName, 100);
  if (input.dateOfBirth != null) wanted.dateOfBirth = requireDateOfBirth(input.dateOfBirth);
  if (input.practiceId != null) {
    const practice = await em.findOne(Organisation, { id: input.practiceId, kind: OrganisationKind.GP_PRACTICE }).catch(() => null);
    // Another PCN's practice would hand the record to other service leads: that is a transfer, not a correction.
    if (!practice || practice.pcnId !== patient.practice.pcnId) throw badInput('practiceId', "Choose a GP practice in this patient's Primary Care Network.");
    wanted.practiceId = practice.id;
  }
  const seen = seenDemographics(input.seen);
  const intended = (Object.keys(wanted) as DemographicField[]).filter((f) => wanted[f] !== seen[f]);
  if (intended.length === 0) throw badInput('input', 'Nothing to change: give at least one detail to correct.');

  try {
    await transactionGivingWay(em, async (tx) => {
      // Compared with the row as it is now, locked, so two people correcting at once each see the other's change.
      const [current] = await runSql<Demographics>(
        tx,
        sql`select nhs_number as "nhsNumber", given_name as "givenName", family_name as "familyName",
                   to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", practice_id as "practiceId"
              from patient where id = ${patient.id}::uuid for no key update`,
      );
      const changedMeanwhile = intended.filter((f) => current![f] !== seen[f] && current![f] !== wanted[f]);
      if (changedMeanwhile.length > 0) throw changedMeanwhileError(changedMeanwhile);
      const changed = intended.filter((f) => wanted[f] !== current![f]);
      if (changed.length === 0) throw badInput('input', 'Nothing to change: these are the details already recorded.');
      if (wanted.nhsNumber && changed.includes('nhsNumber')) {
        const [other] = await runSql<{ id: string }>(tx, sql`select id from patient where nhs_number = ${wanted.nhsNumber} and id <> ${patient.id}::uuid`);
        if (other) throw numberTaken(wanted.nhsNumber);
      }
      const sets = changed.map((f) => sql`${sqlText(columns[f])} = ${wanted[f]!}${sqlText(casts[f])}`);
      await runSql(tx, sql`update patient set ${joinSql(sets, ', ')} where id = ${patient.id}::uuid`);
      await recordAudit(tx, {
        actorId: by.actor.id,
        action: 'patient.editDetails',
        patientId: patient.id,
        requestId: by.requestId,
        outcome: AuditOutcome.ALLOWED,
        // The audit trail keeps what each field was, so a wrong correction can be put right; logs and events never do.
        detail: { fields: changed, changes: Object.fromEntries(changed.map((f) => [f, { from: current![f], to: wanted[f] }])) },
      });
      await appendEvent(tx, { patientId: patient.id, kind: 'PATIENT_DETAILS_CHANGED', actorId: by.actor.id, payload: { fields: changed } });
    });
  } catch (e) {
    // Two records given one number at the same moment: the unique index decides, and nothing is written.
    if (isUniqueViolation(e) && wanted.nhsNumber) throw numberTaken(wanted.nhsNumber);
    throw e;
  }
  await em.refresh(patient, { populate: ['practice'] });
  return patient;
}

/**
 * A transaction that gives way when it waits on a lock, then runs again (a few times). Changing the NHS
 * number (a unique column) locks the patient's row against the foreign-key checks of every other write
 * about the patient, whose events wait on the event log's counter, which this write then needs too: a
 * deadlock PostgreSQL would break by failing either side. Waiting at most a moment, this side fails
 * first, cleanly, and retries; the others never see it.
 */
async function transactionGivingWay(em: EntityManager, work: (tx: EntityManager) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(async (tx) => {
        await runSql(tx, sql`set local lock_timeout = '250ms'`);
        await work(tx);
      });
    } catch (e) {
      // Deadlock (40P01) or a lock not had in time (55P03), from MikroORM or from runSql alike.
      const gaveWay = ['40P01', '55P03'].includes(sqlState(e));
      if (!gaveWay || attempt >= 8) throw e;
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
    }
  }
}

/** What the form showed, as the row holds it (an NHS number's digits, names trimmed), to compare with. */
function seenDemographics(seen: UpdatePatientDemographicsInput['seen']): Demographics {
  return {
    nhsNumber: seen.nhsNumber.replace(/[\s-]/g, ''),
    givenName: seen.givenName.trim(),
    familyName: seen.familyName.trim(),
    dateOfBirth: seen.dateOfBirth.trim(),
    practiceId: seen.practiceId,
  };
}

const fieldWords: Record<DemographicField, string> = {
  nhsNumber: 'NHS number',
  givenName: 'given name',
  familyName: 'family name',
  dateOfBirth: 'date of birth',
  practiceId: 'GP practice',
};

function changedMeanwhileError(fields: DemographicField[]) {
  return changedSinceSeen(`Someone else changed the ${listInWords(fields.map((f) => fieldWords[f]))} since you opened this form. Nothing was saved: check the details as they are now, then save your correction again.`);
}

function numberTaken(nhsNumber: string) {
  return conflict(`NHS number ${formatNhsNumber(nhsNumber)} is already on another patient's record in Cairn. Check it against the patient's own documents; nothing was changed.`);
}

/** What a status change by hand depends on, read from the referrals and sessions the patient has. */
export async function statusFacts(em: EntityManager, patientId: string): Promise<StatusFacts> {
  const [row] = await runSql<{ awaiting: boolean; open_episode: boolean; booked: number }>(
    em,
    sql`select exists (select 1 from referral r where r.patient_id = ${patientId}::uuid and r.status = 'RECEIVED') as awaiting,
               exists (select 1 from referral r where r.patient_id = ${patientId}::uuid and r.status = 'ACCEPTED' and r.episode_ended_at is null
                         and not exists (select 1 from discharge d where d.patient_id = r.patient_id and d.signed_at >= r.triaged_at)) as open_episode,
               (select count(*)::int from coaching_session s where s.patient_id = ${patientId}::uuid and s.status = 'BOOKED') as booked`,
  );
  return { referralAwaitingTriage: row!.awaiting, openEpisode: row!.open_episode, bookedSessions: row!.booked };
}

/**
 * Changes the patient's status by hand, with the reason (required), where `checkStatusChange` allows it;
 * a change to the same status or one the programme's own steps must make is refused and changes nothing.
 * The row (locked, so the status checked is the status changed), the audit entry and a PATIENT_STATUS_CHANGED
 * event with the reason commit together. The caller has checked CHANGE_PATIENT_STATUS.
 */
export async function setPatientStatus(em: EntityManager, by: By, patient: Patient, to: PatientStatus, reasonText: string): Promise<Patient> {
  if (!Object.values(PatientStatus).includes(to)) throw badInput('status', 'Choose Referred, Active or Discharged.');
  const reason = requireText('reason', reasonText, 500);
  await em.transactional(async (tx) => {
    // No key update: the status is no key, so other writes' foreign-key checks on the patient need not wait.
    const [locked] = await runSql<{ status: PatientStatus }>(tx, sql`select status from patient where id = ${patient.id}::uuid for no key update`);
    const from = locked!.status;
    const check = checkStatusChange(from, to, await statusFacts(tx, patient.id));
    if (!check.ok) throw check.code === 'UNCHANGED' ? badInput('status', check.message) : conflict(check.message);
    await runSql(tx, sql`update patient set status = ${to} where id = ${patient.id}::uuid`);
    await recordAudit(tx, { actorId: by.actor.id, action: 'patient.changeStatus', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { from, to, reason } });
    await appendEvent(tx, { patientId: patient.id, kind: 'PATIENT_STATUS_CHANGED', actorId: by.actor.id, payload: { from, to, reason } });
  });
  await em.refresh(patient, { populate: ['practice'] });
  return patient;
}

/** The statuses other than the patient's own, each with whether a change by hand may move them there and, if not, why. */
export async function statusChangesFor(em: EntityManager, patient: Patient): Promise<Array<{ to: PatientStatus; allowed: boolean; why: string | null; label: string }>> {
  const facts = await statusFacts(em, patient.id);
  return Object.values(PatientStatus)
    .filter((s) => s !== patient.status)
    .map((to) => {
      const check = checkStatusChange(patient.status, to, facts);
      return { to, label: statusWords(to), allowed: check.ok, why: check.ok ? null : check.message };
    });
}
