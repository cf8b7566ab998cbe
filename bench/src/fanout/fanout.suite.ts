/**
 * `npm run bench -- fanout`: live fan-out of one patient's events to N subscribers through Cairn, beside a
 * plain `ws` broadcast (the floor, no GraphQL) and a minimal graphql-yoga subscription server (the peer),
 * at the same N and posting rate, plus catch-up of a reconnecting subscriber.
 *
 * Settings (environment, for short development runs): FANOUT_SIZES (default "1000,5000"), FANOUT_TARGETS
 * ("ws,yoga,cairn"), FANOUT_WORKERS (client processes, 2), FANOUT_RATE (offered deliveries/s in the steady
 * phase, 5000), FANOUT_SECONDS (steady phase length, 10; longer where that posts fewer than 30 events),
 * FANOUT_BURST (deliveries per burst, 100000),
 * FANOUT_TEAM (Cairn care-team size the subscribers are spread over, 20), FANOUT_CATCHUP (missed events, 1000;
 * 0 to skip), FANOUT_PHASES (which of "steady,burst,storm" to run; e.g. "storm" for a short run of the
 * reconnect storm alone), FANOUT_STORM_MISSED (events posted while the storm's subscribers are away, 10),
 * FANOUT_STORM_CONCURRENCY (reconnect handshakes in flight at once, 500: see storm.ts),
 * FANOUT_CROSS_INSTANCE ("0" leaves out "Cairn, 2 instances": posts to one instance, subscribers on
 * another on the same database, measured like the others whenever Cairn is), FANOUT_ROUNDS (1: how many
 * times to run all of it; with more, each target is also judged on the median of the rounds),
 * FANOUT_STORM_BARRIER (a directory where two runs wait for each other before their storms:
 * bench/side-by-side.sh --storm).
 */
import os from 'node:os';
import { sleep } from '../support/sleep.js';
import { mib, ms, percentile, table } from '../support/stats.js';
import { catchUpOnce, postMany, type CatchUpRun } from './catch-up.js';
import { reconnectStorm, type StormResult } from './storm.js';
import { startCairnPair } from './cross-instance.js';
import { ClientPool } from './client-pool.js';
import { burstDelivery, serverMemory, steadyDelivery, untilAllLive, writePathCost, type DeliveryResult } from './phases.js';
import { censusGrowth, cpuSecondsOf, heapCensus, type HeapCensus } from './process-tools.js';
import { marker, now } from './protocol.js';
import { startCairnTarget, startPlainWs, startYoga, type Target } from './targets.js';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const settings = {
  sizes: env('FANOUT_SIZES', '1000,5000').split(',').map(Number),
  targets: withCrossInstance(env('FANOUT_TARGETS', 'ws,yoga,cairn').split(',')),
  workers: Number(env('FANOUT_WORKERS', '2')),
  offeredRate: Number(env('FANOUT_RATE', '5000')),
  seconds: Number(env('FANOUT_SECONDS', '10')),
  /**
   * The steady phase lasts until at least this many events are posted: at 5,000 subscribers ten seconds are
   * ten events, and a p99 of their deliveries could rest on the one a collection happened to land in.
   */
  minSteadyEvents: 30,
  burstDeliveries: Number(env('FANOUT_BURST', '100000')),
  team: Number(env('FANOUT_TEAM', '20')),
  catchUp: Number(env('FANOUT_CATCHUP', '1000')),
  phases: new Set(env('FANOUT_PHASES', 'steady,burst,storm').split(',')),
  stormMissed: Number(env('FANOUT_STORM_MISSED', '10')),
  /** Reconnect handshakes in flight at once during the storm (across the client processes). */
  stormConcurrency: Number(env('FANOUT_STORM_CONCURRENCY', '500')),
  catchUpRuns: 5,
  /** Reconnects before the measured ones, as on a server that has been replaying all day (the JIT done). */
  catchUpWarmups: 5,
  /** Starts of the server, each followed by one catch-up: the issue's "first catch-up after a start" (one start is one sample of a noisy figure). */
  catchUpColdStarts: Number(env('FANOUT_COLD_STARTS', '5')),
  /** Print what each idle connection keeps alive on the server (heap snapshots; slow, for diagnosis). */
  heapCensus: process.env.FANOUT_HEAP_CENSUS === '1',
  /** Runs of everything above: one run on this machine can land either side of a target. */
  rounds: Math.max(1, Math.round(Number(env('FANOUT_ROUNDS', '1')))),
};

/** How long the steady phase posts for at `n` subscribers (see `minSteadyEvents`). */
function steadySeconds(n: number): number {
  return Math.max(settings.seconds, Math.ceil((settings.minSteadyEvents * n) / settings.offeredRate));
}

const starters: Record<string, () => Promise<Target>> = {
  ws: startPlainWs,
  yoga: startYoga,
  cairn: () => startCairnTarget(settings.team),
  'cairn-2': () => startCairnPair(settings.team),
};

/** Cairn is measured on one instance and, unless FANOUT_CROSS_INSTANCE=0, across two. */
function withCrossInstance(targets: string[]): string[] {
  const wanted = targets.includes('cairn') && process.env.FANOUT_CROSS_INSTANCE !== '0' && !targets.includes('cairn-2');
  return wanted ? [...targets, 'cairn-2'] : targets;
}

interface Result {
  target: string;
  n: number;
  opened: number;
  connectMs: number;
  liveMs: number;
  idle0: { rss: number; heapUsed: number };
  idleN: { rss: number; heapUsed: number };
  write: { cpuPerPost: number; answeredP50: number };
  steady: DeliveryResult | null;
  burst: DeliveryResult | null;
  storm: StormResult | null;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const rate = (r: number) => `${Math.round(r).toLocaleString('en-GB')}/s`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

async function measure(name: string, n: number): Promise<Result> {
  const target = await starters[name]();
  try {
    // Warm the write path with nobody listening (its cost is read once compiled), then read memory with no connections.
    for (let i = 0; i < 200; i++) await target.post(marker(-1, now()));
    const write = await writePathCost(target, 50);
    const idle0 = await serverMemory(target);
    const census0: HeapCensus | null = settings.heapCensus ? await heapCensus(target.inspector) : null;
    const pool = await ClientPool.start(settings.workers);
    try {
      const connected = await pool.connect(target, n);
      if (connected.failed) console.log(`  ${target.name}: ${connected.failed} of ${n} connections failed, e.g. ${connected.errorSamples[0]}`);
      const live = await untilAllLive(target, pool, connected.opened, 180_000);
      if (live.reached < connected.opened) console.log(`  ${target.name}: only ${live.reached} of ${connected.opened} subscribers received an event`);
      const idleN = await serverMemory(target);
      if (census0) {
        console.log(`  ${target.name}: heap growth per idle connection by kind of object (objects' own bytes; RSS figures below are inflated by the snapshots)`);
        table(censusGrowth(census0, await heapCensus(target.inspector), connected.opened).map((g) => ({ kind: g.kind, 'count per conn': g.perUnit.toFixed(1), 'bytes per conn': Math.round(g.bytesPerUnit) })));
      }
      let steady: DeliveryResult | null = null;
      if (settings.phases.has('steady')) {
        steady = await steadyDelivery(target, pool, connected.opened, settings.offeredRate / n, steadySeconds(n), write.cpuPerPost);
        await sleep(500);
      }
      let burst: DeliveryResult | null = null;
      if (settings.phases.has('burst')) {
        const burstEvents = Math.max(5, Math.round(settings.burstDeliveries / n));
        // An unreported burst first, the same for every server: capacity is measured once each server's
        // hot paths are compiled, not while its JIT is still at work on them.
        await burstDelivery(target, pool, connected.opened, burstEvents, 4, write.cpuPerPost);
        await sleep(500);
        burst = await burstDelivery(target, pool, connected.opened, burstEvents, 4, write.cpuPerPost);
      }
      for (const r of [steady, burst]) if (r?.client.errors) console.log(`  ${target.name}: ${r.client.errors} client errors, e.g. ${r.client.errorSamples[0]}`);
      let storm: StormResult | null = null;
      if (settings.phases.has('storm')) {
        // Last: the restart ends this server's connections, and the subscribers come back with cursors.
        const missed = target.transport === 'plain-ws' ? 0 : settings.stormMissed;
        storm = await reconnectStorm(target, pool, connected.opened, missed, cpuSecondsOf, settings.stormConcurrency);
        if (storm.failed || storm.anomalies || storm.caughtUp < connected.opened)
          console.log(`  ${target.name}: storm ${storm.caughtUp}/${connected.opened} caught up, ${storm.failed} failed, ${storm.anomalies} anomalies, e.g. ${storm.errorSamples[0]}`);
        // One line a script comparing builds can read (bench/side-by-side.sh --storm).
        console.log(`  ${target.name}: storm of ${n}: ready → all live and caught up ${Math.round(storm.ms)} ms, server CPU ${Math.round(storm.serverCpuMs)} ms`);
      }
      return { target: target.name, n, opened: connected.opened, connectMs: connected.ms, liveMs: live.ms, idle0, idleN, write, steady, burst, storm };
    } finally {
      await pool.close();
    }
  } finally {
    await target.stop();
  }
}

function printSize(n: number, results: Result[]): void {
  const r0 = results[0];
  console.log(
    `\nN = ${n.toLocaleString('en-GB')} subscribers, ${settings.workers} client processes; steady: ${(settings.offeredRate / n).toFixed(2)} events/s for ${steadySeconds(n)} s ` +
      `(${rate(settings.offeredRate)} deliveries offered); burst: ${r0.burst?.posted ?? 0} events posted back-to-back (4 at a time)`,
  );
  console.log('Idle connections (server after a forced GC; one subscription per connection)');
  table(
    results.map((r) => ({
      server: r.target,
      connected: `${r.opened}/${n}`,
      'connect all': ms(r.connectMs),
      'all live after': ms(r.liveMs),
      'RSS, 0 conns': mib(r.idle0.rss),
      'RSS, N idle': mib(r.idleN.rss),
      'RSS per conn': kb((r.idleN.rss - r.idle0.rss) / r.opened),
      'JS heap per conn': kb((r.idleN.heapUsed - r.idle0.heapUsed) / r.opened),
      'post, nobody listening: CPU': ms(r.write.cpuPerPost * 1000),
      'answered p50': ms(r.write.answeredP50),
    })),
  );
  for (const phase of ['steady', 'burst'] as const) {
    if (!settings.phases.has(phase)) continue;
    console.log(phase === 'steady' ? 'Steady posting rate' : 'Burst (capacity: how fast everything posted is delivered)');
    table(
      results.flatMap((r) => {
        const d = r[phase];
        if (!d) return [];
        return {
          server: r.target,
          'delivered/expected': `${d.received}/${d.expected}`,
          'deliveries/s': rate(d.rate),
          'latency p50': ms(d.p50),
          'latency p99': ms(d.p99),
          'latency max': ms(d.max),
          'post answered p50': ms(d.postP50),
          'server CPU': pct(d.serverCpuShare),
          'server µs/delivery': d.serverCpuUsPerDelivery.toFixed(1),
          'of which fan-out': d.fanoutUsPerDelivery.toFixed(1),
          'busiest client CPU': pct(d.client.maxWorkerCpu),
          'busiest client loop': pct(d.client.maxWorkerElu),
          ...(d.skipped ? { skipped: d.skipped } : {}),
        };
      }),
    );
  }
  if (settings.phases.has('storm')) {
    console.log('Reconnect storm (every subscriber has a cursor; the server restarts; all reconnect at once and resume)');
    table(
      results.flatMap((r) => {
        const s = r.storm;
        if (!s) return [];
        return {
          server: r.target,
          'missed while away': s.missed,
          restart: ms(s.restartMs),
          'caught up/N': `${s.caughtUp}/${s.n}`,
          'ready → all live and caught up': ms(s.ms),
          'server CPU meanwhile': ms(s.serverCpuMs),
          'failed connects': s.failed,
          'gaps/duplicates': s.anomalies,
        };
      }),
    );
  }
}

function verdict(ok: boolean): string {
  return ok ? 'MET' : 'NOT MET';
}

/** Catch-ups on one server (`runs`: the first is the first after its start), then one after each restart (`cold`: the first of each start, that first one included). */
async function measureCatchUp(): Promise<{ runs: CatchUpRun[]; cold: CatchUpRun[] }> {
  const target = await startCairnTarget(settings.team);
  try {
    for (let i = 0; i < 5; i++) await target.post(marker(-1, now()));
    let cursor = (await target.newestSeq()) ?? '0';
    await postMany(target, settings.catchUp, 4, 2_000_000);
    let index = 3_000_000;
    const catchUp = async () => {
      const run = await catchUpOnce(target, cursor, settings.catchUp, index++);
      // The next run's cursor is one event later; the event just posted keeps the gap at exactly `missed`.
      cursor = run.firstSeq;
      return run;
    };
    const runs: CatchUpRun[] = [];
    for (let i = 0; i < settings.catchUpWarmups + settings.catchUpRuns; i++) runs.push(await catchUp());
    const cold = runs.slice(0, 1);
    for (let i = 1; i < settings.catchUpColdStarts; i++) {
      await target.restart();
      cold.push(await catchUp());
    }
    return { runs, cold };
  } finally {
    await target.stop();
  }
}

export async function fanout(): Promise<void> {
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}`);
  const rounds: TargetRow[][] = [];
  for (let round = 0; round < settings.rounds; round++) {
    if (settings.rounds > 1) console.log(`\n=== round ${round + 1} of ${settings.rounds} ===`);
    rounds.push(await oneRound());
  }
  if (rounds.length > 1) printOverRounds(rounds);
  console.log(`Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores shared with other work: wall-clock figures are upper bounds; CPU µs/delivery is the steadier measure)`);
}

/** A row of the targets table; `judged` holds its figure as a number, and whether a figure meets the target. */
interface TargetRow {
  N: string;
  measure: string;
  figure: string;
  target: string;
  verdict: string;
  judged?: { value: number; meets(value: number): boolean; format(value: number): string };
}

/** Every measurement once: the tables of each size, catch-up, and the targets judged on this run alone. */
async function oneRound(): Promise<TargetRow[]> {
  const all: Result[] = [];
  for (const n of settings.sizes) {
    const results: Result[] = [];
    for (const name of settings.targets) {
      console.log(`  measuring ${name} with ${n} subscribers…`);
      results.push(await measure(name, n));
    }
    printSize(n, results);
    all.push(...results);
  }

  let catchUp: CatchUpRun[] = [];
  let cold: CatchUpRun[] = [];
  if (settings.targets.includes('cairn') && settings.catchUp > 0) {
    console.log(`\n  measuring catch-up of ${settings.catchUp} missed events…`);
    ({ runs: catchUp, cold } = await measureCatchUp());
    console.log(`\nCatch-up: reconnect with a cursor ${settings.catchUp} events behind (Cairn, quiet server; a new event is posted as the reconnect starts)`);
    table(
      catchUp.map((c, i) => ({
        run: i < settings.catchUpWarmups ? `${i + 1} (warm-up)` : i + 1,
        replayed: c.replayed,
        'all missed received': ms(c.replayMs),
        'live (new event received)': ms(c.liveMs),
        'gaps/duplicates': c.duplicatesOrGaps,
      })),
    );
    console.log(`The first catch-up after each of ${cold.length} starts (the server restarted on the same database between them): ${cold.map((c) => `${ms(c.liveMs)} (all missed: ${ms(c.replayMs)}; post answered: ${ms(c.postMs)})`).join(', ')}; gaps/duplicates ${cold.reduce((n, c) => n + c.duplicatesOrGaps, 0)}`);
  }

  console.log('\nTargets');
  const rows: TargetRow[] = [];
  for (const n of settings.sizes) {
    const at = (name: string) => all.find((r) => r.n === n && r.target === name);
    const cairn = at('Cairn');
    const ws = at('plain ws');
    const yoga = at('graphql-yoga');
    if (!cairn) continue;
    if (cairn.storm) {
      const baseline = ws?.storm ? ` (plain ws ${ms(ws.storm.ms)})` : '';
      const judged = { value: cairn.storm.ms, meets: (v: number) => v < 5000, format: ms };
      rows.push({ N: String(n), measure: `reconnect storm: ready → all ${n} resumed, caught up and live`, figure: ms(cairn.storm.ms) + baseline, target: '< 5 s', verdict: verdict(judged.meets(judged.value)), judged });
    }
    if (ws?.burst && cairn.burst) {
      const ratio = cairn.burst.rate / ws.burst.rate;
      rows.push({ N: String(n), measure: 'fan-out (burst deliveries/s), Cairn ÷ plain ws', figure: `${rate(cairn.burst.rate)} ÷ ${rate(ws.burst.rate)} = ${ratio.toFixed(2)}`, target: '≥ 0.50', verdict: verdict(ratio >= 0.5) });
      const cpuRatio = ws.burst.serverCpuUsPerDelivery / cairn.burst.serverCpuUsPerDelivery;
      rows.push({ N: String(n), measure: 'server CPU per delivery (burst), plain ws ÷ Cairn', figure: `${ws.burst.serverCpuUsPerDelivery.toFixed(1)} µs ÷ ${cairn.burst.serverCpuUsPerDelivery.toFixed(1)} µs = ${cpuRatio.toFixed(2)}`, target: '≥ 0.50', verdict: verdict(cpuRatio >= 0.5) });
      const fanRatio = ws.burst.fanoutUsPerDelivery / cairn.burst.fanoutUsPerDelivery;
      rows.push({ N: String(n), measure: '  the same without the write path', figure: `${ws.burst.fanoutUsPerDelivery.toFixed(1)} µs ÷ ${cairn.burst.fanoutUsPerDelivery.toFixed(1)} µs = ${fanRatio.toFixed(2)}`, target: '(diagnostic)', verdict: '' });
    }
    if (yoga?.burst && cairn.burst) rows.push({ N: String(n), measure: 'fan-out, Cairn ÷ graphql-yoga', figure: `${(cairn.burst.rate / yoga.burst.rate).toFixed(2)}`, target: '(peer)', verdict: '' });
    const wsSteady = ws?.steady;
    if (wsSteady) {
      const steadyRow = (r: Result, measure: string) => {
        if (!r.steady) return;
        const judged = { value: r.steady.p99 / wsSteady.p99, meets: (v: number) => v <= 1.5, format: (v: number) => v.toFixed(2) };
        rows.push({ N: String(n), measure, figure: `${ms(r.steady.p99)} ÷ ${ms(wsSteady.p99)} = ${judged.value.toFixed(2)}`, target: '≤ 1.5', verdict: verdict(judged.meets(judged.value)), judged });
      };
      steadyRow(cairn, 'steady latency p99, Cairn ÷ plain ws');
      const pair = at('Cairn, 2 instances');
      if (pair) steadyRow(pair, '  posted to one Cairn instance, delivered by another');
    }
    const perConn = (cairn.idleN.rss - cairn.idle0.rss) / cairn.opened;
    const wsPerConn = ws ? ` (plain ws ${kb((ws.idleN.rss - ws.idle0.rss) / ws.opened)}${yoga ? `, yoga ${kb((yoga.idleN.rss - yoga.idle0.rss) / yoga.opened)}` : ''})` : '';
    const judged = { value: perConn, meets: (v: number) => v <= 12 * 1024, format: kb };
    rows.push({ N: String(n), measure: 'server RSS per idle connection', figure: kb(perConn) + wsPerConn, target: '≤ 12 KB', verdict: verdict(judged.meets(perConn)), judged });
  }
  if (catchUp.length) {
    const measured = catchUp.slice(settings.catchUpWarmups).map((c) => c.liveMs);
    const worst = Math.max(...measured);
    const median = [...measured].sort((a, b) => a - b)[Math.floor(measured.length / 2)];
    rows.push({
      N: '1',
      measure: `catch-up of ${settings.catchUp} events until live, warm (median / worst of ${measured.length}, after ${settings.catchUpWarmups} warm-up reconnects)`,
      figure: `${ms(median)} / ${ms(worst)}`,
      target: '< 50 ms',
      verdict: verdict(median < 50),
      judged: { value: median, meets: (v: number) => v < 50, format: ms },
    });
  }
  if (cold.length) {
    const firsts = cold.map((c) => c.liveMs);
    const median = [...firsts].sort((a, b) => a - b)[Math.floor(firsts.length / 2)];
    rows.push({
      N: '1',
      measure: `the first catch-up after a start (median / worst of ${firsts.length} starts)`,
      figure: `${ms(median)} / ${ms(Math.max(...firsts))}`,
      target: '< 50 ms',
      verdict: verdict(median < 50 && cold.every((c) => c.duplicatesOrGaps === 0)),
      judged: { value: median, meets: (v: number) => v < 50, format: ms },
    });
  }
  table(rows.map(({ judged: _judged, ...row }) => row));
  return rows;
}

/** Each judged target over the rounds: every round's figure, their median (the lower middle for an even count), and how many rounds met it. */
function printOverRounds(rounds: TargetRow[][]): void {
  console.log(`\nTargets over ${rounds.length} rounds (each round's figure as judged in its own table above)`);
  const keys = [...new Set(rounds.flatMap((rows) => rows.filter((r) => r.judged).map((r) => `${r.N}\u0000${r.measure}`)))];
  table(
    keys.map((key) => {
      const [N, measure] = key.split('\u0000');
      const found = rounds.flatMap((rows) => rows.filter((r) => r.N === N && r.measure === measure && r.judged));
      const { meets, format } = found[0].judged!;
      const values = found.map((r) => r.judged!.value);
      const median = percentile(values, 50);
      return {
        N,
        measure,
        rounds: values.map(format).join(', '),
        median: format(median),
        target: found[0].target,
        'met in': `${found.filter((r) => r.verdict === 'MET').length} of ${found.length}`,
        'verdict on the median': verdict(meets(median)),
      };
    }),
  );
}
