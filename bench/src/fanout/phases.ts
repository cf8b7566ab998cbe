/**
 * The measurements taken on one server with N subscribers: idle memory per connection, delivery at a
 * steady posting rate, and delivery capacity when events are posted back-to-back.
 */
import { sleep } from '../support/sleep.js';
import { rssOf } from '../support/stats.js';
import { histogramPercentile, type ClientPool, type PoolStats } from './client-pool.js';
import { collectGarbage, cpuSecondsOf } from './process-tools.js';
import { marker, now } from './protocol.js';
import type { Target } from './targets.js';

export interface Memory {
  rss: number;
  heapUsed: number;
}

/** Server memory after a forced full GC (through the inspector), once it has been idle for a moment. */
export async function serverMemory(target: Target): Promise<Memory> {
  await sleep(500);
  const { heapUsed } = await collectGarbage(target.inspector);
  await sleep(200);
  return { rss: rssOf(target.pid), heapUsed };
}

let warmIndex = 0;

/**
 * Posts an event every `everyMs` until every subscriber has received at least one, so each subscription
 * is known to be live (a graphql-ws subscribe is not acknowledged). Counters are reset afterwards.
 */
export async function untilAllLive(target: Target, pool: ClientPool, n: number, timeoutMs: number, everyMs = 500): Promise<{ ms: number; reached: number }> {
  const started = now();
  await pool.reset();
  let reached = 0;
  while (now() - started < timeoutMs) {
    await target.post(marker(--warmIndex, now()));
    const until = now() + everyMs;
    while (now() < until) {
      await sleep(100);
      reached = (await pool.count()).reached;
      if (reached >= n) break;
    }
    if (reached >= n) break;
  }
  await sleep(300);
  await pool.reset();
  return { ms: now() - started, reached };
}

export interface DeliveryResult {
  posted: number;
  postFailures: number;
  /** Posts not sent because too many were still waiting for an answer (steady phase only). */
  skipped: number;
  expected: number;
  received: number;
  /** Deliveries per second: received ÷ (last receipt − first post). */
  rate: number;
  p50: number;
  p99: number;
  max: number;
  /** Time for the server to answer a post (its write path), p50. */
  postP50: number;
  serverCpuShare: number;
  serverCpuUsPerDelivery: number;
  /** The same after taking off the write path's own CPU (measured per post with nobody subscribed). */
  fanoutUsPerDelivery: number;
  client: PoolStats;
  seconds: number;
}

async function drain(pool: ClientPool, expected: number, stallMs: number, maxMs: number): Promise<void> {
  const started = now();
  let last = -1;
  let lastProgress = now();
  while (now() - started < maxMs) {
    const { received } = await pool.count();
    if (received >= expected) return;
    if (received !== last) {
      last = received;
      lastProgress = now();
    } else if (now() - lastProgress > stallMs) return;
    await sleep(100);
  }
}

function summarise(
  target: Target,
  n: number,
  posted: number,
  postFailures: number,
  skipped: number,
  postTimes: number[],
  firstPostAt: number,
  cpu0: number,
  stats: PoolStats,
  wallSeconds: number,
  writeCpuPerPost: number,
): DeliveryResult {
  const serverCpu = cpuSecondsOf(target.pid) - cpu0;
  const span = (stats.lastReceiptAt - firstPostAt) / 1000;
  const sorted = [...postTimes].sort((a, b) => a - b);
  return {
    posted,
    postFailures,
    skipped,
    expected: posted * n,
    received: stats.received,
    rate: span > 0 ? stats.received / span : 0,
    p50: histogramPercentile(stats.histogram, 50),
    p99: histogramPercentile(stats.histogram, 99),
    max: histogramPercentile(stats.histogram, 100),
    postP50: sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN,
    serverCpuShare: serverCpu / (span > 0 ? span : wallSeconds),
    serverCpuUsPerDelivery: stats.received ? (serverCpu * 1e6) / stats.received : NaN,
    fanoutUsPerDelivery: stats.received ? (Math.max(0, serverCpu - (posted - postFailures) * writeCpuPerPost) * 1e6) / stats.received : NaN,
    client: stats,
    seconds: wallSeconds,
  };
}

/**
 * Open-loop posting at `eventsPerSecond` for `seconds`: each post is sent on schedule whatever happened to
 * the previous one (at most `maxInFlight` unanswered; beyond that a post is skipped and counted).
 */
export async function steadyDelivery(target: Target, pool: ClientPool, n: number, eventsPerSecond: number, seconds: number, writeCpuPerPost: number): Promise<DeliveryResult> {
  await pool.reset();
  const cpu0 = cpuSecondsOf(target.pid);
  const total = Math.max(1, Math.round(eventsPerSecond * seconds));
  const interval = 1000 / eventsPerSecond;
  const inFlight = new Set<Promise<void>>();
  const postTimes: number[] = [];
  let posted = 0;
  let failures = 0;
  let skipped = 0;
  const t0 = now();
  for (let k = 0; k < total; k++) {
    const due = t0 + k * interval;
    if (due > now()) await sleep(due - now());
    if (inFlight.size >= 32) {
      skipped++;
      continue;
    }
    const sentAt = now();
    posted++;
    const p: Promise<void> = target
      .post(marker(k, sentAt))
      .then(() => void postTimes.push(now() - sentAt))
      .catch(() => void failures++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  await drain(pool, (posted - failures) * n, 5000, 120_000);
  const stats = await pool.stats();
  return summarise(target, n, posted, failures, skipped, postTimes, t0, cpu0, stats, (now() - t0) / 1000, writeCpuPerPost);
}

/** `events` posts back-to-back (`concurrency` at a time): how fast can the server deliver them all? */
export async function burstDelivery(target: Target, pool: ClientPool, n: number, events: number, concurrency: number, writeCpuPerPost: number): Promise<DeliveryResult> {
  await pool.reset();
  const cpu0 = cpuSecondsOf(target.pid);
  const postTimes: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = now();
  const lane = async () => {
    while (next < events) {
      const k = next++;
      const sentAt = now();
      try {
        await target.post(marker(1_000_000 + k, sentAt));
        postTimes.push(now() - sentAt);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await drain(pool, (events - failures) * n, 5000, 120_000);
  const stats = await pool.stats();
  return summarise(target, n, events, failures, 0, postTimes, t0, cpu0, stats, (now() - t0) / 1000, writeCpuPerPost);
}

/**
 * The write path's own cost: server CPU seconds per post with nobody subscribed (`posts` posts, one at a
 * time), and how long a post takes to be answered (p50, ms).
 */
export async function writePathCost(target: Target, posts: number): Promise<{ cpuPerPost: number; answeredP50: number }> {
  const cpu0 = cpuSecondsOf(target.pid);
  const times: number[] = [];
  for (let k = 0; k < posts; k++) {
    const sentAt = now();
    await target.post(marker(-2, sentAt));
    times.push(now() - sentAt);
  }
  times.sort((a, b) => a - b);
  return { cpuPerPost: (cpuSecondsOf(target.pid) - cpu0) / posts, answeredP50: times[Math.floor(times.length / 2)] };
}
