/**
 * Collects the keys asked for in one tick and fetches them in one batch: how a list of twenty patients
 * loads twenty care teams with one query instead of twenty.
 */
export class BatchLoader<K, V> {
  private pending: Array<{ key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }> = [];

  constructor(private readonly fetch: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) process.nextTick(() => void this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.fetch([...new Set(batch.map((b) => b.key))]);
      for (const b of batch) b.resolve(found.get(b.key));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}

/** One loader per request and name, kept on the request's context. */
export function loaderFor<K, V>(holder: { loaders?: Map<string, unknown> }, name: string, fetch: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V> {
  holder.loaders ??= new Map();
  let loader = holder.loaders.get(name) as BatchLoader<K, V> | undefined;
  if (!loader) holder.loaders.set(name, (loader = new BatchLoader(fetch)));
  return loader;
}
