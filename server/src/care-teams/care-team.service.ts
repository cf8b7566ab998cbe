import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role, User } from '../auth/user.entity.js';
import type { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import type { Context } from '../auth/request-context.js';
import { badInput, conflict, notFound } from '../platform/errors.js';
import { CareTeamMember } from './care-team-member.entity.js';
import { appendEvent } from '../events/event-log.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import { defaultTeamRole } from './team-roles.js';
import { runSql, sql, takeTurns } from '../platform/sql.js';
import { slotWords } from '../platform/uk-dates.js';
import { lockPatientSessions, sessionsStillBooked, type StillBooked } from '../sessions/booking.service.js';

/** The care team of a patient, lead first; batched across a list of patients in one request. */
export function careTeamsOf(ctx: Context, patientId: string): Promise<CareTeamMember[] | undefined> {
  return loaderFor<string, CareTeamMember[]>(ctx, 'careTeam', async (ids) => {
    const members = await ctx.em.find(
      CareTeamMember,
      { patient: { $in: ids } },
      { populate: ['user', 'user.organisation'], orderBy: { isLead: 'desc', addedAt: 'asc' } },
    );
    const byPatient = new Map<string, CareTeamMember[]>(ids.map((id) => [id, []]));
    for (const m of members) byPatient.get(m.patient.id)?.push(m);
    return byPatient;
  }).load(patientId);
}

interface Actor {
  actor: User;
  requestId: string;
}

/** A member of a care team with what a check of them needs: their name, and whether their account is in use. */
export interface CareTeamAccount {
  userId: string;
  name: string;
  active: boolean;
}

/** A patient's care team as accounts. Read under `lockTeam` or `shareTeamTurn` for a check that must hold until its write commits. */
export async function careTeamAccounts(em: EntityManager, patientId: string): Promise<CareTeamAccount[]> {
  return runSql<CareTeamAccount>(
    em,
    sql`select u.id as "userId", u.name, u.active from care_team_member m join app_user u on u.id = m.user_id where m.patient_id = ${patientId}`,
  );
}

/** Why a member whose account was deactivated (someone who has left) cannot be given something: they would never see it. */
export function noLongerActiveMessage(name: string, what: string): string {
  return `${name} no longer has an active account, so cannot be ${what}.`;
}

/**
 * Whether `userId` may join the care team of a patient of `practiceId`: a clinician of the practice's PCN or of
 * a specialist pain service (those the colleague picker offers). Joining a team opens the patient's record.
 */
export async function mayJoinCareTeam(em: EntityManager, userId: string, practiceId: string): Promise<boolean> {
  const rows = await runSql<{ ok: boolean }>(
    em,
    sql`select true as ok from app_user u join organisation o on o.id = u.organisation_id, organisation po
         where u.id = ${userId}::uuid and po.id = ${practiceId}::uuid
           and (coalesce(o.pcn_id, o.id) = coalesce(po.pcn_id, po.id) or o.kind = 'SPECIALIST_PAIN_SERVICE')`,
  );
  return rows.length > 0;
}

/**
 * Every change to a patient's care team (a member added or removed, the lead handed on, a coach joining from
 * triage) takes its turn until its transaction ends, and checks the team as it is then: two changes at once
 * cannot both pass a check that only one of them may (one member added twice, one lead made twice).
 */
export async function lockTeam(tx: EntityManager, patientId: string): Promise<void> {
  await takeTurns(tx, teamTurn(patientId));
}

/**
 * For a write that only checks the team (a handover's assignees): keeps the team as it is until the
 * transaction ends. It waits for a change under way (`lockTeam`) and the next change waits for it, but writes
 * that only check do not wait for one another, so a busy patient's handovers are not posted one at a time.
 */
export async function shareTeamTurn(tx: EntityManager, patientId: string): Promise<void> {
  await runSql(tx, sql`select pg_advisory_xact_lock_shared(hashtextextended(${teamTurn(patientId)}, 0))`);
}

/** The key of a patient's care-team turn, as `takeTurns` hashes it. */
function teamTurn(patientId: string): string {
  return `care-team:${patientId}`;
}

export async function addCareTeamMember(em: EntityManager, by: Actor, patient: Patient, userId: string, teamRole: string | null): Promise<CareTeamMember> {
  const user = await em.findOne(User, { id: userId, active: true }, { populate: ['organisation'] }).catch(() => null);
  if (!user || user.role === Role.ADMIN) throw badInput('userId', 'Choose an active clinician to add to the care team.');
  if (!(await mayJoinCareTeam(em, user.id, patient.practice.id))) {
    throw badInput('userId', `${user.name} works outside this patient's PCN: only its clinicians and the specialist pain services can join the care team.`);
  }
  const role = teamRole?.trim() || defaultTeamRole(user.role);
  if (role.length > 80) throw badInput('teamRole', 'The team role is too long (at most 80 characters).');
  const member = new CareTeamMember(patient, user, role, false);
  await em.transactional(async (tx) => {
    await lockTeam(tx, patient.id);
    if (await tx.count(CareTeamMember, { patient: patient.id, user: user.id })) throw conflict(`${user.name} is already on this care team.`);
    tx.persist(member);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'careTeam.add', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { userId } });
    await appendEvent(tx, { patientId: patient.id, kind: 'CARE_TEAM_MEMBER_ADDED', actorId: by.actor.id, payload: { userId: user.id, userName: user.name, teamRole: role } });
    await notify(tx, [user.id], {
      kind: NotificationKind.CARE_TEAM_ADDED,
      patientId: patient.id,
      title: `${by.actor.name} added you to ${patient.givenName} ${patient.familyName}'s care team`,
      body: `Your role: ${role}.`,
      link: links.patient(patient.id),
      actorId: by.actor.id,
    });
  });
  return member;
}

export async function removeCareTeamMember(em: EntityManager, by: Actor, patient: Patient, userId: string): Promise<void> {
  const member = await findMember(em, patient, userId);
  if (member.isLead) throw conflict('The lead cannot be removed. Make someone else the lead first.');
  await em.transactional(async (tx) => {
    await lockTeam(tx, patient.id);
    await refuseWhileSessionsBooked(tx, member.user, patient);
    // As the team is now: someone may have made this member the lead, or removed them, a moment ago.
    const removed = await runSql(tx, sql`delete from care_team_member where id = ${member.id} and not is_lead returning id`);
    if (removed.length === 0) throw conflict(`${member.user.name} was just made the lead, or removed, by someone else. Look at the care team again.`);
    await recordAudit(tx, { actorId: by.actor.id, action: 'careTeam.remove', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { userId } });
    await appendEvent(tx, { patientId: patient.id, kind: 'CARE_TEAM_MEMBER_REMOVED', actorId: by.actor.id, payload: { userId: member.user.id, userName: member.user.name } });
    // The link leads nowhere they can open any more; the notification itself is the news.
    await notify(tx, [member.user.id], {
      kind: NotificationKind.CARE_TEAM_REMOVED,
      patientId: patient.id,
      title: `${by.actor.name} removed you from ${patient.givenName} ${patient.familyName}'s care team`,
      body: 'You no longer have access to this patient through the care team.',
      link: '/patients',
      actorId: by.actor.id,
    });
  });
}

/**
 * A member with sessions still booked with the patient stays on the team until those are recorded or
 * cancelled: once removed, the sessions would fall out of their diary (which lists only patients they may
 * read), those to come still keeping their time, those held never recorded. Under the patient's sessions
 * turn, which bookings take, so none is booked meanwhile.
 */
async function refuseWhileSessionsBooked(tx: EntityManager, user: User, patient: Patient): Promise<void> {
  await lockPatientSessions(tx, patient.id);
  const booked = await sessionsStillBooked(tx, patient.id, user.id);
  const count = booked.waitingToBeRecorded.length + booked.stillToCome.length;
  if (count === 0) return;
  const them = count === 1 ? 'it' : 'them';
  const todo = booked.waitingToBeRecorded.length > 0 ? `Record or cancel ${them}` : `Cancel ${them}`;
  const anotherCoach = booked.stillToCome.length > 0 ? ', booking another coach if the patient needs one' : '';
  throw conflict(`${user.name} has ${stillBookedWords(booked, `${patient.givenName} ${patient.familyName}`)}. ${todo} on the Sessions tab first${anotherCoach}, then remove ${user.name}.`);
}

/** "2 sessions booked with Rhian Pugh: 1 waiting to be recorded (…) and 1 still to come (the next on …)", or one of the two. */
function stillBookedWords({ waitingToBeRecorded: waiting, stillToCome: toCome }: StillBooked, patientName: string): string {
  const count = waiting.length + toCome.length;
  const [oldest, next] = [waiting[0], toCome[0]];
  const waitingWords = oldest ? `waiting to be recorded (${waiting.length === 1 ? '' : 'the oldest on '}${slotWords(oldest.startsAt, oldest.endsAt)})` : null;
  const toComeWords = next ? `still to come (the next on ${slotWords(next.startsAt, next.endsAt)})` : null;
  if (waitingWords && toComeWords) return `${count} sessions booked with ${patientName}: ${waiting.length} ${waitingWords} and ${toCome.length} ${toComeWords}`;
  return `${count === 1 ? 'a session' : `${count} sessions`} booked with ${patientName} ${waitingWords ?? toComeWords ?? ''}`;
}

/** Hands the lead to another member. The old lead stays on the team. */
export async function setCareTeamLead(em: EntityManager, by: Actor, patient: Patient, userId: string): Promise<CareTeamMember> {
  const member = await findMember(em, patient, userId);
  if (member.isLead) return member;
  await em.transactional(async (tx) => {
    await lockTeam(tx, patient.id);
    // As the team is now: someone may have removed this member, or made them the lead, a moment ago.
    const [now] = await runSql<{ is_lead: boolean; active: boolean }>(tx, sql`select m.is_lead, u.active from care_team_member m join app_user u on u.id = m.user_id where m.id = ${member.id}`);
    if (!now) throw conflict(`${member.user.name} was just removed from the care team by someone else. Look at the care team again.`);
    // A lead who has left could acknowledge no handover and would hear of no worsening score.
    if (!now.active) throw badInput('userId', noLongerActiveMessage(member.user.name, "made this patient's lead"));
    if (now.is_lead) return;
    // Clear the old lead first: the partial unique index allows one lead at a time, checked per statement.
    await runSql(tx, sql`update care_team_member set is_lead = false where patient_id = ${patient.id} and is_lead`);
    await runSql(tx, sql`update care_team_member set is_lead = true where id = ${member.id}`);
    await recordAudit(tx, { actorId: by.actor.id, action: 'careTeam.setLead', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { userId } });
    await appendEvent(tx, { patientId: patient.id, kind: 'CARE_TEAM_LEAD_CHANGED', actorId: by.actor.id, payload: { userId: member.user.id, userName: member.user.name } });
  });
  await em.refresh(member);
  return member;
}

/** The member `userId` of the patient's care team, or null when they are not on it (or the id is no user's). */
export async function careTeamMember(em: EntityManager, patientId: string, userId: string): Promise<CareTeamMember | null> {
  return em.findOne(CareTeamMember, { patient: patientId, user: userId }, { populate: ['user', 'user.organisation'] }).catch(() => null);
}

async function findMember(em: EntityManager, patient: Patient, userId: string): Promise<CareTeamMember> {
  const member = await careTeamMember(em, patient.id, userId);
  if (!member) throw notFound('care-team member');
  return member;
}
