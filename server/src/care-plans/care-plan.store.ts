import type { EntityManager } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { pairDecisionsQuery, PatientAction, stillTrusted, type AccessPair, type KeptRelationship, type PairDecisions } from '../access/policy.js';
import type { Orm } from '../platform/database.js';
import { StatementPool } from '../platform/statement-pool.js';
import { isUniqueViolation, runSql, sql, sqlState, type StatementRunner } from '../platform/sql.js';
import { badInput, CairnError, conflict } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { readGroup, storeGroup, type ClientBinding, type GroupClient, type GroupRead, type PlanWrite, type ReadPlan, type StoredRow, type UpdateRow } from './care-plan.batch-sql.js';
import { type CarePlanView } from '@cairn/schema/care-plan';
import { CarePlanShapeError, checkShape, createCarePlanDoc, initialCarePlanUpdate, materialise, sectionsOf, trackTouched } from './care-plan.doc.js';
import { applyUpdate, changesNothing, claimedClients, clientIdTaken, clientUpdateIdTaken, inspectUpdate, ClientOwners, isServerClient, ownerConflict, type UpdateFacts } from './care-plan.update-guard.js';
import { CarePlanNotifier, type Audience, type CommittedUpdate } from './care-plan.notifier.js';
import { PresenceRegistry } from './care-plan.presence.js';
import { GroupClock, GroupStageLog } from './care-plan.group-stages.js';

export interface CarePlanStoreOptions {
  /** Largest update accepted, in bytes (after base64 decoding). */
  maxUpdateBytes: number;
  /** Write a fresh snapshot after this many updates, so a cold load replays at most this many. */
  compactEvery: number;
  /** A hot plan untouched this long is dropped from memory. */
  idleMs: number;
  /** Presence without a heartbeat for this long is gone (swept within a further second: under 30 s in all). */
  presenceTtlMs: number;
  /** Where to write each group commit's stage timings as the store stops (for the benchmark); none when null. */
  stagesFile: string | null;
  /**
   * A group commit starts no sooner than this after the last one began, so that writes arriving meanwhile
   * share its statement and its commit (PostgreSQL's `commit_delay`, on the writer's side). A write that
   * arrives after a quiet spell is stored at once, and so is one whose author is the only one writing (the
   * last group and the writes waiting are all theirs, on one plan): one update in flight, they would only
   * wait, with nobody's writes to share the commit with. At 250 editors, 10 ms against none (`npm run bench --
   * care-plans`, three alternating pairs): 100 groups a second instead of 250–460, PostgreSQL's CPU 0.22–0.28
   * cores instead of 0.37–0.41, the server's 0.40–0.49 instead of 0.45–0.57, ack p99 no worse (37–51 ms
   * against 38–56); ack p50 11–14 ms instead of 3–9. Where a group takes longer than the gap to store (1,000
   * editors) it changes nothing.
   */
  groupGapMs: number;
}

export const defaultCarePlanStoreOptions: CarePlanStoreOptions = {
  maxUpdateBytes: 256 * 1024,
  compactEvery: 100,
  idleMs: 10 * 60_000,
  presenceTtlMs: 25_000,
  stagesFile: null,
  groupGapMs: 10,
};

/** What a client gets back once its update is durable. */
export interface UpdateAck {
  seq: number;
  clientUpdateId: string;
  /** True when this clientUpdateId had already been stored: nothing new was written. */
  duplicate: boolean;
}

/** The writer found that the author may not edit this plan (the resolver turns it into the policy's answer). */
export class EditNotAllowed extends Error {
  constructor() {
    super('not allowed to edit this care plan');
    this.name = 'EditNotAllowed';
  }
}

/** One write waiting for the next group commit. */
interface PendingWrite extends AccessPair {
  update: Uint8Array;
  /** The Yjs client ids the update writes under, and how far (see care-plan.update-guard.ts). */
  facts: UpdateFacts;
  /** The update as the client sent it, passed on to live streams as is. */
  base64: string | undefined;
  clientUpdateId: string;
  requestId: string;
  /** The session to check in the statement that stores the write (see WriteSession), if any. */
  session: WriteSession | null;
  /** When the write was received (`performance.now()`). */
  receivedAt: number;
  resolve: (ack: UpdateAck) => void;
  reject: (e: unknown) => void;
}

/**
 * The session a write was sent under, when it was admitted without reading the session (an edit sent on
 * a socket; see `CairnModule.sessionCheckedOnWrite`): the statement that stores the write reads it, and a
 * write answered without being stored reads it first (`refusal`).
 */
export interface WriteSession {
  id: string;
  /** Null while the session is live (read afresh); otherwise the error to refuse the write with. */
  refusal(): Promise<Error | null>;
}

/** One plan's part of a committed group, as its live streams receive it. */
interface CommittedPlan {
  patientId: string;
  prevSeq: number;
  updates: CommittedUpdate[];
  /** The plan's watchers on this instance when the group was stored, and which of them may read it. */
  readers: { checked: Set<string>; allowed: Set<string> };
}

interface GroupResult {
  outcomes: Map<PendingWrite, UpdateAck | Error>;
  committed: CommittedPlan[];
  /** The group read nothing before its store (see `readFromMemory`). */
  fromMemory: boolean;
}

/** One plan's writes checked against its document: what to store, and what was answered already. */
interface PlanOutcome {
  accepted: Array<{ write: PendingWrite; sections: string[] }>;
  repeats: Array<{ write: PendingWrite; of: PendingWrite }>;
  plan: HotPlan;
  /** Client ids the accepted writes are the first to use on the plan, and who they now belong to. */
  bindings: ClientBinding[];
}

/** A group commit stores at most this many updates, and this many bytes (beyond its first update). */
const maxGroupWrites = 1000;
const maxGroupBytes = 4 * 1024 * 1024;
/**
 * Group commits stored at once, each on its own connection. One: the next group gathers while this one
 * commits. Two at once measured slower here (ack p50 15–22 ms against 11 ms at 250 editors): smaller
 * groups, more commits, on the same two cores.
 */
const maxConcurrentGroups = 1;
/** A group that finds its plans written meanwhile by another instance reads them again, this many times at most. */
const maxGroupAttempts = 5;

export interface StoredUpdate {
  seq: number;
  update: Uint8Array;
  actorId: string;
  actorName: string;
  clientUpdateId: string;
  sections: string[];
  createdAt: Date;
}

export interface PlanState {
  seq: number;
  state: Uint8Array;
  stateVector: Uint8Array;
  view: CarePlanView;
  updatedAt: Date | null;
}

/** A plan held in memory: the document as of `seq`, and its view. */
interface HotPlan {
  doc: Y.Doc;
  seq: number;
  view: CarePlanView;
  updatedAt: Date | null;
  lastUsed: number;
  /** Top-level names the document's latest transactions changed (see trackTouched). */
  touched: Set<string>;
  /** What this instance's last group commit of the plan read and wrote; null until one has (see `readFromMemory`). */
  facts: PlanFacts | null;
}

/**
 * What a plan's next group would otherwise read, as this instance's last group of the plan left it. Good for
 * as long as nobody else writes the plan (its store checks the last seq) and the relationships read the same
 * (its store compares them, `relationshipsChanged`); client-id bindings are for good.
 */
interface PlanFacts {
  updatesSinceSnapshot: number;
  /** Owners of the client ids this instance has seen written on the plan. */
  owners: Map<number, string>;
  /** The relationship rows of the plan's authors and watchers, as last read, by user id. */
  access: Map<string, KeptRelationship>;
}

/**
 * A group read from memory met something only a read can answer (a write to refuse or to answer as a repeat,
 * someone not seen before) or a store that found the memory out of date: the group reads after all.
 */
class GroupNeedsRead extends Error {
  constructor(why: string) {
    super(`the group must read: ${why}`);
    this.name = 'GroupNeedsRead';
  }
}

interface PlanRow {
  last_seq: string;
  updated_at: Date;
}

/**
 * The care plans of one instance: hot documents in memory, every update durable in PostgreSQL before it
 * is acknowledged, and the typed view materialised in the same transaction. Writes from every plan are
 * stored in groups: while one group commits, the next gathers, and each group costs a handful of
 * statements however many plans and editors it carries. Plans are serialised per plan within the
 * instance (`serial`) and across instances by storing a plan only if nobody has since the group read it.
 */
export class CarePlanStore {
  readonly options: CarePlanStoreOptions;
  readonly notifier: CarePlanNotifier;
  readonly presence: PresenceRegistry;
  private readonly hot = new Map<string, HotPlan>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Writes waiting for the next group commit, in arrival order. */
  private pending: PendingWrite[] = [];
  /** Group commits under way, and the plans they are storing. */
  private readonly running = new Set<Promise<void>>();
  private readonly storing = new Set<string>();
  private groupsScheduled = false;
  /** When the last group began (`performance.now()`), and the timer that starts the next once the gap is over. */
  private lastGroupStartedAt = Number.NEGATIVE_INFINITY;
  private gapTimer: NodeJS.Timeout | undefined;
  /** The one author and plan of every write of the last group (`writerOf`), or null if there were more. */
  private lastGroupWriter: string | null = null;
  private stopping = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  /**
   * The group commit's own connection: measured against the ORM's transaction (`npm run bench -- care-plans
   * --parts cairn,hocuspocus`, 250 editors, alternating runs on one machine) it keeps ack p50 at 20–28 ms and
   * p99 at 83–157 ms, where the ORM's transaction gave 31–32 ms and 136–146 ms (and 62–185 / 513–594 ms with
   * the ORM's pool raised to 20).
   *
   * Its statements are prepared, planned once for the connection's life, and every one of them finds rows
   * by key. Planned while the tables were small or never analysed (a new database, the benchmark's), the
   * plan scanned care_plan_update whole and went on doing so as it grew: 3.2 ms a read at 7,000 rows, and
   * 0.5 ms with sequential scans ruled out on this connection (pg_stat_statements, 250 editors).
   */
  private readonly pool: StatementPool;
  private readonly stageLog: GroupStageLog | null;
  /**
   * Group commits done; how many read nothing first; how many found memory out of date and read after all;
   * how many stores found an edit's session ended (for tests and the benchmark).
   */
  readonly groupCounts = { done: 0, fromMemory: 0, readAgain: 0, sessionsEnded: 0 };

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    options: Partial<CarePlanStoreOptions> = {},
  ) {
    this.options = { ...defaultCarePlanStoreOptions, ...options };
    const url = String(orm.config.get('clientUrl'));
    this.notifier = new CarePlanNotifier(url, logger);
    this.presence = new PresenceRegistry(() => this.options.presenceTtlMs);
    this.pool = new StatementPool(orm, logger, { purpose: 'care-plan write', max: maxConcurrentGroups, settings: { enable_seqscan: 'off' } });
    this.stageLog = this.options.stagesFile ? new GroupStageLog(this.options.stagesFile) : null;
  }

  async start(): Promise<void> {
    await this.notifier.start();
    this.presence.start();
    this.sweepTimer = setInterval(() => this.evictIdle(), Math.max(1000, Math.floor(this.options.idleMs / 2)));
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    // Writes already received are stored and answered first, without waiting out a gap.
    this.stopping = true;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.startGroups();
    while (this.pending.length > 0 || this.running.size > 0 || this.groupsScheduled) await Promise.all([...this.running, new Promise((r) => setImmediate(r))]);
    this.presence.stop();
    await this.notifier.stop();
    await this.pool.end();
    this.stageLog?.write();
    for (const plan of this.hot.values()) plan.doc.destroy();
    this.hot.clear();
  }

  /** How many plans this instance holds in memory (for tests and metrics). */
  get hotCount(): number {
    return this.hot.size;
  }

  /** Drops every idle plan now; the next access loads from snapshot + later updates. */
  evictIdle(now = Date.now()): void {
    for (const [id, plan] of this.hot) {
      if (now - plan.lastUsed >= this.options.idleMs && !this.queues.has(id)) this.evict(id);
    }
  }

  /** Drops one plan from memory (tests use it to force a cold load). */
  evict(patientId: string): void {
    this.hot.get(patientId)?.doc.destroy();
    this.hot.delete(patientId);
  }

  /** The current state, fresh against the database (another instance may have written). */
  read(patientId: string): Promise<PlanState> {
    return this.serial(patientId, async () => {
      const em = this.orm.em.fork();
      const row = await this.planRow(em, patientId);
      const plan = await this.fresh(patientId, row, em);
      return { seq: plan.seq, state: Y.encodeStateAsUpdate(plan.doc), stateVector: Y.encodeStateVector(plan.doc), view: plan.view, updatedAt: plan.updatedAt };
    });
  }

  /** What a client holding `stateVector` is missing, and the seq it brings the client up to. */
  diffSince(patientId: string, stateVector: Uint8Array | null): Promise<{ seq: number; update: Uint8Array }> {
    return this.serial(patientId, async () => {
      const em = this.orm.em.fork();
      const plan = await this.fresh(patientId, await this.planRow(em, patientId), em);
      return { seq: plan.seq, update: stateVector ? Y.encodeStateAsUpdate(plan.doc, stateVector) : Y.encodeStateAsUpdate(plan.doc) };
    });
  }

  /**
   * Validates and stores one update by `actorId`, answering only after the commit. A clientUpdateId seen
   * before returns the original acknowledgement. The update joins the next group commit; within it each
   * update is checked on its own (the author's right to edit, then the plan's shape): a refused update
   * is answered alone and leaves no trace, the others commit. `base64` is the update as the client sent it.
   */
  apply(patientId: string, actorId: string, update: Uint8Array, clientUpdateId: string, requestId: string, base64?: string, session: WriteSession | null = null): Promise<UpdateAck> {
    if (update.byteLength > this.options.maxUpdateBytes) {
      throw badInput('update', `This edit is too large (${Math.ceil(update.byteLength / 1024)} KiB; at most ${this.options.maxUpdateBytes / 1024} KiB at a time).`);
    }
    const facts = inspectUpdate(update);
    return new Promise<UpdateAck>((resolve, reject) => {
      this.pending.push({ patientId, userId: actorId, update, facts, base64, clientUpdateId, requestId, session, receivedAt: performance.now(), resolve, reject });
      this.scheduleGroups();
    });
  }

  /** Starts groups on the next turn, so that writes arriving together join one group. */
  private scheduleGroups(): void {
    if (this.groupsScheduled) return;
    this.groupsScheduled = true;
    setImmediate(() => {
      this.groupsScheduled = false;
      this.startGroups();
    });
  }

  /**
   * Starts as many groups as may run at once, once the gap since the last began is over. A plan is in one
   * group at a time; its later writes wait for the next group, and meanwhile other plans' writes are stored
   * beside it rather than queued behind it.
   */
  private startGroups(): void {
    if (this.running.size >= maxConcurrentGroups || this.pending.length === 0 || this.gapTimer) return;
    const wait = this.stopping || this.loneWriter() ? 0 : this.lastGroupStartedAt + this.options.groupGapMs - performance.now();
    if (wait >= 1) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        this.startGroups();
      }, wait);
      return;
    }
    while (this.running.size < maxConcurrentGroups) {
      const group = this.takeGroup();
      if (group.length === 0) return;
      this.lastGroupStartedAt = performance.now();
      this.lastGroupWriter = soleWriterOf(group);
      const plans = [...new Set(group.map((w) => w.patientId))];
      plans.forEach((p) => this.storing.add(p));
      const run: Promise<void> = this.serialMany(plans, () => this.writeGroup(group))
        .catch((e: unknown) => group.forEach((w) => w.reject(e)))
        .finally(() => {
          plans.forEach((p) => this.storing.delete(p));
          this.running.delete(run);
          this.startGroups();
        });
      this.running.add(run);
    }
  }

  /** Whether the last group and every write waiting are one author's on one plan (see `groupGapMs`). */
  private loneWriter(): boolean {
    const writer = this.lastGroupWriter;
    return writer !== null && this.pending.every((w) => writerOf(w) === writer);
  }

  /** The next group: pending writes, oldest first, of plans not being stored now, within the group's limits. */
  private takeGroup(): PendingWrite[] {
    const group: PendingWrite[] = [];
    const rest: PendingWrite[] = [];
    const held = new Set(this.storing); // plans whose writes must wait (keeping each plan's order)
    let bytes = 0;
    for (const w of this.pending) {
      const fits = group.length < maxGroupWrites && (group.length === 0 || bytes + w.update.byteLength <= maxGroupBytes);
      if (held.has(w.patientId) || !fits) {
        held.add(w.patientId);
        rest.push(w);
        continue;
      }
      bytes += w.update.byteLength;
      group.push(w);
    }
    this.pending = rest;
    return group;
  }

  /** Stores the group in one transaction, answers each write and publishes what committed. */
  private async writeGroup(group: PendingWrite[], attempt = 1): Promise<void> {
    const byPlan = new Map<string, PendingWrite[]>();
    for (const w of group) {
      const writes = byPlan.get(w.patientId);
      if (writes) writes.push(w);
      else byPlan.set(w.patientId, [w]);
    }
    const clock = this.stageLog ? new GroupClock() : null;
    let result: GroupResult;
    try {
      result = await this.storeWrites(this.pool, byPlan, clock);
      clock?.lap('store');
    } catch (e) {
      // Documents in memory may hold updates that did not commit: reload them from storage.
      for (const id of byPlan.keys()) this.evict(id);
      // Evicted, its plans have no facts in memory: this time the group reads.
      if (e instanceof GroupNeedsRead) {
        this.groupCounts.readAgain++;
        return this.writeGroup(group, attempt);
      }
      if (isSessionEnded(e)) {
        // A session ended after its edit arrived: refuse that session's edits and store the others.
        this.groupCounts.sessionsEnded++;
        const refusals = await sessionRefusals(group);
        const rest = group.filter((w) => !refusals.get(w));
        for (const [w, refusal] of refusals) if (refusal) w.reject(refusal);
        if (rest.length === 0) return;
        if (attempt < maxGroupAttempts) return this.writeGroup(rest, attempt + 1);
        rest.forEach((w) => w.reject(conflict('Your edit could not be saved just now. Send it again.')));
        return;
      }
      if (group.length > 1 && isDataError(e)) {
        // One write's data failed the statement; that must not fail the others: store each plan on its
        // own, and a plan's writes one by one, in order. (A lost connection or an unavailable database
        // fails them all, at once.)
        const parts = byPlan.size > 1 ? [...byPlan.values()] : group.map((w) => [w]);
        for (const part of parts) await this.writeGroup(part);
        return;
      }
      if (isPlanMovedOn(e) || isUniqueViolation(e)) {
        // Another instance stored to these plans, or this clientUpdateId or client id, after the group read
        // them: read again, and each write is stored, answered as a repeat or refused as it should be.
        if (attempt < maxGroupAttempts) return this.writeGroup(group, attempt + 1);
        group.forEach((w) => w.reject(conflict('This care plan was being saved by another server at the same moment, and your edit was not saved. Send it again.')));
        return;
      }
      const failure = isDataException(e) ? badInput('update', 'This edit holds something the care plan cannot store.') : e;
      group.forEach((w) => w.reject(failure));
      return;
    }
    // An answer that is not a stored edit (a refusal, a repeat) reveals something too: only to a live session.
    const unstored = [...result.outcomes].filter(([w, outcome]) => w.session && (outcome instanceof Error || outcome.duplicate)).map(([w]) => w);
    const refusals = unstored.length > 0 ? await sessionRefusals(unstored) : null;
    for (const [w, outcome] of result.outcomes) {
      const refusal = refusals?.get(w);
      if (refusal) w.reject(refusal);
      else if (outcome instanceof Error) w.reject(outcome);
      else w.resolve(outcome);
    }
    // In the same turn as the acknowledgements, so that each socket gets its answer and its colleagues'
    // edits in one write. The NOTIFY echo of this commit is ignored: these streams are served from memory.
    for (const c of result.committed) {
      this.notifier.poke(c.patientId, { seq: c.updates[c.updates.length - 1].seq, committed: { prevSeq: c.prevSeq, updates: c.updates } }, c.readers);
    }
    this.groupCounts.done++;
    if (result.fromMemory) this.groupCounts.fromMemory++;
    if (clock) this.recordStages(clock, group, byPlan.size, result.fromMemory);
  }

  private recordStages(clock: GroupClock, group: PendingWrite[], plans: number, fromMemory: boolean): void {
    clock.lap('answer');
    const { read = 0, check = 0, store = 0, answer = 0 } = clock.stages;
    const waited = clock.startedPerf - Math.min(...group.map((w) => w.receivedAt));
    this.stageLog?.record({ at: clock.startedAt, writes: group.length, plans, fromMemory, waited, read, check, store, answer });
  }

  /**
   * In one round trip, read the plans, access (may each author edit, may each watcher on this instance
   * read) and who owns the Yjs client ids the writes reach; check each allowed write against its document;
   * store the accepted ones in one more (see care-plan.batch-sql.ts). Where this instance's last groups of
   * the plans left all of that in memory, the read is skipped and the store confirms it instead: at 250
   * editors a group's read was a third of its time (`npm run bench -- care-plans`).
   */
  private async storeWrites(db: StatementRunner, byPlan: Map<string, PendingWrite[]>, clock: GroupClock | null): Promise<GroupResult> {
    const writes = [...byPlan.values()].flat();
    const watchers = new Map([...byPlan.keys()].map((patientId) => [patientId, this.notifier.audience(patientId)]));
    const watching = [...watchers.values()].flatMap((audience) => audience.pairs);
    const accessQuery = pairDecisionsQuery([...writes, ...watching]);
    const memory = this.readFromMemory(byPlan, watchers);
    const read = memory ?? (await readGroup(db, writes, reachedClients(writes), accessQuery.digested));
    const access = accessQuery.decide(read.accessRows);
    clock?.lap('read');
    const outcomes = new Map<PendingWrite, UpdateAck | Error>();
    const checked = new Map<string, PlanOutcome & { read: ReadPlan; knownOwners: ReadonlyMap<number, string> | undefined }>();
    for (const [patientId, planWrites] of byPlan) {
      const permitted = planWrites.filter((w) => access.allows(w, PatientAction.EDIT_CARE_PLAN));
      if (memory && permitted.length < planWrites.length) throw new GroupNeedsRead('an author may not edit, as last read');
      for (const w of planWrites) if (!access.allows(w, PatientAction.EDIT_CARE_PLAN)) outcomes.set(w, new EditNotAllowed());
      if (permitted.length === 0) continue;
      const plan = read.plans.get(patientId);
      if (!plan) throw new Error('a care-plan row was neither found nor created for a patient one may edit');
      const knownOwners = read.owners.get(patientId);
      const outcome = await this.checkWrites(patientId, plan, new ClientOwners(knownOwners), permitted, outcomes, memory !== null);
      checked.set(patientId, { ...outcome, read: plan, knownOwners });
    }
    const updates: UpdateRow[] = [];
    const plans: PlanWrite[] = [];
    const bindings: ClientBinding[] = [];
    for (const [patientId, c] of checked) {
      if (c.accepted.length === 0) continue;
      bindings.push(...c.bindings);
      for (const { write: w, sections } of c.accepted) updates.push({ patientId, update: w.update, actorId: w.userId, clientUpdateId: w.clientUpdateId, sections, requestId: w.requestId });
      const compact = c.read.updatesSinceSnapshot + c.accepted.length >= this.options.compactEvery;
      plans.push({
        patientId,
        readSeq: c.read.lastSeq,
        view: c.plan.view,
        updatedBy: c.accepted[c.accepted.length - 1].write.userId,
        count: c.accepted.length,
        snapshot: compact ? Y.encodeStateAsUpdate(c.plan.doc) : null,
      });
    }
    clock?.lap('check');
    const kept = read.kept;
    const sessions = [...new Set([...checked.values()].flatMap((c) => c.accepted.flatMap(({ write: w }) => (w.session ? [w.session.id] : []))))];
    const stored = updates.length > 0 ? await this.storeChecked(db, updates, plans, bindings, sessions, memory ? kept : null) : [];
    const snapshots = new Map(plans.flatMap((p) => (p.snapshot ? [[p.patientId, p.snapshot] as const] : [])));
    const rowOf = new Map(stored.map((r) => [`${r.patientId}:${r.clientUpdateId}`, r]));
    const committed: CommittedPlan[] = [];
    for (const [patientId, c] of checked) {
      const planUpdates = c.accepted.map(({ write: w }): CommittedUpdate => {
        const r = rowOf.get(`${patientId}:${w.clientUpdateId}`);
        if (!r) throw new Error('a stored care-plan update did not come back from the insert');
        outcomes.set(w, { seq: r.seq, clientUpdateId: w.clientUpdateId, duplicate: false });
        return { seq: r.seq, update: w.update, base64: w.base64, actorId: w.userId, actorName: r.actorName, clientUpdateId: w.clientUpdateId, createdAt: r.createdAt };
      });
      for (const r of c.repeats) outcomes.set(r.write, { ...(outcomes.get(r.of) as UpdateAck), duplicate: true });
      if (planUpdates.length === 0) continue;
      planUpdates.sort((x, y) => x.seq - y.seq);
      const newest = planUpdates[planUpdates.length - 1];
      // Only now (the caller commits next) does memory move on; a failed commit evicts the plan.
      c.plan.seq = newest.seq;
      c.plan.updatedAt = newest.createdAt;
      const snapshot = snapshots.get(patientId);
      if (snapshot) renewDocument(c.plan, snapshot);
      c.plan.facts = this.factsAfter(c.plan.facts, {
        updatesSinceSnapshot: snapshot ? 0 : c.read.updatesSinceSnapshot + c.accepted.length,
        knownOwners: c.knownOwners,
        bindings: c.bindings,
        kept: memory ? null : kept.filter((k) => k.patientId === patientId),
      });
      committed.push({ patientId, prevSeq: c.read.lastSeq, updates: planUpdates, readers: readersOf(patientId, watchers.get(patientId)?.users ?? [], access) });
    }
    return { outcomes, committed, fromMemory: memory !== null };
  }

  /**
   * A plan's facts once its group has committed: the owners and relationships it knew, with what the group
   * read (nothing, when it read from memory: the kept rows are those facts) and bound. Updated in place: a
   * plan is in one group at a time, and a group that fails evicts its plans, facts and all.
   */
  private factsAfter(
    facts: PlanFacts | null,
    group: { updatesSinceSnapshot: number; knownOwners: ReadonlyMap<number, string> | undefined; bindings: ClientBinding[]; kept: KeptRelationship[] | null },
  ): PlanFacts {
    const next = facts ?? { updatesSinceSnapshot: 0, owners: new Map<number, string>(), access: new Map<string, KeptRelationship>() };
    next.updatesSinceSnapshot = group.updatesSinceSnapshot;
    if (group.knownOwners && group.knownOwners !== next.owners) for (const [clientId, userId] of group.knownOwners) next.owners.set(clientId, userId);
    for (const b of group.bindings) next.owners.set(b.clientId, b.userId);
    for (const k of group.kept ?? []) next.access.set(k.userId, k);
    return next;
  }

  /**
   * The group's read, from what the plans' last groups on this instance left (`PlanFacts`): when every plan
   * has them and each of its authors and watchers was seen there before, recently enough (`stillTrusted`); null
   * otherwise. Nothing of it is taken on trust: the store writes only if every plan's last seq, and every
   * relationship, still read the same.
   */
  private readFromMemory(byPlan: Map<string, PendingWrite[]>, watchers: Map<string, Audience>): GroupRead | null {
    const read: GroupRead = { plans: new Map(), accessRows: [], kept: [], owners: new Map() };
    const now = Date.now();
    for (const [patientId, writes] of byPlan) {
      const plan = this.hot.get(patientId);
      if (!plan?.facts || plan.updatedAt === null) return null;
      for (const userId of new Set([...writes.map((w) => w.userId), ...(watchers.get(patientId)?.users ?? [])])) {
        const kept = plan.facts.access.get(userId);
        if (!kept || !stillTrusted(kept, now)) return null;
        read.accessRows.push(kept.row);
        read.kept.push(kept);
      }
      read.plans.set(patientId, { lastSeq: plan.seq, updatedAt: plan.updatedAt, updatesSinceSnapshot: plan.facts.updatesSinceSnapshot, known: new Map() });
      read.owners.set(patientId, plan.facts.owners);
    }
    return read;
  }

  /**
   * Stores the checked writes. A group read from memory (`kept` given) that finds a plan written meanwhile, a
   * relationship changed or a key taken (a repeat, or a client id bound, that memory did not know of) reads
   * after all, and is checked again.
   */
  private async storeChecked(
    db: StatementRunner,
    updates: UpdateRow[],
    plans: PlanWrite[],
    bindings: ClientBinding[],
    sessions: string[],
    kept: KeptRelationship[] | null,
  ): Promise<StoredRow[]> {
    try {
      const askedAt = Date.now();
      const stored = await storeGroup(db, this.notifier.instanceId, updates, plans, bindings, sessions, kept ?? []);
      // They read the same in the store's snapshot: later groups ask only about changes since that one.
      for (const k of kept ?? []) {
        k.confirmedIn = stored.snapshot;
        k.confirmedAt = askedAt;
      }
      return stored.rows;
    } catch (e) {
      if (kept && (isPlanMovedOn(e) || isUniqueViolation(e))) throw new GroupNeedsRead('memory was out of date');
      throw e;
    }
  }

  /**
   * Applies one plan's writes to its document in order, each validated on its own: its clientUpdateId
   * (a repeat of the author's own answers with the stored seq; another author's is refused), its client
   * ids (each its author's, or new), its effect (something must change) and the plan's shape. A refused
   * write is answered at once and the document goes back to what is stored plus the writes accepted so far.
   */
  private async checkWrites(
    patientId: string,
    read: ReadPlan,
    owners: ClientOwners,
    writes: PendingWrite[],
    outcomes: Map<PendingWrite, UpdateAck | Error>,
    /** Read from memory: every write must be accepted, anything else is for a group that reads. */
    acceptOnly: boolean,
  ): Promise<PlanOutcome> {
    const row = { last_seq: String(read.lastSeq), updated_at: read.updatedAt };
    let plan = await this.fresh(patientId, row);
    const accepted: PlanOutcome['accepted'] = [];
    const repeats: PlanOutcome['repeats'] = [];
    const bindings: ClientBinding[] = [];
    const firstOf = new Map<string, PendingWrite>(); // accepted clientUpdateIds in this group
    const touched = new Set<string>(); // top-level names the accepted writes reached since plan.view was read
    for (const w of writes) {
      const stored = read.known.get(w.clientUpdateId);
      const first = firstOf.get(w.clientUpdateId);
      if ((stored && stored.actorId !== w.userId) || (first && first.userId !== w.userId)) {
        outcomes.set(w, clientUpdateIdTaken());
        continue;
      }
      if (stored) {
        outcomes.set(w, { seq: stored.seq, clientUpdateId: w.clientUpdateId, duplicate: true });
        continue;
      }
      if (first) {
        repeats.push({ write: w, of: first });
        continue;
      }
      const claimed = claimedClients(w.facts, plan.doc);
      if (ownerConflict(claimed, w.userId, owners) !== undefined) {
        outcomes.set(w, clientIdTaken());
        continue;
      }
      plan.touched.clear();
      try {
        const { changed, added } = applyUpdate(plan.doc, w.update);
        checkShape(plan.doc, plan.touched, added);
        if (!changed) {
          outcomes.set(w, changesNothing()); // the document is as it was: nothing to undo
          continue;
        }
      } catch (e) {
        if (acceptOnly) throw new GroupNeedsRead('a write to refuse');
        outcomes.set(w, refusal(e));
        // Back to what is stored, plus the writes accepted so far (known good, same order).
        this.evict(patientId);
        plan = await this.fresh(patientId, row);
        if (accepted.length > 0) {
          Y.transact(plan.doc, () => accepted.forEach((a) => Y.applyUpdate(plan.doc, a.write.update)));
          plan.view = materialise(plan.doc);
        }
        touched.clear();
        continue;
      }
      for (const clientId of claimed) {
        if (owners.get(clientId) !== undefined) continue;
        owners.bind(clientId, w.userId);
        bindings.push({ patientId, clientId, userId: w.userId });
      }
      accepted.push({ write: w, sections: sectionsOf(plan.touched) });
      plan.touched.forEach((name) => touched.add(name));
      firstOf.set(w.clientUpdateId, w);
    }
    if (acceptOnly && accepted.length < writes.length) throw new GroupNeedsRead('a write to refuse, or a repeat');
    // The view is read once for the group, and only the sections its writes reached.
    if (touched.size > 0) plan.view = materialise(plan.doc, { view: plan.view, touched });
    return { accepted, repeats, plan, bindings };
  }

  /** Whether the plan holds an update stored under `clientUpdateId`, by whoever stored it. */
  async holdsUpdate(em: EntityManager, patientId: string, clientUpdateId: string): Promise<boolean> {
    const rows = await runSql(em, sql`select 1 from care_plan_update where patient_id = ${patientId} and client_update_id = ${clientUpdateId}`);
    return rows.length > 0;
  }

  /** Stored updates of a plan after `afterSeq` (up to `limit`), oldest first, with their authors. */
  async updatesAfter(em: EntityManager, patientId: string, afterSeq: number, limit = 500): Promise<StoredUpdate[]> {
    const rows = await runSql<{ seq: string; update: Buffer; actor_id: string; actor_name: string; client_update_id: string; sections: string[]; created_at: Date }>(
      em,
      sql`select u.seq, u.update, u.actor_id, a.name as actor_name, u.client_update_id, u.sections, u.created_at
            from care_plan_update u join app_user a on a.id = u.actor_id
           where u.patient_id = ${patientId} and u.seq > ${afterSeq} order by u.seq limit ${limit}`,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      update: new Uint8Array(r.update),
      actorId: r.actor_id,
      actorName: r.actor_name,
      clientUpdateId: r.client_update_id,
      sections: r.sections,
      createdAt: new Date(r.created_at),
    }));
  }

  /** Runs `fn` after every earlier operation on this plan in this instance has finished. */
  serial<T>(patientId: string, fn: () => Promise<T>): Promise<T> {
    return this.serialMany([patientId], fn);
  }

  /** Runs `fn` after every earlier operation on any of these plans has finished; later ones wait for it. */
  private serialMany<T>(patientIds: string[], fn: () => Promise<T>): Promise<T> {
    const previous = Promise.all(patientIds.map((id) => this.queues.get(id)));
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    for (const id of patientIds) this.queues.set(id, tail);
    void tail.then(() => {
      for (const id of patientIds) if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  /** The plan row, if the plan was ever written. */
  private async planRow(em: EntityManager, patientId: string): Promise<PlanRow | null> {
    const [row] = await runSql<PlanRow>(em, sql`select last_seq, updated_at from care_plan where patient_id = ${patientId}`);
    return row ?? null;
  }

  /**
   * The hot plan, loaded or caught up to `row.last_seq` (updates other instances committed). Reads with
   * `em`, or an EntityManager forked only if it must read: a hot plan, the usual case, needs none.
   */
  private async fresh(patientId: string, row: PlanRow | null, em?: EntityManager): Promise<HotPlan> {
    const db = () => (em ??= this.orm.em.fork());
    const lastSeq = row ? Number(row.last_seq) : 0;
    let plan = this.hot.get(patientId);
    if (plan && plan.seq > lastSeq) {
      this.evict(patientId);
      plan = undefined;
    }
    if (!plan) plan = await this.load(db(), patientId);
    while (plan.seq < lastSeq) {
      const missing = await this.updatesAfter(db(), patientId, plan.seq);
      if (missing.length === 0) break;
      Y.transact(plan.doc, () => missing.forEach((m) => Y.applyUpdate(plan!.doc, m.update)));
      plan.seq = missing[missing.length - 1].seq;
      plan.view = materialise(plan.doc);
      plan.facts = null; // written elsewhere: its snapshot count is no longer known here
    }
    if (row) plan.updatedAt = new Date(row.updated_at);
    plan.lastUsed = Date.now();
    return plan;
  }

  /** Cold load: the compacted snapshot plus the updates after it. */
  private async load(em: EntityManager, patientId: string): Promise<HotPlan> {
    const [row] = await runSql<{ snapshot: Buffer; snapshot_seq: string; updated_at: Date }>(em, sql`select snapshot, snapshot_seq, updated_at from care_plan where patient_id = ${patientId}`);
    const doc = createCarePlanDoc(row ? new Uint8Array(row.snapshot) : initialCarePlanUpdate);
    const plan: HotPlan = {
      doc,
      seq: row ? Number(row.snapshot_seq) : 0,
      view: materialise(doc),
      updatedAt: row ? new Date(row.updated_at) : null,
      lastUsed: Date.now(),
      touched: new Set(),
      facts: null,
    };
    trackTouched(doc, plan.touched);
    this.hot.set(patientId, plan);
    return plan;
  }
}

/**
 * Replaces a hot plan's document with the same state decoded from its snapshot. Typing adds one small
 * item per update, each allocated among whatever else the server made meanwhile; reading the long text
 * walks them all on every group, and walks items made together several times faster.
 */
function renewDocument(plan: HotPlan, snapshot: Uint8Array): void {
  const doc = createCarePlanDoc(snapshot);
  trackTouched(doc, plan.touched);
  plan.doc = doc;
}

/** The Yjs client ids (the server's own aside) each write reaches on its plan, whose owners the group reads. */
function reachedClients(writes: PendingWrite[]): GroupClient[] {
  return writes.flatMap((w) => [...w.facts.reach.keys()].filter((c) => !isServerClient(c)).map((clientId) => ({ patientId: w.patientId, clientId })));
}

/** Who wrote `w`, and to which plan (see `groupGapMs`). */
function writerOf(w: PendingWrite): string {
  return `${w.userId} ${w.patientId}`;
}

/** The author and plan of every write of `group`, if they are the same for all; null otherwise. */
function soleWriterOf(group: readonly PendingWrite[]): string | null {
  const writer = writerOf(group[0]);
  return group.every((w) => writerOf(w) === writer) ? writer : null;
}

/** Which of a plan's watchers may read it, as `CarePlanNotifier.poke` takes them. */
function readersOf(patientId: string, users: readonly string[], access: PairDecisions): { checked: Set<string>; allowed: Set<string> } {
  return { checked: new Set(users), allowed: new Set(users.filter((userId) => access.allows({ patientId, userId }, PatientAction.READ))) };
}

/** A PostgreSQL data exception (class 22) or integrity violation (class 23): a row's fault, not the database's. */
function isDataError(e: unknown): boolean {
  return /^2[23]/.test(sqlState(e));
}

/** The group's store found a plan written by another instance since the group read it (`care_plan_moved_on`). */
function isPlanMovedOn(e: unknown): boolean {
  return sqlState(e) === '40001';
}

/** The group's store found the session of one of its edits ended (`care_plan_sessions_ended`). */
function isSessionEnded(e: unknown): boolean {
  return sqlState(e) === '28000';
}

/** Each write's refusal (null: its session is live), reading each session of the writes once. */
async function sessionRefusals(writes: readonly PendingWrite[]): Promise<Map<PendingWrite, Error | null>> {
  const bySession = new Map<string, Promise<Error | null>>();
  const refusals = await Promise.all(
    writes.map((w) => {
      if (!w.session) return null;
      let refusal = bySession.get(w.session.id);
      if (!refusal) bySession.set(w.session.id, (refusal = w.session.refusal()));
      return refusal;
    }),
  );
  return new Map(writes.map((w, i) => [w, refusals[i]]));
}

/** A PostgreSQL data exception (class 22): a value the database cannot take, so the edit's own fault. */
function isDataException(e: unknown): boolean {
  return /^22/.test(sqlState(e));
}

/** The answer to a write its document refused. */
function refusal(e: unknown): Error {
  if (e instanceof CairnError) return e;
  if (e instanceof CarePlanShapeError) return badInput('update', `This edit would break the care plan (${e.message}).`);
  return badInput('update', 'This is not a care-plan edit the server can read.');
}
