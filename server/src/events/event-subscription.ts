import { CairnError, ErrorCode } from '../platform/errors.js';
import type { Delivery, DirectSource } from '../platform/shared-subscribe.js';
import type { EventRecord, StreamFilter } from './event-log.js';

/** How one subscriber reads its own stream from the log (replay). */
export type PageReader = (after: number, limit: number) => Promise<EventRecord[]>;
/** Throws (NOT_FOUND) if the subscriber may no longer read the stream; replay asks at its start and at going live. */
export type AccessCheck = () => Promise<void>;

const interrupted = () => new CairnError(ErrorCode.RESYNC_REQUIRED, 'Live updates were interrupted. Reconnect from your last cursor.');

export const resyncRequired = (cursor: number) =>
  new CairnError(
    ErrorCode.RESYNC_REQUIRED,
    `You fell too far behind the live updates. Reconnect from the last event you received (cursor ${cursor}) to catch up.`,
  );

/**
 * One subscriber's stream: replays from its cursor, then goes live, as an AsyncIterator that graphql-ws
 * pulls. Memory is bounded: the queue holds at most `limit` events; a live subscriber that falls further
 * behind is ended with RESYNC_REQUIRED and resumes from its last cursor. Replay only reads the next page
 * when the consumer has room for a worthwhile page (not one event at a time), so catching up never
 * overflows and costs a few queries, not one per event.
 *
 * No gap, no duplicate: the hub registers the subscription before replay starts and offers it every event
 * it dispatches from then on; those are held while replay reads the log. Anything dispatched before
 * registration was committed before the replay's last read began, so that read saw it. Going live then
 * takes the held events after the replayed cursor. `queuedThrough` drops anything seen twice.
 *
 * A consumer may instead take each event as it comes (`deliverTo`): the queue then only holds what the
 * consumer could not take yet (its socket was full), with the same limit.
 */
export class EventSubscription implements AsyncIterableIterator<EventRecord>, DirectSource<EventRecord> {
  private state: 'replaying' | 'live' | 'ended' = 'replaying';
  private queue: EventRecord[] = [];
  private held: EventRecord[] = [];
  private heldOverflowed = false;
  /** The highest seq placed in the queue (or replayed); the client's cursor after it has read the queue. */
  private queuedThrough: number;
  private deliveredThrough: number;
  private failure: CairnError | null = null;
  private waiter: { resolve: (r: IteratorResult<EventRecord>) => void; reject: (e: unknown) => void } | null = null;
  private roomWaiter: (() => void) | null = null;
  private direct: DirectConsumer | null = null;
  /** How much free queue space replay waits for before reading its next page. */
  private roomWanted = 1;
  /** Whoever waits for `live` (made only when asked: an idle subscriber keeps no promise for it). */
  private liveWaiter: (() => void) | null = null;
  /** Settles once nothing need be withheld any more (see `withholdUntil`); null when nothing is. */
  private withheld: Promise<void> | null = null;
  /** Queued events whose results the direct consumer has made ahead while they were withheld. */
  private preparedAhead = 0;
  private prepareScheduled = false;

  constructor(
    readonly userId: string,
    readonly filter: StreamFilter,
    after: number,
    private readonly limit: number,
    /** Told once when the stream ends (the hub, which lets go of it); an object, not a closure per subscriber. */
    private readonly owner: SubscriptionOwner,
  ) {
    this.queuedThrough = after;
    this.deliveredThrough = after;
  }

  /** Resolves once replay has caught up and events arrive live (or the stream ended first). */
  get live(): Promise<void> {
    if (this.state !== 'replaying') return Promise.resolve();
    return new Promise((resolve) => {
      const earlier = this.liveWaiter;
      this.liveWaiter = earlier ? () => (earlier(), resolve()) : resolve;
    });
  }

  private wentLive(): void {
    const waiter = this.liveWaiter;
    this.liveWaiter = null;
    waiter?.();
  }

  get isLive(): boolean {
    return this.state === 'live';
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Live with a full queue: one more event would end it with RESYNC_REQUIRED. */
  get full(): boolean {
    return this.state === 'live' && this.queue.length >= this.limit;
  }

  /** Called by the hub, in seq order, for every event of this stream that the user may see. Never blocks. */
  offer(event: EventRecord): void {
    if (this.state === 'ended' || event.seq <= this.queuedThrough) return;
    if (this.state === 'replaying') {
      if (this.held.length >= this.limit) {
        // Replay will read these from the log anyway; just remember to take one more pass.
        this.held = [];
        this.heldOverflowed = true;
      } else this.held.push(event);
      return;
    }
    this.enqueue(event);
  }

  /** Ends the stream with an error the client sees (access lost, resync required). */
  fail(error: CairnError): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.queue = [];
    this.held = [];
    this.failure = error;
    this.owner.ended(this);
    this.wentLive();
    this.roomWaiter?.();
    if (this.direct) {
      this.failure = null;
      this.direct.reject(error);
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.failure = null;
      w.reject(error);
    }
  }

  /**
   * Sends nothing until `recorded` resolves (the subscriber's read is in the audit trail); replay reads
   * and queues meanwhile, and a direct consumer makes the queued events' results ahead, so that they leave
   * as soon as it does. If it rejects, nothing is sent and the stream ends: the client resumes from its
   * cursor, and its read is asked for (and recorded) again.
   */
  withholdUntil(recorded: Promise<void>): void {
    this.withheld = recorded.then(
      () => {
        this.withheld = null;
        this.preparedAhead = 0;
        this.drainToDirect();
      },
      () => this.fail(interrupted()),
    );
  }

  /**
   * Replays from the log until caught up, then goes live. Runs once, started by the hub.
   *
   * Access is checked before the first event is sent: here, unless `checked` says the subscriber's own
   * check still holds. It does when the hub dispatched nothing between that check's start and this
   * stream's registration: a removal committed after the check read is then dispatched after
   * registration, and the hub's check of every page it dispatches ends this stream (a removal is itself
   * an event). Access is asked again on going live, without holding it up: every event sent live has
   * passed that dispatch check, and this one ends a stream whose access was lost during replay without
   * waiting for the patient's next event.
   */
  async replay(read: PageReader, checkAccess: AccessCheck, pageSize: number, checked = false): Promise<void> {
    // Wait for half the queue to be free (or a full page, if smaller) before reading again.
    this.roomWanted = Math.max(1, Math.min(pageSize, Math.ceil(this.limit / 2)));
    try {
      if (!checked) await checkAccess();
      for (;;) {
        while (this.limit - this.queue.length < this.roomWanted && !this.ended) await new Promise<void>((r) => (this.roomWaiter = r));
        if (this.ended) return;
        const want = Math.min(pageSize, this.limit - this.queue.length);
        const page = await read(this.queuedThrough, want);
        if (this.ended) return;
        for (const e of page) this.push(e);
        if (page.length === want) continue;
        if (this.takeOverflow()) continue;
        // Synchronously after the last read: hand over to live delivery. Events committed after that read
        // were dispatched to this subscription (it registered first) and are held, or come live.
        this.state = 'live';
        this.wentLive();
        const held = this.held;
        this.held = [];
        for (const e of held) if (e.seq > this.queuedThrough) this.enqueue(e);
        checkAccess().catch((e: unknown) => this.fail(e instanceof CairnError ? e : interrupted()));
        return;
      }
    } catch (e) {
      this.fail(e instanceof CairnError ? e : interrupted());
    }
  }

  /** True (and reset) if held events were dropped while replaying: replay must read the log again. */
  private takeOverflow(): boolean {
    if (!this.heldOverflowed) return false;
    this.heldOverflowed = false;
    this.held = [];
    return true;
  }

  /** Completes the stream without an error (server stopping, client unsubscribed). */
  close(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.queue = [];
    this.held = [];
    this.owner.ended(this);
    this.wentLive();
    this.roomWaiter?.();
    this.direct?.resolve();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  /**
   * Hands every event to `deliver` as it comes, in order, instead of through `next()` (one call per event
   * rather than a chain of promises). Resolves when the stream completes, rejects with its error.
   */
  deliverTo(deliver: (event: EventRecord) => Delivery, prepare?: (event: EventRecord) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.state === 'ended') {
        const failure = this.failure;
        this.failure = null;
        if (failure) reject(failure);
        else resolve();
        return;
      }
      this.direct = { deliver, prepare, blocked: false, resolve, reject };
      this.drainToDirect();
    });
  }

  /** Hands queued events to the direct consumer until it is blocked (its socket is full). */
  private drainToDirect(): void {
    const direct = this.direct;
    if (!direct) return;
    if (this.withheld) return this.schedulePrepare();
    while (!direct.blocked && this.state !== 'ended' && this.queue.length > 0) {
      const event = this.queue[0];
      let delivery: Delivery;
      try {
        delivery = direct.deliver(event);
      } catch {
        // This subscriber's failure must not stop the hub's dispatch to the others.
        this.fail(interrupted());
        return;
      }
      if (delivery !== true) {
        direct.blocked = true;
        delivery(
          () => {
            direct.blocked = false;
            this.drainToDirect();
          },
          () => this.fail(interrupted()),
        );
        break;
      }
      this.queue.shift();
      this.deliveredThrough = event.seq;
    }
    this.wakeReplay();
  }

  /**
   * While the queue is withheld, its results are made in a later turn of the event loop: the audit entry
   * being waited for is written at the end of this one (AuditWriter gathers a turn's entries), and is
   * committed while they are made.
   */
  private schedulePrepare(): void {
    if (this.prepareScheduled || !this.direct?.prepare) return;
    this.prepareScheduled = true;
    setImmediate(() => {
      this.prepareScheduled = false;
      if (this.withheld && this.direct) this.prepareAhead(this.direct);
    });
  }

  /** The results of the events queued since the last call, made now. */
  private prepareAhead(direct: DirectConsumer): void {
    if (!direct.prepare) return;
    try {
      for (; this.preparedAhead < this.queue.length; this.preparedAhead++) direct.prepare(this.queue[this.preparedAhead]);
    } catch {
      this.fail(interrupted());
    }
  }

  /** Replay waits for room in the queue before reading its next page. */
  private wakeReplay(): void {
    if (this.roomWaiter && this.limit - this.queue.length >= this.roomWanted) {
      const r = this.roomWaiter;
      this.roomWaiter = null;
      r();
    }
  }

  next(): Promise<IteratorResult<EventRecord>> {
    if (this.withheld) return this.withheld.then(() => this.next());
    const value = this.queue.shift();
    if (value) {
      this.deliveredThrough = value.seq;
      this.wakeReplay();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      return Promise.reject(f);
    }
    if (this.state === 'ended') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<EventRecord>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventRecord> {
    return this;
  }

  /** The last seq handed to the consumer. */
  get cursor(): number {
    return this.deliveredThrough;
  }

  private push(event: EventRecord): void {
    if (event.seq <= this.queuedThrough) return;
    this.queuedThrough = event.seq;
    if (this.direct) {
      this.queue.push(event);
      if (!this.direct.blocked) this.drainToDirect();
    } else if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.deliveredThrough = event.seq;
      w.resolve({ value: event, done: false });
    } else this.queue.push(event);
  }

  private enqueue(event: EventRecord): void {
    if (this.queue.length >= this.limit) {
      this.fail(resyncRequired(this.deliveredThrough));
      return;
    }
    this.push(event);
  }
}

/** What a subscription tells when it ends (the hub, to stop offering it events). */
export interface SubscriptionOwner {
  ended(sub: EventSubscription): void;
}

/** A consumer that takes each event as it comes (see `deliverTo`), and how its stream ends. */
interface DirectConsumer {
  deliver: (event: EventRecord) => Delivery;
  /** Makes the event's result ahead of delivering it (while the stream is withheld), if it can. */
  prepare: ((event: EventRecord) => void) | undefined;
  /** It could not take the first queued event; it calls back when it can. */
  blocked: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}
