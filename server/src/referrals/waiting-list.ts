import type { EntityManager } from '@mikro-orm/postgresql';
import { isWorkingDay } from '../handover/working-days.js';
import { runSql, sql } from '../platform/sql.js';
import { Referral, ReferralStatus } from './referral.entity.js';
import { WaitingStage, type WaitingList, type WaitingListEntry } from './referral.types.js';
import { addDays, ukDate } from '../platform/uk-dates.js';

/**
 * The default breach threshold: 18 weeks from referral to treatment, the NHS referral-to-treatment (RTT)
 * standard in the NHS Constitution for England ("access to services within maximum waiting times … starting
 * consultant-led treatment within a maximum of 18 weeks from referral"). The clock runs from receipt of the
 * referral until the patient is first seen; configurable as CAIRN_REFERRAL_BREACH_WEEKS.
 */
export const NHS_RTT_STANDARD_WEEKS = 18;

/**
 * "Accepted but not yet seen", as SQL over `referral r`: the one place this is decided. Seen means an ATTENDED
 * coaching session (the sessions domain's `coaching_session`) starting at or after the acceptance, or
 * `first_seen_at` recorded on the referral (a first contact made outside Cairn's diary). A discharge after
 * the acceptance ends the wait too: the episode is over.
 */
export const acceptedNotYetSeen = sql`(r.status = 'ACCEPTED' and r.first_seen_at is null and r.episode_ended_at is null
  and not exists (select 1 from coaching_session s where s.patient_id = r.patient_id and s.status = 'ATTENDED' and s.starts_at >= r.triaged_at)
  and not exists (select 1 from discharge d where d.patient_id = r.patient_id and d.signed_at >= r.triaged_at))`;

/** Waiting: not yet triaged, or accepted and not yet seen. */
const waiting = sql`(r.status = 'RECEIVED' or ${acceptedNotYetSeen})`;

/** The waiting list of a PCN's patients, oldest referral first, each with its wait and breach flag as of `now`. */
export async function waitingList(em: EntityManager, pcnId: string, breachWeeks: number, now = new Date()): Promise<WaitingList> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select r.id from referral r join patient p on p.id = r.patient_id join organisation po on po.id = p.practice_id
         where coalesce(po.pcn_id, po.id) = ${pcnId}::uuid and ${waiting}
         order by r.received_at, r.id
         limit 500`,
  );
  const byId = new Map(
    (await em.find(Referral, { id: { $in: rows.map((r) => r.id) } }, { populate: ['referrer', 'triagedBy', 'assignedCoach'] })).map((r) => [r.id, r]),
  );
  const entries = rows.flatMap((r) => {
    const referral = byId.get(r.id);
    return referral ? [waitingEntry(referral, breachWeeks, now)] : [];
  });
  return { breachWeeks, entries };
}

/** One referral's wait as of `now`: working days for people, calendar weeks for the breach (as RTT counts them). */
export function waitingEntry(referral: Referral, breachWeeks: number, now: Date): WaitingListEntry {
  // The breach falls on the UK day `breachWeeks` weeks after the day the referral was received.
  const breachOn = addDays(ukDate(referral.receivedAt), breachWeeks * 7);
  return {
    referral,
    stage: referral.status === ReferralStatus.RECEIVED ? WaitingStage.AWAITING_TRIAGE : WaitingStage.AWAITING_FIRST_CONTACT,
    waitedWorkingDays: workingDaysBetween(referral.receivedAt, now),
    waitedWeeks: Math.max(0, Math.floor((now.getTime() - referral.receivedAt.getTime()) / (7 * 86_400_000))),
    breachOn,
    breached: ukDate(now) >= breachOn,
  };
}

/**
 * Working days after `from`'s day up to and including `to`'s day (England and Wales, as the handover
 * escalation counts them), the days being the UK's: a referral received at 00:20 in summer came on that day.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  const day = new Date(`${ukDate(from)}T00:00:00Z`);
  const last = Date.parse(`${ukDate(to)}T00:00:00Z`);
  let count = 0;
  for (day.setUTCDate(day.getUTCDate() + 1); day.getTime() <= last; day.setUTCDate(day.getUTCDate() + 1)) if (isWorkingDay(day)) count++;
  return count;
}
