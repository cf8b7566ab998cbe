import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { cpuMsOf, cpuMsOfAll, cpuMsSince, machineBusyMs, mainThreadCpuMsOf, syscallsOf } from '../support/child-server.js';
import { databaseIsLocal } from '../support/postgres.js';
import { percentile, rssOf } from '../support/stats.js';
import { sleep } from '../support/sleep.js';
import { seededRandom } from './typing-trace.js';

/** The co-editing load: how many plans, editors on each, how fast they type, and for how long. */
export interface LoadOptions {
  plans: number;
  editors: number;
  /** Measured seconds of typing (after the warm-up). */
  seconds: number;
  /** Typing before measuring starts, so connections, JIT and caches are warm. */
  warmupSeconds: number;
  /** Updates each editor sends per second (intervals jittered ±50 %). */
  rate: number;
  /** How long to wait after typing stops for the last acknowledgements and deliveries. */
  drainSeconds: number;
  seed: number;
  /**
   * How Cairn's editors send their edits: on their socket (graphql-ws), as Cairn's web client does while
   * the socket is up, or as HTTP POSTs beside it, as the web client does when it is not.
   */
  edits: 'socket' | 'http';
}

/** One simulated editor: a Y.Doc connected to the server under test. */
export interface LoadEditor {
  /** Makes one small edit; the editor sends it and reports it to the recorder. */
  type(): void;
  close(): void;
}

export interface LoadResult {
  system: string;
  plans: number;
  editors: number;
  seconds: number;
  sent: number;
  acked: number;
  ackedPerSecond: number;
  messagesPerSecond: number;
  messageP50: number;
  messageP99: number;
  ackP50: number;
  ackP99: number;
  ackMax: number;
  seenP50: number;
  seenP99: number;
  /** Sent in the window but never acknowledged within the drain. */
  unacked: number;
  /** Deliveries to other editors of the plan that did not arrive within the drain. */
  unseen: number;
  errors: number;
  errorSamples: string[];
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
  /** Server process CPU during the window, in cores (1.0 = one core busy). */
  serverCores: number;
  /**
   * The part of `serverCores` on the server's main thread, where JavaScript runs; the rest is V8's helper
   * threads (garbage collection) and Node's own.
   */
  serverMainThreadCores: number;
  /** The server's read and write system calls during the window (sockets and the database alike); null where unreadable. */
  serverSyscalls: { reads: number; writes: number } | null;
  /** This (load-generating) process's CPU during the window, in cores. */
  clientCores: number;
  /**
   * CPU of this machine's PostgreSQL during the window (every process named postgres), in cores; null when
   * the database is elsewhere. Cairn's store is there; Hocuspocus writes nothing while an edit is acknowledged.
   */
  postgresCores: number | null;
  /** The whole machine's busy CPU during the window, in cores, of `machineCores`. */
  machineBusyCores: number;
  machineCores: number;
  /**
   * How late this process's event loop ran during the window (p50, p99, ms): a reply waits that long to be
   * read, so when it is high the latencies above are the load generator's as much as the server's.
   */
  clientLoopDelay: { p50: number; p99: number };
  /** The measured window in wall-clock time (epoch ms), to match the server's own records to it. */
  windowEpoch: { start: number; end: number };
}

interface Sent {
  at: number;
  recorded: boolean;
  acked: boolean;
  waitingFor: number;
}

/**
 * Keeps the timings of one load: every update sent (by key), its acknowledgement, and its arrival at each
 * other editor of the plan. Only updates sent inside the measured window count; the rest are warm-up.
 */
export class LoadRecorder {
  recording = false;
  windowStart = Number.POSITIVE_INFINITY;
  windowEnd = Number.POSITIVE_INFINITY;
  /** Edit made → acknowledged (includes waiting behind an earlier update of the same editor). */
  readonly ackLatencies: number[] = [];
  /** Edit made → applied by another editor of the plan. */
  readonly seenLatencies: number[] = [];
  /** Message sent → its acknowledgement (one message may carry several edits). */
  readonly messageLatencies: number[] = [];
  sentInWindow = 0;
  ackedInWindow = 0;
  messagesAckedInWindow = 0;
  errors = 0;
  readonly errorSamples: string[] = [];
  private readonly sent = new Map<string, Sent>();
  private outstanding = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly othersPerPlan: number) {}

  onSent(key: string): void {
    const recorded = this.recording;
    this.sent.set(key, { at: performance.now(), recorded, acked: false, waitingFor: this.othersPerPlan });
    if (recorded) {
      this.sentInWindow++;
      this.outstanding += 1 + this.othersPerPlan;
    }
  }

  onAck(key: string): void {
    const now = performance.now();
    const s = this.sent.get(key);
    if (!s || s.acked) return;
    s.acked = true;
    if (this.recording && now >= this.windowStart) this.ackedInWindow++;
    if (s.recorded) {
      this.ackLatencies.push(now - s.at);
      this.settle(key, s);
    }
  }

  onSeen(key: string): void {
    const now = performance.now();
    const s = this.sent.get(key);
    if (!s || s.waitingFor === 0) return;
    s.waitingFor--;
    if (s.recorded) {
      this.seenLatencies.push(now - s.at);
      this.settle(key, s);
    }
  }

  /** A message (an update carrying one or more edits) was acknowledged `ms` after it was sent. */
  onMessageAck(sentAt: number): void {
    const now = performance.now();
    if (this.recording && now >= this.windowStart) this.messagesAckedInWindow++;
    if (sentAt >= this.windowStart && sentAt < this.windowEnd) this.messageLatencies.push(now - sentAt);
  }

  onError(what: unknown): void {
    this.errors++;
    if (this.errorSamples.length < 5) this.errorSamples.push(describe(what).slice(0, 300));
  }

  /** Resolves when every recorded update is acknowledged and delivered, or after `ms`. */
  drained(ms: number): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idle = () => (clearTimeout(timer), resolve());
    });
  }

  missing(): { unacked: number; unseen: number } {
    let unacked = 0;
    let unseen = 0;
    for (const s of this.sent.values()) {
      if (!s.recorded) continue;
      if (!s.acked) unacked++;
      unseen += s.waitingFor;
    }
    return { unacked, unseen };
  }

  private settle(key: string, s: Sent): void {
    this.outstanding--;
    if (s.acked && s.waitingFor === 0) this.sent.delete(key);
    if (this.outstanding === 0) this.idle?.();
  }
}

/** The editing a typist does between two updates: insert 1–3 characters at their cursor, sometimes elsewhere. */
export class Typist {
  private cursor = 0;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** Edits `text` (call inside a transaction). Long texts get a character replaced, so every update inserts. */
  edit(text: Y.Text): void {
    const r = this.random;
    if (r() < 0.1 || this.cursor > text.length) this.cursor = Math.floor(r() * (text.length + 1));
    if (text.length > 15_000) text.delete(Math.min(this.cursor, text.length - 1), 1);
    const n = 1 + Math.floor(r() * 3);
    let s = '';
    for (let i = 0; i < n; i++) s += 'abcdefghijklmnopqrstuvwxyz  '[Math.floor(r() * 28)];
    const at = Math.min(this.cursor, text.length);
    text.insert(at, s);
    this.cursor = at + n;
  }
}

/**
 * Drives connected editors (editors[plan][i]): each types at `rate` updates/s with jittered intervals,
 * first for the warm-up, then for the measured window; then waits for the stragglers and reports.
 */
export async function driveLoad(system: string, serverPid: number, editors: LoadEditor[][], recorder: LoadRecorder, o: LoadOptions): Promise<LoadResult> {
  const random = seededRandom(o.seed);
  const mean = 1000 / o.rate;
  const timers = new Set<NodeJS.Timeout>();
  let typing = true;
  for (const editor of editors.flat()) {
    const tick = () => {
      if (!typing) return;
      try {
        editor.type();
      } catch (e) {
        recorder.onError(e);
      }
      schedule(mean * (0.5 + random()));
    };
    const schedule = (delay: number) => {
      const t = setTimeout(() => (timers.delete(t), tick()), delay);
      timers.add(t);
    };
    schedule(mean * random());
  }

  const rssStart = rssOf(serverPid);
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(serverPid))), 500);
  await sleep(o.warmupSeconds * 1000);

  recorder.windowStart = performance.now();
  const epochStart = Date.now();
  recorder.recording = true;
  const cpu0 = cpuMsOf(serverPid);
  const main0 = mainThreadCpuMsOf(serverPid);
  const syscalls0 = syscallsOf(serverPid);
  const own0 = process.cpuUsage();
  const postgres0 = cpuMsOfAll('postgres');
  const machine0 = machineBusyMs();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  await sleep(o.seconds * 1000);
  loopDelay.disable();
  recorder.recording = false;
  recorder.windowEnd = performance.now();
  const epochEnd = Date.now();
  const windowMs = recorder.windowEnd - recorder.windowStart;
  const serverCores = (cpuMsOf(serverPid) - cpu0) / windowMs;
  const serverMainThreadCores = (mainThreadCpuMsOf(serverPid) - main0) / windowMs;
  const syscalls1 = syscallsOf(serverPid);
  const serverSyscalls = syscalls0 && syscalls1 ? { reads: syscalls1.reads - syscalls0.reads, writes: syscalls1.writes - syscalls0.writes } : null;
  const own = process.cpuUsage(own0);
  const clientCores = (own.user + own.system) / 1000 / windowMs;
  const postgresCores = databaseIsLocal() ? cpuMsSince('postgres', postgres0) / windowMs : null;
  const machineBusyCores = (machineBusyMs() - machine0) / windowMs;

  typing = false;
  for (const t of timers) clearTimeout(t);
  await recorder.drained(o.drainSeconds * 1000);
  clearInterval(sampler);
  const rssEnd = rssOf(serverPid);
  rssPeak = Math.max(rssPeak, rssEnd);
  const { unacked, unseen } = recorder.missing();
  return {
    system,
    plans: o.plans,
    editors: o.editors,
    seconds: windowMs / 1000,
    sent: recorder.sentInWindow,
    acked: recorder.ackedInWindow,
    ackedPerSecond: recorder.ackedInWindow / (windowMs / 1000),
    messagesPerSecond: recorder.messagesAckedInWindow / (windowMs / 1000),
    messageP50: percentile(recorder.messageLatencies, 50),
    messageP99: percentile(recorder.messageLatencies, 99),
    ackP50: percentile(recorder.ackLatencies, 50),
    ackP99: percentile(recorder.ackLatencies, 99),
    ackMax: percentile(recorder.ackLatencies, 100),
    seenP50: percentile(recorder.seenLatencies, 50),
    seenP99: percentile(recorder.seenLatencies, 99),
    unacked,
    unseen,
    errors: recorder.errors,
    errorSamples: recorder.errorSamples,
    rssStart,
    rssPeak,
    rssEnd,
    serverCores,
    serverMainThreadCores,
    serverSyscalls,
    clientCores,
    postgresCores,
    machineBusyCores,
    machineCores: os.cpus().length,
    clientLoopDelay: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6 },
    windowEpoch: { start: epochStart, end: epochEnd },
  };
}

/** Runs `connect` for every item, at most `concurrency` at a time, failing after `timeoutMs` overall. */
export async function inBatches<T, R>(items: T[], concurrency: number, timeoutMs: number, connect: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await connect(items[i], i);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`connecting took longer than ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: concurrency }, worker)), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return results;
}

export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (Array.isArray(e)) return e.map(describe).join('; ');
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  if (e && typeof e === 'object' && 'code' in e) return `closed ${String((e as { code: unknown }).code)} ${String((e as { reason?: unknown }).reason ?? '')}`;
  return String(e);
}
