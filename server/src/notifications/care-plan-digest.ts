import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent } from '../events/event-log.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { runSql, sql, uuidArray } from '../platform/sql.js';
import { NotificationKind } from './notification.entity.js';
import { links, notify } from './notification.service.js';

/**
 * How a plan's pending digest takes in more editors: appended once each, in the order they first edited,
 * and the quiet period starts again. The care-plan write path inserts its rows with this same clause.
 */
export const digestMergeSql = sql`on conflict (patient_id) do update
       set editor_ids = array(select e from unnest(care_plan_edit_digest.editor_ids || excluded.editor_ids) with ordinality t(e, i) group by e order by min(i)),
           last_edit_at = now()`;

/**
 * Notes that `editorId` edited `patientId`'s care plan (inside `em`'s transaction if there is one). Nobody
 * is notified now: edits are gathered, and one notification per plan goes out once the plan has been
 * quiet for `carePlanDigestQuietMs` — never one per keystroke.
 */
export async function recordCarePlanEdit(em: EntityManager, patientId: string, editorId: string): Promise<void> {
  await runSql(em, sql`insert into care_plan_edit_digest (patient_id, editor_ids) values (${patientId}, array[${editorId}::uuid]) ${digestMergeSql}`);
}

/**
 * Sends every digest whose plan has gone quiet: each care-team member hears who else edited. Safe on
 * several instances at once (rows are claimed with `skip locked` and deleted in the same transaction).
 */
export async function sendDueCarePlanDigests(em: EntityManager, quietMs: number): Promise<number> {
  return em.transactional(async (tx) => {
    const due = await runSql<{ patient_id: string; editor_ids: string[]; patient_name: string }>(
      tx,
      sql`delete from care_plan_edit_digest d using patient p
           where p.id = d.patient_id and d.patient_id in (
             select patient_id from care_plan_edit_digest where last_edit_at <= now() - make_interval(secs => ${quietMs / 1000}) for update skip locked limit 100)
           returning d.patient_id, d.editor_ids, p.given_name || ' ' || p.family_name as patient_name`,
    );
    // The timeline's entry for these edits comes sooner, on its own (care-plans/care-plan.timeline.ts).
    for (const d of due) {
      const editorIds = uuidArray(d.editor_ids);
      const names = new Map(
        (await runSql<{ id: string; name: string }>(tx, sql`select id, name from app_user where id = any(${editorIds}::uuid[])`)).map((r) => [r.id, r.name]),
      );
      const team = await runSql<{ user_id: string }>(tx, sql`select user_id from care_team_member where patient_id = ${d.patient_id}`);
      for (const { user_id: memberId } of team) {
        const others = editorIds.filter((id) => id !== memberId).map((id) => names.get(id) ?? 'someone');
        if (others.length === 0) continue;
        await notify(tx, [memberId], {
          kind: NotificationKind.CARE_PLAN_EDITED,
          patientId: d.patient_id,
          title: `${d.patient_name}'s care plan was edited by ${listOf(others)}`,
          body: 'See what changed in the plan history.',
          link: links.carePlan(d.patient_id),
          actorId: null,
        });
      }
    }
    return due.length;
  });
}

/** For the care-plan code: tells the care team (but not the signer) that the plan was signed off. */
export async function notifyCarePlanSignedOff(em: EntityManager, input: { patientId: string; carePlanId: string; signedOffBy: { id: string; name: string } }): Promise<void> {
  const run = async (tx: EntityManager) => {
    const rows = await runSql<{ user_id: string; patient_name: string }>(
      tx,
      sql`select m.user_id, p.given_name || ' ' || p.family_name as patient_name from care_team_member m join patient p on p.id = m.patient_id where m.patient_id = ${input.patientId}`,
    );
    await appendEvent(tx, { patientId: input.patientId, kind: 'CARE_PLAN_SIGNED_OFF', actorId: input.signedOffBy.id, payload: { carePlanId: input.carePlanId } });
    await notify(
      tx,
      rows.map((r) => r.user_id),
      {
        kind: NotificationKind.CARE_PLAN_SIGNED_OFF,
        patientId: input.patientId,
        title: `${input.signedOffBy.name} signed off ${rows[0]?.patient_name ?? 'the patient'}'s care plan`,
        body: 'The signed-off plan is ready to share.',
        link: links.carePlan(input.patientId),
        actorId: input.signedOffBy.id,
      },
    );
  };
  if (em.isInTransaction()) await run(em);
  else await em.transactional(run);
}

export function carePlanDigestSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const every = Math.max(50, Math.min(config.escalationSweepMs, Math.ceil(config.carePlanDigestQuietMs / 4)));
  return new PeriodicSweep('care-plan edit digest', every, logger, () => sendDueCarePlanDigests(orm.em.fork(), config.carePlanDigestQuietMs));
}


function listOf(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
