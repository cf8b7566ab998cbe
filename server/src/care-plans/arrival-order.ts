/**
 * Keeps one client's pipelined edits in the order they arrived. Each edit passes an asynchronous access
 * check before it joins the plan's write queue, and two checks can finish in either order; an edit that
 * overtakes the one it builds on would be refused. Only the way in is ordered: once an edit has joined
 * the plan's queue, the next may start its check, so pipelining still overlaps with the write.
 */
export class ArrivalOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** `prepare` checks and returns the step that joins the queue (synchronously); the rest runs freely. */
  run<T>(key: string, prepare: () => Promise<() => Promise<T>>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, tail);
    return previous.then(async () => {
      try {
        const join = await prepare();
        return join();
      } finally {
        release();
        if (this.tails.get(key) === tail) this.tails.delete(key);
      }
    });
  }
}
