import fs from 'node:fs';

/**
 * Where each group commit's time went, by stage, for the co-editing benchmark (`npm run bench --
 * care-plans` prints them): kept only when `CAIRN_CARE_PLAN_STAGES_FILE` names a file, and written there
 * as the store stops. Times are milliseconds; `at` is when the group started (epoch ms), so the
 * benchmark can keep the groups of its measured window.
 */
export interface GroupStages {
  at: number;
  /** Writes and plans in the group. */
  writes: number;
  plans: number;
  /** It read nothing before its store: its plans' facts were in memory (`read` is then the time to gather them). */
  fromMemory: boolean;
  /** The group's oldest write: received → the group started (waiting behind the group before). */
  waited: number;
  /** The plans, access and client-id owners, read in one prepared statement: one round trip. */
  read: number;
  /** Each write checked and applied to its document, views materialised (CPU). */
  check: number;
  /** Everything stored in one prepared statement: one round trip (its commit included). */
  store: number;
  /** Acknowledgements answered and committed updates handed to live streams. */
  answer: number;
}

/** Enough for an hour of a busy instance's groups; later ones are not kept. */
const maxKept = 500_000;

export class GroupStageLog {
  private readonly kept: GroupStages[] = [];

  constructor(private readonly file: string) {}

  record(stages: GroupStages): void {
    if (this.kept.length < maxKept) this.kept.push(stages);
  }

  write(): void {
    fs.writeFileSync(this.file, JSON.stringify(this.kept));
  }
}

/** Stage boundaries of one group, as `performance.now()` readings. */
export class GroupClock {
  readonly startedAt = Date.now();
  readonly startedPerf = performance.now();
  private last = this.startedPerf;
  readonly stages: Partial<Record<'read' | 'check' | 'store' | 'answer', number>> = {};

  /** Ends `stage` now: its time is since the previous stage ended. */
  lap(stage: 'read' | 'check' | 'store' | 'answer'): void {
    const now = performance.now();
    this.stages[stage] = now - this.last;
    this.last = now;
  }
}
