import type { EntityManager } from '@mikro-orm/postgresql';
import { escalationWait, handoverUrgencies, urgencyLabels, type EscalationTimings, type HandoverUrgency } from '@cairn/schema/handover-urgency';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { addWorkingDays, workingDayWaitsNotYetOver } from './working-days.js';
import { joinSql, runSql, sql, type Sql } from '../platform/sql.js';

/** The instance's escalation settings in the shared definition's terms (what the web's hints are written from). */
export function escalationTimings(config: Pick<Config, 'handoverUrgentEscalationSeconds' | 'handoverSoonEscalationWorkingDays'>): EscalationTimings {
  return { urgentEscalationSeconds: config.handoverUrgentEscalationSeconds, soonEscalationWorkingDays: config.handoverSoonEscalationWorkingDays };
}

/** When a handover of `urgency` posted at `createdAt` is due to escalate, or null when it never does (the sweep decides the same in its query). */
export function escalationDueAt(urgency: HandoverUrgency, createdAt: Date, timings: EscalationTimings): Date | null {
  const wait = escalationWait(urgency, timings);
  if (!wait) return null;
  return wait.unit === 'seconds' ? new Date(createdAt.getTime() + wait.amount * 1000) : addWorkingDays(createdAt, wait.amount);
}

/** When a note's escalation clock started: at posting, or when a service lead handed the patient to a new lead. */
const clockFrom = sql`coalesce(n.escalation_clock_from, n.created_at)`;

/** How many notes one sweep escalates at most: the next sweep takes the rest. */
const BATCH = 100;

/**
 * Escalates every handover that has waited too long for acknowledgement, by the shared rules
 * (`@cairn/schema/handover-urgency`): only the urgencies those rules escalate, after their wait. Safe to run on
 * every instance at once: rows are claimed with `for update skip locked` and marked escalated in the same
 * transaction as the events and notifications.
 */
export async function escalateDueHandovers(em: EntityManager, timings: EscalationTimings): Promise<number> {
  const waits = handoverUrgencies.flatMap((urgency) => {
    const wait = escalationWait(urgency, timings);
    return wait ? [{ urgency, ...wait }] : [];
  });
  if (waits.length === 0) return 0;
  return em.transactional(async (tx) => {
    // The database's clock, as every other comparison here uses: the working-day waits are counted to its day.
    const [{ ms }] = await runSql<{ ms: number }>(tx, sql`select (extract(epoch from now()) * 1000)::float8 as ms`);
    const now = new Date(ms);
    const due = joinSql(
      waits.map((w) => (w.unit === 'seconds' ? secondsOver(w.urgency, w.amount) : workingDaysOver(w.urgency, w.amount, now))),
      ' or ',
    );
    // Only notes already due are claimed, most urgent first, then the longest waiting: notes not yet due (a
    // weekend's SOON notes) never fill the batch, so an URGENT note is never kept waiting behind them.
    const candidates = await runSql<{ id: string; patient_id: string; urgency: HandoverUrgency; summary: string; patient_name: string }>(
      tx,
      sql`select n.id, n.patient_id, n.urgency, n.summary, p.given_name || ' ' || p.family_name as patient_name
            from handover_note n join patient p on p.id = n.patient_id
           where n.acknowledged_at is null and (n.escalated_at is null or n.escalation_outcome = 'LEAD_REASSIGNED') and (${due})
           order by array_position(${[...handoverUrgencies]}::text[], n.urgency), ${clockFrom}
           limit ${BATCH}
           for update of n skip locked`,
    );
    for (const c of candidates) await escalate(tx, c);
    return candidates.length;
  });
}

/** Due: an `urgency` note whose clock started at least `seconds` ago. */
function secondsOver(urgency: HandoverUrgency, seconds: number): Sql {
  return sql`(n.urgency = ${urgency} and ${clockFrom} <= now() - make_interval(secs => ${seconds}))`;
}

/**
 * Due: an `urgency` note whose wait of `days` working days has run out, decided in the query (a wait lasts a
 * number of calendar days set by the UTC day it started on), so notes not yet due are never claimed. The
 * calendar bound alone narrows the search; days not listed have run out already.
 */
function workingDaysOver(urgency: HandoverUrgency, days: number, now: Date): Sql {
  const notYetOver = workingDayWaitsNotYetOver(now, days);
  const calendarDays = sql`coalesce((select w.calendar_days from unnest(${notYetOver.map((w) => w.day)}::date[], ${notYetOver.map((w) => w.calendarDays)}::int[]) as w(day, calendar_days)
                                      where w.day = (${clockFrom} at time zone 'UTC')::date), 0)`;
  return sql`(n.urgency = ${urgency} and ${clockFrom} <= now() - make_interval(secs => ${days * 86_400})
              and ${clockFrom} <= now() - make_interval(secs => 86400 * ${calendarDays}))`;
}

/** Marks one claimed note escalated and tells the PCN's active service leads, in the sweep's transaction. */
async function escalate(tx: EntityManager, c: { id: string; patient_id: string; urgency: HandoverUrgency; summary: string; patient_name: string }): Promise<void> {
  const leads = await runSql<{ id: string }>(
    tx,
    sql`select u.id from app_user u join organisation o on o.id = u.organisation_id
         where u.role = 'SERVICE_LEAD' and u.active
           and coalesce(o.pcn_id, o.id) = (select coalesce(po.pcn_id, po.id) from patient p join organisation po on po.id = p.practice_id where p.id = ${c.patient_id})`,
  );
  // A re-escalation (the reassigned lead did not acknowledge in time either) opens the escalation again.
  await runSql(
    tx,
    sql`update handover_note set escalated_at = now(), escalation_handled_at = null, escalation_handled_by_id = null, escalation_outcome = null, escalation_note = null
         where id = ${c.id}`,
  );
  const leadIds = leads.map((l) => l.id);
  await appendEvent(tx, { patientId: c.patient_id, kind: 'HANDOVER_ESCALATED', actorId: null, payload: { handoverId: c.id, urgency: c.urgency, escalatedTo: leadIds } });
  await notify(tx, leadIds, {
    kind: NotificationKind.HANDOVER_ESCALATED,
    patientId: c.patient_id,
    title: `${urgencyLabels[c.urgency]} handover for ${c.patient_name} not yet acknowledged`,
    body: c.summary.length > 140 ? c.summary.slice(0, 139) + '…' : c.summary,
    link: links.handover(c.patient_id, c.id),
    actorId: null,
  });
}

export function handoverEscalationSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const timings = escalationTimings(config);
  return new PeriodicSweep('handover escalation', config.escalationSweepMs, logger, () => escalateDueHandovers(orm.em.fork(), timings));
}
