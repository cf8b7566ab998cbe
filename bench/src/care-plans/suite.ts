import { runCairnLoad } from './cairn-load.js';
import { runHocuspocusLoad } from './hocuspocus-load.js';
import type { LoadOptions, LoadResult } from './load.js';
import { runLongHistory, type HistoryResult } from './long-history.js';
import { readOptions } from './options.js';
import type { StageSummary } from './stages.js';
import { historyReport, loadReport, machineLine } from './report.js';

const log = (line: string) => console.log(`  · ${line}`);

/**
 * `npm run bench -- care-plans [--plans 50,200 --editors 5 --seconds 30 --rate 3 --trace-ops 260000 --batch 20
 * --parts cairn,hocuspocus,history --edits socket|http]`: the co-editing load against Cairn and against Hocuspocus, then the
 * long-history replay, each server a child process on its own fresh database; figures printed at the end.
 */
export async function carePlansBenchmark(): Promise<void> {
  const o = readOptions();
  const l = o.load;
  console.log(
    `Sizes: ${o.planCounts.map((n) => `${n} plans × ${l.editors} editors = ${n * l.editors}`).join('; then ')} editors, ${l.rate} updates/s each, ${l.warmupSeconds} s warm-up + ${l.seconds} s; Cairn's edits on the ${l.edits === 'http' ? 'HTTP endpoint' : 'socket'};` +
      ` trace of ${o.history.ops} operations, 1–${o.history.maxBatch} keystrokes per update (replay capped at ${o.history.maxMinutes} min); seed ${l.seed}; parts: ${o.parts.join(', ')}`,
  );
  const sizes: Array<{ options: LoadOptions; loads: Array<LoadResult & { storedBytes: number; stages?: StageSummary | null }> }> = [];
  let history: HistoryResult | undefined;
  for (const plans of o.planCounts) {
    const options = { ...l, plans };
    const loads: Array<LoadResult & { storedBytes: number; stages?: StageSummary | null }> = [];
    if (o.parts.includes('cairn')) {
      console.log(`\n[1] co-editing load: Cairn, ${plans * l.editors} editors`);
      loads.push(await runCairnLoad(options, log));
    }
    if (o.parts.includes('hocuspocus')) {
      console.log(`\n[2] co-editing load: Hocuspocus (baseline), ${plans * l.editors} editors`);
      loads.push(await runHocuspocusLoad(options, log));
    }
    sizes.push({ options, loads });
  }
  if (o.parts.includes('history')) {
    console.log('\n[3] long history');
    history = await runLongHistory(o.history, log);
  }
  console.log(`\n${machineLine()}\n`);
  for (const { options, loads } of sizes) if (loads.length) console.log(`${loadReport(options, loads)}\n`);
  if (history) console.log(`${historyReport(history, o.history.maxBatch)}\n`);
}
