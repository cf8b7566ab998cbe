import type { EntityManager } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { PatientAction, readersAmong } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { recordCarePlanEdit } from '../notifications/care-plan-digest.js';
import { ArrivalOrder } from './arrival-order.js';
import type { Orm } from '../platform/database.js';
import { badInput } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { CarePlanShapeError, changedSections, createCarePlanDoc, initialCarePlanUpdate, materialise, type CarePlanView } from './care-plan.doc.js';
import { CARE_PLAN_CHANNEL, CarePlanNotifier, type CommittedUpdate } from './care-plan.notifier.js';
import { PresenceRegistry } from './care-plan.presence.js';

export interface CarePlanStoreOptions {
  /** Largest update accepted, in bytes (after base64 decoding). */
  maxUpdateBytes: number;
  /** Write a fresh snapshot after this many updates, so a cold load replays at most this many. */
  compactEvery: number;
  /** A hot plan untouched this long is dropped from memory. */
  idleMs: number;
  /** Presence without a heartbeat for this long is gone (swept within a further second: under 30 s in all). */
  presenceTtlMs: number;
}

export const defaultCarePlanStoreOptions: CarePlanStoreOptions = {
  maxUpdateBytes: 256 * 1024,
  compactEvery: 100,
  idleMs: 10 * 60_000,
  presenceTtlMs: 25_000,
};

/** What a client gets back once its update is durable. */
export interface UpdateAck {
  seq: number;
  clientUpdateId: string;
  /** True when this clientUpdateId had already been stored: nothing new was written. */
  duplicate: boolean;
}

/** One write waiting for its plan's next group commit. */
interface PendingWrite {
  actorId: string;
  update: Uint8Array;
  clientUpdateId: string;
  requestId: string;
  resolve: (ack: UpdateAck) => void;
  reject: (e: unknown) => void;
}

interface GroupResult {
  outcomes: Map<PendingWrite, UpdateAck | Error>;
  committed: { prevSeq: number; updates: CommittedUpdate[] };
}

/** A group commit stores at most this many updates, and this many bytes (beyond its first update). */
const maxGroupWrites = 100;
const maxGroupBytes = 4 * 1024 * 1024;

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
}

interface PlanRow {
  last_seq: string;
  updated_at: Date;
}

/**
 * The care plans of one instance: hot documents in memory, every write serialised per plan (in-instance
 * queue + `select … for update` on the plan row across instances), each update durable in PostgreSQL
 * before it is acknowledged, and the typed view materialised in the same transaction.
 */
export class CarePlanStore {
  readonly options: CarePlanStoreOptions;
  readonly notifier: CarePlanNotifier;
  readonly presence: PresenceRegistry;
  readonly arrivalOrder = new ArrivalOrder();
  private readonly hot = new Map<string, HotPlan>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Writes waiting for their plan's next group commit. */
  private readonly pending = new Map<string, PendingWrite[]>();
  /** Per plan, the hand-over of committed updates to this instance's streams, in commit order. */
  private readonly publishing = new Map<string, Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    options: Partial<CarePlanStoreOptions> = {},
  ) {
    this.options = { ...defaultCarePlanStoreOptions, ...options };
    this.notifier = new CarePlanNotifier(String(orm.config.get('clientUrl')), logger);
    this.presence = new PresenceRegistry(() => this.options.presenceTtlMs);
  }

  async start(): Promise<void> {
    await this.notifier.start();
    this.presence.start();
    this.sweepTimer = setInterval(() => this.evictIdle(), Math.max(1000, Math.floor(this.options.idleMs / 2)));
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.presence.stop();
    await this.notifier.stop();
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
      const row = await this.planRow(em, patientId, false);
      const plan = await this.fresh(em, patientId, row);
      return { seq: plan.seq, state: Y.encodeStateAsUpdate(plan.doc), stateVector: Y.encodeStateVector(plan.doc), view: plan.view, updatedAt: plan.updatedAt };
    });
  }

  /** What a client holding `stateVector` is missing, and the seq it brings the client up to. */
  diffSince(patientId: string, stateVector: Uint8Array | null): Promise<{ seq: number; update: Uint8Array }> {
    return this.serial(patientId, async () => {
      const em = this.orm.em.fork();
      const plan = await this.fresh(em, patientId, await this.planRow(em, patientId, false));
      return { seq: plan.seq, update: stateVector ? Y.encodeStateAsUpdate(plan.doc, stateVector) : Y.encodeStateAsUpdate(plan.doc) };
    });
  }

  /**
   * Validates and stores one update, answering only after the commit. A clientUpdateId seen before returns
   * the original acknowledgement. Updates queued for one plan while a write is under way are stored
   * together in one transaction (group commit), one row each, each validated on its own: a refused update
   * is answered alone and leaves no trace, the others commit.
   */
  apply(patientId: string, actorId: string, update: Uint8Array, clientUpdateId: string, requestId: string): Promise<UpdateAck> {
    if (update.byteLength > this.options.maxUpdateBytes) {
      throw badInput('update', `This edit is too large (${Math.ceil(update.byteLength / 1024)} KiB; at most ${this.options.maxUpdateBytes / 1024} KiB at a time).`);
    }
    try {
      Y.decodeUpdate(update);
    } catch {
      throw badInput('update', 'This is not a care-plan edit the server can read.');
    }
    return new Promise<UpdateAck>((resolve, reject) => {
      let waiting = this.pending.get(patientId);
      if (!waiting) {
        this.pending.set(patientId, (waiting = []));
        void this.serial(patientId, () => this.writeGroup(patientId));
      }
      waiting.push({ actorId, update, clientUpdateId, requestId, resolve, reject });
    });
  }

  /** Takes the writes waiting for a plan (up to a batch's worth) and stores them in one transaction. */
  private async writeGroup(patientId: string): Promise<void> {
    const waiting = this.pending.get(patientId) ?? [];
    let bytes = 0;
    let take = 0;
    while (take < waiting.length && take < maxGroupWrites && (take === 0 || bytes + waiting[take].update.byteLength <= maxGroupBytes)) {
      bytes += waiting[take].update.byteLength;
      take++;
    }
    const group = waiting.splice(0, take);
    if (waiting.length === 0) this.pending.delete(patientId);
    else void this.serial(patientId, () => this.writeGroup(patientId)); // the rest, next
    if (group.length === 0) return;

    let result: GroupResult;
    try {
      result = await this.orm.em.fork().transactional((em) => this.storeGroup(em, patientId, group));
    } catch (e) {
      // The document in memory may hold updates that did not commit: reload it from storage.
      this.evict(patientId);
      for (const w of group) w.reject(e);
      return;
    }
    for (const w of group) {
      const outcome = result.outcomes.get(w);
      if (outcome instanceof Error) w.reject(outcome);
      else if (outcome) w.resolve(outcome);
      else w.reject(new Error('care-plan write lost its outcome'));
    }
    if (result.committed.updates.length > 0) this.publish(patientId, result.committed);
  }

  /** Within one transaction: lock the plan, validate each write in turn, store the accepted ones. */
  private async storeGroup(em: EntityManager, patientId: string, group: PendingWrite[]): Promise<GroupResult> {
    const row = await this.planRow(em, patientId, true);
    const prevSeq = row ? Number(row.last_seq) : 0;
    const known = new Map(
      (
        await sql<{ seq: string; client_update_id: string }>(em, 'select seq, client_update_id from care_plan_update where patient_id = ? and client_update_id = any(?::text[])', [
          patientId,
          textArray(group.map((w) => w.clientUpdateId)),
        ])
      ).map((k) => [k.client_update_id, Number(k.seq)]),
    );
    const outcomes = new Map<PendingWrite, UpdateAck | Error>();
    const accepted: Array<{ write: PendingWrite; sections: string[] }> = [];
    const firstOf = new Map<string, PendingWrite>(); // accepted clientUpdateIds in this group
    const repeats: Array<{ write: PendingWrite; of: PendingWrite }> = [];
    let plan = await this.fresh(em, patientId, row);
    for (const w of group) {
      const seq = known.get(w.clientUpdateId);
      if (seq !== undefined) {
        outcomes.set(w, { seq, clientUpdateId: w.clientUpdateId, duplicate: true });
        continue;
      }
      const first = firstOf.get(w.clientUpdateId);
      if (first) {
        repeats.push({ write: w, of: first });
        continue;
      }
      const before = plan.view;
      try {
        Y.applyUpdate(plan.doc, w.update);
        plan.view = materialise(plan.doc);
      } catch (e) {
        outcomes.set(w, e instanceof CarePlanShapeError ? badInput('update', `This edit would break the care plan (${e.message}).`) : badInput('update', 'This is not a care-plan edit the server can read.'));
        // Back to what is stored, plus the updates of this group accepted so far (known good, same order).
        this.evict(patientId);
        plan = await this.fresh(em, patientId, row);
        if (accepted.length > 0) {
          Y.transact(plan.doc, () => accepted.forEach((a) => Y.applyUpdate(plan.doc, a.write.update)));
          plan.view = materialise(plan.doc);
        }
        continue;
      }
      accepted.push({ write: w, sections: changedSections(before, plan.view) });
      firstOf.set(w.clientUpdateId, w);
    }
    const updates = accepted.length > 0 ? await this.persist(em, patientId, plan, accepted) : [];
    accepted.forEach((a, i) => outcomes.set(a.write, { seq: updates[i].seq, clientUpdateId: a.write.clientUpdateId, duplicate: false }));
    for (const r of repeats) {
      const ack = outcomes.get(r.of) as UpdateAck;
      outcomes.set(r.write, { ...ack, duplicate: true });
    }
    return { outcomes, committed: { prevSeq, updates: [...updates].sort((x, y) => x.seq - y.seq) } };
  }

  /**
   * Hands committed updates to this instance's streams of the plan, in commit order, with their users'
   * access checked in one query for all of them (the NOTIFY echo of this commit is ignored).
   */
  private publish(patientId: string, committed: { prevSeq: number; updates: CommittedUpdate[] }): void {
    const previous = this.publishing.get(patientId) ?? Promise.resolve();
    const run = previous.then(async () => {
      const wake = { seq: committed.updates[committed.updates.length - 1].seq, committed };
      const audience = this.notifier.audience(patientId);
      if (audience.length === 0) return;
      try {
        const allowed = await readersAmong(this.orm.em.fork(), patientId, audience);
        this.notifier.poke(patientId, wake, { checked: new Set(audience), allowed });
      } catch (e) {
        this.logger.warn('care-plan access check for live delivery failed; streams check for themselves', { error: String(e) });
        this.notifier.poke(patientId, wake);
      }
    });
    this.publishing.set(patientId, run);
    void run.then(() => {
      if (this.publishing.get(patientId) === run) this.publishing.delete(patientId);
    });
  }

  /** Stored updates of a plan after `afterSeq` (up to `limit`), oldest first, with their authors. */
  async updatesAfter(em: EntityManager, patientId: string, afterSeq: number, limit = 500): Promise<StoredUpdate[]> {
    const rows = await sql<{ seq: string; update: Buffer; actor_id: string; actor_name: string; client_update_id: string; sections: string[]; created_at: Date }>(
      em,
      `select u.seq, u.update, u.actor_id, a.name as actor_name, u.client_update_id, u.sections, u.created_at
         from care_plan_update u join app_user a on a.id = u.actor_id
        where u.patient_id = ? and u.seq > ? order by u.seq limit ?`,
      [patientId, afterSeq, limit],
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
    const previous = this.queues.get(patientId) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(patientId, tail);
    void tail.then(() => {
      if (this.queues.get(patientId) === tail) this.queues.delete(patientId);
    });
    return run;
  }

  /** Stores a group's accepted updates (one row each) and the plan as it now is; returns them in input order. */
  private async persist(em: EntityManager, patientId: string, plan: HotPlan, accepted: Array<{ write: PendingWrite; sections: string[] }>): Promise<CommittedUpdate[]> {
    const params: unknown[] = [];
    const values = accepted.map(({ write: w, sections }) => {
      params.push(patientId, Buffer.from(w.update), w.actorId, w.clientUpdateId, `{${sections.join(',')}}`); // section names are plain identifiers
      return '(?::uuid, ?::bytea, ?::uuid, ?, ?::text[])';
    });
    const rows = await sql<{ seq: string; client_update_id: string; created_at: Date; actor_name: string }>(
      em,
      `with inserted as (
         insert into care_plan_update (patient_id, update, actor_id, client_update_id, sections) values ${values.join(', ')}
         returning seq, client_update_id, created_at, actor_id)
       select i.seq, i.client_update_id, i.created_at, a.name as actor_name from inserted i join app_user a on a.id = i.actor_id`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.client_update_id, r]));
    const updates = accepted.map(({ write: w }): CommittedUpdate => {
      const r = byId.get(w.clientUpdateId);
      if (!r) throw new Error('a stored care-plan update did not come back from the insert');
      return { seq: Number(r.seq), update: w.update, actorId: w.actorId, actorName: r.actor_name, clientUpdateId: w.clientUpdateId, createdAt: new Date(r.created_at) };
    });
    const newest = updates.reduce((x, y) => (y.seq > x.seq ? y : x));
    const [counter] = await sql<{ updates_since_snapshot: number }>(
      em,
      `update care_plan set last_seq = ?, updates_since_snapshot = updates_since_snapshot + ?, updated_at = ?, updated_by = ?, ${viewAssignments}
        where patient_id = ? returning updates_since_snapshot`,
      [newest.seq, updates.length, newest.createdAt, newest.actorId, ...viewValues(plan.view), patientId],
    );
    if (counter.updates_since_snapshot >= this.options.compactEvery) {
      await sql(em, 'update care_plan set snapshot = ?, snapshot_seq = ?, updates_since_snapshot = 0 where patient_id = ?', [
        Buffer.from(Y.encodeStateAsUpdate(plan.doc)),
        newest.seq,
        patientId,
      ]);
    }
    await recordAudit(
      em,
      ...accepted.map(({ write: w, sections }, i) => ({
        actorId: w.actorId,
        action: PatientAction.EDIT_CARE_PLAN,
        patientId,
        requestId: w.requestId,
        outcome: AuditOutcome.ALLOWED,
        detail: { seq: updates[i].seq, sections },
      })),
    );
    for (const actorId of new Set(updates.map((u) => u.actorId))) await recordCarePlanEdit(em, patientId, actorId); // the care team hears once the plan goes quiet
    await sql(em, 'select pg_notify(?, ?)', [CARE_PLAN_CHANNEL, this.notifier.payload(patientId, newest.seq)]);
    // Only now (the caller commits next) does memory move on; a failed commit evicts the plan.
    plan.seq = newest.seq;
    plan.updatedAt = newest.createdAt;
    return updates;
  }

  /** The plan row (created from the initial state when `create`), locked for update when `lock`. */
  private async planRow(em: EntityManager, patientId: string, lock: boolean): Promise<PlanRow | null> {
    const select = `select last_seq, updated_at from care_plan where patient_id = ?${lock ? ' for update' : ''}`;
    const [row] = await sql<PlanRow>(em, select, [patientId]);
    if (row || !lock) return row ?? null;
    const view = materialise(createCarePlanDoc());
    await sql(
      em,
      `insert into care_plan (patient_id, snapshot, ${viewColumns.join(', ')}) values (?, ?, ${viewColumns.map(() => '?').join(', ')}) on conflict do nothing`,
      [patientId, Buffer.from(initialCarePlanUpdate), ...viewValues(view)],
    );
    const [created] = await sql<PlanRow>(em, select, [patientId]);
    return created;
  }

  /** The hot plan, loaded or caught up to `row.last_seq` (updates other instances committed). */
  private async fresh(em: EntityManager, patientId: string, row: PlanRow | null): Promise<HotPlan> {
    const lastSeq = row ? Number(row.last_seq) : 0;
    let plan = this.hot.get(patientId);
    if (plan && plan.seq > lastSeq) {
      this.evict(patientId);
      plan = undefined;
    }
    if (!plan) plan = await this.load(em, patientId);
    while (plan.seq < lastSeq) {
      const missing = await this.updatesAfter(em, patientId, plan.seq);
      if (missing.length === 0) break;
      Y.transact(plan.doc, () => missing.forEach((m) => Y.applyUpdate(plan!.doc, m.update)));
      plan.seq = missing[missing.length - 1].seq;
      plan.view = materialise(plan.doc);
    }
    if (row) plan.updatedAt = new Date(row.updated_at);
    plan.lastUsed = Date.now();
    return plan;
  }

  /** Cold load: the compacted snapshot plus the updates after it. */
  private async load(em: EntityManager, patientId: string): Promise<HotPlan> {
    const [row] = await sql<{ snapshot: Buffer; snapshot_seq: string; updated_at: Date }>(
      em,
      'select snapshot, snapshot_seq, updated_at from care_plan where patient_id = ?',
      [patientId],
    );
    const doc = createCarePlanDoc(row ? new Uint8Array(row.snapshot) : initialCarePlanUpdate);
    const plan: HotPlan = { doc, seq: row ? Number(row.snapshot_seq) : 0, view: materialise(doc), updatedAt: row ? new Date(row.updated_at) : null, lastUsed: Date.now() };
    this.hot.set(patientId, plan);
    return plan;
  }
}

/** The materialised view's columns, in one place for insert and update. */
const viewColumns = ['view', 'what_matters', 'goals', 'strategies', 'flare_up', 'medication', 'next_review_date', 'reviewer_id', 'active_goal_count'];
const viewAssignments = viewColumns.map((c) => `${c} = ?`).join(', ');

function viewValues(view: CarePlanView): unknown[] {
  return [
    JSON.stringify(view),
    view.whatMatters,
    JSON.stringify(view.goals),
    JSON.stringify(view.strategies),
    JSON.stringify(view.flareUp),
    view.medication,
    view.review.nextReviewDate,
    view.review.reviewerId,
    view.goals.filter((g) => g.status === 'ACTIVE').length,
  ];
}

/** A PostgreSQL text[] literal (each element quoted, so any text is safe). */
function textArray(items: string[]): string {
  return `{${items.map((i) => `"${i.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** Raw SQL inside `em`'s transaction, if any. */
export function sql<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}
