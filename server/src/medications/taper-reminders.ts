import type { EntityManager } from '@mikro-orm/postgresql';
import { readersAmong } from '../access/policy.js';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { runSql, sql } from '../platform/sql.js';
import { teamGpIds } from './taper.service.js';

interface DueStep {
  id: string;
  proposal_id: string;
  position: number;
  steps: number;
  start_date: string;
  words: string;
  patient_id: string;
  patient_name: string;
  medicine_name: string;
  proposed_by_id: string;
  decided_by_id: string;
}

/**
 * Reminds the practitioner who proposed a running taper and the GP who approved it when a step falls due
 * (its start date has come, in the UK), once per step, with an entry on the patient's timeline; or, when
 * neither may still open the patient's record, the GPs on the care team (`recipientsOf`). A paused
 * taper is not reminded; when it resumes, the latest step that fell due meanwhile is the one reminded (the
 * earlier ones are marked as passed, so nobody is told to give a dose the taper has already gone below).
 * Safe on every instance at once: steps are claimed with `skip locked` and marked in the same transaction.
 */
export async function remindDueTaperSteps(em: EntityManager): Promise<number> {
  return em.transactional(async (tx) => {
    const due = await runSql<DueStep>(
      tx,
      sql`select s.id, s.proposal_id, s.position, to_char(s.start_date, 'YYYY-MM-DD') as start_date, s.words,
                 (select count(*) from taper_step x where x.proposal_id = s.proposal_id)::int as steps,
                 mp.patient_id, mp.medicine_name, mp.proposed_by_id, mp.decided_by_id, p.given_name || ' ' || p.family_name as patient_name
            from taper_step s
            join medication_proposal mp on mp.id = s.proposal_id
            join patient p on p.id = mp.patient_id
           where s.reminded_at is null and mp.status = 'APPROVED' and s.start_date <= (now() at time zone 'Europe/London')::date
           order by s.proposal_id, s.position
           limit 500
           for update of s skip locked`,
    );
    if (due.length === 0) return 0;
    await runSql(tx, sql`update taper_step set reminded_at = now() where id = any(${due.map((d) => d.id)}::uuid[])`);
    const latest = new Map<string, DueStep>();
    for (const d of due) latest.set(d.proposal_id, d);
    for (const d of latest.values()) await remind(tx, d);
    return latest.size;
  });
}

async function remind(tx: EntityManager, d: DueStep): Promise<void> {
  const step = `Step ${d.position + 1} of ${d.steps}`;
  await appendEvent(tx, {
    patientId: d.patient_id,
    kind: 'TAPER_STEP_DUE',
    actorId: null,
    payload: { proposalId: d.proposal_id, medicine: d.medicine_name, position: d.position + 1, steps: d.steps, startDate: d.start_date, words: d.words },
  });
  await notify(tx, await recipientsOf(tx, d), {
    kind: NotificationKind.TAPER_STEP_DUE,
    patientId: d.patient_id,
    title: `${step} of ${d.patient_name}'s ${d.medicine_name} taper is due`,
    body: `From ${d.start_date}: ${d.words}. Cairn advises and records; the prescription is the prescriber's.`,
    link: links.medication(d.patient_id),
    actorId: null,
  });
}

/**
 * Who is reminded of a step: the proposer and the approving GP while they may still open the patient's record
 * (one who has left the care team, or whose account is deactivated, is not told about a patient no longer
 * theirs); and when the approving GP may not, the care team's GPs, so that a prescriber still hears of it.
 */
async function recipientsOf(tx: EntityManager, d: DueStep): Promise<string[]> {
  const readers = await readersAmong(tx, d.patient_id, [...new Set([d.proposed_by_id, d.decided_by_id])]);
  if (!readers.has(d.decided_by_id)) for (const gp of await teamGpIds(tx, d.patient_id)) readers.add(gp);
  return [...readers];
}

export function taperReminderSweep(orm: Orm, config: Config, logger: Logger): PeriodicSweep {
  return new PeriodicSweep('taper step reminders', config.taperReminderSweepMs, logger, () => remindDueTaperSteps(orm.em.fork()));
}
