import pg from 'pg';
import { readersAmong } from '../access/policy.js';
import type { Orm } from '../platform/database.js';
import { notFound } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { EVENT_CHANNEL, lastCommittedSeq, readEventsAfter, type EventRecord, type StreamFilter } from './event-log.js';
import { EventSubscription } from './event-subscription.js';

export interface EventHubOptions {
  /** Events one subscriber may have waiting before it is told to resync. */
  queueLimit: number;
  /** Rows the dispatcher reads from the log per query (a replay reads up to `queueLimit` at once). */
  pageSize: number;
  /** A safety net: re-read the log this often even if no NOTIFY arrived (e.g. while reconnecting). */
  pollMs: number;
}

const defaults: EventHubOptions = { queueLimit: 1000, pageSize: 500, pollMs: 5000 };

/**
 * This instance's view of the event log. It LISTENs on its own connection; a NOTIFY (or the poll) makes it
 * read every event after the last one it dispatched, in seq order, and offer each to the subscribers of
 * that stream on this instance. A patient event's audience is access-checked in one query per event.
 */
export class EventHub {
  private readonly options: EventHubOptions;
  private listener: pg.Client | null = null;
  private lastSeq = 0;
  private readonly byPatient = new Map<string, Set<EventSubscription>>();
  private readonly byRecipient = new Map<string, Set<EventSubscription>>();
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    options: Partial<EventHubOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  async start(): Promise<void> {
    await this.listen();
    // After LISTEN is in place: anything committed later is announced, anything earlier is below this.
    this.lastSeq = await lastCommittedSeq(this.orm.em.fork());
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const set of [...this.byPatient.values(), ...this.byRecipient.values()]) for (const sub of [...set]) sub.close();
    await this.pumping?.catch(() => undefined);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
  }

  /** The last seq this instance has dispatched. */
  get dispatchedThrough(): number {
    return this.lastSeq;
  }

  get subscriberCount(): number {
    let n = 0;
    for (const set of [...this.byPatient.values(), ...this.byRecipient.values()]) n += set.size;
    return n;
  }

  /**
   * A stream of `filter`'s events after `after` for `userId`: replays from the log, then live. The caller
   * has already checked that the user may open this stream; patient events are re-checked as they come.
   */
  subscribe(userId: string, filter: StreamFilter, after: number): EventSubscription {
    const index = 'patientId' in filter ? this.byPatient : this.byRecipient;
    const key = 'patientId' in filter ? filter.patientId : filter.recipientId;
    const sub = new EventSubscription(userId, filter, after, this.options.queueLimit, (s) => {
      const set = index.get(key);
      set?.delete(s);
      if (set?.size === 0) index.delete(key);
    });
    if (this.stopped) {
      sub.close(); // the instance is shutting down: the client reconnects elsewhere with its cursor
      return sub;
    }
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(sub); // registered before replay reads the log: see EventSubscription
    // Replay reads pages as large as the subscriber's queue: a reconnect 1,000 behind is a query or two.
    void sub.replay(
      (cursor, limit) => readEventsAfter(this.orm.em.fork(), cursor, limit, sub.filter),
      () => this.checkAccess(sub),
      this.options.queueLimit,
    );
    return sub;
  }

  /** Wakes the dispatcher; at most one read of the log runs at a time, and one more is queued. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((e: unknown) => this.logger.warn('event dispatch failed; will retry', { error: String(e) }))
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.wake();
        }
      });
  }

  /** Resolves once this instance has dispatched every event up to `seq` (for tests and tools). */
  async dispatched(seq: number): Promise<void> {
    while (this.lastSeq < seq && !this.stopped) {
      this.wake();
      await this.pumping;
    }
  }

  private async pump(): Promise<void> {
    const em = this.orm.em.fork();
    for (;;) {
      const page = await readEventsAfter(em, this.lastSeq, this.options.pageSize);
      for (const event of page) await this.dispatch(em, event);
      if (page.length < this.options.pageSize || this.stopped) return;
    }
  }

  private async dispatch(em: ReturnType<Orm['em']['fork']>, event: EventRecord): Promise<void> {
    if (event.recipientId) {
      for (const sub of this.byRecipient.get(event.recipientId) ?? []) sub.offer(event);
    } else if (event.patientId) {
      // Subscribers that register while access is checked replay this event from the log instead.
      const audience = [...(this.byPatient.get(event.patientId) ?? [])];
      if (audience.length > 0) {
        // Access is re-checked for every event, for the whole audience in one query.
        const readers = await readersAmong(em, event.patientId, [...new Set(audience.map((s) => s.userId))]);
        for (const sub of audience) {
          if (readers.has(sub.userId)) sub.offer(event);
          else sub.fail(notFound());
        }
      }
    }
    this.lastSeq = event.seq;
  }

  /** A patient stream's reader must still be allowed to read it; a user's private stream is always theirs. */
  private async checkAccess(sub: EventSubscription): Promise<void> {
    if (!('patientId' in sub.filter)) return;
    if (!(await readersAmong(this.orm.em.fork(), sub.filter.patientId, [sub.userId])).has(sub.userId)) throw notFound();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.orm.config.get('clientUrl') as string });
    client.on('notification', (msg) => {
      if (msg.channel === EVENT_CHANNEL && Number(msg.payload) > this.lastSeq) this.wake();
    });
    const lost = (why: string) => {
      if (this.listener !== client) return; // already replaced, or stopping
      this.logger.warn('event listener connection lost; reconnecting', { error: why });
      void this.reconnect();
    };
    client.on('error', (e) => lost(String(e)));
    client.on('end', () => lost('connection ended'));
    await client.connect();
    await client.query(`LISTEN ${EVENT_CHANNEL}`);
    this.listener = client;
  }

  /** The backend pid of the LISTEN connection (to test reconnection). */
  async listenerPid(): Promise<number | null> {
    const res = await this.listener?.query<{ pid: number }>('select pg_backend_pid() as pid');
    return res?.rows[0]?.pid ?? null;
  }

  private async reconnect(): Promise<void> {
    const old = this.listener;
    this.listener = null;
    void old?.end().catch(() => undefined);
    while (!this.stopped) {
      try {
        await this.listen();
        this.wake(); // catch up on anything announced while disconnected
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
