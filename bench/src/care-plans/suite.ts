import { runCairnLoad } from './cairn-load.js';
import { runHocuspocusLoad } from './hocuspocus-load.js';
import type { LoadOptions } from './load.js';
import { runLongHistory, type HistoryResult } from './long-history.js';
import { readOptions } from './options.js';
import { historyReport, loadReport, machineLine, type Loaded } from './report.js';
import { roundsReport, type Round } from './rounds.js';

const log = (line: string) => console.log(`  · ${line}`);

/**
 * `npm run bench -- care-plans [--plans 50,200 --editors 5 --seconds 30 --rate 3 --trace-ops 260000 --batch 20
 * --parts cairn,hocuspocus,history --edits socket|http --rounds 1]`: the co-editing load against Cairn and against Hocuspocus
 * (`--rounds` times at each size, alternating which runs first), then the long-history replay, each server a child process on
 * its own fresh database; figures printed at the end.
 */
export async function carePlansBenchmark(): Promise<void> {
  const o = readOptions();
  const l = o.load;
  console.log(
    `Sizes: ${o.planCounts.map((n) => `${n} plans × ${l.editors} editors = ${n * l.editors}`).join('; then ')} editors, ${l.rate} updates/s each, ${l.warmupSeconds} s warm-up + ${l.seconds} s; Cairn's edits on the ${l.edits === 'http' ? 'HTTP endpoint' : 'socket'};` +
      ` trace of ${o.history.ops} operations, 1–${o.history.maxBatch} keystrokes per update (replay capped at ${o.history.maxMinutes} min); seed ${l.seed}; parts: ${o.parts.join(', ')}`,
  );
  const sizes: Array<{ options: LoadOptions; rounds: Array<Round & { results: Loaded[] }> }> = [];
  let history: HistoryResult | undefined;
  for (const plans of o.planCounts) {
    const options = { ...l, plans };
    const rounds: Array<Round & { results: Loaded[] }> = [];
    for (let round = 0; round < o.rounds; round++) {
      const label = o.rounds > 1 ? ` (round ${round + 1} of ${o.rounds})` : '';
      const order = round % 2 === 0 ? systemsInOrder : [...systemsInOrder].reverse();
      const results: Loaded[] = [];
      for (const system of order.filter((s) => o.parts.includes(s.part))) {
        console.log(`\n[${system.step}] co-editing load: ${system.name}, ${plans * l.editors} editors${label}`);
        results.push(await system.run(options, log));
      }
      // The report keeps one column order (Cairn, then Hocuspocus) whichever ran first.
      rounds.push({ results: [...results].sort((a, b) => (a.system === 'Cairn' ? -1 : b.system === 'Cairn' ? 1 : 0)), ranInOrder: results.map((r) => r.system) });
    }
    sizes.push({ options, rounds });
  }
  if (o.parts.includes('history')) {
    console.log('\n[3] long history');
    history = await runLongHistory(o.history, log);
  }
  console.log(`\n${machineLine()}\n`);
  for (const { options, rounds } of sizes) {
    if (rounds.length === 0 || rounds[0].results.length === 0) continue;
    if (rounds.length === 1) {
      console.log(`${loadReport(options, rounds[0].results)}\n`);
      continue;
    }
    const median = medianRound(rounds);
    console.log(`${roundsReport(rounds)}\n\nIn full, round ${rounds.indexOf(median) + 1} (its Cairn ack p99 is the median of the rounds):\n${loadReport(options, median.results)}\n`);
  }
  if (history) console.log(`${historyReport(history, o.history.maxBatch)}\n`);
}

const systemsInOrder = [
  { part: 'cairn', step: 1, name: 'Cairn', run: runCairnLoad },
  { part: 'hocuspocus', step: 2, name: 'Hocuspocus (baseline)', run: runHocuspocusLoad },
] as const;

/** The round whose Cairn ack p99 is the median of the rounds (the lower middle for an even count). */
function medianRound<R extends Round>(rounds: R[]): R {
  const p99 = (r: R) => r.results.find((x) => x.system === 'Cairn')?.messageP99 ?? r.results[0].messageP99;
  const sorted = [...rounds].sort((a, b) => p99(a) - p99(b));
  return sorted[Math.ceil(sorted.length / 2) - 1];
}
