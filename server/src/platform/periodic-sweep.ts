import type { Logger } from './logger.js';

/** Runs a sweep on this instance every `everyMs`; several instances may run it together. */
export class PeriodicSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly logger: Logger,
    private readonly sweep: () => Promise<unknown>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((e: unknown) => this.logger.warn(`${this.name} failed; will retry`, { error: String(e) }))
      .finally(() => (this.running = null));
  }
}
