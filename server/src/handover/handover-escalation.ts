import type { EntityManager } from '@mikro-orm/postgresql';
import { escalationWait, handoverUrgencies, urgencyLabels, type EscalationTimings, type HandoverUrgency } from '@cairn/schema/handover-urgency';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { addWorkingDays } from './working-days.js';
import { joinSql, runSql, sql } from '../platform/sql.js';

/** The instance's escalation settings in the shared definition's terms (what the web's hints are written from). */
export function escalationTimings(config: Pick<Config, 'handoverUrgentEscalationSeconds' | 'handoverSoonEscalationWorkingDays'>): EscalationTimings {
  return { urgentEscalationSeconds: config.handoverUrgentEscalationSeconds, soonEscalationWorkingDays: config.handoverSoonEscalationWorkingDays };
}

/** When a handover of `urgency` posted at `createdAt` is due to escalate, or null when it never does. */
export function escalationDueAt(urgency: HandoverUrgency, createdAt: Date, timings: EscalationTimings): Date | null {
  const wait = escalationWait(urgency, timings);
  if (!wait) return null;
  return wait.unit === 'seconds' ? new Date(createdAt.getTime() + wait.amount * 1000) : addWorkingDays(createdAt, wait.amount);
}

/**
 * Escalates every handover that has waited too long for acknowledgement, by the shared rules
 * (`@cairn/schema/handover-urgency`): only the urgencies those rules escalate, after their wait. Safe to run on
 * every instance at once: rows are claimed with `for update skip locked` and marked escalated in the same
 * transaction as the events and notifications.
 */
export async function escalateDueHandovers(em: EntityManager, timings: EscalationTimings): Promise<number> {
  // A calendar-time lower bound per escalating urgency narrows the query; working days are checked below.
  const bounds = handoverUrgencies.flatMap((urgency) => {
    const wait = escalationWait(urgency, timings);
    return wait ? [{ urgency, seconds: wait.unit === 'seconds' ? wait.amount : wait.amount * 86_400 }] : [];
  });
  if (bounds.length === 0) return 0;
  return em.transactional(async (tx) => {
    // The clock runs from posting, or from the moment a service lead handed the patient to a new lead.
    const overdue = joinSql(
      bounds.map((b) => sql`(n.urgency = ${b.urgency} and coalesce(n.escalation_clock_from, n.created_at) <= now() - make_interval(secs => ${b.seconds}))`),
      ' or ',
    );
    const candidates = await runSql<{ id: string; patient_id: string; urgency: HandoverUrgency; clock_from: string; summary: string; now: string; patient_name: string }>(
      tx,
      sql`select n.id, n.patient_id, n.urgency, coalesce(n.escalation_clock_from, n.created_at) as clock_from, n.summary, now() as now,
                 p.given_name || ' ' || p.family_name as patient_name
            from handover_note n join patient p on p.id = n.patient_id
           where n.acknowledged_at is null and (n.escalated_at is null or n.escalation_outcome = 'LEAD_REASSIGNED') and (${overdue})
           order by n.created_at
           limit 100
           for update of n skip locked`,
    );
    let escalated = 0;
    for (const c of candidates) {
      const due = escalationDueAt(c.urgency, new Date(c.clock_from), timings);
      if (!due || due > new Date(c.now)) continue;
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
      escalated++;
    }
    return escalated;
  });
}

export function handoverEscalationSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const timings = escalationTimings(config);
  return new PeriodicSweep('handover escalation', config.escalationSweepMs, logger, () => escalateDueHandovers(orm.em.fork(), timings));
}
