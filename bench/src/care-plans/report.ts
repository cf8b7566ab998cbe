import os from 'node:os';
import { mib, ms } from '../support/stats.js';
import type { LoadOptions, LoadResult } from './load.js';
import type { HistoryResult } from './long-history.js';
import { stagesReport, type StageSummary } from './stages.js';

type Row = [string, ...string[]];

/** A plain aligned text table (first column left, the rest right). */
export function textTable(header: Row, rows: Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: Row) => r.map((cell, c) => (c === 0 ? (cell ?? '').padEnd(widths[c]) : (cell ?? '').padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const lat = (n: number) => (Number.isFinite(n) ? ms(n) : '–');

export function machineLine(): string {
  const [l1, l5] = os.loadavg();
  return `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${mib(os.totalmem())} RAM, Node ${process.version}; load average ${l1.toFixed(2)} (1 min), ${l5.toFixed(2)} (5 min) at the time of printing`;
}

/** A load run as the report takes it: its figures, the bytes it stored, and (Cairn) its group-commit stages. */
export type Loaded = LoadResult & { storedBytes: number; stages?: StageSummary | null };

/** The ack p99 target for a size, from the issue: 250 editors under 50 ms, 1,000 under 100 ms. */
export function ackTargetMs(editors: number): number | null {
  return editors === 250 ? 50 : editors === 1000 ? 100 : null;
}

/** µs of server CPU per acknowledged edit. */
export function cpuPerEditUs(r: LoadResult): number {
  return (r.serverCores * 1_000_000) / r.ackedPerSecond;
}

export function loadReport(o: LoadOptions, results: Loaded[]): string {
  const col = (f: (r: Loaded) => string): string[] => results.map(f);
  const rows: Row[] = [
    ['concurrent editors (plans × editors)', ...col((r) => `${r.plans * r.editors} (${r.plans} × ${r.editors})`)],
    ['measured window', ...col((r) => `${r.seconds.toFixed(1)} s`)],
    ['edits made in the window', ...col((r) => `${r.sent} (${num(r.sent / r.seconds, 1)}/s offered)`)],
    ['edits acknowledged / s (sustained)', ...col((r) => num(r.ackedPerSecond, 1))],
    ['update messages acknowledged / s', ...col((r) => num(r.messagesPerSecond, 1))],
    ['ack latency p50 (message sent → ack)', ...col((r) => lat(r.messageP50))],
    ['ack latency p99 (message sent → ack)', ...col((r) => lat(r.messageP99))],
    ['edit → ack p50 (incl. waiting to send)', ...col((r) => lat(r.ackP50))],
    ['edit → ack p99 (incl. waiting to send)', ...col((r) => lat(r.ackP99))],
    ['edit → ack max', ...col((r) => lat(r.ackMax))],
    ['edit → seen by other editors p50', ...col((r) => lat(r.seenP50))],
    ['edit → seen by other editors p99', ...col((r) => lat(r.seenP99))],
    ['never acknowledged (after drain)', ...col((r) => String(r.unacked))],
    ['deliveries that never arrived', ...col((r) => String(r.unseen))],
    ['errors', ...col((r) => String(r.errors))],
    ['server RSS start → peak → end', ...col((r) => `${mib(r.rssStart)} → ${mib(r.rssPeak)} → ${mib(r.rssEnd)}`)],
    ['server CPU in the window (cores)', ...col((r) => num(r.serverCores, 2))],
    ['server CPU per edit: all threads / main thread', ...col((r) => `${num(cpuPerEditUs(r))} / ${num((r.serverMainThreadCores * 1_000_000) / r.ackedPerSecond)} µs`)],
    ['server system calls per edit: write / read', ...col((r) => (r.serverSyscalls ? `${num(r.serverSyscalls.writes / r.acked, 2)} / ${num(r.serverSyscalls.reads / r.acked, 2)}` : 'n/a'))],
    ['load generator CPU (cores)', ...col((r) => num(r.clientCores, 2))],
    ['PostgreSQL CPU in the window (cores)', ...col((r) => (r.postgresCores === null ? 'n/a (not on this machine)' : num(r.postgresCores, 2)))],
    ['whole machine busy in the window (cores)', ...col((r) => `${num(r.machineBusyCores, 2)} of ${r.machineCores}`)],
    ['load generator event-loop delay p50 / p99', ...col((r) => `${lat(r.clientLoopDelay.p50)} / ${lat(r.clientLoopDelay.p99)}`)],
    ['stored bytes after the run', ...col((r) => kib(r.storedBytes))],
    ['durable when acknowledged', ...col((r) => (r.system === 'Cairn' ? 'yes (after COMMIT)' : 'no (debounced 2 s, ≤10 s)'))],
  ];
  const out = [textTable(['co-editing load', ...results.map((r) => r.system)], rows)];
  for (const r of results) if (r.errorSamples.length) out.push(`  ${r.system} errors, first ${r.errorSamples.length}: ${r.errorSamples.join(' | ')}`);
  for (const r of results) {
    const line = saturationNote(r);
    if (line) out.push(line);
  }
  const cairn = results.find((r) => r.system === 'Cairn');
  const hocuspocus = results.find((r) => r.system === 'Hocuspocus');
  if (cairn) {
    const editors = cairn.plans * cairn.editors;
    const target = ackTargetMs(editors);
    if (target !== null) {
      const met = cairn.messageP99 < target && cairn.unacked === 0 && cairn.errors === 0;
      out.push(
        `Target: Cairn ack p99 < ${target} ms at ${editors} concurrent editors → ${lat(cairn.messageP99)} (message sent → ack; edit → ack ${lat(cairn.ackP99)}),` +
          ` ${cairn.unacked} unacknowledged, ${cairn.errors} errors: ${met ? 'MET' : 'NOT MET'}`,
      );
    } else out.push(`Target: none at ${editors} editors (the targets are for 250 and 1,000).`);
    if (hocuspocus) {
      const ratio = cpuPerEditUs(cairn) / cpuPerEditUs(hocuspocus);
      out.push(
        `Target: server CPU per edit at most 2× Hocuspocus's → Cairn ${num(cpuPerEditUs(cairn))} µs, Hocuspocus ${num(cpuPerEditUs(hocuspocus))} µs: ${ratio.toFixed(2)}× (${ratio <= 2 ? 'MET' : 'NOT MET'})`,
      );
    }
    if (cairn.stages) out.push(stagesReport(cairn.stages));
  }
  out.push(
    `Load: each editor types ${o.rate} updates/s (intervals jittered ±50 %), each update 1–3 characters inserted into the plan's` +
      ` "what matters to me" text; ${o.warmupSeconds} s warm-up not measured; up to ${o.drainSeconds} s drain after the window.`,
    `Cairn ack = applyCarePlanUpdate sent → ${o.edits === 'http' ? 'its HTTP response (edits POSTed beside the socket, the web client\'s fallback; --edits http)' : 'its result on the same graphql-ws socket, as the web client sends it (--edits socket)'}` +
      ' (answered after the COMMIT). Like Cairn\'s client,' +
      ' an editor keeps one update in flight (the server needs a client\'s updates in order) and merges edits typed meanwhile into the next;' +
      ' "edit → ack" includes that wait. Hocuspocus sends every edit at once, so there both figures are the same.',
    'Hocuspocus ack = update sent → the SyncStatus reply that decrements the provider\'s unsyncedChanges (applied in memory;' +
      ' written to PostgreSQL later by its debounced onStoreDocument, so not durable at ack).',
    'Seen = sent → applied by each other editor of the same plan (Cairn: carePlanUpdates event with that clientUpdateId;' +
      ' Hocuspocus: provider update containing that (clientID, clock)). Server RSS from /proc/<pid>/status of the child.',
    'CPU: the server child and this process from /proc/<pid>/stat, the server\'s main thread (where its JavaScript runs; the rest is V8\'s' +
      ' helper threads, which collect garbage, and Node\'s own) from /proc/<pid>/task/<pid>/stat; system calls from /proc/<pid>/io (socket and' +
      ' database reads and writes alike), per edit acknowledged in the window; PostgreSQL = every process named postgres on this machine (other' +
      ' databases\' work included, so run it quiet); whole machine = /proc/stat, all cores, everything but idle and I/O wait. An editor keeps one update in' +
      ' flight, so a machine with no CPU to spare serves fewer update messages a second than are typed, and each waits in line:' +
      ' its latency is then about the editors in flight ÷ the messages served a second.',
  );
  return out.join('\n');
}

/** Share of the machine's cores in use at or above which a run is said to have had no CPU to spare. */
const saturatedShare = 0.9;

/**
 * When the machine had no CPU to spare, updates waited in line for it. Cairn's editors keep one update in
 * flight each, so there latency follows from the rate served (Little's law: editors ÷ messages a second);
 * said beside the figures, so they are read as the machine's as much as the server's.
 */
export function saturationNote(r: LoadResult): string | null {
  const share = r.machineBusyCores / r.machineCores;
  if (share < saturatedShare || r.messagesPerSecond <= 0) return null;
  const busy = `  ${r.system}: the machine was ${Math.round(share * 100)} % busy in the window, so updates waited in line for CPU`;
  if (r.system !== 'Cairn') return `${busy}.`;
  const editors = r.plans * r.editors;
  return `${busy}: ${editors} editors with one update in flight ÷ ${num(r.messagesPerSecond)} update messages served a second = ${lat((editors / r.messagesPerSecond) * 1000)} each (ack p50 ${lat(r.messageP50)}).`;
}

export function historyReport(h: HistoryResult, maxBatch: number): string {
  const c = h.cairn;
  const stored = c.updateBytes + c.snapshotBytes;
  const rows: Row[] = [
    [
      'operations replayed',
      `${c.opsReplayed} in ${c.updatesSent} updates${c.opsReplayed < h.ops ? ` (PARTIAL: time cap; trace has ${h.ops})` : ''}`,
      `${h.ops} in ${h.updates} transactions`,
    ],
    ['total time', `${(c.totalMs / 1000).toFixed(1)} s`, ms(h.yjs.applyMs)],
    ['per update (Cairn: ack p50 / p99)', `${lat(c.ackP50)} / ${lat(c.ackP99)}`, ms(h.yjs.applyMs / h.updates)],
    ['server CPU during the replay (cores)', num(c.serverCores, 2), '–'],
    ['update bytes', kib(c.updateBytes), kib(h.yjs.updateBytes)],
    ['snapshot / encoded state', `${kib(c.snapshotBytes)} (at seq ${c.snapshotSeq} of ${c.lastSeq})`, `${kib(h.yjs.stateBytes)} (v2: ${kib(h.yjs.stateBytesV2)})`],
    ['stored bytes (updates + snapshot)', kib(stored), kib(h.yjs.stateBytes)],
    ['update table on disk (rows, indexes)', kib(c.updateTableBytes), '–'],
    ['cold load of the finished plan', ms(c.coldLoadMs), ms(h.yjs.loadMs)],
    ['warm load (plan in memory)', ms(c.warmLoadMs), '–'],
    ['final text matches the trace', c.converged ? 'yes' : 'NO', 'yes'],
  ];
  return [
    textTable(['long history', 'Cairn', 'plain Yjs in-process'], rows),
    `Trace: seeded generator (typing-trace.ts), ${h.inserts} inserts + ${h.deletes} deletes, ${h.cursorJumps} cursor jumps, ${h.finalChars} characters at the end` +
      ` (the text stays under Cairn's 20 000-character limit, so later typing revises more than it adds).`,
    `Batching: each update carries the next 1–${maxBatch} keystrokes (seeded uniform, mean ${((maxBatch + 1) / 2).toFixed(1)}); Cairn gets them` +
      ' as applyCarePlanUpdate one after another on one graphql-ws connection (each awaited).',
    'Stored bytes = sum(octet_length(update)) of the plan\'s care_plan_update rows + octet_length(care_plan.snapshot).',
    'Cold load = Cairn restarted (SIGTERM, start), one warm-up query on another plan, then the first carePlan query of this plan over HTTP' +
      ' (state + view; snapshot + updates after it). Plain Yjs load = new Y.Doc + Y.applyUpdate(encoded state) + toString, median of 5.',
  ].join('\n');
}
