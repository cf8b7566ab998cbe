import type { EntityManager } from '@mikro-orm/postgresql';
import { triagersOf } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role, User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { createPatient } from '../patients/patient.service.js';
import type { CreatePatientInput } from '../patients/patient.types.js';
import { badInput, conflict, forbidden } from '../platform/errors.js';
import { runSql, sql, type Sql } from '../platform/sql.js';
import { lockTeam, noLongerActiveMessage } from '../care-teams/care-team.service.js';
import { requireText } from '../platform/validate.js';
import { checkReferralDetails } from './referral-details.js';
import { Referral, ReferralSource, ReferralStatus } from './referral.entity.js';
import { TriageOutcome, type ReferralDetailsInput, type TriageReferralInput } from './referral.types.js';

export interface By {
  actor: User;
  requestId: string;
}

/** Who the patient is: one Cairn holds, or one to register with the referral (exactly as `createPatient` takes them). */
export type ReferralTarget = { patient: Patient } | { newPatient: CreatePatientInput };

/** Where a referral made by someone of `role` comes from; a coach or service lead records the patient's own. */
export function sourceFor(role: Role): ReferralSource | null {
  switch (role) {
    case Role.GP:
      return ReferralSource.GP;
    case Role.FCP:
      return ReferralSource.FCP;
    case Role.PAIN_PRACTITIONER:
      return ReferralSource.PAIN_PRACTITIONER;
    case Role.SPECIALIST:
      return ReferralSource.SPECIALIST_SERVICE;
    case Role.COACH:
    case Role.SERVICE_LEAD:
      return ReferralSource.SELF;
    case Role.ADMIN:
      return null;
  }
}

/**
 * Refers a patient into the coaching programme. Refused (CONFLICT, nothing stored) for a patient already
 * ACTIVE or with a referral awaiting triage. A DISCHARGED patient's re-referral starts afresh: their
 * earlier referrals and episodes stay as they were. The patient (if new), the referral, the audit entry and
 * the REFERRAL_RECEIVED event commit together. Runs inside the caller's transaction if there is one.
 * `options.invitationId`: made from an accepted invitation (source PROACTIVE_INVITATION). `options.receivedAt`:
 * when a referral arrived on paper before it was entered (the demo's older referrals).
 */
export async function createReferral(
  em: EntityManager,
  by: By,
  target: ReferralTarget,
  input: ReferralDetailsInput,
  options: { invitationId?: string; receivedAt?: Date } = {},
): Promise<Referral> {
  const from = options.invitationId ? { source: ReferralSource.PROACTIVE_INVITATION, invitationId: options.invitationId } : null;
  const details = checkReferralDetails(input);
  const source = from?.source ?? sourceFor(by.actor.role);
  if (!source) throw forbidden('Your role cannot refer patients.');
  if ('newPatient' in target && target.newPatient.status !== PatientStatus.REFERRED) {
    throw badInput('newPatient.status', 'A patient registered with a referral starts as REFERRED; they become ACTIVE when the referral is accepted.');
  }
  return em.transactional(async (tx) => {
    const patient = 'patient' in target ? target.patient : await createPatient(tx, by.actor, target.newPatient, by.requestId);
    // Against other updates of the patient only: a colleague's event about them, which only checks the row is
    // there, must not wait for it while it waits for the event log's turn (as SES-H16's discharge did).
    const [locked] = await runSql<{ status: PatientStatus }>(tx, sql`select status from patient where id = ${patient.id}::uuid for no key update`);
    if (locked.status === PatientStatus.ACTIVE) {
      throw conflict(`${patient.givenName} ${patient.familyName} is already on the programme (ACTIVE); a new referral is for a patient who is not, or who was discharged.`);
    }
    const [pending] = await runSql<{ id: string }>(tx, sql`select id from referral where patient_id = ${patient.id}::uuid and status = 'RECEIVED'`);
    if (pending) throw conflict(`${patient.givenName} ${patient.familyName} already has a referral awaiting triage.`);

    // A re-referral after discharge: the earlier episode is over whether or not its discharge said so.
    await runSql(tx, sql`update referral set episode_ended_at = now() where patient_id = ${patient.id}::uuid and status = 'ACCEPTED' and episode_ended_at is null`);
    await runSql(tx, sql`update patient set status = 'REFERRED' where id = ${patient.id}::uuid`);
    const referral = Object.assign(new Referral(), {
      ...details,
      patientId: patient.id,
      source,
      referrer: by.actor,
      conditions: details.conditions ?? patient.conditions,
      patientStatusBefore: locked.status,
      invitationId: from?.invitationId ?? null,
      ...(options.receivedAt ? { receivedAt: options.receivedAt } : {}),
    });
    tx.persist(referral);
    await tx.flush();
    patient.status = PatientStatus.REFERRED;
    await recordAudit(tx, { actorId: by.actor.id, action: 'referral.create', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { referralId: referral.id, source } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'REFERRAL_RECEIVED',
      actorId: by.actor.id,
      payload: { referralId: referral.id, source, referrerName: by.actor.name, reason: excerpt(details.reason) },
    });
    // Nobody watches the waiting list all day: whoever may triage is told (hazard REF-09); the referrer is the actor, never told.
    await notify(tx, await triagersOf(tx, patient.id), {
      kind: NotificationKind.REFERRAL_RECEIVED,
      patientId: patient.id,
      title: `New referral: ${patient.givenName} ${patient.familyName}`,
      body: `From ${by.actor.name}. Reason: ${excerpt(details.reason, 100)}`,
      link: links.referrals(),
      actorId: by.actor.id,
    });
    return referral;
  });
}

/**
 * The referral that has the patient on their way to the programme or on it: one awaiting triage, or the
 * accepted one of their open episode; null when neither (a new referral may be made). Takes the patient's
 * row lock as `createReferral` does, inside the caller's transaction `tx`, so none is made meanwhile.
 */
export async function pendingReferralOf(tx: EntityManager, patientId: string): Promise<string | null> {
  await runSql(tx, sql`select id from patient where id = ${patientId}::uuid for no key update`);
  const [awaiting] = await runSql<{ id: string }>(tx, sql`select id from referral where patient_id = ${patientId}::uuid and status = 'RECEIVED'`);
  return awaiting?.id ?? (await openEpisode(tx, patientId))?.id ?? null;
}

/**
 * Triage: ACCEPT assigns a coach of the patient's PCN (the patient becomes ACTIVE and the coach joins the care
 * team, as lead unless there is one); DECLINE needs a reason; REDIRECT names the service. The referrer is
 * told the outcome, the assigned coach that the patient is theirs. A referral is triaged once; the caller
 * has checked TRIAGE_REFERRAL on its patient.
 */
export async function triageReferral(em: EntityManager, by: By, referral: Referral, patient: Patient, input: TriageReferralInput): Promise<Referral> {
  const decision = await checkDecision(em, patient, input);
  const patientName = `${patient.givenName} ${patient.familyName}`;
  await em.transactional(async (tx) => {
    const claimed = await runSql<{ id: string }>(
      tx,
      sql`update referral set status = ${decision.status}, triaged_at = now(), triaged_by_id = ${by.actor.id}::uuid,
                 assigned_coach_id = ${decision.coach?.id ?? null}::uuid, decline_reason = ${decision.reason}, redirected_to = ${decision.redirectTo}
           where id = ${referral.id}::uuid and status = 'RECEIVED' returning id`,
    );
    if (claimed.length === 0) throw conflict('This referral has already been triaged.');
    if (decision.coach) {
      await runSql(tx, sql`update patient set status = 'ACTIVE' where id = ${patient.id}::uuid`);
      await joinCareTeam(tx, by, patient, decision.coach);
    } else {
      // Declined or redirected: the patient is where they were before this referral.
      await runSql(tx, sql`update patient set status = ${referral.patientStatusBefore} where id = ${patient.id}::uuid and status = 'REFERRED'`);
    }
    await recordAudit(tx, { actorId: by.actor.id, action: 'referral.triage', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { referralId: referral.id, outcome: decision.status } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'REFERRAL_TRIAGED',
      actorId: by.actor.id,
      payload: { referralId: referral.id, outcome: decision.status, coachName: decision.coach?.name ?? null, reason: decision.reason, redirectedTo: decision.redirectTo },
    });
    await notify(tx, [referral.referrer.id], {
      kind: NotificationKind.REFERRAL_TRIAGED,
      patientId: patient.id,
      title: `Your referral of ${patientName} was ${outcomeWords(decision)}`,
      body: decision.reason ?? (decision.redirectTo ? `Redirected to ${decision.redirectTo}.` : `Coach: ${decision.coach?.name}.`),
      link: links.referrals(),
      actorId: by.actor.id,
    });
    // The PCN's other coaches and leads: the referral leaves their waiting list, which follows this (hazard REF-09).
    const told = new Set([referral.referrer.id, ...(decision.coach ? [decision.coach.id] : [])]);
    await notify(tx, (await triagersOf(tx, patient.id)).filter((id) => !told.has(id)), {
      kind: NotificationKind.REFERRAL_TRIAGED,
      patientId: patient.id,
      title: `${by.actor.name} ${outcomeWords(decision)} the referral of ${patientName}`,
      body: decision.reason ?? (decision.redirectTo ? `Redirected to ${decision.redirectTo}.` : `Coach: ${decision.coach?.name}.`),
      link: links.referrals(),
      actorId: by.actor.id,
    });
    if (decision.coach) {
      await notify(tx, [decision.coach.id], {
        kind: NotificationKind.REFERRAL_ASSIGNED,
        patientId: patient.id,
        title: `${patientName} was referred to you`,
        body: `${by.actor.name} accepted the referral and assigned ${patient.givenName} to you. Reason: ${excerpt(referral.reason, 100)}`,
        link: links.patient(patient.id),
        actorId: by.actor.id,
      });
    }
  });
  await em.refresh(referral, { populate: ['referrer', 'triagedBy', 'assignedCoach'] });
  if (decision.coach) patient.status = PatientStatus.ACTIVE;
  return referral;
}

interface Decision {
  status: ReferralStatus;
  coach: User | null;
  reason: string | null;
  redirectTo: string | null;
}

/** The triage decision, checked before anything is written. */
async function checkDecision(em: EntityManager, patient: Patient, input: TriageReferralInput): Promise<Decision> {
  switch (input.outcome) {
    case TriageOutcome.ACCEPT: {
      const coach = input.coachId ? await em.findOne(User, { id: input.coachId, active: true, role: Role.COACH }, { populate: ['organisation'] }).catch(() => null) : null;
      if (!coach || coach.organisation.pcnId !== patient.practice.pcnId) throw badInput('coachId', "Choose an active coach of the patient's Primary Care Network.");
      return { status: ReferralStatus.ACCEPTED, coach, reason: null, redirectTo: null };
    }
    case TriageOutcome.DECLINE:
      return { status: ReferralStatus.DECLINED, coach: null, reason: requireText('reason', input.reason ?? '', 1000), redirectTo: null };
    case TriageOutcome.REDIRECT:
      return { status: ReferralStatus.REDIRECTED, coach: null, reason: null, redirectTo: requireText('redirectTo', input.redirectTo ?? '', 200, 'where the patient is redirected to') };
    default:
      throw badInput('outcome', 'Accept, decline or redirect.');
  }
}

function outcomeWords(d: Decision): string {
  if (d.status === ReferralStatus.ACCEPTED) return 'accepted';
  if (d.status === ReferralStatus.DECLINED) return 'declined';
  return `redirected to ${d.redirectTo}`;
}

/**
 * The coach checked before the triage began is still an active account, as the database holds it now: a
 * coach deactivated meanwhile (who has left) would be given a patient they will never see. Read `for share`,
 * so a deactivation under way is waited for and one that follows waits until this triage has committed.
 */
async function requireStillCoaching(tx: EntityManager, coach: User): Promise<void> {
  const [account] = await runSql<{ active: boolean }>(tx, sql`select active from app_user where id = ${coach.id}::uuid for share`);
  if (!account?.active) throw badInput('coachId', noLongerActiveMessage(coach.name, 'assigned this patient'));
}

/** The assigned coach joins the care team (as its lead when it has none), or becomes its lead when already on it without one. */
async function joinCareTeam(tx: EntityManager, by: By, patient: Patient, coach: User): Promise<void> {
  await lockTeam(tx, patient.id); // the team as it is once any change under way has ended (adding this coach, say)
  await requireStillCoaching(tx, coach);
  const [team] = await runSql<{ has_lead: boolean; member: boolean }>(
    tx,
    sql`select coalesce(bool_or(is_lead), false) as has_lead, coalesce(bool_or(user_id = ${coach.id}::uuid), false) as member
          from care_team_member where patient_id = ${patient.id}::uuid`,
  );
  if (!team.member) {
    const teamRole = 'Health & wellbeing coach';
    await runSql(
      tx,
      sql`insert into care_team_member (id, patient_id, user_id, team_role, is_lead, added_at)
          values (gen_random_uuid(), ${patient.id}::uuid, ${coach.id}::uuid, ${teamRole}, ${!team.has_lead}, now())`,
    );
    await appendEvent(tx, { patientId: patient.id, kind: 'CARE_TEAM_MEMBER_ADDED', actorId: by.actor.id, payload: { userId: coach.id, userName: coach.name, teamRole } });
  }
  if (!team.has_lead) {
    if (team.member) await runSql(tx, sql`update care_team_member set is_lead = true where patient_id = ${patient.id}::uuid and user_id = ${coach.id}::uuid`);
    await appendEvent(tx, { patientId: patient.id, kind: 'CARE_TEAM_LEAD_CHANGED', actorId: by.actor.id, payload: { userId: coach.id, userName: coach.name } });
  }
}

/**
 * The patient's open episode: the accepted referral that started it, not yet ended (by discharge or a later
 * re-referral), or null. A discharge signed after the acceptance (the sessions domain's `discharge`) ends it.
 */
export async function openEpisode(em: EntityManager, patientId: string): Promise<Referral | null> {
  const [row] = await runSql<{ id: string }>(
    em,
    sql`select r.id from referral r join patient p on p.id = r.patient_id
         where r.patient_id = ${patientId}::uuid and r.status = 'ACCEPTED' and r.episode_ended_at is null and p.status <> 'DISCHARGED'
           and not exists (select 1 from discharge d where d.patient_id = r.patient_id and d.signed_at >= r.triaged_at)
         order by r.triaged_at desc limit 1`,
  );
  return row ? em.findOneOrFail(Referral, { id: row.id }, { populate: ['referrer', 'triagedBy', 'assignedCoach'] }) : null;
}

/**
 * The day the patient's latest episode began (YYYY-MM-DD, the UK day its referral was received), or null
 * when no referral of theirs was ever accepted. Measures from that day on belong to the episode.
 */
export async function latestEpisodeStart(em: EntityManager, patientId: string): Promise<string | null> {
  const [row] = await runSql<{ day: string | null }>(em, sql`select to_char(${episodeStarted(sql`${patientId}::uuid`)}, 'YYYY-MM-DD') as day`);
  return row?.day ?? null;
}

/**
 * `latestEpisodeStart` as SQL, for the patient whose id `patient` names: a date, or null. The latest accepted
 * referral is the one received last (only one referral awaits triage at a time, so they are triaged in turn).
 */
export function episodeStarted(patient: Sql): Sql {
  return sql`(select max((r.received_at at time zone 'Europe/London')::date) from referral r where r.patient_id = ${patient} and r.status = 'ACCEPTED')`;
}

/**
 * SQL that is true when `at` (a timestamptz) falls in the patient's latest episode: from the UK midnight
 * that began the day its referral was received. Always true for a patient never accepted onto the programme.
 */
export function inLatestEpisode(at: Sql, patientId: string): Sql {
  return sql`${at} >= coalesce(${episodeStarted(sql`${patientId}::uuid`)}::timestamp at time zone 'Europe/London', '-infinity'::timestamptz)`;
}

/** Ends the patient's open episode, inside the discharge's transaction (`tx`). */
export async function endEpisode(tx: EntityManager, patientId: string): Promise<void> {
  await runSql(tx, sql`update referral set episode_ended_at = now() where patient_id = ${patientId}::uuid and status = 'ACCEPTED' and episode_ended_at is null`);
}

/** A patient's referrals, newest first: earlier episodes stay readable. */
export function referralsOf(em: EntityManager, patientId: string): Promise<Referral[]> {
  return em.find(Referral, { patientId }, { populate: ['referrer', 'triagedBy', 'assignedCoach'], orderBy: { receivedAt: 'desc' } });
}

/** The referrals `userId` made, newest first. */
export function referralsMadeBy(em: EntityManager, userId: string, limit = 50): Promise<Referral[]> {
  return em.find(Referral, { referrer: userId }, { populate: ['referrer', 'triagedBy', 'assignedCoach'], orderBy: { receivedAt: 'desc' }, limit });
}
