import type { Orm } from '../platform/database.js';
import { BatchLoader } from '../platform/batch-loader.js';
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

  constructor(private readonly orm: Orm) {
    this.rows = new BatchLoader(
      (keys) => patientRelationshipRows(this.orm.em.fork(), keys.map(pairOf)),
      { mode: 'coalesce', maxBatch: MAX_BATCH },
    );
  }

  /** The patient's row and `userId`'s relationship to them; undefined if there is no such patient or user. */
  row(patientId: string, userId: string): Promise<PatientRelationshipRow | undefined> {
    return this.rows.load(pairKey({ patientId, userId }));
  }
}
