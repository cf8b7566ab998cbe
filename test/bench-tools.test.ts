import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { describeAllocations, sampleAllocations, summariseAllocations, type HeapNode, type HeapProfile } from '../bench/src/tools/allocation-profile.js';
import { nodeFlagsOf } from '../bench/src/support/cairn.js';
import { describeSummary, placeOf, summariseProfile, type CpuProfile } from '../bench/src/tools/cpu-profile.js';
import { installStatementCensus, StatementCensus } from '../bench/src/tools/statement-census.js';
import { watchLoopStalls, type LoopStall } from '../bench/src/tools/loop-stalls.js';

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

const heapNode = (functionName: string, url: string, selfSize: number, children: HeapNode[] = []): HeapNode => ({
  callFrame: frame(functionName, url),
  selfSize,
  children,
});

/** root → build (cairn care-plans, 300 B) → Map (native, 200 B) and → build again (50 B); root → write (pg, 100 B) → Map (40 B). */
const heapProfile: HeapProfile = {
  head: heapNode('(root)', '', 0, [
    heapNode('build', 'file:///app/server/dist/care-plans/care-plan.store.js', 300, [
      heapNode('Map', '', 200),
      heapNode('build', 'file:///app/server/dist/care-plans/care-plan.store.js', 50),
    ]),
    heapNode('write', 'file:///app/node_modules/pg/lib/client.js', 100, [heapNode('Map', '', 40)]),
  ]),
};

/** Makes about `megabytes` of arrays and keeps none of them. */
function allocateForTheSampler(megabytes: number): number {
  let kept = 0;
  for (let i = 0; i < megabytes * 1024; i++) kept += new Array<number>(128).fill(i).length;
  return kept;
}

/** Makes about `megabytes` of arrays and keeps them all. */
function keepForTheSampler(megabytes: number): number[][] {
  return Array.from({ length: megabytes * 1024 }, (_, i) => new Array<number>(128).fill(i));
}

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

  it('sums an allocation profile by function, with what each called, by place, and by caller', () => {
    const summary = summariseAllocations(heapProfile, 'Map');
    expect(summary.totalBytes).toBe(690);
    expect(summary.self.get('build care-plan.store.js:1')).toBe(350);
    expect(summary.self.get('Map')).toBe(240);
    // A recursive function counts once: the outer call's 550 bytes already hold the inner one's 50.
    expect(summary.inclusive.get('build care-plan.store.js:1')).toBe(550);
    expect(summary.inclusive.get('(root)')).toBe(690);
    expect(summary.places.get('cairn care-plans')).toBe(350);
    expect(summary.places.get('pg')).toBe(100);
    expect([...summary.callers].sort()).toEqual([
      ['Map ← build care-plan.store.js:1 ← (root)', 200],
      ['Map ← write client.js:1 ← (root)', 40],
    ]);
    const text = describeAllocations(summary, 2, 10);
    expect(text).toContain('allocated 0.0 MB, 0.07 KB for each of 10');
    expect(text).toContain('Called from:');
  });

  it('samples what this process allocates, garbage included, into a profile file', async () => {
    await inTempDir('cairn-allocations-', async (dir) => {
      const file = path.join(dir, 'test.heapprofile');
      const sampled = sampleAllocations({ startSeconds: 0, seconds: 0.5, file, intervalBytes: 1024 });
      await new Promise((resolve) => setTimeout(resolve, 100)); // sampling has begun
      expect(allocateForTheSampler(32)).toBeGreaterThan(0);
      await sampled;
      const summary = summariseAllocations(JSON.parse(fs.readFileSync(file, 'utf8')) as HeapProfile);
      // 32 MB of arrays, none of them alive by the end: counted all the same, within the sampling's error.
      const made = [...summary.inclusive].find(([name]) => name.startsWith('allocateForTheSampler '))?.[1] ?? 0;
      expect(made).toBeGreaterThan(16e6);
      expect(made).toBeLessThan(64e6);
    });
  });

  it('samples only what lives through a scavenge when asked: kept arrays counted, garbage not', async () => {
    await inTempDir('cairn-survivors-', async (dir) => {
      const file = path.join(dir, 'survivors.heapprofile');
      const sampled = sampleAllocations({ startSeconds: 0, seconds: 1.5, file, intervalBytes: 1024, survivorsOnly: true });
      await new Promise((resolve) => setTimeout(resolve, 100)); // sampling has begun
      const kept = keepForTheSampler(16);
      expect(allocateForTheSampler(128)).toBeGreaterThan(0);
      await sampled;
      const summary = summariseAllocations(JSON.parse(fs.readFileSync(file, 'utf8')) as HeapProfile);
      const sampledOf = (name: string) => [...summary.inclusive].find(([place]) => place.startsWith(`${name} `))?.[1] ?? 0;
      // 16 MB kept to the end, counted within the sampling's error; of 128 MB of garbage, at most what the
      // young generation still held uncollected when sampling stopped.
      expect(sampledOf('keepForTheSampler')).toBeGreaterThan(8e6);
      expect(sampledOf('allocateForTheSampler')).toBeLessThan(64e6);
      expect(kept.length).toBe(16 * 1024);
    });
  });

  it('reports when the event loop ran late, and when, in seconds since the process started', async () => {
    const stalls: LoopStall[] = [];
    const stop = watchLoopStalls({ thresholdMs: 30, report: (stall) => stalls.push(stall) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const blockedFrom = performance.now();
    while (performance.now() - blockedFrom < 80); // the loop held for 80 ms
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    // A busy machine may stall the loop at other times too; the block is the one stall due as it began.
    const dueAsBlocked = (s: LoopStall) => s.atSeconds * 1000 > blockedFrom - 25 && s.atSeconds * 1000 < blockedFrom + 5;
    expect(stalls.filter(dueAsBlocked)).toHaveLength(1);
    expect(stalls.find(dueAsBlocked)!.lateMs).toBeGreaterThanOrEqual(60);
  });

  it("runs a server build with the Node flags it carries, else with the server's own", async () => {
    await inTempDir('cairn-build-', (build) => {
      expect(nodeFlagsOf(build)).toBe(path.resolve('server/node-flags.json'));
      fs.writeFileSync(path.join(build, 'node-flags.json'), '["--single-threaded-gc"]');
      expect(nodeFlagsOf(build)).toBe(path.join(build, 'node-flags.json'));
    });
  });
});

/** Runs `use` in a new temporary directory, removed afterwards however `use` ends. */
async function inTempDir(prefix: string, use: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
