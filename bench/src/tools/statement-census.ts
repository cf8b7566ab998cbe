/**
 * Which statements a server sends PostgreSQL, how often, how large their parameters are, and how long each
 * takes to answer, as seen by node-postgres in the server. Loaded into the servers under test:
 *
 *   BENCH_SERVER_NODE_ARGS="--import $PWD/bench/dist/tools/statement-census-preload.js" npm run bench -- care-plans …
 *
 * Each server writes its table to `/tmp/statement-census-<pid>.tsv` every five seconds and as it exits
 * (`CAIRN_STATEMENT_CENSUS_DIR` for another directory). A statement is known by its prepared name, or by
 * the first 120 characters of its text. For the measurement only: it wraps every query of the process.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { percentile } from '../support/stats.js';

export interface StatementCount {
  count: number;
  /** Characters of text parameters, bytes of binary ones and the length of others as text, summed over the calls. */
  parameterBytes: number;
  largestParameters: number;
  /** Milliseconds from each call to its answer, in the order answered (the first `maxTimings`). */
  answeredMs: number[];
}

/** Answer times kept per statement: enough for a percentile, bounded for a long run. */
const maxTimings = 100_000;

export class StatementCensus {
  readonly statements = new Map<string, StatementCount>();

  /** Records one call; the returned function is called with its time to answer, once it has one. */
  record(key: string, parameterBytes: number): (ms: number) => void {
    let s = this.statements.get(key);
    if (!s) this.statements.set(key, (s = { count: 0, parameterBytes: 0, largestParameters: 0, answeredMs: [] }));
    s.count++;
    s.parameterBytes += parameterBytes;
    s.largestParameters = Math.max(s.largestParameters, parameterBytes);
    const counted = s;
    return (ms) => {
      if (counted.answeredMs.length < maxTimings) counted.answeredMs.push(ms);
    };
  }

  /** Tab-separated, most frequent first. */
  table(): string {
    const rows = [...this.statements].sort((a, b) => b[1].count - a[1].count);
    return [
      'count\tmean parameters (bytes)\tlargest parameters\tanswered p50 (ms)\tanswered p99 (ms)\tstatement',
      ...rows.map(([key, s]) => [s.count, Math.round(s.parameterBytes / s.count), s.largestParameters, percentileOf(s.answeredMs, 50), percentileOf(s.answeredMs, 99), key].join('\t')),
    ].join('\n');
  }
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** Counts every query of every node-postgres client in this process into `census` until the returned function is called. */
export function installStatementCensus(census: StatementCensus): () => void {
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function countedQuery(this: pg.Client, ...args: unknown[]): unknown {
    const [config, values] = args;
    const answered = census.record(keyOf(config), bytesOf(parametersOf(config, values)));
    const started = performance.now();
    const done = () => answered(performance.now() - started);
    // A call with a callback (as pg.Pool makes its calls) is answered through it; one without, by its promise.
    const at = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
    if (at >= 0) {
      const callback = args[at] as (...results: unknown[]) => unknown;
      args[at] = (...results: unknown[]) => (done(), callback(...results));
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    return result;
  };
  return () => {
    proto.query = original;
  };
}

/** A percentile of the answer times, to the microsecond; empty when nothing was answered. */
function percentileOf(ms: number[], p: number): string {
  return ms.length ? percentile(ms, p).toFixed(3) : '';
}

function keyOf(config: unknown): string {
  if (typeof config === 'string') return shorten(config);
  if (config && typeof config === 'object') {
    const c = config as { name?: unknown; text?: unknown };
    if (typeof c.name === 'string' && c.name) return `prepared ${c.name}`;
    if (typeof c.text === 'string') return shorten(c.text);
  }
  return '(a query object of its own)';
}

function shorten(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

function parametersOf(config: unknown, values: unknown): unknown[] {
  if (Array.isArray(values)) return values;
  const own = config && typeof config === 'object' ? (config as { values?: unknown }).values : undefined;
  return Array.isArray(own) ? own : [];
}

function bytesOf(values: unknown[]): number {
  let bytes = 0;
  for (const v of values) {
    if (typeof v === 'string') bytes += v.length;
    else if (v instanceof Uint8Array) bytes += v.byteLength;
    else if (v !== null && v !== undefined) bytes += String(v).length;
  }
  return bytes;
}

/** Counts from now on, writing the table as it goes (see statement-census-preload.ts). */
export function startStatementCensus(): void {
  const census = new StatementCensus();
  installStatementCensus(census);
  const file = path.join(process.env.CAIRN_STATEMENT_CENSUS_DIR ?? '/tmp', `statement-census-${process.pid}.tsv`);
  const write = () => fs.writeFileSync(file, census.table() + '\n');
  setInterval(write, 5000).unref();
  process.on('exit', write);
}
