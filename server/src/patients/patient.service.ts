import type { EntityManager } from '@mikro-orm/postgresql';
import { canRead, PatientAction, readablePatientsSql } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role, User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { mayJoinCareTeam } from '../care-teams/care-team.service.js';
import { defaultTeamRole } from '../care-teams/team-roles.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { badInput, conflict, type CairnError } from '../platform/errors.js';
import { isUniqueViolation, joinSql, likeContaining, runSql, sql, sqlText } from '../platform/sql.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import { badCharacterIn } from '../platform/input-gate.js';
import { requireText } from '../platform/validate.js';
import { requireDateOfBirth } from './date-of-birth.js';
import { formatNhsNumber, parseNhsNumber } from './nhs-number.js';
import { Patient, PatientStatus } from './patient.entity.js';
import { PatientSort, type CreatePatientInput, type PatientFilter } from './patient.types.js';

export interface PatientPage {
  patients: Patient[];
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

/** Sort orders as SQL keys; the id breaks ties so the keyset cursor is total. */
const sortKeys: Record<PatientSort, { columns: string[]; direction: 'asc' | 'desc' }> = {
  NAME: { columns: ['lower(p.family_name)', 'lower(p.given_name)', 'p.id::text'], direction: 'asc' },
  NEWEST: { columns: ["to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')", 'p.id::text'], direction: 'desc' },
  DATE_OF_BIRTH: { columns: ["to_char(p.date_of_birth, 'YYYY-MM-DD')", 'p.id::text'], direction: 'asc' },
  // The plan's typed view, as the reviewDue filter reads it; a patient with no review date sorts after every date.
  REVIEW_DATE: {
    columns: ["coalesce((select to_char(c.next_review_date, 'YYYY-MM-DD') from care_plan c where c.patient_id = p.id), '9999-12-31')", 'lower(p.family_name)', 'lower(p.given_name)', 'p.id::text'],
    direction: 'asc',
  },
};

/** The patients `actor` may see that match `filter`, a page at a time (keyset pagination). */
export async function listPatients(
  em: EntityManager,
  actor: User,
  filter: PatientFilter,
  sort: PatientSort,
  first: number,
  after: string | null,
): Promise<PatientPage> {
  if (first < 1 || first > 100) throw badInput('first', 'Ask for between 1 and 100 patients at a time.');
  const where = [readablePatientsSql(actor)];
  const search = filter.search?.trim();
  if (search) {
    const digits = search.replace(/[\s-]/g, '');
    if (/^\d{3,10}$/.test(digits)) {
      // The first digits, or the last ones: clinicians often read out only the end ("…0069").
      where.push(sql`(p.nhs_number like ${`${digits}%`} or p.nhs_number like ${`%${digits}`})`);
    } else {
      const term = likeContaining(search);
      where.push(sql`(lower(p.given_name || ' ' || p.family_name) like ${term} or lower(p.family_name) like ${term})`);
    }
  }
  if (filter.mine) where.push(sql`exists (select 1 from care_team_member mine where mine.patient_id = p.id and mine.user_id = ${actor.id})`);
  if (filter.condition) where.push(sql`${filter.condition} = any(p.conditions)`);
  if (filter.status) where.push(sql`p.status = ${filter.status}`);
  if (filter.practiceId) where.push(sql`p.practice_id = ${filter.practiceId}::uuid`);
  if (filter.reviewDue) {
    // The care plan's typed view, kept beside the document: no Yjs is read to answer this.
    // Today is today in the UK, whatever the database's time zone. Discharge keeps the plan as it was, review
    // date and all, so a discharged patient is left out here: they would crowd out those still being seen.
    where.push(sql`p.status <> ${PatientStatus.DISCHARGED}`);
    where.push(sql`exists (select 1 from care_plan c where c.patient_id = p.id and c.next_review_date <= (now() at time zone 'Europe/London')::date)`);
  }

  const [{ count }] = await runSql<{ count: string }>(em, sql`select count(*) from patient p where ${joinSql(where, ' and ')}`);

  const key = sortKeys[sort];
  const columns = sqlText(key.columns.join(', '));
  const pageWhere = [...where];
  if (after) {
    const values = decodeCursor(after, key.columns.length);
    const placeholders = joinSql(values.map((v) => sql`${v}`), ', ');
    pageWhere.push(sql`(${columns}) ${sqlText(key.direction === 'asc' ? '>' : '<')} (${placeholders})`);
  }
  const order = sqlText(key.columns.map((c) => `${c} ${key.direction}`).join(', '));
  const rows = await runSql<{ id: string; k: string[] }>(
    em,
    sql`select p.id, array[${columns}] as k from patient p where ${joinSql(pageWhere, ' and ')} order by ${order} limit ${first + 1}`,
  );
  const page = rows.slice(0, first);
  const byId = new Map((await em.find(Patient, { id: { $in: page.map((r) => r.id) } }, { populate: ['practice'] })).map((p) => [p.id, p]));
  const last = page.at(-1);
  return {
    patients: page.map((r) => byId.get(r.id)!).filter(Boolean),
    endCursor: last ? encodeCursor(last.k) : null,
    hasNextPage: rows.length > first,
    totalCount: Number(count),
  };
}

function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A forged cursor's values reach SQL as parameters: text PostgreSQL cannot hold is refused here.
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string' && !badCharacterIn(v))) return values;
  } catch {
    // fall through
  }
  throw badInput('after', 'That page cursor is not valid; start again from the first page.');
}

/** Registers a patient at a practice in the actor's PCN, with a care team led by the actor or a named colleague. */
export async function createPatient(em: EntityManager, actor: User, input: CreatePatientInput, requestId: string): Promise<Patient> {
  const nhs = parseNhsNumber(input.nhsNumber);
  if (!nhs.ok) throw badInput('nhsNumber', nhs.reason);
  const givenName = requireText('givenName', input.givenName, 100);
  const familyName = requireText('familyName', input.familyName, 100);
  const dateOfBirth = requireDateOfBirth(input.dateOfBirth);
  const conditions = normaliseConditions(input.conditions);

  const practice = await em.findOne(Organisation, { id: input.practiceId, kind: OrganisationKind.GP_PRACTICE }).catch(() => null);
  if (!practice || practice.pcnId !== actor.organisation.pcnId) throw badInput('practiceId', 'Choose a GP practice in your Primary Care Network.');

  const lead = input.leadUserId && input.leadUserId !== actor.id ? await em.findOne(User, { id: input.leadUserId, active: true }).catch(() => null) : actor;
  if (!lead || lead.role === Role.ADMIN) throw badInput('leadUserId', 'The lead must be an active clinician.');
  if (lead.id !== actor.id && !(await mayJoinCareTeam(em, lead.id, practice.id))) {
    throw badInput('leadUserId', `${lead.name} works outside this practice's PCN: the lead must be one of its clinicians or of a specialist pain service.`);
  }
  if (lead.role === Role.SERVICE_LEAD && lead.id === actor.id && !input.leadUserId) {
    throw badInput('leadUserId', 'Service leads register patients on behalf of a clinician: choose who will lead the care team.');
  }

  const leadTeamRole = input.leadTeamRole?.trim() || defaultTeamRole(lead.role);
  if (leadTeamRole.length > 80) throw badInput('leadTeamRole', "The lead's team role is too long (at most 80 characters).");

  const patient = new Patient({ nhsNumber: nhs.value, givenName, familyName, dateOfBirth, practice, conditions, status: input.status });
  try {
    await em.transactional(async (tx) => {
      tx.persist(patient);
      tx.persist(new CareTeamMember(patient, lead, leadTeamRole, true));
      await tx.flush();
      await recordAudit(tx, { actorId: actor.id, action: 'patient.create', patientId: patient.id, requestId, outcome: AuditOutcome.ALLOWED });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw await alreadyRegistered(em.fork(), actor, nhs.value, requestId);
    throw e;
  }
  return patient;
}

/**
 * The answer to registering an NHS number Cairn already holds. To someone who may open that patient it
 * says so. To anyone else it confirms nothing about the person: it says the number cannot be registered
 * by them and records a request for access, audited against the patient, of which the service leads of
 * the patient's PCN are told (they can add the person to the care team).
 */
async function alreadyRegistered(em: EntityManager, actor: User, nhsNumber: string, requestId: string): Promise<CairnError> {
  const existing = await em.findOneOrFail(Patient, { nhsNumber });
  if (await canRead(em, actor, existing.id)) return conflict(`A patient with NHS number ${formatNhsNumber(nhsNumber)} is already registered in Cairn.`);
  await em.transactional(async (tx) => {
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'patient.create',
      patientId: existing.id,
      requestId,
      outcome: AuditOutcome.DENIED,
      detail: { reason: 'already registered outside your care', accessRequested: true },
    });
    await notify(tx, await serviceLeadsFor(tx, existing.id), {
      kind: NotificationKind.ACCESS_REQUESTED,
      patientId: existing.id,
      title: `${actor.name} asked to register ${existing.givenName} ${existing.familyName}, who is already in Cairn`,
      body: `${actor.name} (${actor.organisation.name}) may need to join the care team.`,
      link: links.patient(existing.id),
      actorId: actor.id,
    });
  });
  return conflict('This NHS number cannot be registered by you. A request for access has been recorded; a service lead will follow it up.');
}

/** The active service leads of the patient's PCN. */
async function serviceLeadsFor(em: EntityManager, patientId: string): Promise<string[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select u.id from app_user u join organisation o on o.id = u.organisation_id
         where u.role = 'SERVICE_LEAD' and u.active
           and coalesce(o.pcn_id, o.id) = (select coalesce(po.pcn_id, po.id) from patient p join organisation po on po.id = p.practice_id where p.id = ${patientId}::uuid)`,
  );
  return rows.map((r) => r.id);
}

function normaliseConditions(input: string[]): string[] {
  if (input.length > 20) throw badInput('conditions', 'List at most 20 conditions.');
  const out = input.map((c) => requireText('conditions', c, 80, 'each condition'));
  return [...new Set(out)];
}

/**
 * Records the care team's latest assessment of the patient's activation level (1–4), or clears it (null).
 * The caller has checked UPDATE_PATIENT; the change and who made it are audited in the same transaction.
 */
export async function setActivationLevel(em: EntityManager, actor: User, patient: Patient, level: number | null, requestId: string): Promise<Patient> {
  if (level !== null && (!Number.isInteger(level) || level < 1 || level > 4)) {
    throw badInput('level', 'Activation level must be 1, 2, 3 or 4 (or empty when not assessed).');
  }
  const previous = patient.activationLevel;
  await em.transactional(async (tx) => {
    patient.activationLevel = level;
    patient.activationLevelSetAt = new Date();
    patient.activationLevelSetBy = actor;
    tx.persist(patient);
    await tx.flush();
    await recordAudit(tx, {
      actorId: actor.id,
      action: PatientAction.UPDATE_PATIENT,
      patientId: patient.id,
      requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: { field: 'activationLevel', from: previous, to: level },
    });
  });
  return patient;
}

/** The next care-plan review date (YYYY-MM-DD) of each patient that has one, for a page of patients at once. */
export async function nextReviewDates(em: EntityManager, patientIds: string[]): Promise<Map<string, string>> {
  const rows = await runSql<{ patient_id: string; next_review_date: string }>(
    em,
    sql`select patient_id, to_char(next_review_date, 'YYYY-MM-DD') as next_review_date from care_plan where patient_id = any(${patientIds}::uuid[]) and next_review_date is not null`,
  );
  return new Map(rows.map((r) => [r.patient_id, r.next_review_date]));
}
