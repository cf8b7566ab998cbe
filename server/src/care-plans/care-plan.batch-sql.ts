import { keptRelationships, PatientAction, relationshipsChanged, snapshotNow, type KeptRelationship } from '../access/policy.js';
import { AuditOutcome } from '../audit/audit.service.js';
import { endedSessionsAmong } from '../auth/auth.service.js';
import { digestMergeSql } from '../notifications/care-plan-digest.js';
import { timelineMergeSql } from './care-plan.timeline.js';
import { prepared, sql, sqlText, type Sql, type StatementRunner } from '../platform/sql.js';
import { type CarePlanView } from '@cairn/schema/care-plan';
import { createCarePlanDoc, materialise, initialCarePlanUpdate } from './care-plan.doc.js';
import { CARE_PLAN_CHANNEL } from './care-plan.notifier.js';

/**
 * The statements of one group commit: every plan written in the group is read in one statement and
 * stored in one more, whatever the number of plans and updates, and there is no transaction around them:
 * a round trip costs the group more than the statements in it, and the store is one statement, applied
 * whole or not at all. The store writes a plan only if nobody has since (its last seq is still the one
 * read); otherwise it undoes itself and the group reads again (`isPlanMovedOn`).
 */

/** A plan row as the group read it. */
export interface ReadPlan {
  lastSeq: number;
  updatedAt: Date;
  updatesSinceSnapshot: number;
  /** clientUpdateIds of this group already stored for the plan, with their seq and author. */
  known: Map<string, { seq: number; actorId: string }>;
}

/** What a group reads before its checks: its plans, and the facts the checks need, in one snapshot. */
export interface GroupRead {
  plans: Map<string, ReadPlan>;
  /** Rows of the caller's access query (`pairDecisionsQuery(…).digested`). */
  accessRows: unknown[];
  /** The same rows, kept: confirmed in the snapshot of the read (or, from memory, where each was last). */
  kept: KeptRelationship[];
  /** Owners of the Yjs client ids asked about, by plan (bindings committed before the read). */
  owners: Map<string, Map<number, string>>;
}

/**
 * The plans' rows, with the caller's access query and the owners of `clientIds` on these plans, in one
 * prepared statement: one round trip, planned once per connection. A clientUpdateId or binding another
 * instance stores after this read is refused by its unique key when this group stores, which undoes the
 * group's statement and has it stored again, reading afresh. Plans that do not exist yet are created from
 * the initial state (two more round trips, once per plan); an id that is no patient's gets no row.
 */
export async function readGroup(tx: StatementRunner, writes: GroupKeys[], clients: GroupClient[], access: Sql): Promise<GroupRead> {
  const ids = [...new Set(writes.map((w) => w.patientId))].sort();
  const askedAt = Date.now();
  const rows = await tx.run<{ part: 'plan' | 'access' | 'owner' | 'snapshot'; row: unknown }>(
    prepared(
      'care-plan-group-read',
      sql`with plans as (${selectPlans(ids, writes)}),
               access as (${access}),
               owners as (
                 select o.patient_id, o.client_id, o.user_id
                   from (select distinct * from unnest(${clients.map((c) => c.patientId)}::uuid[], ${clients.map((c) => c.clientId)}::bigint[])) w(patient_id, client_id)
                   join care_plan_client o using (patient_id, client_id))
          select 'plan' as part, to_jsonb(p) as row from plans p
          union all select 'access', to_jsonb(a) from access a
          union all select 'owner', to_jsonb(o) from owners o
          union all select 'snapshot', to_jsonb(${snapshotNow})`,
    ),
  );
  const part = <T>(name: string) => rows.filter((r) => r.part === name).map((r) => r.row as T);
  const plans = plansFrom(part<PlanRow>('plan'));
  const missing = ids.filter((id) => !plans.has(id));
  if (missing.length > 0) {
    await tx.run(createPlans(missing));
    for (const [id, plan] of plansFrom(await tx.run<PlanRow>(selectPlans(missing, writes)))) plans.set(id, plan);
  }
  const owners = new Map<string, Map<number, string>>();
  for (const r of part<OwnerRow>('owner')) {
    const plan = owners.get(r.patient_id) ?? new Map<number, string>();
    plan.set(Number(r.client_id), r.user_id);
    owners.set(r.patient_id, plan);
  }
  const accessRows = part('access');
  return { plans, accessRows, kept: keptRelationships(accessRows, part<string>('snapshot')[0]!, askedAt), owners };
}

interface PlanRow {
  patient_id: string;
  last_seq: string | number;
  updated_at: Date | string;
  updates_since_snapshot: number;
  known: Array<[string, number, string]>;
}

interface OwnerRow {
  patient_id: string;
  client_id: string | number;
  user_id: string;
}

/**
 * The plans' rows, each with the clientUpdateIds of its own writes already stored: one index probe per
 * write (at 1,000 editors a group of 400 writes over 90 plans probed every id of the group for every
 * plan, and this read took 220 ms of the group's 300).
 */
function selectPlans(ids: string[], writes: GroupKeys[]): Sql {
  return sql`select c.patient_id, c.last_seq, c.updated_at, c.updates_since_snapshot, coalesce(k.known, '[]'::json) as known
          from care_plan c
          left join (
            select u.patient_id, json_agg(json_build_array(u.client_update_id, u.seq, u.actor_id)) as known
              from unnest(${writes.map((w) => w.patientId)}::uuid[], ${writes.map((w) => w.clientUpdateId)}::text[]) w(patient_id, client_update_id)
              join care_plan_update u using (patient_id, client_update_id)
             group by u.patient_id) k using (patient_id)
         where c.patient_id = any(${ids}::uuid[])`;
}

/** A write of the group, as its plan's read needs it. */
export interface GroupKeys {
  patientId: string;
  clientUpdateId: string;
}

/** A Yjs client id a write of the group reaches on its plan. */
export interface GroupClient {
  patientId: string;
  clientId: number;
}

function plansFrom(rows: PlanRow[]): Map<string, ReadPlan> {
  return new Map(
    rows.map((r) => [
      r.patient_id,
      {
        lastSeq: Number(r.last_seq),
        updatedAt: new Date(r.updated_at),
        updatesSinceSnapshot: r.updates_since_snapshot,
        known: new Map(r.known.map(([id, seq, actorId]) => [id, { seq: Number(seq), actorId }])),
      },
    ]),
  );
}

const initialView = (() => {
  const doc = createCarePlanDoc();
  const view = materialise(doc);
  doc.destroy();
  return view;
})();

function createPlans(ids: string[]): Sql {
  const v = viewColumns(initialView);
  return sql`insert into care_plan (patient_id, snapshot, view, what_matters, goals, strategies, flare_up, medication, next_review_date, reviewer_id, active_goal_count)
        select p.id, ${Buffer.from(initialCarePlanUpdate)}::bytea, ${v.view}::jsonb, ${v.whatMatters}, ${v.goals}::jsonb, ${v.strategies}::jsonb, ${v.flareUp}::jsonb,
               ${v.medication}, ${v.nextReviewDate}::date, ${v.reviewerId}::uuid, ${v.activeGoalCount}::int
          from patient p where p.id = any(${ids}::uuid[])
        on conflict do nothing`;
}

/** One accepted update, in the order the plan applied it. */
export interface UpdateRow {
  patientId: string;
  update: Uint8Array;
  actorId: string;
  clientUpdateId: string;
  sections: string[];
  requestId: string;
}

/** The first use of a Yjs client id on a plan: from now on only this user may write with it there. */
export interface ClientBinding {
  patientId: string;
  clientId: number;
  userId: string;
}

/** A plan as the group leaves it. */
export interface PlanWrite {
  patientId: string;
  /** The plan's last seq as the group read it: the plan is written only if it is still that. */
  readSeq: number;
  view: CarePlanView;
  updatedBy: string;
  /** How many of `updates` are this plan's. */
  count: number;
  /** A fresh compacted snapshot, when one is due. */
  snapshot: Uint8Array | null;
}

/** What a group stored, and the snapshot its statement read in: `kept` rows it was given read the same there. */
export interface StoredGroup {
  rows: StoredRow[];
  snapshot: string;
}

export interface StoredRow {
  seq: number;
  patientId: string;
  clientUpdateId: string;
  createdAt: Date;
  actorName: string;
}

/**
 * In one statement: the update rows (seqs in the order given), each plan's row (last seq, typed view,
 * snapshot when due), the new client-id bindings, the audit entries, the care team's pending edit digest and timeline entry
 * and the NOTIFY that wakes the other instances (`<instanceId>:<patientId>:<seq>`). A plan written by
 * someone else since the group read it undoes the whole statement (40001, `isPlanMovedOn`); so does a
 * binding or clientUpdateId stored meanwhile (23505, see `readGroup`), a relationship the group decided on
 * from `kept` rows that no longer reads the same (40001), and one of `sessions` no longer live (28000).
 */
export async function storeGroup(
  tx: StatementRunner,
  instanceId: string,
  updates: UpdateRow[],
  plans: PlanWrite[],
  bindings: ClientBinding[],
  /** Sessions of the edits that the statement is to find live (see WriteSession). */
  sessions: readonly string[],
  kept: readonly KeptRelationship[] = [],
): Promise<StoredGroup> {
  const rows = await tx.run<{ seq: string; patient_id: string; client_update_id: string; created_at: Date; actor_name: string; plans_written: string; snapshot: string }>(prepared('care-plan-group-store', sql`with arg as (select ${groupJson(updates, plans)}::jsonb as j),
     input as (
       select (e->>'patientId')::uuid as patient_id, decode(e->>'update', 'base64') as update, (e->>'actorId')::uuid as actor_id,
              e->>'clientUpdateId' as client_update_id, e->>'sections' as sections, e->>'requestId' as request_id, ord
         from unnest(${elementsOf('updates')}) with ordinality as t(e, ord)),
     ins as (
       insert into care_plan_update (patient_id, update, actor_id, client_update_id, sections)
       select patient_id, update, actor_id, client_update_id, string_to_array(sections, ',') from input order by ord
       returning seq, patient_id, client_update_id, actor_id, created_at),
     newest as materialized (
       select array_agg(patient_id) as plan_ids, array_agg(seq) as seqs, array_agg(at) as ats
         from (select patient_id, max(seq) as seq, max(created_at) as at from ins group by patient_id) n),
     plans as (
       select (e->>'patientId')::uuid as patient_id, t.view, t.what_matters, e->'view'->'goals' as goals,
              e->'view'->'strategies' as strategies, e->'view'->'flareUp' as flare_up, e->'view'->>'medication' as medication,
              (e->'view'->'review'->>'nextReviewDate')::date as next_review_date, (e->'view'->'review'->>'reviewerId')::uuid as reviewer_id,
              (e->>'activeGoalCount')::int as active_goal_count, decode(e->>'snapshot', 'base64') as snapshot, (e->>'count')::int as n,
              (e->>'updatedBy')::uuid as updated_by, (e->>'readSeq')::bigint as read_seq
         -- "What matters" comes as its runs only (see withoutPlainText): the plain text is their inserts joined.
         from unnest(${elementsOf('plans')}) e, lateral (
                select e->'view' || jsonb_build_object('whatMatters', j.text) as view, j.text as what_matters
                  from (select coalesce(string_agg(r->>'insert', '' order by n), '') as text
                          from jsonb_array_elements(e->'view'->'whatMattersRuns') with ordinality x(r, n)) j) t),
     upd as (
       update care_plan c
          set last_seq = nw.seqs[i], updated_at = nw.ats[i], updated_by = p.updated_by,
              updates_since_snapshot = case when p.snapshot is null then c.updates_since_snapshot + p.n else 0 end,
              snapshot = coalesce(p.snapshot, c.snapshot),
              snapshot_seq = case when p.snapshot is null then c.snapshot_seq else nw.seqs[i] end,
              view = p.view, what_matters = p.what_matters, goals = p.goals, strategies = p.strategies, flare_up = p.flare_up,
              medication = p.medication, next_review_date = p.next_review_date, reviewer_id = p.reviewer_id, active_goal_count = p.active_goal_count
         -- Each plan finds its newest seq by position in one row of arrays: joined to a row per plan instead,
         -- the generic plan (ten rows expected of each list) scanned every plan's row for every plan, 9 ms of
         -- a 42 ms store at 1,000 editors (188 plans; auto_explain).
         from plans p, newest nw, array_position(nw.plan_ids, p.patient_id) i
        where c.patient_id = p.patient_id and c.last_seq = p.read_seq and i is not null
        returning c.patient_id, pg_notify(${CARE_PLAN_CHANNEL}, ${instanceId} || ':' || c.patient_id || ':' || nw.seqs[i])),
     audit as (
       insert into audit_entry (actor_id, action, patient_id, request_id, outcome, detail)
       select i.actor_id, ${PatientAction.EDIT_CARE_PLAN}, i.patient_id, i.request_id, ${AuditOutcome.ALLOWED}, jsonb_build_object('seq', s.seq, 'sections', to_jsonb(string_to_array(i.sections, ',')))
         from ins s join input i using (patient_id, client_update_id)),
     bound as (
       insert into care_plan_client (patient_id, client_id, user_id)
       select * from unnest(${bindings.map((b) => b.patientId)}::uuid[], ${bindings.map((b) => b.clientId)}::bigint[], ${bindings.map((b) => b.userId)}::uuid[])),
     editors as (
       select patient_id, array_agg(actor_id order by first) as editor_ids
         from (select patient_id, actor_id, min(ord) as first from input group by 1, 2) e group by patient_id),
     digest as (
       insert into care_plan_edit_digest (patient_id, editor_ids)
       select patient_id, editor_ids from editors
       ${digestMergeSql}),
     timeline as (
       insert into care_plan_timeline_pending (patient_id, from_seq, editor_ids)
       select e.patient_id, f.from_seq, e.editor_ids from editors e join (select patient_id, min(seq) as from_seq from ins group by patient_id) f using (patient_id)
       ${timelineMergeSql}),
     moved as (
       select care_plan_moved_on(array_agg(p.patient_id)) from plans p where not exists (select 1 from upd u where u.patient_id = p.patient_id)
       having count(*) > 0),
     changed as (${relationshipsChanged(kept)}),
     access_moved as (select care_plan_moved_on(array_agg(distinct patient_id)) from changed having count(*) > 0),
     sessions_ended as (select care_plan_sessions_ended(array_agg(e.id)) from (${endedSessionsAmong(sessions)}) e having count(*) > 0)
     select s.seq, s.patient_id, s.client_update_id, s.created_at, a.name as actor_name, (select count(*) from upd) as plans_written, ${snapshotNow} as snapshot,
            (select count(*) from moved) as moved, (select count(*) from access_moved) as access_moved, (select count(*) from sessions_ended) as sessions_ended
       from ins s join app_user a on a.id = s.actor_id`),
  );
  if (rows.length !== updates.length || (rows[0] && Number(rows[0].plans_written) !== plans.length)) {
    throw new Error('a care-plan group commit did not write every row it was given');
  }
  return {
    rows: rows.map((r) => ({ seq: Number(r.seq), patientId: r.patient_id, clientUpdateId: r.client_update_id, createdAt: new Date(r.created_at), actorName: r.actor_name })),
    snapshot: rows[0]!.snapshot,
  };
}

/**
 * The group's updates and plans as one JSON document, the store statement's one large parameter: each
 * view is turned into JSON once, inside it, and PostgreSQL parses it once. As some twenty arrays instead,
 * every view was turned into JSON twice (whole, and by section), then each element escaped for an array
 * literal and parsed again (making the parameters took 53 µs against 17 µs for a group of two plans).
 */
function groupJson(updates: UpdateRow[], plans: PlanWrite[]): string {
  const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  return JSON.stringify({
    updates: updates.map((u) => ({ patientId: u.patientId, update: base64(u.update), actorId: u.actorId, clientUpdateId: u.clientUpdateId, sections: u.sections.join(','), requestId: u.requestId })),
    plans: plans.map((p) => ({
      patientId: p.patientId,
      view: withoutPlainText(p.view),
      activeGoalCount: activeGoals(p.view),
      snapshot: p.snapshot ? base64(p.snapshot) : null,
      count: p.count,
      updatedBy: p.updatedBy,
      readSeq: p.readSeq,
    })),
  });
}

/**
 * A view as the group sends it: "what matters to me" only as its runs. The plain text is the runs' inserts
 * joined (see `runsOf`), so the store statement joins them again (its `plans` part) rather than carry every
 * plan's longest text twice: that text was most of a view, and so of the JSON made and parsed each group.
 */
function withoutPlainText(view: CarePlanView): Omit<CarePlanView, 'whatMatters'> {
  const { whatMatters, ...rest } = view;
  return rest;
}

/**
 * The elements of one of `arg`'s lists, as an array for `unnest`. The statement is prepared, and its generic
 * plan expects ten rows of `unnest` of an array it cannot see, where it expects a hundred of
 * `jsonb_array_elements`: expecting a hundred plans, it joined them to every row of care_plan by hash
 * (an index scan of the whole table, each group) instead of finding each plan by key (auto_explain).
 */
function elementsOf(list: 'updates' | 'plans'): Sql {
  return sql`array(select e from arg, jsonb_array_elements(arg.j->${sqlText(`'${list}'`)}) with ordinality x(e, n) order by n)`;
}

function activeGoals(view: CarePlanView): number {
  return view.goals.filter((g) => g.status === 'ACTIVE').length;
}

/** The materialised view as the care_plan row's columns. */
function viewColumns(view: CarePlanView) {
  return {
    view: JSON.stringify(view),
    whatMatters: view.whatMatters,
    goals: JSON.stringify(view.goals),
    strategies: JSON.stringify(view.strategies),
    flareUp: JSON.stringify(view.flareUp),
    medication: view.medication,
    nextReviewDate: view.review.nextReviewDate,
    reviewerId: view.review.reviewerId,
    activeGoalCount: activeGoals(view),
  };
}
