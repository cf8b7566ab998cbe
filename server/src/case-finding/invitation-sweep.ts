import type { EntityManager } from '@mikro-orm/postgresql';
import { channelWords } from '@cairn/schema/words';
import { decidePairs, PatientAction, triagersOf } from '../access/policy.js';
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

type Due = { id: string; patient_id: string; sent_by_id: string; sent_by_name: string; search_id: string; patient_name: string; channel: string };

/**
 * Follows up unanswered invitations, in two steps so the coach always hears first: a reminder to the coach who
 * sent it `reminderLeadDays` before it is due, then NO_RESPONSE once it is due and the reminder is at least
 * `reminderLeadDays` old. An invitation overtaken by a referral made another way (the patient's GP referred
 * them) is closed as REFERRED instead, linked to that referral, and never chased. Safe on every instance at
 * once: rows are claimed (`for update skip locked`) and changed in the same transaction as their events and
 * notifications. Returns what it did.
 */
export async function followUpInvitations(em: EntityManager, timings: InvitationTimings): Promise<{ reminded: number; noResponse: number; referred: number }> {
  const remindAfterDays = Math.max(0, timings.noResponseDays - timings.reminderLeadDays);
  return em.transactional(async (tx) => {
    // First, so that no reminder or "did not answer" goes out about a patient who is referred or on the programme.
    const referred = await closeReferredInvitations(tx);
    const toRemind = await runSql<Due>(
      tx,
      sql`${dueColumns} where i.status = 'INVITED' and i.reminded_at is null and i.sent_at <= now() - make_interval(days => ${remindAfterDays}::int)
          order by i.sent_at limit 200 for update of i skip locked`,
    );
    for (const d of toRemind) {
      await runSql(tx, sql`update invitation set reminded_at = now() where id = ${d.id}::uuid`);
      const { to, whose } = await followersOf(tx, d);
      await notify(tx, to, {
        kind: NotificationKind.INVITATION_REMINDER,
        patientId: d.patient_id,
        title: `No answer yet from ${d.patient_name} to ${whose} invitation`,
        body: `Sent by ${channelWords(d.channel)}. Unless an answer is recorded it will be marked "no response" in ${timings.reminderLeadDays} days.`,
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
      const { to, whose } = await followersOf(tx, d);
      await notify(tx, to, {
        kind: NotificationKind.INVITATION_NO_RESPONSE,
        patientId: d.patient_id,
        title: `${d.patient_name} did not answer ${whose} invitation`,
        body: `Marked "no response" ${timings.noResponseDays} days after it was sent by ${channelWords(d.channel)}.`,
        link: links.caseFinding(d.search_id),
        actorId: null,
      });
    }
    return { reminded: toRemind.length, noResponse: toClose.length, referred };
  });
}

const dueColumns = sql`select i.id, i.patient_id, i.sent_by_id, s.name as sent_by_name, i.search_id, i.channel, p.given_name || ' ' || p.family_name as patient_name
                         from invitation i join patient p on p.id = i.patient_id join app_user s on s.id = i.sent_by_id`;

/**
 * Closes as REFERRED, linked to the referral, each open invitation whose patient was referred after it was sent
 * (by their GP, say): the question it asked is answered, and chasing it would tell the coach the patient never
 * replied when they are awaiting triage or on the programme. Returns how many were closed.
 */
async function closeReferredInvitations(tx: EntityManager): Promise<number> {
  const overtaken = await runSql<{ id: string; patient_id: string; referral_id: string }>(
    tx,
    sql`select i.id, i.patient_id, r.id as referral_id
          from invitation i
          join lateral (select r.id from referral r where r.patient_id = i.patient_id and r.received_at >= i.sent_at order by r.received_at desc limit 1) r on true
         where i.status = 'INVITED'
         order by i.sent_at limit 200 for update of i skip locked`,
  );
  for (const o of overtaken) {
    await runSql(tx, sql`update invitation set status = 'REFERRED', status_at = now(), referral_id = ${o.referral_id}::uuid where id = ${o.id}::uuid`);
    await appendEvent(tx, { patientId: o.patient_id, kind: 'INVITATION_ANSWERED', actorId: null, payload: { invitationId: o.id, status: 'REFERRED', referralId: o.referral_id } });
  }
  return overtaken.length;
}

/**
 * Who hears about an unanswered invitation: the coach who sent it while they may still act on it (an active
 * coach of the patient's PCN, INVITE; they need not be able to open the record), otherwise those who may
 * triage the patient, so that a coach who has left or moved PCN is neither told nor the only one who could be.
 */
async function followersOf(tx: EntityManager, d: Due): Promise<{ to: string[]; whose: string }> {
  const sender = { patientId: d.patient_id, userId: d.sent_by_id };
  if ((await decidePairs(tx, [sender])).allows(sender, PatientAction.INVITE)) return { to: [d.sent_by_id], whose: 'your' };
  return { to: await triagersOf(tx, d.patient_id), whose: `${d.sent_by_name}'s` };
}

export function invitationSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  const timings = invitationTimings(config);
  return new PeriodicSweep('invitation follow-up', config.invitationSweepMs, logger, () => followUpInvitations(orm.em.fork(), timings));
}
