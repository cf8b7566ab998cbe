import { describe, expect, it } from 'vitest';
import { BatchLoader } from './batch-loader.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fetch the test answers by hand, recording the keys of each call. */
function controlledFetch() {
  const calls: Array<{ keys: string[]; answer: () => void }> = [];
  const fetch = (keys: string[]) => {
    const d = deferred<Map<string, string>>();
    calls.push({ keys, answer: () => d.resolve(new Map(keys.map((k) => [k, `${k}@${calls.length}`]))) });
    return d.promise;
  };
  return { calls, fetch };
}

/** Lets whatever the loader scheduled run (a flush waits for the end of a turn of the event loop at most). */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('BatchLoader', () => {
  it('fetches the keys asked for in one tick together', async () => {
    const { calls, fetch } = controlledFetch();
    const loader = new BatchLoader(fetch);
    const answers = [loader.load('a'), loader.load('b'), loader.load('a')];
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b']]);
    calls[0].answer();
    expect(await Promise.all(answers)).toEqual(['a@1', 'b@1', 'a@1']);
  });

  it('coalescing: one fetch in flight; what is asked meanwhile makes the next, never answered by the earlier one', async () => {
    const { calls, fetch } = controlledFetch();
    const loader = new BatchLoader(fetch, { mode: 'coalesce', crowdSpacingMs: 0 });
    const first = loader.load('s1');
    await turn();
    // Asked while the first read is in flight: a revocation committed before now must be seen, so s1
    // asked again is read again, after this moment.
    const later = [loader.load('s1'), loader.load('s2')];
    await turn();
    const more = loader.load('s3');
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['s1']]);
    calls[0].answer();
    expect(await first).toBe('s1@1');
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['s1'], ['s1', 's2', 's3']]);
    calls[1].answer();
    expect(await Promise.all([...later, more])).toEqual(['s1@2', 's2@2', 's3@2']);
  });

  it('coalescing: a failed fetch fails only its own keys, and the next fetch still runs', async () => {
    let call = 0;
    const loader = new BatchLoader<string, string>(
      async (keys) => {
        if (call++ === 0) throw new Error('database unreachable');
        return new Map(keys.map((k) => [k, k]));
      },
      { mode: 'coalesce' },
    );
    const failed = loader.load('a');
    const next = loader.load('b'); // same tick: same fetch
    await expect(failed).rejects.toThrow('database unreachable');
    await expect(next).rejects.toThrow('database unreachable');
    expect(await loader.load('c')).toBe('c');
  });

  it('takes at most maxBatch distinct keys per fetch, the rest in the next', async () => {
    const { calls, fetch } = controlledFetch();
    const loader = new BatchLoader(fetch, { mode: 'coalesce', maxBatch: 2, crowdSpacingMs: 0 });
    const answers = ['a', 'b', 'a', 'c'].map((k) => loader.load(k));
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b']]);
    calls[0].answer();
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c']]);
    calls[1].answer();
    expect(await Promise.all(answers)).toEqual(['a@1', 'b@1', 'a@1', 'c@2']);
  });

  it('coalescing: a crowd asking over many turns is fetched in a few larger fetches; a key asked alone at once', async () => {
    const fetched: string[][] = [];
    const slowFetch = async (keys: string[]) => {
      fetched.push(keys);
      await new Promise((r) => setTimeout(r, 2)); // a round trip
      return new Map(keys.map((k) => [k, k]));
    };
    const loader = new BatchLoader<string, string>(slowFetch, { mode: 'coalesce', crowdSpacingMs: 25 });
    // A crowd: six keys every millisecond for 50 ms, more than one fetch at a time can take.
    const asked: Array<Promise<string | undefined>> = [];
    for (let i = 0; i < 300; i++) {
      asked.push(loader.load(`k${i}`));
      if (i % 6 === 5) await new Promise((r) => setTimeout(r, 1));
    }
    expect(await Promise.all(asked)).toEqual(Array.from({ length: 300 }, (_, i) => `k${i}`));
    // Without the spacing a fetch starts as each ends (about 20); with it at most one per 25 ms after the
    // first two. A slower machine only gathers more into each.
    expect(fetched.flat()).toHaveLength(300);
    expect(fetched.length).toBeLessThanOrEqual(6);

    // Alone: a key asked for while no fetch is in flight is fetched in the same turn of the loop as it
    // is asked for, before any timer, however recent the last fetch.
    const lone = new BatchLoader<string, string>(async (keys) => new Map(keys.map((k) => [k, k])), { mode: 'coalesce', crowdSpacingMs: 1000 });
    expect(await Promise.all([lone.load('a'), lone.load('a2')])).toEqual(['a', 'a2']);
    let timerFired = false;
    const timer = setTimeout(() => (timerFired = true), 1);
    expect(await lone.load('b')).toBe('b');
    clearTimeout(timer);
    expect(timerFired).toBe(false);
  });
});
