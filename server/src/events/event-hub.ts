import pg from 'pg';
import { decidePairs, pairDecisionsQuery, pairKey, pairOf, PatientAction, type AccessPair } from '../access/policy.js';
import { BatchLoader } from '../platform/batch-loader.js';
import type { Orm } from '../platform/database.js';
import { notFound } from '../platform/errors.js';
import { runSql } from '../platform/sql.js';
import type { Logger } from '../platform/logger.js';
import { keyReadPool, type StatementPool } from '../platform/statement-pool.js';
import { EVENT_CHANNEL, lastCommittedSeq, readEventsAfter, readEventsAlong, readLatestPatientEvents, readLogPage, type EventRecord, type StreamFilter } from './event-log.js';
import { EventSubscription, type SubscriptionOwner } from './event-subscription.js';
import { RecentEvents } from './recent-events.js';

/** Whose access to one patient was asked about while dispatching a page, and who may read it. */
type PatientReaders = { asked: Set<string>; readers: Set<string> };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface EventHubOptions {
  /** Events one subscriber may have waiting before it is told to resync. */
  queueLimit: number;
  /** Rows the dispatcher reads from the log per query (a replay reads up to `queueLimit` at once). */
  pageSize: number;
  /** A safety net: re-read the log this often even if no NOTIFY arrived (e.g. while reconnecting). */
  pollMs: number;
  /** Latest events kept in memory per patient stream for replay (default: `queueLimit`). */
  recentPerStream?: number;
  /** Latest patient events kept in memory across all streams. */
  recentTotal: number;
  /**
   * Up to this many subscribed (patient, user) pairs, their access is read with each page, in its
   * statement; beyond it (or for anyone who subscribes meanwhile), in a query of its own after the read.
   */
  accessPairsPerRead: number;
}

const defaults: EventHubOptions = { queueLimit: 1000, pageSize: 500, pollMs: 5000, recentTotal: 10_000, accessPairsPerRead: 2000 };

/**
 * This instance's view of the event log. It LISTENs on its own connection; a NOTIFY (or the poll) makes it
 * read every event after the last one it dispatched, in seq order, and offer each to the subscribers of
 * that stream on this instance. Access is re-checked for every page read, after the read: one query for
 * the whole audience of every patient in the page, so an event that removed a member (committed before the
 * read) already counts, and that member gets nothing more. A page is then dispatched without pausing
 * (unless a subscriber's queue is full: it gets a turn of the event loop to take it before it is judged
 * slow), so what a page sends one socket leaves in one write. The latest patient events stay in memory
 * (RecentEvents) so that a reconnecting subscriber replays them without reading the log.
 */
export class EventHub implements SubscriptionOwner {
  private readonly options: EventHubOptions;
  private listener: pg.Client | null = null;
  private lastSeq = 0;
  private readonly byPatient = new Map<string, Set<EventSubscription>>();
  private readonly byRecipient = new Map<string, Set<EventSubscription>>();
  /** Each patient's subscribed users, with how many subscriptions each has: access is asked per user, not per socket. */
  private readonly patientUsers = new Map<string, Map<string, number>>();
  private pumping: Promise<void> | null = null;
  /**
   * The highest seq announced while a read was under way: one more read is needed only if that read
   * ended below it. (A transaction that appends twice announces twice; one read takes both.)
   */
  private announcedDuringPump = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly recent: RecentEvents;
  /**
   * Replay's access checks (a subscriber's own patient stream, at its start and on going live), shared by
   * the subscribers checking at once: a crowd resuming after a restart asks in a few queries. Each check
   * is read after it was asked for (one read in flight, the rest wait for the next).
   */
  private readonly readerChecks: BatchLoader<string, true>;
  /** The log's pages with their access (`pump`), and the access reads above: one connection each. */
  private readonly keyReads: StatementPool;
  /** Pages replayed from memory and from the log, since start (to see how reconnects are served). */
  readonly replayPages = { memory: 0, log: 0 };

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    options: Partial<EventHubOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
    const perStream = this.options.recentPerStream ?? this.options.queueLimit;
    // Room for at least one full stream between trims (a stream grows to 1.5 × perStream before one).
    this.recent = new RecentEvents(perStream, Math.max(this.options.recentTotal, Math.ceil(perStream * 1.5)));
    this.keyReads = keyReadPool(orm, logger, 'event log and access read', 2);
    this.readerChecks = new BatchLoader((keys) => this.readablePairs(keys), { mode: 'coalesce', maxBatch: 1000 });
  }

  async start(): Promise<void> {
    await this.listen();
    // After LISTEN is in place: anything committed later is announced, anything earlier is below this.
    const em = this.orm.em.fork();
    this.lastSeq = await lastCommittedSeq(em);
    // Clients that were connected to the instance before this one resume a few events back: keep the
    // latest events from the start, so they replay from memory rather than each reading the log.
    const capacity = this.recent.capacity;
    const latest = capacity > 0 ? await readLatestPatientEvents(em, this.lastSeq, capacity) : [];
    this.recent.preload(latest, this.lastSeq, latest.length < capacity);
    // Its three reads prepared on both connections: the first subscriber after a start waits for none of them.
    // After a seq no event reaches, so they read nothing.
    const access = pairDecisionsQuery([]).statement;
    const beyondAll = Number.MAX_SAFE_INTEGER;
    await this.keyReads.warm(
      (db) => readLogPage(db, beyondAll, this.options.pageSize),
      (db) => readEventsAlong(db, beyondAll, this.options.pageSize, access),
      (db) => runSql(db, access),
    );
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

  /** After requests and sockets have drained: nothing checks access any more. */
  close(): Promise<void> {
    return this.keyReads.end();
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
   * `checkedAsOf` is `dispatchedThrough` as it was when the caller's check began: if nothing has been
   * dispatched since, that check still holds (see EventSubscription.replay) and replay doesn't ask again.
   * `recorded`: the caller's read is being entered in the audit trail; nothing is sent before it is.
   */
  subscribe(userId: string, filter: StreamFilter, after: number, checkedAsOf?: number, recorded?: Promise<void>): EventSubscription {
    const [index, key] = this.indexOf(filter);
    const sub = new EventSubscription(userId, filter, after, this.options.queueLimit, this);
    if (recorded) sub.withholdUntil(recorded.catch((e: unknown) => this.unrecorded(e)));
    if (this.stopped) {
      sub.close(); // the instance is shutting down: the client reconnects elsewhere with its cursor
      return sub;
    }
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(sub); // registered before replay reads the log: see EventSubscription
    if ('patientId' in filter) this.countUser(filter.patientId, userId, 1);
    // Replay reads pages as large as the subscriber's queue, from memory when the events are still there
    // (they are shared with the live subscribers), else from the log: a reconnect 1,000 behind is a query or two.
    void sub.replay(
      (cursor, limit) => this.replayPage(sub.filter, cursor, limit),
      () => this.checkAccess(sub),
      this.options.queueLimit,
      checkedAsOf === this.lastSeq,
    );
    return sub;
  }

  /** A page of a stream's events after `cursor`: from memory when it holds them all, else from the log. */
  private async replayPage(filter: StreamFilter, cursor: number, limit: number): Promise<EventRecord[]> {
    const kept = this.recent.read(filter, cursor, limit);
    if (kept) {
      this.replayPages.memory++;
      return kept;
    }
    this.replayPages.log++;
    return readEventsAfter(this.orm.em.fork(), cursor, limit, filter);
  }

  /** A subscriber's read could not be entered in the audit trail: its stream ends with nothing sent. */
  private unrecorded(error: unknown): never {
    this.logger.error('a live stream was ended unsent: its read could not be recorded in the audit trail', { error: String(error) });
    throw error;
  }

  /** Lets go of a subscription that ended (it calls this itself, once). */
  ended(sub: EventSubscription): void {
    const [index, key] = this.indexOf(sub.filter);
    const set = index.get(key);
    if (!set?.delete(sub)) return;
    if (set.size === 0) index.delete(key);
    if ('patientId' in sub.filter) this.countUser(sub.filter.patientId, sub.userId, -1);
  }

  /** Where a stream's subscriptions are listed, and under which key. */
  private indexOf(filter: StreamFilter): [Map<string, Set<EventSubscription>>, string] {
    return 'patientId' in filter ? [this.byPatient, filter.patientId] : [this.byRecipient, filter.recipientId];
  }

  private countUser(patientId: string, userId: string, change: 1 | -1): void {
    let users = this.patientUsers.get(patientId);
    if (!users) this.patientUsers.set(patientId, (users = new Map()));
    const count = (users.get(userId) ?? 0) + change;
    if (count > 0) users.set(userId, count);
    else users.delete(userId);
    if (users.size === 0) this.patientUsers.delete(patientId);
  }

  /**
   * Wakes the dispatcher because events up to `announced` were committed (unknown: read anyway). At most
   * one read of the log runs at a time, and one more is queued if needed.
   */
  wake(announced = Number.POSITIVE_INFINITY): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.announcedDuringPump = Math.max(this.announcedDuringPump, announced);
      return;
    }
    this.pumping = this.pump()
      .catch((e: unknown) => this.logger.warn('event dispatch failed; will retry', { error: String(e) }))
      .finally(() => {
        this.pumping = null;
        const announced = this.announcedDuringPump;
        this.announcedDuringPump = 0;
        if (announced > this.lastSeq) this.wake(announced);
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
    for (;;) {
      const checked = new Map<string, PatientReaders>();
      const page = await this.readPage(checked);
      if (page.length === 0) return;
      await this.checkReaders(page, checked); // those the read did not ask about
      for (let i = 0; i < page.length; i++) {
        if (this.backlogged(page[i])) {
          // A subscriber is judged slow only if it has had a turn of the event loop to take its queue:
          // events of one page arrive faster than any client could read them.
          await nextTurn();
          if (this.stopped) return;
          await this.checkReaders(page.slice(i), checked); // anyone who subscribed meanwhile
        }
        this.dispatch(page[i], checked);
      }
      if (page.length < this.options.pageSize || this.stopped) return;
    }
  }

  /**
   * The next page of the log. While the subscribed pairs are few enough to send with it, their access is
   * read by the same statement (`checked`): a live event then costs one round trip, not two.
   */
  private async readPage(checked: Map<string, PatientReaders>): Promise<EventRecord[]> {
    const pairs = this.subscribedPairs();
    const access = pairs && pairDecisionsQuery(pairs);
    if (!pairs || !access?.needed) return readLogPage(this.keyReads, this.lastSeq, this.options.pageSize);
    const { events, rows } = await readEventsAlong<unknown>(this.keyReads, this.lastSeq, this.options.pageSize, access.statement);
    const decisions = access.decide(rows);
    const inPage = new Set<string>();
    for (const event of events) if (!event.recipientId && event.patientId) inPage.add(event.patientId);
    for (const pair of pairs) {
      if (!inPage.has(pair.patientId)) continue;
      const entry = checked.get(pair.patientId) ?? { asked: new Set<string>(), readers: new Set<string>() };
      checked.set(pair.patientId, entry);
      entry.asked.add(pair.userId);
      if (decisions.allows(pair, PatientAction.READ)) entry.readers.add(pair.userId);
    }
    return events;
  }

  /** Every subscribed (patient, user) pair of this instance; null if none, or more than a read carries. */
  private subscribedPairs(): AccessPair[] | null {
    let count = 0;
    for (const users of this.patientUsers.values()) count += users.size;
    if (count === 0 || count > this.options.accessPairsPerRead) return null;
    const pairs: AccessPair[] = [];
    for (const [patientId, users] of this.patientUsers) for (const userId of users.keys()) pairs.push({ patientId, userId });
    return pairs;
  }

  /** True if one of the event's subscribers has a full queue: one more event would overflow it. */
  private backlogged(event: EventRecord): boolean {
    const subs = event.recipientId ? this.byRecipient.get(event.recipientId) : event.patientId ? this.byPatient.get(event.patientId) : undefined;
    for (const sub of subs ?? []) if (sub.full) return true;
    return false;
  }

  /**
   * Finds out, for each patient in `events`, which of its subscribers' users may read it now (into
   * `checked`). Subscribers that register while this runs are checked too (another round), so the
   * dispatch that follows finds every subscriber checked and never waits on a query.
   */
  private async checkReaders(events: EventRecord[], checked: Map<string, PatientReaders>): Promise<void> {
    for (;;) {
      const unasked = this.uncheckedUsers(events, checked);
      if (unasked.size === 0) return;
      // One query for every patient in the page.
      const access = await decidePairs(this.keyReads, [...unasked].flatMap(([patientId, userIds]) => [...userIds].map((userId) => ({ patientId, userId }))));
      for (const [patientId, userIds] of unasked) {
        const entry = checked.get(patientId) ?? { asked: new Set<string>(), readers: new Set<string>() };
        checked.set(patientId, entry);
        for (const userId of userIds) {
          if (access.allows({ patientId, userId }, PatientAction.READ)) entry.readers.add(userId);
          entry.asked.add(userId);
        }
      }
    }
  }

  /** The users subscribed to the events' patients whose access has not been asked about yet. */
  private uncheckedUsers(events: EventRecord[], checked: Map<string, PatientReaders>): Map<string, Set<string>> {
    const unasked = new Map<string, Set<string>>();
    for (const event of events) {
      if (event.recipientId || !event.patientId || unasked.has(event.patientId)) continue;
      const asked = checked.get(event.patientId)?.asked;
      const users = new Set<string>();
      for (const userId of this.patientUsers.get(event.patientId)?.keys() ?? []) if (!asked?.has(userId)) users.add(userId);
      if (users.size > 0) unasked.set(event.patientId, users);
    }
    return unasked;
  }

  /** Offers one event to its subscribers; synchronous, so no one can subscribe halfway through. */
  private dispatch(event: EventRecord, checked: Map<string, PatientReaders>): void {
    if (event.recipientId) {
      for (const sub of this.byRecipient.get(event.recipientId) ?? []) sub.offer(event);
    } else if (event.patientId) {
      const allowed = checked.get(event.patientId)?.readers;
      // A subscriber that fails leaves the set while it is iterated, which a Set allows.
      for (const sub of this.byPatient.get(event.patientId) ?? []) {
        if (allowed?.has(sub.userId)) sub.offer(event);
        else sub.fail(notFound());
      }
    }
    this.recent.add(event);
    this.lastSeq = event.seq;
  }

  /** A patient stream's reader must still be allowed to read it; a user's private stream is always theirs. */
  private async checkAccess(sub: EventSubscription): Promise<void> {
    if (!('patientId' in sub.filter)) return;
    if (!(await this.readerChecks.load(pairKey({ patientId: sub.filter.patientId, userId: sub.userId })))) throw notFound();
  }

  /** Which of the (patient, user) pairs, by `pairKey`, may READ: one query for them all. */
  private async readablePairs(keys: string[]): Promise<Map<string, true>> {
    const pairs = keys.map(pairOf);
    const access = await decidePairs(this.keyReads, pairs);
    return new Map(pairs.filter((p) => access.allows(p, PatientAction.READ)).map((p) => [pairKey(p), true as const]));
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.orm.config.get('clientUrl') as string });
    client.on('notification', (msg) => {
      const announced = Number(msg.payload);
      if (msg.channel === EVENT_CHANNEL && announced > this.lastSeq) this.wake(Number.isFinite(announced) ? announced : undefined);
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
