import type { Delivery } from '../platform/shared-subscribe.js';

/**
 * A push-fed async iterator for subscriptions: producers `push` and `end`; the GraphQL executor pulls, or
 * a direct consumer takes each value as it is pushed (`deliverTo`). `onClose` runs once, whether the
 * client unsubscribed (return) or the producer ended it.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private done = false;
  private readonly closers: Array<() => void> = [];
  private direct: DirectConsumer<T> | null = null;

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value, done: false });
      return;
    }
    this.buffer.push(value);
    if (this.direct) this.drainToDirect(this.direct);
  }

  /** Ends the stream after what is already buffered. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.close();
    if (this.direct) this.drainToDirect(this.direct);
    else if (this.waiting && this.buffer.length === 0) {
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
    this.direct?.resolve(); // even while waiting for a full socket: nothing is left to send
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * Hands every value to `deliver` as it is pushed, in order, instead of through `next()`: one call per
   * value rather than a chain of promises through graphql-ws for every subscriber (see
   * platform/shared-subscribe.ts). A value `deliver` cannot take yet is offered again when it says so.
   * Resolves once the stream has ended and its last value is delivered.
   */
  deliverTo(deliver: (value: T) => Delivery): Promise<void> {
    return new Promise((resolve, reject) => {
      const direct = (this.direct = { deliver, blocked: false, resolve, reject });
      this.drainToDirect(direct);
    });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Hands buffered values to the direct consumer until it is blocked (its socket is full) or they run out. */
  private drainToDirect(direct: DirectConsumer<T>): void {
    while (!direct.blocked && this.buffer.length > 0) {
      let delivery: Delivery;
      try {
        delivery = direct.deliver(this.buffer[0]);
      } catch (e) {
        return this.fail(direct, e);
      }
      if (delivery !== true) {
        direct.blocked = true;
        delivery(
          () => {
            direct.blocked = false;
            this.drainToDirect(direct);
          },
          (e) => this.fail(direct, e),
        );
        return;
      }
      this.buffer.shift();
    }
    if (this.done && !direct.blocked && this.buffer.length === 0) direct.resolve();
  }

  private fail(direct: DirectConsumer<T>, error: unknown): void {
    this.buffer.length = 0;
    this.done = true;
    this.close();
    direct.reject(error);
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

/** A consumer that takes each value as it is pushed (see `deliverTo`), and how its stream ends. */
interface DirectConsumer<T> {
  deliver: (value: T) => Delivery;
  /** It could not take the first buffered value; it calls back when it can. */
  blocked: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}
