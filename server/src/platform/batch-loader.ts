/** How a BatchLoader gathers keys into fetches. */
export interface BatchOptions {
  /**
   * 'tick' (the default): the keys asked for in one tick make one fetch; fetches may overlap.
   * 'coalesce': one fetch in flight at a time; keys asked for meanwhile wait and make the next fetch, so
   * a crowd arriving over many ticks (a reconnect storm) costs one query per round trip, not one per key.
   * Either way a key's fetch starts after it was asked for: nothing is answered from an earlier read.
   */
  mode?: 'tick' | 'coalesce';
  /** At most this many distinct keys per fetch (the rest wait for the next). */
  maxBatch?: number;
  /**
   * Coalescing only: while a crowd is asking (`crowdKeys` or more asked for behind the fetch in flight),
   * the next fetch starts no sooner than this after the one before, so the crowd gathers into fewer,
   * larger fetches. A key asked for while nothing is in flight, or behind a fetch with fewer others, is
   * fetched as before. Without it a reconnect storm of 5,000 sockets made about 5,800 queries of four to
   * five keys, and the server's thread waited on PostgreSQL in a quarter of its time.
   */
  crowdSpacingMs?: number;
}

/**
 * See BatchOptions.crowdSpacingMs. A crowd's keys wait up to this long for their fetch, and each fetch costs the
 * server's thread about the same whatever it carries: two reconnect storms at once (bench/side-by-side.sh --storm,
 * eight rounds) took 16 % less time and 22 % less server CPU at 80 ms than at 20 ms (CPU lower in seven rounds);
 * 160 ms took another eighth of the CPU but doubles each crowd's wait (docs/performance.md).
 */
const defaultCrowdSpacingMs = 80;
/**
 * Keys waiting behind a fetch that make a crowd. Fewer are requests that happened to meet (a post and a
 * reconnect at once), which would otherwise wait the spacing for nothing.
 */
const crowdKeys = 4;

interface Waiting<K, V> {
  key: K;
  resolve: (v: V | undefined) => void;
  reject: (e: unknown) => void;
}

/**
 * Collects the keys asked for and fetches them in one batch: how a list of twenty patients loads twenty
 * care teams with one query instead of twenty, and how thousands of sockets reconnecting at once check
 * their sessions with a few queries (mode 'coalesce').
 */
export class BatchLoader<K, V> {
  private pending: Array<Waiting<K, V>> = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly mode: 'tick' | 'coalesce';
  private readonly maxBatch: number;
  private readonly crowdSpacingMs: number;
  /** When the last fetch started (`performance.now()`). */
  private lastFetchAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    options: BatchOptions = {},
  ) {
    this.mode = options.mode ?? 'tick';
    this.maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
    this.crowdSpacingMs = options.crowdSpacingMs ?? defaultCrowdSpacingMs;
  }

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      this.schedule(false);
    });
  }

  /**
   * Fetches at the end of this tick, unless (coalescing) a fetch is in flight: its end starts the next.
   * Coalescing waits for the end of this turn of the event loop instead, so that the messages of every
   * socket read in this turn (a crowd's connection_init or subscribe) make one fetch, not one each; and
   * for a crowd that waited for a fetch to end (`behindFetch`), until `crowdSpacingMs` after it started.
   */
  private schedule(behindFetch: boolean): void {
    if (this.scheduled || (this.mode === 'coalesce' && this.inFlight > 0)) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.flush();
    };
    if (this.mode === 'tick') return process.nextTick(run);
    const wait = behindFetch ? this.lastFetchAt + this.crowdSpacingMs - performance.now() : 0;
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return;
    const keys = [...new Set(batch.map((b) => b.key))];
    this.lastFetchAt = performance.now();
    this.inFlight++;
    try {
      const found = await this.fetch(keys);
      for (const b of batch) b.resolve(found.get(b.key));
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      this.inFlight--;
      if (this.pending.length > 0) this.schedule(this.pending.length >= crowdKeys);
    }
  }

  /** The waiting keys up to `maxBatch` distinct ones (every waiter of a key taken goes with it). */
  private take(): Array<Waiting<K, V>> {
    if (this.pending.length === 0) return [];
    if (!Number.isFinite(this.maxBatch)) {
      const all = this.pending;
      this.pending = [];
      return all;
    }
    const keys = new Set<K>();
    const taken: Array<Waiting<K, V>> = [];
    const left: Array<Waiting<K, V>> = [];
    for (const w of this.pending) {
      if (keys.has(w.key) || keys.size < this.maxBatch) {
        keys.add(w.key);
        taken.push(w);
      } else left.push(w);
    }
    this.pending = left;
    return taken;
  }
}

/** One loader per request and name, kept on the request's context. */
export function loaderFor<K, V>(holder: { loaders?: Map<string, unknown> }, name: string, fetch: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V> {
  holder.loaders ??= new Map();
  let loader = holder.loaders.get(name) as BatchLoader<K, V> | undefined;
  if (!loader) holder.loaders.set(name, (loader = new BatchLoader(fetch)));
  return loader;
}
