import type { EntityManager } from '@mikro-orm/postgresql';
import { joinSql, prepared, runSql, sql, Statement, type Sql, type SqlTarget } from '../platform/sql.js';
import type { EventKind, EventPayloads } from './event-kinds.js';

/** The PostgreSQL channel on which a committed event's seq is announced to every instance. */
export const EVENT_CHANNEL = 'cairn_events';

export interface NewEvent<K extends EventKind> {
  patientId: string | null;
  kind: K;
  actorId: string | null;
  payload: EventPayloads[K];
  /** Makes the event private to one user (notifications). */
  recipientId?: string | null;
}

/** One row of the log, shaped once and shared by every subscriber it is delivered to. */
export interface EventRecord {
  seq: number;
  patientId: string | null;
  kind: EventKind;
  actorId: string | null;
  actorName: string | null;
  recipientId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Appends an event inside the writing transaction (pass the transaction's EntityManager). The seq comes
 * from the one-row counter, locked until this transaction ends, so seqs become visible in order. The
 * NOTIFY is transactional too: PostgreSQL sends it only if and when the transaction commits.
 */
export async function appendEvent<K extends EventKind>(em: EntityManager, event: NewEvent<K>): Promise<number> {
  const [seq] = await appendEvents(em, [event]);
  return seq;
}

/** Appends several events in one statement (see `appendEventsTo`); returns their seqs in order. */
export async function appendEvents(em: EntityManager, events: ReadonlyArray<NewEvent<EventKind>>): Promise<number[]> {
  if (!em.isInTransaction()) throw new Error('appendEvent must run inside the transaction that makes the change');
  if (events.length === 0) return [];
  const statement = appendEventsTo(new Statement(), events);
  const rows = await runSql<{ seq: string }>(em, statement.select(sql`select seq from ev_added order by seq`));
  return rows.map((r) => Number(r.seq));
}

/**
 * Adds to `statement` the parts that append `events`, numbered consecutively in the order given, and make
 * them visible as `ev_added (seq, patient_id, kind, recipient_id, payload)` to the parts after. The counter
 * row is bumped once by their number and stays locked until the statement's transaction ends, so seqs
 * become visible in order; its RETURNING sends one NOTIFY with the highest seq, which is enough because a
 * hub reads everything after the last seq it dispatched (and PostgreSQL sends it only on commit). One
 * append per statement.
 */
export function appendEventsTo(statement: Statement, events: ReadonlyArray<NewEvent<EventKind>>): Statement {
  if (events.length === 0) throw new Error('appendEventsTo needs at least one event (it would bump the counter and NOTIFY for nothing)');
  // One JSON parameter carries every row: no per-row placeholders.
  const rows = JSON.stringify(
    events.map((e) => ({ patientId: e.patientId, kind: e.kind, actorId: e.actorId, recipientId: e.recipientId ?? null, payload: e.payload })),
  );
  return statement
    .with('ev_input', sql`select x.e, x.n from jsonb_array_elements(${rows}::jsonb) with ordinality as x(e, n)`)
    .with(
      'ev_next',
      sql`update event_counter set last_seq = last_seq + ${events.length}::bigint where id = 1
          returning last_seq, pg_notify(${EVENT_CHANNEL}, last_seq::text)`,
    )
    .with(
      'ev_added',
      sql`insert into event (seq, patient_id, kind, actor_id, recipient_id, payload)
          select next.last_seq - ${events.length}::bigint + i.n, (i.e->>'patientId')::uuid, i.e->>'kind', (i.e->>'actorId')::uuid,
                 (i.e->>'recipientId')::uuid, i.e->'payload'
            from ev_input i cross join ev_next next
          returning seq, patient_id, kind, recipient_id, payload`,
    );
}

/** Which events a reader wants: a patient's shared stream, or one user's private stream. */
export type StreamFilter = { patientId: string } | { recipientId: string };

/** Events after `after`, oldest first; with no filter, every event (the hub's own read). */
export async function readEventsAfter(em: EntityManager, after: number, limit: number, filter?: StreamFilter): Promise<EventRecord[]> {
  const where = [sql`e.seq > ${after}`];
  if (filter && 'patientId' in filter) where.push(sql`e.patient_id = ${filter.patientId} and e.recipient_id is null`);
  else if (filter) where.push(sql`e.recipient_id = ${filter.recipientId}`);
  return selectEvents(em, sql`${joinSql(where, ' and ')} order by e.seq limit ${limit}`);
}

/**
 * The latest `limit` events of patients' shared streams up to `through`, oldest first (what a restarted
 * instance keeps in memory for replay, see RecentEvents).
 */
export async function readLatestPatientEvents(em: EntityManager, through: number, limit: number): Promise<EventRecord[]> {
  const rows = await selectEvents(em, sql`e.seq <= ${through} and e.patient_id is not null and e.recipient_id is null order by e.seq desc limit ${limit}`);
  return rows.reverse();
}

/** The hub's page of the log: every event after `after`, oldest first (prepared: the hub reads one for every event committed). */
export async function readLogPage(db: SqlTarget, after: number, limit: number): Promise<EventRecord[]> {
  return selectEvents(db, sql`e.seq > ${after} order by e.seq limit ${limit}`, 'event-log-page');
}

/**
 * The hub's page (`readLogPage`), and in the same statement (one round trip, one snapshot: a change
 * committed before the read counts in both) the rows of `alongside` whose `patient_id` has a shared event
 * in the page, as JSON objects. Prepared when `alongside` is (the policy's relationship read is), under
 * a name of its own.
 */
export async function readEventsAlong<R>(db: SqlTarget, after: number, limit: number, alongside: Sql): Promise<{ events: EventRecord[]; rows: R[] }> {
  const [row] = await runSql<{ events: Array<Record<string, unknown>>; rows: R[] }>(
    db,
    preparedWith(alongside, 'event-log-page-with', sql`with page as (${eventSelect(sql`e.seq > ${after} order by e.seq limit ${limit}`)})
        select (select coalesce(json_agg(page order by page.seq), '[]'::json) from page) as events,
               (select coalesce(json_agg(a), '[]'::json) from (${alongside}) a
                 where a.patient_id in (select patient_id from page where recipient_id is null)) as rows`),
  );
  return { events: row.events.map(eventFrom), rows: row.rows };
}

/** A patient's shared events, newest first, before `before` (exclusive), optionally of some kinds only. */
export async function readTimeline(em: EntityManager, patientId: string, kinds: EventKind[] | null, before: number | null, limit: number): Promise<EventRecord[]> {
  const where = [sql`e.patient_id = ${patientId} and e.recipient_id is null`];
  if (kinds && kinds.length > 0) where.push(sql`e.kind = any(${kinds}::text[])`);
  if (before !== null) where.push(sql`e.seq < ${before}`);
  return selectEvents(em, sql`${joinSql(where, ' and ')} order by e.seq desc limit ${limit}`);
}

/** The highest seq committed so far. */
export async function lastCommittedSeq(em: EntityManager): Promise<number> {
  const rows = await runSql<{ seq: string | null }>(em, sql`select max(seq) as seq from event`);
  return Number(rows[0]?.seq ?? 0);
}

/**
 * The seq of the newest shared event (of `kinds`, when given) of any patient `readable` (the policy's READ rule
 * as SQL over `p`) lets through, or 0: it moves whenever something of that kind has happened to one of those
 * patients. One walk of the patient's events index per patient, newest first, to the first of those kinds.
 */
export async function latestChangeSeq(em: EntityManager, readable: Sql, kinds: readonly EventKind[] | null = null): Promise<number> {
  const rows = await runSql<{ seq: string | null }>(
    em,
    sql`select max(latest.seq) as seq
          from patient p
          cross join lateral (select e.seq from event e
                               where e.patient_id = p.id and e.recipient_id is null and (${kinds}::text[] is null or e.kind = any(${kinds}::text[]))
                               order by e.seq desc limit 1) latest
         where ${readable}`,
  );
  return Number(rows[0]?.seq ?? 0);
}

/** `statement`, prepared as `<prefix>-<part's name>` when `part` is itself prepared. */
function preparedWith(part: Sql, prefix: string, statement: Sql): Sql {
  return part.name === undefined ? statement : prepared(`${prefix}-${part.name}`, statement);
}

/** The events `tail` picks; a prepared statement called `preparedAs` when given (its text must never change). */
async function selectEvents(db: SqlTarget, tail: Sql, preparedAs?: string): Promise<EventRecord[]> {
  const statement = preparedAs === undefined ? eventSelect(tail) : prepared(preparedAs, eventSelect(tail));
  return (await runSql<Record<string, unknown>>(db, statement)).map(eventFrom);
}

function eventSelect(tail: Sql): Sql {
  return sql`select e.seq, e.patient_id, e.kind, e.actor_id, u.name as actor_name, e.recipient_id, e.payload, e.created_at
               from event e left join app_user u on u.id = e.actor_id
              where ${tail}`;
}

/** An event from its row, as the driver reads it or as JSON (a seq as a number, a time as text). */
function eventFrom(r: Record<string, unknown>): EventRecord {
  return {
    seq: Number(r.seq),
    patientId: (r.patient_id as string | null) ?? null,
    kind: r.kind as EventKind,
    actorId: (r.actor_id as string | null) ?? null,
    actorName: (r.actor_name as string | null) ?? null,
    recipientId: (r.recipient_id as string | null) ?? null,
    payload: r.payload as Record<string, unknown>,
    createdAt: new Date(r.created_at as string | Date),
  };
}

const cursorPattern = /^\d{1,15}$/;
/** Parses a client's cursor (a seq as a decimal string); null when absent. */
export function parseCursor(value: string | null | undefined): number | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  return cursorPattern.test(value) ? Number(value) : 'invalid';
}
