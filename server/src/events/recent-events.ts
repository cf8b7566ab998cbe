import type { EventRecord, StreamFilter } from './event-log.js';

/** One patient stream's latest events, oldest first: every event of the stream after `after` is here. */
interface StreamTail {
  after: number;
  events: EventRecord[];
}

/**
 * The latest events of each patient stream this instance has dispatched, so that a clinician who
 * reconnects a few hundred events behind replays from memory: the same event objects the live
 * subscribers got (already shaped and executed for their audience), no query per page.
 *
 * Only what the hub dispatched is here, and the hub dispatches every committed event in seq order, so a
 * stream's tail is complete from its `after` up to the hub's last dispatched seq. When a read is not
 * covered (the cursor is older than what is kept, or predates this process), `read` says so and the
 * caller reads the log. Private (notification) streams are not kept: each has one reader, nothing is
 * shared, and a busy team's notifications would crowd out the patient streams.
 */
export class RecentEvents {
  /** Least recently written first, so the coldest stream is dropped when the total is exceeded. */
  private readonly tails = new Map<string, StreamTail>();
  private total = 0;
  /** A patient with no tail has had no event after this seq (dropping a tail raises it). */
  private floor = 0;

  constructor(
    /** Events kept per stream (a little more between trims). */
    private readonly perStream: number,
    /** Events kept across all streams. */
    private readonly maxTotal: number,
  ) {}

  /** Forget everything: from now on, the hub dispatches every event after `seq`. */
  reset(seq: number): void {
    this.tails.clear();
    this.total = 0;
    this.floor = seq;
  }

  /**
   * Starts from the log instead of from nothing (after a restart, clients come back with cursors a few
   * events old): `latest` are the newest patient-stream events up to `through`, oldest first, `complete`
   * when they are every such event there is. Then, as for `reset(through)`, the hub dispatches what follows.
   */
  preload(latest: readonly EventRecord[], through: number, complete: boolean): void {
    // Every patient event after the floor is among `latest`: they are all there is, or the newest ones.
    if (complete) this.reset(0);
    else this.reset(latest.length > 0 ? latest[0].seq - 1 : through);
    for (const event of latest) this.add(event);
  }

  /** How many events a preload may bring: as many as are kept. */
  get capacity(): number {
    return this.perStream > 0 ? this.maxTotal : 0;
  }

  /** Called by the hub for every event it dispatches, in seq order. */
  add(event: EventRecord): void {
    if (event.recipientId || !event.patientId || this.perStream <= 0) return;
    let tail = this.tails.get(event.patientId);
    if (tail) this.tails.delete(event.patientId); // re-inserted below as the most recently written
    else tail = { after: this.floor, events: [] };
    this.tails.set(event.patientId, tail);
    tail.events.push(event);
    this.total++;
    // Trim in chunks, not one event per add: shifting a long array costs its length.
    if (tail.events.length >= this.perStream + Math.ceil(this.perStream / 2)) this.trim(tail, tail.events.length - this.perStream);
    while (this.total > this.maxTotal) this.dropColdest();
  }

  /**
   * Up to `limit` of the stream's events after `after`, oldest first, through the last one dispatched;
   * null if some of them are no longer (or were never) kept here.
   */
  read(filter: StreamFilter, after: number, limit: number): EventRecord[] | null {
    if (!('patientId' in filter)) return null;
    const tail = this.tails.get(filter.patientId);
    if (!tail) return after >= this.floor ? [] : null;
    if (after < tail.after) return null;
    const start = firstAfter(tail.events, after);
    return tail.events.slice(start, start + limit);
  }

  private trim(tail: StreamTail, count: number): void {
    const dropped = tail.events.splice(0, count);
    tail.after = dropped[dropped.length - 1].seq;
    this.total -= dropped.length;
  }

  private dropColdest(): void {
    const [patientId, tail] = this.tails.entries().next().value!;
    this.tails.delete(patientId);
    this.total -= tail.events.length;
    this.floor = Math.max(this.floor, tail.events[tail.events.length - 1]?.seq ?? 0);
  }
}

/** The index of the first event with a seq above `seq` (events are in seq order). */
function firstAfter(events: EventRecord[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
