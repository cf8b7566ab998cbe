/**
 * The reconnect storm: every subscriber has been receiving events, the server restarts, and they all
 * reconnect at once, each resuming from its own cursor. Timed from the restarted server's "ready" until
 * every subscriber has received what was posted while it was away and then an event posted after: it is
 * live and caught up. For the plain `ws` floor there is nothing to resume: until every reconnected
 * socket receives a fresh broadcast.
 */
import path from 'node:path';
import { meetAt } from './barrier.js';
import type { ClientPool } from './client-pool.js';
import { sleep } from '../support/sleep.js';
import { marker, now, STORM_FRESH_FROM, STORM_MISSED_FROM } from './protocol.js';
import type { Target } from './targets.js';

export interface StormResult {
  n: number;
  /** Events posted while the subscribers were away (0 for a server with no cursors). */
  missed: number;
  /** Restart: SIGTERM until the new process is ready. */
  restartMs: number;
  reopened: number;
  caughtUp: number;
  /** Ready → the last subscriber caught up and live; NaN if some never were within the time allowed. */
  ms: number;
  /** Server CPU from ready until all caught up (or gave up). */
  serverCpuMs: number;
  anomalies: number;
  failed: number;
  errorSamples: string[];
}

/**
 * Disconnects the pool's `n` subscribers, posts `missed` events (resumable servers only), restarts the
 * server, reopens every subscriber at once, and once all are back posts a fresh event (again each second
 * until all have it). With FANOUT_STORM_BARRIER (a directory), two such runs wait for each other there
 * before disconnecting and again once their servers have restarted, so that two builds'
 * storms run at the same moment (bench/side-by-side.sh --storm).
 * "At once" is `concurrency` handshakes in flight, each replaced as it completes: the kernel queues at most
 * the listen backlog (Node's 511) of unaccepted connections and drops the rest, whose clients then wait
 * out TCP's 1 s, 3 s… retransmission timers, which would be measured instead of the server.
 */
export async function reconnectStorm(
  target: Target,
  pool: ClientPool,
  n: number,
  missed: number,
  cpuSecondsOf: (pid: number) => number,
  concurrency: number,
  timeoutMs = 120_000,
  pollMs = 20,
): Promise<StormResult> {
  const barrier = process.env.FANOUT_STORM_BARRIER;
  const meet = (step: string) => (barrier ? meetAt(path.join(barrier, step), 2) : Promise.resolve());
  await meet('disconnect');
  await pool.disconnect();
  for (let k = 0; k < missed; k++) await target.post(marker(STORM_MISSED_FROM + k, now()));
  const restartStarted = now();
  await target.restart();
  // Side by side, both servers are up before either's subscribers return, so neither storm has the machine to itself.
  await meet('reconnect');
  const ready = now();
  const cpu0 = cpuSecondsOf(target.pid);
  await pool.reconnect(STORM_MISSED_FROM, missed, concurrency);
  let count = await pool.stormCount();
  const pending = () => count.caughtUp < n && count.caughtUp + count.failed < n && now() - ready < timeoutMs;
  // One fresh event once every subscriber is back (a fresh event a minute would reach everyone live, and
  // every one posted before the last reconnect would be fanned out and replayed: load of the bench's own).
  while (count.reopened + count.failed < n && pending()) {
    await sleep(pollMs);
    count = await pool.stormCount();
  }
  let fresh = 0;
  let postedAt = 0;
  while (pending()) {
    // Again now and then, in case one was still being set up (it replays a fresh event only if posted after its cursor).
    if (now() - postedAt > 1000) {
      postedAt = now();
      await target.post(marker(STORM_FRESH_FROM + fresh++, postedAt)).catch(() => undefined);
    }
    await sleep(pollMs);
    count = await pool.stormCount();
  }
  const serverCpuMs = (cpuSecondsOf(target.pid) - cpu0) * 1000;
  return {
    n,
    missed,
    restartMs: ready - restartStarted,
    reopened: count.reopened,
    caughtUp: count.caughtUp,
    ms: count.caughtUp >= n ? count.lastCaughtUpAt - ready : NaN,
    serverCpuMs,
    anomalies: count.anomalies,
    failed: count.failed,
    errorSamples: count.errorSamples,
  };
}
