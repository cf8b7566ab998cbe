import fs from 'node:fs';
import { percentile } from '../support/stats.js';

/** One group commit as the server recorded it (server/src/care-plans/care-plan.group-stages.ts). */
interface GroupStages {
  at: number;
  writes: number;
  plans: number;
  /** Absent in stage files of servers from before groups could read from memory. */
  fromMemory?: boolean;
  waited: number;
  read: number;
  check: number;
  store: number;
  answer: number;
}

const stageNames = ['waited', 'read', 'check', 'store', 'answer'] as const;

export interface StageSummary {
  groups: number;
  groupsPerSecond: number;
  writesPerGroup: { mean: number; p50: number; max: number };
  plansPerGroup: number;
  /** Share of the groups that read nothing before their store (their plans' facts were in memory). */
  fromMemory: number;
  /** Per stage: mean, p50, p99 (ms). */
  stages: Record<(typeof stageNames)[number], { mean: number; p50: number; p99: number }>;
}

/** The groups the server committed in the measured window, summarised; null if it wrote none. */
export function readStages(file: string, window: { start: number; end: number }): StageSummary | null {
  if (!fs.existsSync(file)) return null;
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as GroupStages[];
  fs.rmSync(file, { force: true });
  const groups = all.filter((g) => g.at >= window.start && g.at < window.end);
  if (groups.length === 0) return null;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const writes = groups.map((g) => g.writes);
  const stages = Object.fromEntries(
    stageNames.map((name) => {
      const xs = groups.map((g) => g[name]);
      return [name, { mean: mean(xs), p50: percentile(xs, 50), p99: percentile(xs, 99) }];
    }),
  ) as StageSummary['stages'];
  return {
    groups: groups.length,
    groupsPerSecond: groups.length / ((window.end - window.start) / 1000),
    writesPerGroup: { mean: mean(writes), p50: percentile(writes, 50), max: Math.max(...writes) },
    plansPerGroup: mean(groups.map((g) => g.plans)),
    fromMemory: groups.filter((g) => g.fromMemory).length / groups.length,
    stages,
  };
}

const f = (n: number) => n.toFixed(2);

/** The stages as printed lines: where a group's time goes. */
export function stagesReport(s: StageSummary): string {
  const rows = stageNames.map((name) => `    ${name.padEnd(7)} mean ${f(s.stages[name].mean).padStart(7)} ms   p50 ${f(s.stages[name].p50).padStart(7)} ms   p99 ${f(s.stages[name].p99).padStart(7)} ms`);
  return [
    `Cairn group commits in the window: ${s.groups} (${s.groupsPerSecond.toFixed(1)}/s), writes per group mean ${s.writesPerGroup.mean.toFixed(1)} (p50 ${s.writesPerGroup.p50}, max ${s.writesPerGroup.max}), plans per group ${s.plansPerGroup.toFixed(1)}, read from memory ${(100 * s.fromMemory).toFixed(1)} %`,
    ...rows,
    '    (waited = the oldest write of the group, received → group started, which includes waiting out the gap since the last group began (CAIRN_CARE_PLAN_GROUP_GAP_MS, 10 ms by default); read = plans + access + client-id owners, one statement (or from memory);' +
      ' check = each write applied and checked, views materialised; store = everything in one statement, committed; answer = acks and live hand-off)',
  ].join('\n');
}
