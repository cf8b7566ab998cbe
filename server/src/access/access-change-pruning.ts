import { runSql, sql, type SqlTarget } from '../platform/sql.js';
import { ACCESS_CHANGE_NOTES_KEPT_MS, snapshotNow } from './policy.js';

/**
 * Keeps `access_change` from growing for ever. Each run takes a snapshot and removes the notes that the one
 * taken at least `ACCESS_CHANGE_NOTES_KEPT_MS` before had seen: every kept relationship still trusted was
 * confirmed later (`stillTrusted`), in a snapshot that saw them too, so none of them can be the note it asks about.
 * By snapshot, not by the note's time: a change committed long after it began is kept as long as any other.
 */
export class AccessChangePruning {
  /** The snapshots taken, oldest first, with when (ms since the epoch, taken before the statement). */
  private readonly taken: Array<{ at: number; snapshot: string }> = [];

  /** One run at `now`; how many notes were removed. */
  async prune(db: SqlTarget, now: number): Promise<number> {
    const [taken] = await runSql<{ snapshot: string }>(db, sql`select ${snapshotNow} as snapshot`);
    this.taken.push({ at: now, snapshot: taken!.snapshot });
    const horizon = now - ACCESS_CHANGE_NOTES_KEPT_MS;
    while (this.taken.length > 1 && this.taken[1]!.at <= horizon) this.taken.shift();
    const seen = this.taken[0]!;
    if (seen.at > horizon) return 0;
    const [gone] = await runSql<{ n: string }>(db, sql`select prune_access_changes(${seen.snapshot}::pg_snapshot) as n`);
    return Number(gone!.n);
  }
}
