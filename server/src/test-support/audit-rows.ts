import type { Orm } from '../platform/database.js';

export interface AuditRowSeen {
  id: string;
  actor_id: string | null;
  action: string;
  patient_id: string | null;
  outcome: 'ALLOWED' | 'DENIED' | 'FAILED';
  request_id: string | null;
  detail: Record<string, unknown> | null;
}

/** The audit entries matching `where` (SQL over `audit_entry`), oldest first. */
export function auditRows(orm: Orm, where: string, params: unknown[] = []): Promise<AuditRowSeen[]> {
  return orm.em
    .fork()
    .getConnection()
    .execute<AuditRowSeen[]>(`select id::text, actor_id, action, patient_id, outcome, request_id, detail from audit_entry where ${where} order by audit_entry.id`, params);
}

/** Re-reads until `done` holds of the rows (entries written after an answer was sent), for up to `ms`. */
export async function auditRowsEventually(orm: Orm, where: string, params: unknown[], done: (rows: AuditRowSeen[]) => boolean, ms = 3000): Promise<AuditRowSeen[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await auditRows(orm, where, params);
    if (done(rows) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}
