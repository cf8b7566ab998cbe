import type { Orm } from '../platform/database.js';
import { BatchLoader } from '../platform/batch-loader.js';
import { runSql } from '../platform/sql.js';
import { auditInsert, type AuditRecord } from './audit.service.js';

/** Rows per insert: one JSON parameter carries them all. */
const MAX_BATCH = 2000;

/**
 * Audit entries recorded on their own (reads and denials, not part of a write's transaction), from many
 * requests at once, inserted together: a crowd of subscriptions set up at once (clients reconnecting after
 * a restart) writes its read entries in a few statements instead of one each. `record` resolves only once
 * its entries are committed, exactly as `recordAudit` on a pooled connection does, so nothing that depends
 * on an entry being in the trail goes ahead sooner. One insert is in flight at a time; entries arriving
 * meanwhile make the next.
 */
export class AuditWriter {
  private readonly batches: BatchLoader<AuditRecord, true>;

  constructor(private readonly orm: Orm) {
    this.batches = new BatchLoader((records) => this.insert(records), { mode: 'coalesce', maxBatch: MAX_BATCH });
  }

  /** Appends `records` to the audit trail; resolves once they are committed. */
  async record(...records: AuditRecord[]): Promise<void> {
    const written = await Promise.all(records.map((r) => this.batches.load(r)));
    if (written.some((w) => w !== true)) throw new Error('An audit entry could not be recorded');
  }

  private async insert(records: AuditRecord[]): Promise<Map<AuditRecord, true>> {
    try {
      await runSql(this.orm.em.fork(), auditInsert(records));
    } catch (e) {
      if (records.length === 1) throw e;
      // One entry the database refuses must not fail the others': each on its own, so only it fails.
      const results = await Promise.allSettled(records.map((r) => runSql(this.orm.em.fork(), auditInsert([r]))));
      return new Map(records.flatMap((r, i) => (results[i].status === 'fulfilled' ? [[r, true as const]] : [])));
    }
    return new Map(records.map((r) => [r, true as const]));
  }
}
