/**
 * When a server's event loop stalls: a timer set every `intervalMs` that runs more than `thresholdMs` late is
 * reported with when it was due, in seconds since the process started, so that stalls can be laid beside
 * `--trace-gc`'s lines (which count milliseconds from the same start) and a CPU profile's samples.
 */
export interface LoopStall {
  /** When the late timer was due, in seconds since the process started (`performance.now()`). */
  atSeconds: number;
  /** How late it ran, in milliseconds. */
  lateMs: number;
}

/** Watches the loop until the returned function is called; the timer does not keep the process alive. */
export function watchLoopStalls(options: { thresholdMs: number; intervalMs?: number; report: (stall: LoopStall) => void }): () => void {
  const interval = options.intervalMs ?? 2;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - interval;
    if (late > options.thresholdMs) options.report({ atSeconds: (last + interval) / 1000, lateMs: late });
    last = now;
  }, interval);
  timer.unref();
  return () => clearInterval(timer);
}
