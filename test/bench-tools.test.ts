import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { describeSummary, placeOf, summariseProfile, type CpuProfile } from '../bench/src/tools/cpu-profile.js';
import { installStatementCensus, StatementCensus } from '../bench/src/tools/statement-census.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

/**
 * root → handle (cairn care-plans) → stringify (native); root → (idle); root → write (pg). Samples every
 * 100 µs from 0: handle, stringify, stringify, idle, write, handle; the profile ends at 600 µs.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 4, 5] },
    { id: 2, callFrame: frame('handle', 'file:///app/server/dist/care-plans/care-plan.store.js', 41), children: [3] },
    { id: 3, callFrame: frame('stringify', '') },
    { id: 4, callFrame: frame('(idle)', '') },
    { id: 5, callFrame: frame('write', 'file:///app/node_modules/pg/lib/client.js', 9) },
  ],
  startTime: 0,
  endTime: 600,
  samples: [2, 3, 3, 4, 5, 2],
  timeDeltas: [0, 100, 100, 100, 100, 100],
};

describe('the benchmark tools', () => {
  it('sums a CPU profile by function, with what each called, and by place, over its last seconds', () => {
    const all = summariseProfile(profile);
    expect(all.busyUs).toBe(500);
    expect(all.idleUs).toBe(100);
    expect(all.self.get('handle care-plan.store.js:42')).toBe(200);
    expect(all.self.get('stringify')).toBe(200);
    expect(all.inclusive.get('handle care-plan.store.js:42')).toBe(400);
    expect(all.inclusive.get('(root)')).toBe(500);
    expect(all.places.get('cairn care-plans')).toBe(200);
    expect(all.places.get('pg')).toBe(100);
    expect(all.places.get('stringify')).toBe(200);

    // The last 250 µs: the samples at 400 (write) and 500 (handle) only.
    const last = summariseProfile(profile, 250e-6);
    expect(last.busyUs).toBe(200);
    expect(last.idleUs).toBe(0);
    expect([...last.self]).toEqual([
      ['write client.js:10', 100],
      ['handle care-plan.store.js:42', 100],
    ]);
    expect(describeSummary(all, 1, 'handle')).toContain(' 80.0 %  handle care-plan.store.js:42');
  });

  it('names the place of code in a package, a scoped package, a Cairn domain and a Node module', () => {
    expect(placeOf(frame('f', 'file:///repo/node_modules/@mikro-orm/core/entity/EntityFactory.js'))).toBe('@mikro-orm/core');
    expect(placeOf(frame('f', 'file:///repo/node_modules/pg-protocol/dist/parser.js'))).toBe('pg-protocol');
    expect(placeOf(frame('f', 'file:///repo/server/dist/events/event-hub.js'))).toBe('cairn events');
    expect(placeOf(frame('f', 'node:internal/streams/writable'))).toBe('node:internal');
    expect(placeOf(frame('(garbage collector)', ''))).toBe('(garbage collector)');
  });

  it('counts the statements node-postgres sends, with their parameters and answers, and stops when told', async () => {
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
    const census = new StatementCensus();
    try {
      await client.connect();
      const uninstall = installStatementCensus(census);
      try {
        const { rows } = await client.query<{ t: string }>('select $1::text  as t', ['abcd']);
        expect(rows).toEqual([{ t: 'abcd' }]);
        for (const n of [1, 22]) await client.query({ name: 'census-probe', text: 'select $1::int + 1 as n', values: [n] });
        await expect(client.query('select no_such_column')).rejects.toThrow(/no_such_column/);
        // A pool calls its client with a callback.
        expect((await pool.query<{ n: number }>('select $1::int * 2 as n', [21])).rows).toEqual([{ n: 42 }]);
      } finally {
        uninstall();
      }
      await client.query('select 1');
    } finally {
      await Promise.all([client.end(), pool.end()]);
    }
    expect(census.statements.get('select $1::text as t')).toMatchObject({ count: 1, parameterBytes: 4, answeredMs: [expect.any(Number)] });
    expect(census.statements.get('prepared census-probe')).toMatchObject({ count: 2, parameterBytes: 3, largestParameters: 2 });
    expect(census.statements.get('prepared census-probe')?.answeredMs).toHaveLength(2);
    expect(census.statements.get('select no_such_column')?.answeredMs).toHaveLength(1);
    expect(census.statements.get('select $1::int * 2 as n')).toMatchObject({ count: 1, parameterBytes: 2, answeredMs: [expect.any(Number)] });
    expect(census.statements.has('select 1')).toBe(false);
    expect(census.table().split('\n')[1]).toMatch(/^2\t2\t2\t\d+\.\d{3}\t\d+\.\d{3}\tprepared census-probe$/);
  });
});
