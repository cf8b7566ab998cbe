import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { runSql, sql } from '../platform/sql.js';

/** When an unanswered invitation is followed up. */
export interface InvitationTimings {
  /** Days after sending at which an unanswered invitation becomes NO_RESPONSE. */
  noResponseDays: number;
  /** Days before that at which the inviting coach is reminded; NO_RESPONSE never comes sooner than this after the reminder. */
  reminderLeadDays: number;
}

export function invitationTimings(config: Pick<Config, 'invitationNoResponseDays' | 'invitationReminderLeadDays'>): InvitationTimings {
  return { noResponseDays: config.invitationNoResponseDays, reminderLeadDays: config.invitationReminderLeadDays };
}

type Due = { id: string; patient_id: string; sent_by_id: string; search_id: string; patient_name: string; channel: string };

/**
 * Follows up unanswered invitations, in two steps so the coach always hears first: a reminder to the coach who
 * sent it `reminderLeadDays` before it is due, then NO_RESPONSE once it is due and the reminder is at least
 * `reminderLeadDays` old. Safe on every instance at once: rows are claimed (`for update skip locked`) and
 * changed in the same transaction as their events and notifications. Returns what it did.
 */
export async function followUpInvitations(em: EntityManager, timings: InvitationTimings): Promise<{ reminded: number; noResponse: number }> {
  const remindAfterDays = Math.max(0, timings.noResponseDays - timings.reminderLeadDays);
  return em.transactional(async (tx) => {
    const toRemind = await runSql<Due>(
      tx,
      sql`${dueColumns} where i.status = 'INVITED' and i.reminded_at is null and i.sent_at <= now() - make_interval(days => ${remindAfterDays}::int)
          order by i.sent_at limit 200 for update of i skip locked`,
    );
    for (const d of toRemind) {
      await runSql(tx, sql`update invitation set reminded_at = now() where id = ${d.id}::uuid`);
      await notify(tx, [d.sent_by_id], {
        kind: NotificationKind.INVITATION_REMINDER,
        patientId: d.patient_id,
        title: `No answer yet from ${d.patient_name} to your invitation`,
        body: `Sent by ${d.channel.toLowerCase()}. Unless an answer is recorded it will be marked "no response" in ${timings.reminderLeadDays} days.`,
        link: links.caseFinding(d.search_id),
        actorId: null,
      });
    }
    const toClose = await runSql<Due>(
      tx,
      sql`${dueColumns} where i.status = 'INVITED' and i.reminded_at is not null
            and i.sent_at <= now() - make_interval(days => ${timings.noResponseDays}::int)
            and i.reminded_at <= now() - make_interval(days => ${timings.reminderLeadDays}::int)
          order by i.sent_at limit 200 for update of i skip locked`,
    );
    for (const d of toClose) {
      await runSql(tx, sql`update invitation set status = 'NO_RESPONSE', status_at = now() where id = ${d.id}::uuid`);
      await appendEvent(tx, { patientId: d.patient_id, kind: 'INVITATION_ANSWERED', actorId: null, payload: { invitationId: d.id, status: 'NO_RESPONSE', referralId: null } });
      await notify(tx, [d.sent_by_id], {
        kind: NotificationKind.INVITATION_NO_RESPONSE,
        patientId: d.patient_id,
        title: `${d.patient_name} did not answer your invitation`,
        body: `Marked "no response" ${timings.noResponseDays} days after it was sent by ${d.channel.toLowerCase()}.`,
        link: links.caseFinding(d.search_id),
        actorId: null,
      });
    }
    return { reminded: toRemind.length, noResponse: toClose.length };
  });
}

const dueColumns = sql`select i.id, i.patient_id, i.sent_by_id, i.search_id, i.channel, p.given_name || ' ' || p.family_name as patient_name
                         from invitation i join patient p on p.id = i.patient_id`;

export function invitationSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const timings = invitationTimings(config);
  return new PeriodicSweep('invitation follow-up', config.invitationSweepMs, logger, () => followUpInvitations(orm.em.fork(), timings));
}
