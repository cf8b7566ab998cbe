import type { Orm } from '../platform/database.js';
import { BatchLoader } from '../platform/batch-loader.js';
import type { Logger } from '../platform/logger.js';
import { prepared, runSql, type Sql } from '../platform/sql.js';
import { StatementPool } from '../platform/statement-pool.js';
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
  /**
   * A connection of its own: on the ORM's pool, a read's entry waited behind whatever write held the
   * pool's connection (after a restart, 15–20 ms behind the first handover, whose insert ran on a new
   * PostgreSQL backend), and the read's results wait for their entry.
   */
  private readonly db: StatementPool;

  constructor(orm: Orm, logger: Logger) {
    this.db = new StatementPool(orm, logger, { purpose: 'audit write', max: 1, settings: {} });
    this.batches = new BatchLoader((records) => this.insert(records), { mode: 'coalesce', maxBatch: MAX_BATCH });
  }

  /** Makes the connection and runs the insert once with no rows, so the first entry after a start finds it parsed and planned. */
  warm(): Promise<void> {
    return this.db.warm((db) => runSql(db, batchInsert([])));
  }

  /** After requests and sockets have drained. */
  stop(): Promise<void> {
    return this.db.end();
  }

  /** Appends `records` to the audit trail; resolves once they are committed. */
  async record(...records: AuditRecord[]): Promise<void> {
    const written = await Promise.all(records.map((r) => this.batches.load(r)));
    if (written.some((w) => w !== true)) throw new Error('An audit entry could not be recorded');
  }

  private async insert(records: AuditRecord[]): Promise<Map<AuditRecord, true>> {
    try {
      await runSql(this.db, batchInsert(records));
    } catch (e) {
      if (records.length === 1) throw e;
      // One entry the database refuses must not fail the others': each on its own, so only it fails.
      const results = await Promise.allSettled(records.map((r) => runSql(this.db, batchInsert([r]))));
      return new Map(records.flatMap((r, i) => (results[i].status === 'fulfilled' ? [[r, true as const]] : [])));
    }
    return new Map(records.map((r) => [r, true as const]));
  }
}

/**
 * The insert, prepared on the writer's connection: its text is the same for any number of rows (they are one
 * JSON parameter), and parsing it anew took PostgreSQL about as long as running it (0.15 ms each, 930 of
 * them in a reconnect storm of 5,000 sockets).
 */
function batchInsert(records: readonly AuditRecord[]): Sql {
  return prepared('audit-insert', auditInsert(records));
}
