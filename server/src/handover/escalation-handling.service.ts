import type { EntityManager } from '@mikro-orm/postgresql';
import { escalationHandlersOf, leadsPcnPatientsSql, readablePatientsSql } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { noLongerActiveMessage, setCareTeamLead } from '../care-teams/care-team.service.js';
import { appendEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict, type CairnError } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { optionalText, requireText } from '../platform/validate.js';
import type { HandoverNote } from './handover.entity.js';
import { handoversByIds, notifyReaders, notOnTeamMessage, patientName, type By } from './handover.service.js';

/** How long a dealt-with escalation stays on the service lead's list, so "handled" is seen before it goes. */
const HANDLED_SHOWN_DAYS = 14;
const LIST_LIMIT = 200;

/** Open (escalated, unacknowledged, not yet dealt with) as SQL over `handover_note n`. */
const openEscalation = sql`(n.escalated_at is not null and n.acknowledged_at is null and n.escalation_handled_at is null)`;

/**
 * A PCN service lead acknowledges an escalated handover on the care-team lead's behalf, with a required
 * note: the note records who acted (acknowledgedBy) and for whom (acknowledgedOnBehalfOf); the escalation
 * is marked handled; the author, the care-team lead and the PCN's other service leads are told, live.
 * CONFLICT when it is acknowledged already, was never escalated, or its escalation was dealt with.
 */
export async function acknowledgeHandoverOnBehalf(em: EntityManager, by: By, note: HandoverNote, patient: Patient, noteText: string): Promise<HandoverNote> {
  const text = requireText('note', noteText, 4000);
  await em.transactional(async (tx) => {
    const lead = await currentLead(tx, patient.id);
    const rows = await runSql<{ id: string }>(
      tx,
      sql`update handover_note n set acknowledged_at = now(), acknowledged_by_id = ${by.actor.id}, acknowledged_on_behalf_of_id = ${lead?.id ?? null},
                 acknowledgement_reply = ${text}, escalation_handled_at = now(), escalation_handled_by_id = ${by.actor.id},
                 escalation_outcome = 'ACKNOWLEDGED_ON_BEHALF', escalation_note = ${text}
           where n.id = ${note.id} and ${openEscalation} returning n.id`,
    );
    if (rows.length === 0) throw await whyNotOpen(tx, note.id);
    await recordAudit(tx, {
      actorId: by.actor.id,
      action: 'handover.acknowledgeOnBehalf',
      patientId: patient.id,
      requestId: by.requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: { handoverId: note.id, onBehalfOfId: lead?.id ?? null },
    });
    await appendEvent(tx, { patientId: patient.id, kind: 'HANDOVER_ACKNOWLEDGED', actorId: by.actor.id, payload: { handoverId: note.id, reply: excerpt(text), onBehalfOf: lead } });
    const forWhom = lead ? `on behalf of ${lead.name}` : 'for the care team';
    await notifyReaders(tx, [note.author.id], {
      kind: NotificationKind.HANDOVER_ACKNOWLEDGED,
      patientId: patient.id,
      title: `${by.actor.name} (service lead) acknowledged your handover for ${patientName(patient)} ${forWhom}`,
      body: excerpt(text),
      link: links.handover(patient.id, note.id),
      actorId: by.actor.id,
    });
    await notify(tx, [...(lead ? [lead.id] : []), ...(await escalationHandlersOf(tx, patient.id))].filter((id) => id !== note.author.id), {
      kind: NotificationKind.HANDOVER_ESCALATION_HANDLED,
      patientId: patient.id,
      title: `${by.actor.name} acknowledged the escalated handover for ${patientName(patient)} ${forWhom}`,
      body: excerpt(text),
      link: links.handover(patient.id, note.id),
      actorId: by.actor.id,
    });
  });
  return refreshed(em, note);
}

/**
 * A PCN service lead deals with an escalation by making another member of the care team the patient's lead
 * (through `setCareTeamLead`, in the same transaction). The handover stays unacknowledged: it now awaits the
 * new lead, whose escalation clock starts again now, so it escalates again if they do not acknowledge in
 * time (hazard HOME-H2). The new lead is told it awaits them; the old lead, the author and the PCN's service
 * leads that the escalation was dealt with.
 */
export async function reassignLeadFromEscalation(
  em: EntityManager,
  by: By,
  note: HandoverNote,
  patient: Patient,
  newLeadId: string,
  noteText: string | null,
): Promise<HandoverNote> {
  const text = optionalText('note', noteText, 4000);
  const member = await em.findOne(CareTeamMember, { patient: patient.id, user: newLeadId }, { populate: ['user'] }).catch(() => null);
  if (!member) throw badInput('newLeadId', await notOnTeamMessage(em, newLeadId, "made this patient's lead"));
  if (!member.user.active) throw badInput('newLeadId', noLongerActiveMessage(member.user.name, "made this patient's lead"));
  if (member.isLead) throw badInput('newLeadId', `${member.user.name} is already this patient's lead: choose someone else on the care team, or acknowledge on their behalf.`);
  const newLead = { id: member.user.id, name: member.user.name };
  await em.transactional(async (tx) => {
    const oldLead = await currentLead(tx, patient.id);
    const rows = await runSql<{ id: string }>(
      tx,
      sql`update handover_note n set escalation_handled_at = now(), escalation_handled_by_id = ${by.actor.id}, escalation_outcome = 'LEAD_REASSIGNED',
                 escalation_note = ${text}, escalation_clock_from = now()
           where n.id = ${note.id} and ${openEscalation} returning n.id`,
    );
    if (rows.length === 0) throw await whyNotOpen(tx, note.id);
    await setCareTeamLead(tx, by, patient, newLead.id);
    await recordAudit(tx, {
      actorId: by.actor.id,
      action: 'handover.reassignLead',
      patientId: patient.id,
      requestId: by.requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: { handoverId: note.id, fromUserId: oldLead?.id ?? null, toUserId: newLead.id },
    });
    await appendEvent(tx, { patientId: patient.id, kind: 'HANDOVER_ESCALATION_REROUTED', actorId: by.actor.id, payload: { handoverId: note.id, newLead, note: text ? excerpt(text) : null } });
    await notify(tx, [newLead.id], {
      kind: NotificationKind.HANDOVER_REROUTED,
      patientId: patient.id,
      title: `${by.actor.name} made you ${patientName(patient)}'s lead: a handover awaits your acknowledgement`,
      body: text ? excerpt(text) : excerpt(note.summary),
      link: links.handover(patient.id, note.id),
      actorId: by.actor.id,
    });
    await notifyReaders(tx, [note.author.id, ...(oldLead ? [oldLead.id] : []), ...(await escalationHandlersOf(tx, patient.id))].filter((id) => id !== newLead.id), {
      kind: NotificationKind.HANDOVER_ESCALATION_HANDLED,
      patientId: patient.id,
      title: `${by.actor.name} made ${newLead.name} ${patientName(patient)}'s lead; the escalated handover now awaits them`,
      body: text ? excerpt(text) : excerpt(note.summary),
      link: links.handover(patient.id, note.id),
      actorId: by.actor.id,
    });
  });
  return refreshed(em, note);
}

/**
 * The PCN's escalated handovers for its service lead: the open ones first, longest escalated first; then
 * those dealt with in the last two weeks, most recent first, so everyone sees what became of them.
 */
export async function escalatedHandoversFor(em: EntityManager, actor: User): Promise<HandoverNote[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select n.id from handover_note n join patient p on p.id = n.patient_id
         where n.escalated_at is not null and ${leadsPcnPatientsSql(actor)}
           and (${openEscalation} or coalesce(n.escalation_handled_at, n.acknowledged_at) > now() - make_interval(days => ${HANDLED_SHOWN_DAYS}))
         order by ${openEscalation} desc, case when ${openEscalation} then n.escalated_at end asc, coalesce(n.escalation_handled_at, n.acknowledged_at) desc
         limit ${LIST_LIMIT}`,
  );
  return handoversByIds(em, rows.map((r) => r.id));
}

/** Every unacknowledged handover on the PCN's patients, oldest first: how long each has waited. */
export async function unacknowledgedHandoversFor(em: EntityManager, actor: User): Promise<HandoverNote[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select n.id from handover_note n join patient p on p.id = n.patient_id
         where n.acknowledged_at is null and ${leadsPcnPatientsSql(actor)}
         order by n.created_at asc limit ${LIST_LIMIT}`,
  );
  return handoversByIds(em, rows.map((r) => r.id));
}

/** The handovers `actor` wrote, newest first, on patients they can still see. */
export async function handoversSentBy(em: EntityManager, actor: User): Promise<HandoverNote[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select n.id from handover_note n join patient p on p.id = n.patient_id
         where n.author_id = ${actor.id} and ${readablePatientsSql(actor)}
         order by n.created_at desc limit ${LIST_LIMIT}`,
  );
  return handoversByIds(em, rows.map((r) => r.id));
}

async function currentLead(em: EntityManager, patientId: string): Promise<{ id: string; name: string } | null> {
  const [row] = await runSql<{ id: string; name: string }>(
    em,
    sql`select u.id, u.name from care_team_member m join app_user u on u.id = m.user_id where m.patient_id = ${patientId} and m.is_lead`,
  );
  return row ?? null;
}

/** Why an escalation cannot be acted on any more, read afresh: it says who got there first. */
async function whyNotOpen(em: EntityManager, handoverId: string): Promise<CairnError> {
  const [row] = await runSql<{ acknowledged: boolean; acker: string | null; escalated: boolean; outcome: string | null; handler: string | null; new_lead: string | null }>(
    em,
    sql`select n.acknowledged_at is not null as acknowledged, a.name as acker, n.escalated_at is not null as escalated, n.escalation_outcome as outcome,
               h.name as handler, (select u.name from care_team_member m join app_user u on u.id = m.user_id where m.patient_id = n.patient_id and m.is_lead) as new_lead
          from handover_note n left join app_user a on a.id = n.acknowledged_by_id left join app_user h on h.id = n.escalation_handled_by_id
         where n.id = ${handoverId}`,
  );
  if (row?.acknowledged) return conflict(`This handover was already acknowledged${row.acker ? ` by ${row.acker}` : ''}.`);
  if (!row?.escalated) return conflict("This handover has not been escalated: it is for the care team's lead to acknowledge.");
  if (row.outcome === 'LEAD_REASSIGNED') {
    return conflict(`${row.handler ?? 'A service lead'} already made ${row.new_lead ?? 'someone else'} the lead; the handover awaits them and escalates again if they do not acknowledge it in time.`);
  }
  return conflict(`${row.handler ?? 'Someone'} already dealt with this escalation.`);
}

async function refreshed(em: EntityManager, note: HandoverNote): Promise<HandoverNote> {
  await em.refresh(note, { populate: ['author', 'acknowledgedBy', 'acknowledgedOnBehalfOf', 'escalationHandledBy'] });
  return note;
}
