import type { HistoryOptions } from './long-history.js';
import type { LoadOptions } from './load.js';

export const parts = ['cairn', 'hocuspocus', 'history'] as const;
export type Part = (typeof parts)[number];

export interface CarePlanBenchOptions {
  load: LoadOptions;
  /** Plan counts to load in turn (each × `load.editors` editors): 50 and 200, the 250 and 1,000 editors. */
  planCounts: number[];
  history: HistoryOptions;
  parts: Part[];
  /**
   * How many times each size runs Cairn and Hocuspocus, alternating which goes first: runs on this machine
   * differ by more than most changes do, so a verdict rests on the median of several rounds.
   */
  rounds: number;
}

/**
 * Sizes from the command line (`--plans 10` or `--plans=10`, or a list: `--plans 50,200`) or the environment
 * (BENCH_PLANS=10), else the defaults of the issue: 50 then 200 plans × 5 editors, a 260k-operation trace.
 */
export function readOptions(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): CarePlanBenchOptions {
  const flag = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === `--${name}`) return argv[i + 1];
      if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    }
    return env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  };
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = flag(name);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const wanted = (flag('parts') ?? parts.join(',')).split(',').map((s) => s.trim());
  for (const p of wanted) if (!(parts as readonly string[]).includes(p)) throw new Error(`--parts takes a list of ${parts.join(', ')} (got "${p}")`);
  const seed = num('seed', 1, 0, 2 ** 31);
  const edits = flag('edits') || 'socket';
  if (edits !== 'socket' && edits !== 'http') throw new Error(`--edits takes socket or http (got "${edits}")`);
  const planCounts = (flag('plans') || '50,200').split(',').map((raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`--plans takes plan counts from 1 to 500 (got "${raw}")`);
    return n;
  });
  return {
    planCounts,
    load: {
      plans: planCounts[0],
      editors: Math.round(num('editors', 5, 2, 20)),
      seconds: num('seconds', 30, 1, 600),
      warmupSeconds: num('warmup', 5, 0, 60),
      rate: num('rate', 3, 0.1, 50),
      drainSeconds: num('drain', 15, 1, 120),
      seed,
      edits,
    },
    history: {
      ops: Math.round(num('trace-ops', 260_000, 100, 2_000_000)),
      maxBatch: Math.round(num('batch', 20, 1, 1000)),
      maxMinutes: num('history-minutes', 30, 0.1, 240),
      seed,
    },
    parts: wanted as Part[],
    rounds: Math.round(num('rounds', 1, 1, 20)),
  };
}
