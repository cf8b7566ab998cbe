import pg from 'pg';
import type { Logger } from '../platform/logger.js';

/** The PostgreSQL channel care-plan writes notify on; the payload is only `<patientId>:<seq>`. */
export const CARE_PLAN_CHANNEL = 'cairn_care_plan';

type Listener = (seq: number) => void;

/**
 * Cross-instance delivery of "plan P has a new update". One LISTEN connection per instance; listeners read
 * the rows themselves (by seq), so a missed or merged notification never loses an update, and after a
 * reconnect every listener is poked to catch up.
 */
export class CarePlanNotifier {
  private client: pg.Client | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Calls `listener` whenever plan `patientId` may have new updates; returns the unsubscribe. */
  listen(patientId: string, listener: Listener): () => void {
    let set = this.listeners.get(patientId);
    if (!set) this.listeners.set(patientId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(patientId) === set) this.listeners.delete(patientId);
    };
  }

  /** Wakes this instance's listeners directly (the writer's own instance need not wait for the round trip). */
  poke(patientId: string, seq: number): void {
    for (const l of [...(this.listeners.get(patientId) ?? [])]) l(seq);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== CARE_PLAN_CHANNEL || !msg.payload) return;
      const [patientId, seq] = msg.payload.split(':');
      if (patientId) this.poke(patientId, Number(seq));
    });
    client.on('error', (e) => this.logger.warn('care-plan listener lost its connection', { error: String(e) }));
    client.on('end', () => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.retry = setTimeout(() => void this.reconnect(), 1000);
      this.retry.unref();
    });
    await client.connect();
    await client.query(`listen ${CARE_PLAN_CHANNEL}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.connect();
      // Updates may have committed while we were deaf: let everyone re-read from their last seq.
      for (const [patientId] of this.listeners) this.poke(patientId, Number.NaN);
    } catch (e) {
      this.logger.warn('care-plan listener could not reconnect', { error: String(e) });
      this.retry = setTimeout(() => void this.reconnect(), 1000);
      this.retry.unref();
    }
  }
}
