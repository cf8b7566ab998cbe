import type { EntityManager } from '@mikro-orm/postgresql';
import { decidePairs, PatientAction } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role, User } from '../auth/user.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { badInput } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import type { By } from './booking.service.js';
import { CoachCapacity, CoachingSession } from './session.entity.js';
import type { CoachCapacityView, CoachDiary, DiaryEntry } from './session.types.js';
import { addDays, ukDate, ukMidnight, weekStartOf } from '../platform/uk-dates.js';

/** Sessions and caseload a coach can be asked to carry, at most. */
export const capacityLimits = { sessionsPerWeek: 80, caseloadSize: 500 } as const;

/**
 * A coach's diary for the UK week holding `day`: that day's sessions and the week's, each with its
 * patient, in time order. Only patients `viewer` may open are listed (the policy decides, per patient).
 */
export async function coachDiary(em: EntityManager, viewer: User, coach: User, day: string): Promise<CoachDiary> {
  const weekStart = weekStartOf(day);
  const sessions = await em.find(
    CoachingSession,
    { coach: coach.id, startsAt: { $gte: ukMidnight(weekStart), $lt: ukMidnight(addDays(weekStart, 7)) } },
    { populate: ['coach', 'bookedBy', 'recordedBy', 'cancelledBy'], orderBy: { startsAt: 'asc' } },
  );
  const access = await decidePairs(em, [...new Set(sessions.map((s) => s.patientId))].map((patientId) => ({ patientId, userId: viewer.id })));
  const visible = sessions.filter((s) => access.allows({ patientId: s.patientId, userId: viewer.id }, PatientAction.READ));
  const patients = new Map((await em.find(Patient, { id: { $in: visible.map((s) => s.patientId) } }, { populate: ['practice'] })).map((p) => [p.id, p]));
  const entries: DiaryEntry[] = visible.map((session) => ({ session, patient: patients.get(session.patientId)! }));
  return { coach, today: ukDate(new Date()), day, weekStart, daySessions: entries.filter((e) => ukDate(e.session.startsAt) === day), weekSessions: entries };
}

/** Each coach's capacity against their active caseload and the sessions of this week and next (from `today`). */
export async function capacityOf(em: EntityManager, coaches: readonly User[], today: string): Promise<CoachCapacityView[]> {
  if (coaches.length === 0) return [];
  const weekStart = weekStartOf(today);
  const [thisWeek, nextWeek, after] = [ukMidnight(weekStart), ukMidnight(addDays(weekStart, 7)), ukMidnight(addDays(weekStart, 14))];
  const rows = await runSql<{
    id: string;
    sessions_per_week: number | null;
    caseload_size: number | null;
    active_caseload: string;
    this_week: string;
    next_week: string;
    cafes_this_week: string;
    cafes_next_week: string;
  }>(
    em,
    sql`select u.id, c.sessions_per_week, c.caseload_size,
               (select count(*) from care_team_member m join patient p on p.id = m.patient_id
                 where m.user_id = u.id and m.is_lead and p.status = 'ACTIVE') as active_caseload,
               (select count(*) from coaching_session s where s.coach_id = u.id and s.status in ('BOOKED', 'ATTENDED', 'DNA')
                   and s.starts_at >= ${thisWeek} and s.starts_at < ${nextWeek}) as this_week,
               (select count(*) from coaching_session s where s.coach_id = u.id and s.status in ('BOOKED', 'ATTENDED', 'DNA')
                   and s.starts_at >= ${nextWeek} and s.starts_at < ${after}) as next_week,
               (select count(*) from pain_cafe_facilitator f join pain_cafe c on c.id = f.cafe_id where f.user_id = u.id and c.status = 'SCHEDULED'
                   and c.starts_at >= ${thisWeek} and c.starts_at < ${nextWeek}) as cafes_this_week,
               (select count(*) from pain_cafe_facilitator f join pain_cafe c on c.id = f.cafe_id where f.user_id = u.id and c.status = 'SCHEDULED'
                   and c.starts_at >= ${nextWeek} and c.starts_at < ${after}) as cafes_next_week
          from app_user u left join coach_capacity c on c.coach_id = u.id
         where u.id = any(${coaches.map((c) => c.id)}::uuid[])`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return coaches.map((coach) => {
    const r = byId.get(coach.id)!;
    return {
      coach,
      sessionsPerWeek: r.sessions_per_week,
      caseloadSize: r.caseload_size,
      activeCaseload: Number(r.active_caseload),
      sessionsThisWeek: Number(r.this_week),
      sessionsNextWeek: Number(r.next_week),
      cafesThisWeek: Number(r.cafes_this_week),
      cafesNextWeek: Number(r.cafes_next_week),
      weekStart,
    };
  });
}

/** The active coaches of a PCN, by name. */
export async function coachesOfPcn(em: EntityManager, pcnId: string): Promise<User[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select u.id from app_user u join organisation o on o.id = u.organisation_id
         where u.role = ${Role.COACH} and u.active and coalesce(o.pcn_id, o.id) = ${pcnId} order by u.name`,
  );
  const users = new Map((await em.find(User, { id: { $in: rows.map((r) => r.id) } }, { populate: ['organisation'] })).map((u) => [u.id, u]));
  return rows.map((r) => users.get(r.id)!);
}

/** Sets a coach's weekly capacity (audited); the latest setting stands. */
export async function setCoachCapacity(em: EntityManager, by: By, coach: User, sessionsPerWeek: number, caseloadSize: number): Promise<void> {
  if (!Number.isInteger(sessionsPerWeek) || sessionsPerWeek < 0 || sessionsPerWeek > capacityLimits.sessionsPerWeek) {
    throw badInput('sessionsPerWeek', `Sessions a week is a whole number from 0 to ${capacityLimits.sessionsPerWeek}.`);
  }
  if (!Number.isInteger(caseloadSize) || caseloadSize < 0 || caseloadSize > capacityLimits.caseloadSize) {
    throw badInput('caseloadSize', `Caseload size is a whole number from 0 to ${capacityLimits.caseloadSize}.`);
  }
  await em.transactional(async (tx) => {
    await tx.upsert(CoachCapacity, { coachId: coach.id, sessionsPerWeek, caseloadSize, updatedBy: by.actor, updatedAt: new Date() });
    await recordAudit(tx, { actorId: by.actor.id, action: 'coach.capacity', patientId: null, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { coachId: coach.id, sessionsPerWeek, caseloadSize } });
  });
}
