import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../platform/errors.js';
import { actionWords, detailLine, outcomeLabel } from '@cairn/schema/audit-words';
import { roleLabel } from '@cairn/schema/words';
import { csvText } from '../platform/csv.js';
import { ukDate, ukTime } from '../platform/uk-dates.js';
import { joinSql, likeContaining, runSql, sql, type Sql } from '../platform/sql.js';
import { requireIsoDate } from '../platform/validate.js';
import { formatNhsNumber, parseNhsNumber } from '../patients/nhs-number.js';
import type { Role } from '../auth/user.entity.js';
import { AuditOutcome } from './audit.service.js';

/** What the audit view can be narrowed to; every field is optional, and those given must all hold. */
export interface AuditFilter {
  patientId?: string | null;
  /** The patient's NHS number, as people type it (spaces and dashes are fine). */
  nhsNumber?: string | null;
  /** Who acted: exactly this user. */
  userId?: string | null;
  /** Who acted: part of their name or email address. */
  person?: string | null;
  /** Exactly this action, e.g. `patient.read`. */
  action?: string | null;
  outcome?: AuditOutcome | null;
  /** From this day (YYYY-MM-DD, UK time), inclusive. */
  from?: string | null;
  /** To this day (YYYY-MM-DD, UK time), inclusive. */
  to?: string | null;
}

/** One entry as the audit view shows it. */
export interface AuditViewRow {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  actorRole: Role | null;
  action: string;
  outcome: AuditOutcome;
  patientId: string | null;
  /** Formatted 3-3-4, when the entry is about a patient. */
  patientNhsNumber: string | null;
  /** Only when the reader may open the patient's record themselves. */
  patientName: string | null;
  requestId: string | null;
  detail: Record<string, unknown> | null;
  /** The staff the detail names by id (a coach, a user added…), so the view can say who rather than show an id. */
  detailPeople: Array<{ id: string; name: string }>;
}

/**
 * How a search of the audit view is itself recorded: on the patient the filter names, if it names one that
 * exists (so the search is on that patient's trail, for their PCN's lead to see), and with the NHS number
 * left out of the detail (whoever reads the searcher's own trail, another PCN's lead say, is not told it).
 */
export async function searchRecorded(em: EntityManager, filter: AuditFilter): Promise<{ patientId: string | null; filter: AuditFilter }> {
  const { nhsNumber, ...rest } = filter;
  const nhs = nhsNumber?.trim() ? parseNhsNumber(nhsNumber) : null;
  const named = filter.patientId
    ? sql`p.id = ${filter.patientId}::uuid`
    : nhs?.ok
      ? sql`p.nhs_number = ${nhs.value}`
      : null;
  const [row] = named ? await runSql<{ id: string }>(em, sql`select p.id from patient p where ${named}`) : [];
  return { patientId: row?.id ?? null, filter: nhsNumber ? { ...rest, nhsNumber: 'given' } : rest };
}

/** The filter checked and made SQL over `audit_entry a` (with `u` its actor): BAD_USER_INPUT names the field at fault. */
export function auditFilterSql(filter: AuditFilter): Sql[] {
  const where: Sql[] = [];
  if (filter.patientId) where.push(sql`a.patient_id = ${filter.patientId}::uuid`);
  if (filter.nhsNumber?.trim()) {
    const nhs = parseNhsNumber(filter.nhsNumber);
    if (!nhs.ok) throw badInput('nhsNumber', nhs.reason);
    where.push(sql`a.patient_id in (select np.id from patient np where np.nhs_number = ${nhs.value})`);
  }
  if (filter.userId) where.push(sql`a.actor_id = ${filter.userId}::uuid`);
  const person = filter.person?.trim();
  if (person) {
    if (person.length > 120) throw badInput('person', 'Search for a person with at most 120 characters.');
    const term = likeContaining(person);
    where.push(sql`(lower(u.name) like ${term} or u.email like ${term})`);
  }
  const action = filter.action?.trim();
  if (action) {
    if (action.length > 100) throw badInput('action', 'An action is at most 100 characters.');
    where.push(sql`a.action = ${action}`);
  }
  if (filter.outcome) where.push(sql`a.outcome = ${filter.outcome}`);
  const from = filter.from?.trim() ? requireIsoDate('from', filter.from, { label: 'The "From" date' }) : null;
  const to = filter.to?.trim() ? requireIsoDate('to', filter.to, { label: 'The "To" date' }) : null;
  if (from && to && from > to) throw badInput('to', 'The end date is before the start date.');
  // Days as the service lives them: midnight to midnight in the UK, whatever the database's time zone.
  if (from) where.push(sql`a.at >= (${from}::date)::timestamp at time zone 'Europe/London'`);
  if (to) where.push(sql`a.at < (${to}::date + 1)::timestamp at time zone 'Europe/London'`);
  return where;
}

/**
 * The entries `scope` (the policy's `auditViewScopeSql`) lets the reader see that match `filter`, newest
 * first; `before` is the id of the last entry already seen. `readable` (the READ rule over `p`) decides
 * whether a patient's name is shown beside their NHS number. Asks for one more than `limit`, so the caller
 * knows whether more follow.
 */
export async function auditView(
  em: EntityManager,
  q: { scope: Sql; readable: Sql; filter: AuditFilter; before?: number; limit: number },
): Promise<AuditViewRow[]> {
  const where = [q.scope, ...auditFilterSql(q.filter)];
  if (q.before !== undefined) where.push(sql`a.id < ${q.before}`);
  const rows = await runSql<Record<string, unknown>>(
    em,
    sql`select a.id, a.at, a.actor_id, u.name as actor_name, u.email as actor_email, u.role as actor_role, a.action, a.outcome,
               a.patient_id, p.nhs_number, case when p.id is not null and ${q.readable} then p.given_name || ' ' || p.family_name end as patient_name,
               a.request_id, shown.detail,
               -- Each id read by the user's key, not every user compared as text for each entry.
               (select coalesce(jsonb_agg(jsonb_build_object('id', du.id, 'name', du.name)), '[]'::jsonb)
                  from app_user du
                 where du.id in (select case when d.value #>> '{}' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (d.value #>> '{}')::uuid end
                                   from jsonb_each(shown.detail) d where jsonb_typeof(d.value) = 'string')) as detail_people
          from audit_entry a
          left join app_user u on u.id = a.actor_id
          left join patient p on p.id = a.patient_id
          -- What a change said of the patient (names, dates of birth, levels, a clinician's reason or note) only
          -- to those who may open the record; a refusal's reason is Cairn's own, and stays. People are named
          -- only from what is shown.
          cross join lateral (
            select case when p.id is null or ${q.readable} then a.detail
                        when a.outcome = 'DENIED' then a.detail - 'changes' - 'from' - 'to'
                        else a.detail - 'changes' - 'from' - 'to' - 'reason' - 'note' end as detail
          ) shown
         where ${joinSql(where, ' and ')}
         order by a.id desc limit ${q.limit}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at as string),
    actorId: (r.actor_id as string | null) ?? null,
    actorName: (r.actor_name as string | null) ?? null,
    actorEmail: (r.actor_email as string | null) ?? null,
    actorRole: (r.actor_role as Role | null) ?? null,
    action: r.action as string,
    outcome: r.outcome as AuditOutcome,
    patientId: (r.patient_id as string | null) ?? null,
    patientNhsNumber: r.nhs_number ? formatNhsNumber(r.nhs_number as string) : null,
    patientName: (r.patient_name as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    detail: (r.detail as Record<string, unknown> | null) ?? null,
    detailPeople: r.detail_people as Array<{ id: string; name: string }>,
  }));
}

/**
 * The entries as CSV, newest first, one a line; every cell safe to open in a spreadsheet. Read in words as
 * the audit view shows them (UK time, role, action, outcome, detail naming people), with what was recorded
 * beside them (UTC, the action's code, the detail whole) for tracing an entry and filtering by code.
 */
export function auditCsv(rows: readonly AuditViewRow[]): string {
  return csvText([
    ['When (UK time)', 'Person', 'Email', 'Role', 'Action', 'Outcome', 'Patient NHS number', 'Patient', 'Detail', 'When (UTC)', 'Action code', 'Detail as recorded', 'Request id', 'Entry'],
    ...rows.map((r) => [
      `${ukDate(r.at)} ${ukTime(r.at, { seconds: true })}`,
      r.actorName ?? (r.actorId ? null : 'No one signed in'),
      r.actorEmail,
      r.actorRole ? roleLabel(r.actorRole) : null,
      actionWords(r.action, r.outcome) ?? r.action,
      outcomeLabel(r.outcome),
      r.patientNhsNumber,
      r.patientName,
      detailLine(r.detail, { actorId: r.actorId, actorName: r.actorName, patientId: r.patientId, patientName: r.patientName, people: r.detailPeople }, Infinity),
      r.at.toISOString(),
      r.action,
      r.detail ? JSON.stringify(r.detail) : null,
      r.requestId,
      r.id,
    ]),
  ]);
}
