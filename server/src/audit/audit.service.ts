import type { EntityManager } from '@mikro-orm/postgresql';
import { joinSql, runSql, sql, type Sql } from '../platform/sql.js';
import type { AuditAction } from './audit-actions.js';

export const AuditOutcome = { ALLOWED: 'ALLOWED', DENIED: 'DENIED', FAILED: 'FAILED' } as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

export interface AuditRecord {
  actorId: string | null;
  action: AuditAction;
  patientId: string | null;
  requestId: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

/**
 * Appends to the audit trail. Pass the transaction's EntityManager to make the entry commit or roll back
 * with the write it describes; reads and denials are recorded on their own.
 */
export async function recordAudit(em: EntityManager, ...records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await runSql(em, auditInsert(records));
}

/**
 * The entries saying that a list or a summary showed the actor these patients: one each (once, however often a
 * patient appears), so that "who has seen this patient's record?" finds every list that named them, not only
 * the record itself. For `recordAudit`, with any other entry of the same request.
 */
export function patientsShown(by: { actorId: string; requestId: string }, action: AuditAction, patientIds: readonly string[], detail?: Record<string, unknown>): AuditRecord[] {
  return [...new Set(patientIds)].map((patientId) => ({ actorId: by.actorId, action, patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail }));
}

/** The insert of `records` into the audit trail, to run alone or as part of a larger statement. */
export function auditInsert(records: readonly AuditRecord[]): Sql {
  const rows = JSON.stringify(records.map((r) => ({ ...r, detail: r.detail ?? null })));
  return sql`insert into audit_entry (actor_id, action, patient_id, request_id, outcome, detail)
             select (r->>'actorId')::uuid, r->>'action', (r->>'patientId')::uuid, r->>'requestId', r->>'outcome', nullif(r->'detail', 'null'::jsonb)
               from jsonb_array_elements(${rows}::jsonb) with ordinality as x(r, n)
              order by x.n`;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  patientId: string | null;
  requestId: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown> | null;
}

/** Newest first; `before` is the id of the last row already seen. Only entries `readable` lets the reader see. */
export async function queryAudit(
  em: EntityManager,
  filter: { patientId?: string; actorId?: string; before?: number; limit: number; readable: Sql },
): Promise<AuditRow[]> {
  // Entries about a patient only where that patient passes `readable` (the policy's READ rule as SQL over `p`).
  const where = [sql`(a.patient_id is null or exists (select 1 from patient p where p.id = a.patient_id and ${filter.readable}))`];
  if (filter.patientId) where.push(sql`a.patient_id = ${filter.patientId}`);
  if (filter.actorId) where.push(sql`a.actor_id = ${filter.actorId}`);
  if (filter.before !== undefined) where.push(sql`a.id < ${filter.before}`);
  const rows = await runSql<Record<string, unknown>>(
    em,
    sql`select a.id, a.at, a.actor_id, u.name as actor_name, a.action, a.patient_id, a.request_id, a.outcome, a.detail
          from audit_entry a left join app_user u on u.id = a.actor_id
         where ${joinSql(where, ' and ')}
         order by a.id desc limit ${filter.limit}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at as string),
    actorId: (r.actor_id as string) ?? null,
    actorName: (r.actor_name as string) ?? null,
    action: r.action as string,
    patientId: (r.patient_id as string) ?? null,
    requestId: (r.request_id as string) ?? null,
    outcome: r.outcome as AuditOutcome,
    detail: (r.detail as Record<string, unknown>) ?? null,
  }));
}
