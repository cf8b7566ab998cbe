import { createHash } from 'node:crypto';
import os from 'node:os';
import { freshDatabase } from './postgres.js';
import { percentile } from './stats.js';

/**
 * Figures of the machine itself, printed before the suites, so that runs on different days can be told
 * apart from changes to Cairn: on 5 December 2026 the same commit's reconnect storm at 5,000 took 4.6–7.1 s
 * on one machine of this kind and 2.6–2.8 s on the next, and Hocuspocus's CPU per edit moved with it.
 */
export interface Yardstick {
  /** A fixed piece of JavaScript work (JSON and hashing), the median of its rounds. */
  jsMs: number;
  /** `select 1` on an open connection: the cost of waking another process and back. */
  roundTripUs: { p50: number; p99: number };
  /** A one-row insert committed on its own (the WAL flushed), as a durable acknowledgement waits for. */
  commitUs: { p50: number; p99: number };
}

const jsRounds = 9;
const statements = 300;

export async function measureYardstick(): Promise<Yardstick> {
  const jsMs = percentile(Array.from({ length: jsRounds }, () => timed(fixedWork)), 50);
  const db = await freshDatabase('cairn_bench_yardstick');
  try {
    const client = await db.pool.connect();
    try {
      await client.query('create table yardstick (id bigserial primary key, note text not null)');
      const roundTrips: number[] = [];
      const commits: number[] = [];
      for (let i = 0; i < statements; i++) roundTrips.push(await timedAsync(() => client.query('select 1')));
      for (let i = 0; i < statements; i++) commits.push(await timedAsync(() => client.query('insert into yardstick (note) values ($1)', [`row ${i}`])));
      return { jsMs, roundTripUs: spread(roundTrips), commitUs: spread(commits) };
    } finally {
      client.release();
    }
  } finally {
    await db.drop();
  }
}

export function describeYardstick(y: Yardstick): string {
  const us = (s: { p50: number; p99: number }) => `p50 ${s.p50.toFixed(0)} µs / p99 ${s.p99.toFixed(0)} µs`;
  return (
    `Machine yardstick (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os.loadavg()[0].toFixed(2)}): ` +
    `fixed JavaScript work ${y.jsMs.toFixed(1)} ms (median of ${jsRounds}); PostgreSQL round trip ${us(y.roundTripUs)}; ` +
    `one-row commit ${us(y.commitUs)} (${statements} each). Figures from different days compare only where these agree.`
  );
}

/** JSON out and back and a hash over it, about what a server does with a message, many times over. */
function fixedWork(): void {
  const rows = Array.from({ length: 4000 }, (_, i) => ({ id: i, name: `patient ${i}`, goals: [{ text: 'walk to the shop', rating: i % 10 }], seen: i % 3 === 0 }));
  for (let i = 0; i < 5; i++) {
    const text = JSON.stringify(rows);
    const back = JSON.parse(text) as unknown[];
    createHash('sha256').update(text).digest('hex');
    if (back.length !== rows.length) throw new Error('the yardstick lost rows');
  }
}

function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

async function timedAsync(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) * 1000;
}

function spread(us: number[]): { p50: number; p99: number } {
  return { p50: percentile(us, 50), p99: percentile(us, 99) };
}
