import type { Orm } from '../platform/database.js';
import { BatchLoader } from '../platform/batch-loader.js';
import type { Logger } from '../platform/logger.js';
import { keyReadPool, type StatementPool } from '../platform/statement-pool.js';
import { pairKey, pairOf, patientRelationshipRows, type PatientRelationshipRow } from './policy.js';

/** Pairs read in one query. */
const MAX_BATCH = 1000;

/**
 * The policy's reads of a patient and one user's relationship to them, shared by the requests asking at
 * the same time: thousands of subscriptions set up at once (clients resuming after a restart) read their
 * relationships in a few queries, not one each. One read is in flight at a time and whatever arrives
 * meanwhile makes the next, so each answer was read after it was asked for; the decision itself stays in
 * `requirePatientAccess` and `allows`.
 */
export class PatientAccessReads {
  private readonly rows: BatchLoader<string, PatientRelationshipRow>;
  private readonly db: StatementPool;

  constructor(
    private readonly orm: Orm,
    logger: Logger,
  ) {
    this.db = keyReadPool(orm, logger, 'access read');
    this.rows = new BatchLoader((keys) => patientRelationshipRows(this.orm.em, keys.map(pairOf), this.db), { mode: 'coalesce', maxBatch: MAX_BATCH });
  }

  /** Prepares the read before the first request asks (see StatementPool.warm). */
  warm(): Promise<void> {
    return this.db.warm((db) => patientRelationshipRows(this.orm.em, [], db));
  }

  /** After requests and sockets have drained. */
  stop(): Promise<void> {
    return this.db.end();
  }

  /** The patient's row and `userId`'s relationship to them; undefined if there is no such patient or user. */
  row(patientId: string, userId: string): Promise<PatientRelationshipRow | undefined> {
    return this.rows.load(pairKey({ patientId, userId }));
  }
}
