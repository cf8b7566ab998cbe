import { runCairnLoad } from './cairn-load.js';
import { runHocuspocusLoad } from './hocuspocus-load.js';
import type { LoadResult } from './load.js';
import { runLongHistory, type HistoryResult } from './long-history.js';
import { readOptions } from './options.js';
import { historyReport, loadReport, machineLine } from './report.js';

const log = (line: string) => console.log(`  · ${line}`);

/**
 * `npm run bench -- care-plans [--plans 50 --editors 5 --seconds 30 --rate 3 --trace-ops 260000 --batch 20
 * --parts cairn,hocuspocus,history]`: the co-editing load against Cairn and against Hocuspocus, then the
 * long-history replay, each server a child process on its own fresh database; figures printed at the end.
 */
export async function carePlansBenchmark(): Promise<void> {
  const o = readOptions();
  const l = o.load;
  console.log(
    `Sizes: ${l.plans} plans × ${l.editors} editors = ${l.plans * l.editors} editors, ${l.rate} updates/s each, ${l.warmupSeconds} s warm-up + ${l.seconds} s;` +
      ` trace of ${o.history.ops} operations, 1–${o.history.maxBatch} keystrokes per update (replay capped at ${o.history.maxMinutes} min); seed ${l.seed}; parts: ${o.parts.join(', ')}`,
  );
  const loads: Array<LoadResult & { storedBytes: number }> = [];
  let history: HistoryResult | undefined;
  if (o.parts.includes('cairn')) {
    console.log('\n[1] co-editing load: Cairn');
    loads.push(await runCairnLoad(l, log));
  }
  if (o.parts.includes('hocuspocus')) {
    console.log('\n[2] co-editing load: Hocuspocus (baseline)');
    loads.push(await runHocuspocusLoad(l, log));
  }
  if (o.parts.includes('history')) {
    console.log('\n[3] long history');
    history = await runLongHistory(o.history, log);
  }
  console.log(`\n${machineLine()}\n`);
  if (loads.length) console.log(`${loadReport(l, loads)}\n`);
  if (history) console.log(`${historyReport(history, o.history.maxBatch)}\n`);
}
