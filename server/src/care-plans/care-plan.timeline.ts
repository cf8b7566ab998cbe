import type { EntityManager } from '@mikro-orm/postgresql';
import { allSections, type CarePlanSection } from '@cairn/schema/care-plan';
import { appendEvent } from '../events/event-log.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { runSql, sql, uuidArray } from '../platform/sql.js';

/**
 * How a plan's pending timeline entry takes in more edits: editors appended once each, in the order they
 * first edited, and the quiet period starts again (the entry's first seq and first edit stay). The
 * care-plan group commit inserts its rows with this clause.
 */
export const timelineMergeSql = sql`on conflict (patient_id) do update
       set editor_ids = array(select e from unnest(care_plan_timeline_pending.editor_ids || excluded.editor_ids) with ordinality t(e, i) group by e order by min(i)),
           last_edit_at = now()`;

/** When a timeline entry is due: after `quietMs` without an edit, or `maxWaitMs` after the spell's first edit however busy. */
export interface TimelineTiming {
  quietMs: number;
  maxWaitMs: number;
}

export function timelineTiming(config: Pick<Config, 'carePlanTimelineQuietMs'>): TimelineTiming {
  return { quietMs: config.carePlanTimelineQuietMs, maxWaitMs: 2 * config.carePlanTimelineQuietMs };
}

/**
 * Appends one CARE_PLAN_REVISED event for each plan whose spell of editing is due, naming its editors and
 * the sections changed. Safe on several instances at once (rows are claimed with `skip locked` and
 * deleted in the same transaction as the event is appended).
 */
export async function appendDueCarePlanRevisions(em: EntityManager, timing: TimelineTiming): Promise<number> {
  return em.transactional(async (tx) => {
    const due = await runSql<{ patient_id: string; from_seq: string; editor_ids: string[] | string }>(
      tx,
      sql`delete from care_plan_timeline_pending t
           where t.patient_id in (
             select patient_id from care_plan_timeline_pending
              where last_edit_at <= now() - make_interval(secs => ${timing.quietMs / 1000})
                 or first_edit_at <= now() - make_interval(secs => ${timing.maxWaitMs / 1000})
              for update skip locked limit 100)
           returning t.patient_id, t.from_seq, t.editor_ids`,
    );
    for (const d of due) await appendRevision(tx, d.patient_id, Number(d.from_seq), uuidArray(d.editor_ids));
    return due.length;
  });
}

/**
 * Closes a plan's open spell of editing now, so that a sign-off follows the edits it signs on the timeline
 * rather than preceding an entry that arrives after the quiet period. Waits for a sweep that holds the row.
 */
export async function appendPendingCarePlanRevision(tx: EntityManager, patientId: string): Promise<void> {
  const [d] = await runSql<{ from_seq: string; editor_ids: string[] | string }>(
    tx,
    sql`delete from care_plan_timeline_pending where patient_id = ${patientId} returning from_seq, editor_ids`,
  );
  if (d) await appendRevision(tx, patientId, Number(d.from_seq), uuidArray(d.editor_ids));
}

async function appendRevision(tx: EntityManager, patientId: string, fromSeq: number, editorIds: string[]): Promise<void> {
  const [plan] = await runSql<{ last_seq: string }>(tx, sql`select last_seq from care_plan where patient_id = ${patientId}`);
  const revision = Number(plan?.last_seq ?? 0);
  const [touched] = await runSql<{ sections: string[] | null }>(
    tx,
    sql`select array_agg(distinct s) as sections from care_plan_update u cross join unnest(u.sections) s
         where u.patient_id = ${patientId} and u.seq between ${fromSeq} and ${revision}`,
  );
  const sections = sectionsInOrder(touched?.sections ?? []);
  await appendEvent(tx, {
    patientId,
    kind: 'CARE_PLAN_REVISED',
    actorId: editorIds[0] ?? null,
    payload: { carePlanId: patientId, revision, fromRevision: fromSeq, editorIds, sections },
  });
}

function sectionsInOrder(names: string[]): CarePlanSection[] {
  return allSections.filter((s) => names.includes(s));
}

/** Every instance looks often enough that an entry comes within a minute of the edits (20 s quiet, by default). */
export function carePlanTimelineSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const timing = timelineTiming(config);
  const every = Math.max(50, Math.min(10_000, Math.ceil(timing.quietMs / 2)));
  return new PeriodicSweep('care-plan timeline', every, logger, () => appendDueCarePlanRevisions(orm.em.fork(), timing));
}

