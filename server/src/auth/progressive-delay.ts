/** How many attempts a key gets freely, then how the wait before each further attempt grows. */
export interface DelayPolicy {
  /** Attempts allowed without waiting. */
  free: number;
  /** The wait after the last free attempt; it doubles with each further attempt… */
  firstDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** A key with no attempt for this long starts afresh. */
  forgetAfterMs: number;
}

interface Entry {
  attempts: number;
  lastAt: number;
  notBefore: number;
}

/**
 * Attempts per key with a growing wait instead of a lock: after `free` attempts, each further one must wait
 * 1 s, 2 s, 4 s… (capped) after the one before. Every method is synchronous, so attempts arriving in
 * parallel are counted one by one: an attempt is taken before the work it guards, never after.
 * In memory, per instance.
 */
export class ProgressiveDelay {
  private readonly entries = new Map<string, Entry>();
  private takesSincePrune = 0;

  constructor(private readonly policy: DelayPolicy) {}

  /** How long until `key` may make an attempt (0: now). */
  waitMs(key: string, now = Date.now()): number {
    const e = this.live(key, now);
    return e ? Math.max(0, e.notBefore - now) : 0;
  }

  /** Counts an attempt (the caller has checked `waitMs`) and sets the wait before the next. */
  take(key: string, now = Date.now()): void {
    if (++this.takesSincePrune >= 1000) this.prune(now);
    const e = this.live(key, now) ?? { attempts: 0, lastAt: now, notBefore: 0 };
    e.attempts++;
    e.lastAt = now;
    e.notBefore = now + this.delayAfter(e.attempts);
    this.entries.set(key, e);
  }

  /** Gives back one attempt (it succeeded); the wait is as if it had not been made. */
  refund(key: string, now = Date.now()): void {
    const e = this.live(key, now);
    if (!e) return;
    e.attempts = Math.max(0, e.attempts - 1);
    e.notBefore = e.lastAt + this.delayAfter(e.attempts);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private delayAfter(attempts: number): number {
    const over = attempts - this.policy.free;
    return over < 0 ? 0 : Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** over);
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.lastAt > this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Drops forgotten keys, so guessing at many addresses or emails does not grow memory without end. */
  private prune(now: number): void {
    this.takesSincePrune = 0;
    for (const [key, e] of this.entries) if (now - e.lastAt > this.policy.forgetAfterMs) this.entries.delete(key);
  }
}
