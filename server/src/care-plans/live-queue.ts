/**
 * A push-fed async iterator for subscriptions: producers `push` and `end`; the GraphQL executor pulls.
 * `onClose` runs once, whether the client unsubscribed (return) or the producer ended it.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private done = false;
  private readonly closers: Array<() => void> = [];

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value, done: false });
    } else this.buffer.push(value);
  }

  /** Ends the stream after what is already buffered. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.close();
    if (this.waiting && this.buffer.length === 0) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: undefined, done: true });
    }
  }

  onClose(fn: () => void): void {
    if (this.done) fn();
    else this.closers.push(fn);
  }

  get closed(): boolean {
    return this.done;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private close(): void {
    for (const fn of this.closers.splice(0)) {
      try {
        fn();
      } catch {
        // a cleanup failure must not keep the stream open
      }
    }
  }
}
