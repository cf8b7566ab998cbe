/**
 * Which statements a server sends PostgreSQL, how often, how large their parameters are, and how long each
 * takes to answer, as seen by node-postgres in the server. Loaded into the servers under test:
 *
 *   BENCH_SERVER_NODE_ARGS="--import $PWD/bench/dist/tools/statement-census-preload.js" npm run bench -- care-plans …
 *
 * Each server writes its table to `/tmp/statement-census-<pid>.tsv` every two seconds and as it exits
 * (`CAIRN_STATEMENT_CENSUS_DIR` for another directory). A statement is known by its prepared name, or by
 * the first 120 characters of its text. For the measurement only: it wraps every query of the process.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface StatementCount {
  count: number;
  /** Characters of text parameters and bytes of binary ones, summed over the calls. */
  parameterBytes: number;
  largestParameters: number;
  /** Milliseconds from the call to its answer, summed over the calls answered. */
  answeredMs: number;
  answered: number;
}

export class StatementCensus {
  readonly statements = new Map<string, StatementCount>();

  /** Records one call; the returned function is called with its time to answer, once it has one. */
  record(key: string, parameterBytes: number): (ms: number) => void {
    let s = this.statements.get(key);
    if (!s) this.statements.set(key, (s = { count: 0, parameterBytes: 0, largestParameters: 0, answeredMs: 0, answered: 0 }));
    s.count++;
    s.parameterBytes += parameterBytes;
    s.largestParameters = Math.max(s.largestParameters, parameterBytes);
    const counted = s;
    return (ms) => {
      counted.answeredMs += ms;
      counted.answered++;
    };
  }

  /** Tab-separated, most frequent first. */
  table(): string {
    const rows = [...this.statements].sort((a, b) => b[1].count - a[1].count);
    return [
      'count\tmean parameters (bytes)\tlargest parameters\tmean answered (ms)\tstatement',
      ...rows.map(([key, s]) =>
        [s.count, Math.round(s.parameterBytes / s.count), s.largestParameters, s.answered ? (s.answeredMs / s.answered).toFixed(3) : '', key].join('\t'),
      ),
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
    const result = original.apply(this, args);
    if (isPromise(result)) {
      result.then(
        () => answered(performance.now() - started),
        () => answered(performance.now() - started),
      );
    }
    return result;
  };
  return () => {
    proto.query = original;
  };
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

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

/** Counts from now on, writing the table as it goes (see statement-census-preload.ts). */
export function startStatementCensus(): void {
  const census = new StatementCensus();
  installStatementCensus(census);
  const file = path.join(process.env.CAIRN_STATEMENT_CENSUS_DIR ?? '/tmp', `statement-census-${process.pid}.tsv`);
  const write = () => fs.writeFileSync(file, census.table() + '\n');
  setInterval(write, 2000).unref();
  process.on('exit', write);
}
