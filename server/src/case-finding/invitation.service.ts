import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { appendEvent } from '../events/event-log.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { isUniqueViolation, runSql, sql } from '../platform/sql.js';
import { createReferral, pendingReferralOf } from '../referrals/referral.service.js';
import { alreadyReferred } from './already-referred.js';
import { InvitationAnswer, type AnswerInvitationInput } from './case-finding.types.js';
import type { CaseSearch } from './case-search.entity.js';
import type { By } from './case-search.service.js';
import { Invitation, InvitationChannel, InvitationStatus } from './invitation.entity.js';

/**
 * Records invitations to the programme sent from `search` to `patients` (whose INVITE the caller has checked)
 * by `channel`: all or none. A patient already ACTIVE, with a referral awaiting triage, or with an invitation
 * still open, is refused (CONFLICT).
 */
export async function invitePatients(em: EntityManager, by: By, search: CaseSearch, patients: Patient[], channel: InvitationChannel): Promise<Invitation[]> {
  if (!Object.values(InvitationChannel).includes(channel)) throw badInput('channel', 'Choose SMS, letter, phone or email.');
  if (patients.length === 0) throw badInput('patientIds', 'Choose at least one patient to invite.');
  if (patients.length > 200) throw badInput('patientIds', 'Invite at most 200 patients at a time.');
  const active = patients.find((p) => p.status === PatientStatus.ACTIVE);
  if (active) throw conflict(`${active.givenName} ${active.familyName} is already on the programme.`);
  const invitations = patients.map((p) => Object.assign(new Invitation(), { searchId: search.id, patientId: p.id, channel, sentBy: by.actor }));
  try {
    await em.transactional(async (tx) => {
      // The patients' rows are locked first, as a referral takes them; the check after it then sees a referral
      // made (or an acceptance recorded) a moment ago from another screen, and none is made until this ends.
      const ids = patients.map((p) => p.id);
      await runSql(tx, sql`select id from patient where id = any(${ids}::uuid[]) order by id for no key update`);
      const [referred] = await runSql<{ name: string }>(
        tx,
        sql`select p.given_name || ' ' || p.family_name as name from patient p
             where p.id = any(${ids}::uuid[])
               and ${alreadyReferred}
             order by p.id limit 1`,
      );
      if (referred) throw conflict(`${referred.name} has been referred to the programme already, or is on it: there is no need to invite them.`);
      tx.persist(invitations);
      await tx.flush();
      for (const i of invitations) {
        await recordAudit(tx, { actorId: by.actor.id, action: 'invitation.send', patientId: i.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { invitationId: i.id, channel } });
        await appendEvent(tx, { patientId: i.patientId, kind: 'INVITATION_SENT', actorId: by.actor.id, payload: { invitationId: i.id, channel, searchName: search.name } });
      }
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('One of these patients already has an open invitation; record its answer first.');
    throw e;
  }
  return invitations;
}

/**
 * Records the patient's answer. ACCEPTED makes the referral (source PROACTIVE_INVITATION, recorded by the
 * actor) in the same transaction, or, when the patient was referred another way meanwhile (their GP, say) and
 * that referral awaits triage or has them on the programme, links the invitation to it: the patient said yes,
 * and a second referral would be refused. An invitation is answered once.
 */
export async function answerInvitation(em: EntityManager, by: By, invitation: Invitation, patient: Patient, input: AnswerInvitationInput): Promise<Invitation> {
  if (input.answer === InvitationAnswer.ACCEPTED && !input.referral) throw badInput('referral', "Accepting makes a referral: fill in the referral's details.");
  if (invitation.status === InvitationStatus.REFERRED) throw conflict('This invitation is closed: the patient was referred another way, and that referral is linked to it.');
  if (invitation.status !== InvitationStatus.INVITED) throw conflict(`This invitation was already answered (${invitation.status}).`);
  await em.transactional(async (tx) => {
    const linked = input.answer === InvitationAnswer.ACCEPTED ? await pendingReferralOf(tx, patient.id) : null;
    const referralId =
      input.answer === InvitationAnswer.ACCEPTED
        ? (linked ?? (await createReferral(tx, by, { patient }, input.referral!, { invitationId: invitation.id })).id)
        : null;
    const updated = await runSql<{ id: string }>(
      tx,
      sql`update invitation set status = ${input.answer}, status_at = now(), status_by_id = ${by.actor.id}::uuid, referral_id = ${referralId}::uuid
           where id = ${invitation.id}::uuid and status = 'INVITED' returning id`,
    );
    if (updated.length === 0) throw conflict('This invitation was answered meanwhile.');
    await recordAudit(tx, { actorId: by.actor.id, action: 'invitation.answer', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { invitationId: invitation.id, answer: input.answer, ...(linked ? { linkedReferralId: linked } : {}) } });
    await appendEvent(tx, { patientId: patient.id, kind: 'INVITATION_ANSWERED', actorId: by.actor.id, payload: { invitationId: invitation.id, status: input.answer, referralId } });
  });
  await em.refresh(invitation, { populate: ['sentBy', 'statusBy'] });
  return invitation;
}

/** A search's invitations, oldest first. */
export function invitationsOf(em: EntityManager, searchId: string): Promise<Invitation[]> {
  return em.find(Invitation, { searchId }, { populate: ['sentBy', 'statusBy'], orderBy: { sentAt: 'asc', id: 'asc' } });
}
