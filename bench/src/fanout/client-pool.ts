/**
 * The subscribers, spread over several client worker processes (one Node process cannot parse thousands
 * of frames a second and still be a fair observer). Collects their counts and merges their histograms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUCKET_MS, type ConnectionSpec, type FromWorker, type StormCount, type ToWorker, type WorkerCount, type WorkerStats } from './protocol.js';
import type { Target } from './targets.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface PoolStats {
  received: number;
  /** Latency samples as a histogram: [bucket of BUCKET_MS, count]. */
  histogram: Map<number, number>;
  firstReceiptAt: number;
  lastReceiptAt: number;
  /** Client CPU: total seconds over all workers, and the busiest worker's share of one core and event-loop utilisation. */
  cpuSeconds: number;
  maxWorkerCpu: number;
  maxWorkerElu: number;
  errors: number;
  errorSamples: string[];
}

class Worker {
  private readonly waiting = new Map<string, Array<(m: FromWorker) => void>>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromWorker) => this.waiting.get(m.type)?.shift()?.(m));
    this.ready = this.expect('ready').then(() => undefined);
  }

  expect<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      const list = this.waiting.get(type) ?? [];
      list.push(resolve as (m: FromWorker) => void);
      this.waiting.set(type, list);
    });
  }

  ask<T extends FromWorker['type']>(message: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    const answer = this.expect(reply);
    this.child.send(message);
    return answer;
  }
}

export class ClientPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(count: number): Promise<ClientPool> {
    const workers = Array.from(
      { length: count },
      () => new Worker(fork(path.join(here, 'client-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048'] })),
    );
    await Promise.all(workers.map((w) => w.ready));
    return new ClientPool(workers);
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? 0);
  }

  /** Opens `n` subscribers to `target`, round-robin over the workers; resolves with how many opened and how long it took. */
  async connect(target: Target, n: number, concurrency = 64): Promise<{ opened: number; failed: number; ms: number; errorSamples: string[] }> {
    const shares: ConnectionSpec[][] = this.workers.map(() => []);
    for (let i = 0; i < n; i++) shares[i % this.workers.length].push(target.spec(i));
    const per = Math.max(1, Math.floor(concurrency / this.workers.length));
    const results = await Promise.all(
      this.workers.map((w, k) =>
        w.ask({ type: 'connect', transport: target.transport, url: target.wsUrl, query: target.query, connections: shares[k], concurrency: per }, 'connected'),
      ),
    );
    return {
      opened: results.reduce((s, r) => s + r.opened, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      ms: Math.max(...results.map((r) => r.ms)),
      errorSamples: results.flatMap((r) => r.errorSamples),
    };
  }

  async reset(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask({ type: 'reset' }, 'reset')));
  }

  async count(): Promise<Omit<WorkerCount, 'type'>> {
    const counts = await Promise.all(this.workers.map((w) => w.ask({ type: 'count' }, 'count')));
    return {
      received: counts.reduce((s, c) => s + c.received, 0),
      reached: counts.reduce((s, c) => s + c.reached, 0),
      open: counts.reduce((s, c) => s + c.open, 0),
      errors: counts.reduce((s, c) => s + c.errors, 0),
    };
  }

  async stats(): Promise<PoolStats> {
    const all: WorkerStats[] = await Promise.all(this.workers.map((w) => w.ask({ type: 'stats' }, 'stats')));
    const histogram = new Map<number, number>();
    for (const s of all) for (const [b, c] of s.histogram) histogram.set(b, (histogram.get(b) ?? 0) + c);
    const firsts = all.map((s) => s.firstReceiptAt).filter((t) => t > 0);
    return {
      received: all.reduce((s, w) => s + w.received, 0),
      histogram,
      firstReceiptAt: firsts.length ? Math.min(...firsts) : 0,
      lastReceiptAt: Math.max(0, ...all.map((s) => s.lastReceiptAt)),
      cpuSeconds: all.reduce((s, w) => s + w.cpuSeconds, 0),
      maxWorkerCpu: Math.max(...all.map((s) => s.cpuSeconds / s.wallSeconds)),
      maxWorkerElu: Math.max(...all.map((s) => s.eventLoopUtilisation)),
      errors: all.reduce((s, w) => s + w.errors, 0),
      errorSamples: all.flatMap((s) => s.errorSamples).slice(0, 5),
    };
  }

  /** Closes every subscriber on purpose (the server is about to restart). */
  async disconnect(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask({ type: 'disconnect' }, 'disconnected')));
  }

  /**
   * Reopens every subscriber at once (`concurrency` handshakes in flight across the workers), each resuming
   * from its cursor, expecting `missed` events marked from `missedFrom`.
   */
  async reconnect(missedFrom: number, missed: number, concurrency: number): Promise<void> {
    const per = Math.max(1, Math.floor(concurrency / this.workers.length));
    await Promise.all(this.workers.map((w) => w.ask({ type: 'reconnect', missedFrom, missed, concurrency: per }, 'reconnecting')));
  }

  async stormCount(): Promise<Omit<StormCount, 'type'>> {
    const all = await Promise.all(this.workers.map((w) => w.ask({ type: 'storm-count' }, 'storm-count')));
    return {
      reopened: all.reduce((s, c) => s + c.reopened, 0),
      failed: all.reduce((s, c) => s + c.failed, 0),
      caughtUp: all.reduce((s, c) => s + c.caughtUp, 0),
      lastCaughtUpAt: Math.max(...all.map((c) => c.lastCaughtUpAt)),
      anomalies: all.reduce((s, c) => s + c.anomalies, 0),
      errorSamples: all.flatMap((c) => c.errorSamples).slice(0, 5),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
        w.child.send({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** The p-th percentile (nearest rank) of a latency histogram, in ms. */
export function histogramPercentile(histogram: Map<number, number>, p: number): number {
  const buckets = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return bucket * BUCKET_MS;
  }
  return buckets[buckets.length - 1][0] * BUCKET_MS;
}
