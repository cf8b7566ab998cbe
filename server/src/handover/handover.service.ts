import type { EntityManager } from '@mikro-orm/postgresql';
import { escalationHandlersOf, readersAmong, type Relationship } from '../access/policy.js';
import { AuditOutcome, auditInsert, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { careTeamAccounts, noLongerActiveMessage, shareTeamTurn, type CareTeamAccount } from '../care-teams/care-team.service.js';
import { randomUUID } from 'node:crypto';
import { appendEvent, appendEventsTo, type NewEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notificationEvents, notify, storeNotificationsFrom, type NewNotification } from '../notifications/notification.service.js';
import { OrganisationKind } from '../organisations/organisation.entity.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { runSql, sql, Statement, type Sql } from '../platform/sql.js';
import { optionalText, requireIsoDate, requireText } from '../platform/validate.js';
import { HandoverAction, HandoverAddendum, HandoverNote } from './handover.entity.js';
import type { PostHandoverInput } from './handover.types.js';

export interface By {
  actor: User;
  requestId: string;
}

const MAX_ACTIONS = 20;

/**
 * Validates the input first (nothing is written on bad input), then checks each assignee against the team as it
 * is (under the care team's turn) and posts in one statement: the note, its actions, the specialist link,
 * the audit entry, the timeline event and the care team's notifications commit together, or not at all.
 */
export async function postHandover(
  em: EntityManager,
  by: By,
  patient: Patient,
  relationship: Relationship,
  input: PostHandoverInput,
  /** The demo's only: a note posted hours ago, so the escalation sweep has one past its time to show. */
  options: { postedAt?: Date } = {},
): Promise<HandoverNote> {
  const summary = requireText('summary', input.summary, 500);
  const advice = requireText('advice', input.advice, 10_000);
  const sourceService = input.sourceService?.trim() ? requireText('sourceService', input.sourceService, 200) : by.actor.organisation.name;
  if (input.actions.length > MAX_ACTIONS) throw badInput('actions', `At most ${MAX_ACTIONS} recommended actions per handover.`);
  const actions = input.actions.map((a, i) => ({
    id: randomUUID(),
    position: i,
    description: requireText(`actions.${i}.description`, a.description, 1000),
    dueDate: a.dueDate?.trim() ? requireIsoDate(`actions.${i}.dueDate`, a.dueDate) : null,
    assigneeId: a.assigneeId || null,
  }));

  const note = Object.assign(new HandoverNote(), { patientId: patient.id, author: by.actor, sourceService, summary, advice, urgency: input.urgency });
  const post = async (db: EntityManager): Promise<HandoverNote> => {
    const team = await careTeamAccounts(db, patient.id);
    await requireAssignable(db, team, actions);
    const statement = postingStatement(by, patient, relationship, note, actions, team, options.postedAt ?? null);
    // The ORM's connections hand timestamps back as text (it parses them itself).
    const [row] = await runSql<{ created_at: string }>(db, statement.select(sql`select created_at from note`));
    note.createdAt = new Date(row.created_at);
    return note;
  };
  // A note that gives someone an action holds the team as it is until it commits: a member removed at the
  // same moment is either still on the team when given the action, or refused here, never given one they
  // cannot see. A note without one reads the team and posts, as before, with no transaction of its own.
  if (!actions.some((a) => a.assigneeId)) return post(em);
  return em.transactional(async (tx) => {
    await shareTeamTurn(tx, patient.id);
    return post(tx);
  });
}

/** The one statement that posts a note: it, its actions, the specialist link, the audit entry, the event and the team's notifications. */
function postingStatement(
  by: By,
  patient: Patient,
  relationship: Relationship,
  note: HandoverNote,
  actions: ReadonlyArray<{ id: string; position: number; description: string; dueDate: string | null; assigneeId: string | null }>,
  team: CareTeamAccount[],
  postedAt: Date | null,
): Statement {
  const statement = new Statement().with(
    'note',
    sql`insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
        values (${note.id}::uuid, ${patient.id}::uuid, ${by.actor.id}::uuid, ${note.sourceService}, ${note.summary}, ${note.advice}, ${note.urgency},
                coalesce(${postedAt?.toISOString() ?? null}::timestamptz, now()))
        returning created_at`,
  );
  if (actions.length > 0) {
    statement.with(
      'actions',
      sql`insert into handover_action (id, handover_id, position, description, due_date, assignee_id)
          select (a->>'id')::uuid, ${note.id}::uuid, (a->>'position')::int, a->>'description', (a->>'dueDate')::date, (a->>'assigneeId')::uuid
            from jsonb_array_elements(${JSON.stringify(actions)}::jsonb) a`,
    );
  }
  // A specialist service that hands over keeps sight of the patient.
  if (by.actor.organisation.kind === OrganisationKind.SPECIALIST_PAIN_SERVICE && !relationship.isLinkedSpecialist) {
    statement.with(
      'linked',
      sql`insert into specialist_link (id, patient_id, service_id, reason) values (gen_random_uuid(), ${patient.id}::uuid, ${by.actor.organisation.id}::uuid, 'HANDOVER')
          on conflict (patient_id, service_id) do nothing`,
    );
  }
  statement.with(
    'audited',
    auditInsert([{ actorId: by.actor.id, action: 'handover.post', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { handoverId: note.id } }]),
  );
  const posted: NewEvent<'HANDOVER_POSTED'> = {
    patientId: patient.id,
    kind: 'HANDOVER_POSTED',
    actorId: by.actor.id,
    payload: { handoverId: note.id, urgency: note.urgency, summary: excerpt(note.summary), sourceService: note.sourceService },
  };
  const notifications = notificationEvents(
    team.filter((m) => m.active).map((m) => m.userId),
    {
      kind: NotificationKind.HANDOVER_POSTED,
      patientId: patient.id,
      title: `${urgencyWord(note.urgency)} for ${patientName(patient)} from ${note.sourceService}`,
      body: excerpt(note.summary),
      link: links.handover(patient.id, note.id),
      actorId: by.actor.id,
    },
  );
  return storeNotificationsFrom(appendEventsTo(statement, [posted, ...notifications]));
}

/**
 * Each action's assignee must be on the care team (as locked by the caller) with an account in use: anyone
 * else would never see the action, so they are refused by name, on the action's field.
 */
async function requireAssignable(tx: EntityManager, team: CareTeamAccount[], actions: ReadonlyArray<{ assigneeId: string | null }>): Promise<void> {
  for (const [i, action] of actions.entries()) {
    if (!action.assigneeId) continue;
    const member = team.find((m) => m.userId === action.assigneeId);
    if (!member) throw badInput(`actions.${i}.assigneeId`, await notOnTeamMessage(tx, action.assigneeId, 'assigned this action'));
    if (!member.active) throw badInput(`actions.${i}.assigneeId`, noLongerActiveMessage(member.name, 'assigned this action'));
  }
}

export async function addHandoverAddendum(em: EntityManager, by: By, note: HandoverNote, body: string): Promise<HandoverAddendum> {
  const text = requireText('body', body, 10_000, 'the addendum');
  const addendum = Object.assign(new HandoverAddendum(), { handover: note, author: by.actor, body: text });
  await em.transactional(async (tx) => {
    tx.persist(addendum);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'handover.addendum', patientId: note.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { handoverId: note.id } });
    await appendEvent(tx, { patientId: note.patientId, kind: 'HANDOVER_ADDENDUM_ADDED', actorId: by.actor.id, payload: { handoverId: note.id, addendumId: addendum.id, excerpt: excerpt(text) } });
  });
  return addendum;
}

/** Records who acknowledged and when; a second acknowledgement is a CONFLICT naming the first. */
export async function acknowledgeHandover(em: EntityManager, by: By, note: HandoverNote, patient: Patient, reply: string | null): Promise<HandoverNote> {
  const text = optionalText('reply', reply, 4000);
  await em.transactional(async (tx) => {
    // An escalation still open is dealt with by this acknowledgement (recorded as such), and the PCN's service
    // leads are told whenever an escalated note is acknowledged, so their lists change live.
    const rows = await runSql<{ id: string; was_escalated: boolean }>(
      tx,
      sql`with before as (
            select id, escalated_at is not null as was_escalated, escalated_at is not null and escalation_handled_at is null as open
              from handover_note where id = ${note.id} and acknowledged_at is null for update)
          update handover_note n set acknowledged_at = now(), acknowledged_by_id = ${by.actor.id}, acknowledgement_reply = ${text},
                 escalation_handled_at = case when before.open then now() else n.escalation_handled_at end,
                 escalation_handled_by_id = case when before.open then ${by.actor.id}::uuid else n.escalation_handled_by_id end,
                 escalation_outcome = case when before.open then 'ACKNOWLEDGED' else n.escalation_outcome end
            from before where n.id = before.id returning n.id, before.was_escalated`,
    );
    if (rows.length === 0) {
      await em.refresh(note, { populate: ['acknowledgedBy'] });
      throw conflict(`This handover was already acknowledged${note.acknowledgedBy ? ` by ${note.acknowledgedBy.name}` : ''}.`);
    }
    if (rows[0].was_escalated) {
      await notify(tx, await escalationHandlersOf(tx, note.patientId), {
        kind: NotificationKind.HANDOVER_ESCALATION_HANDLED,
        patientId: note.patientId,
        title: `${by.actor.name} acknowledged the escalated handover for ${patientName(patient)}`,
        body: text ? excerpt(text) : excerpt(note.summary),
        link: links.handover(note.patientId, note.id),
        actorId: by.actor.id,
      });
    }
    await recordAudit(tx, { actorId: by.actor.id, action: 'handover.acknowledge', patientId: note.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { handoverId: note.id } });
    await appendEvent(tx, { patientId: note.patientId, kind: 'HANDOVER_ACKNOWLEDGED', actorId: by.actor.id, payload: { handoverId: note.id, reply: text ? excerpt(text) : null } });
    await notifyReaders(tx, [note.author.id], {
      kind: NotificationKind.HANDOVER_ACKNOWLEDGED,
      patientId: note.patientId,
      title: `${by.actor.name} acknowledged your handover for ${patientName(patient)}`,
      body: text ? excerpt(text) : excerpt(note.summary),
      link: links.handover(note.patientId, note.id),
      actorId: by.actor.id,
    });
  });
  await em.refresh(note, { populate: ['acknowledgedBy', 'author'] });
  return note;
}

/**
 * Marks a recommended action done, once, recording who and when; a second time is a CONFLICT naming the first.
 * An assignee whose action someone else (the care team's lead) marked done is told, so it leaves their list;
 * when it was the note's last open action, the note's author is told every action is done.
 */
export async function completeHandoverAction(em: EntityManager, by: By, action: HandoverAction, patient: Patient): Promise<HandoverAction> {
  const note = action.handover;
  await em.transactional(async (tx) => {
    const rows = await runSql<{ open_left: number }>(
      tx,
      sql`with done as (update handover_action set done_at = now(), done_by_id = ${by.actor.id} where id = ${action.id} and done_at is null returning handover_id)
          select (select count(*)::int from handover_action a where a.handover_id = done.handover_id and a.done_at is null and a.id <> ${action.id}) as open_left from done`,
    );
    if (rows.length === 0) {
      await em.refresh(action, { populate: ['doneBy'] });
      throw conflict(`This action was already marked done${action.doneBy ? ` by ${action.doneBy.name}` : ''}.`);
    }
    const allDone = rows[0].open_left === 0;
    await recordAudit(tx, { actorId: by.actor.id, action: 'handover.action.done', patientId: note.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { handoverId: note.id, actionId: action.id } });
    await appendEvent(tx, { patientId: note.patientId, kind: 'HANDOVER_ACTION_DONE', actorId: by.actor.id, payload: { handoverId: note.id, actionId: action.id, description: excerpt(action.description), allDone } });
    if (action.assignee) {
      await notifyReaders(tx, [action.assignee.id], {
        kind: NotificationKind.HANDOVER_ACTION_DONE_FOR_YOU,
        patientId: note.patientId,
        title: `${by.actor.name} marked your action for ${patientName(patient)} done`,
        body: excerpt(action.description),
        link: links.handover(note.patientId, note.id),
        actorId: by.actor.id,
      });
    }
    if (allDone && note.author.id !== by.actor.id) {
      await notifyReaders(tx, [note.author.id], {
        kind: NotificationKind.HANDOVER_ACTIONS_DONE,
        patientId: note.patientId,
        title: `Every recommended action in your handover for ${patientName(patient)} is done`,
        body: excerpt(note.summary),
        link: links.handover(note.patientId, note.id),
        actorId: by.actor.id,
      });
    }
  });
  await em.refresh(action, { populate: ['doneBy', 'assignee'] });
  return action;
}

/**
 * The order unacknowledged notes are read in, wherever they are listed: most urgent first, then the longest
 * waiting. The inbox and a patient's Handover tab share it, so a link from one lands on the card the other puts first.
 */
const awaitingOrder = sql`case n.urgency when 'URGENT' then 0 when 'SOON' then 1 else 2 end, n.created_at`;

/** Unacknowledged handovers on patients where `actor` may acknowledge (the lead, or a GP on the team). */
export async function handoversAwaiting(em: EntityManager, acknowledgeable: Sql, actorId: string): Promise<HandoverNote[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select n.id from handover_note n where n.acknowledged_at is null and n.patient_id in (${acknowledgeable}) and n.author_id <> ${actorId}
         order by ${awaitingOrder}`,
  );
  return handoversByIds(em, rows.map((r) => r.id));
}

/**
 * A patient's notes: the unacknowledged ones first, in the inbox's order (an URGENT note is never below a
 * newer SOON one), then the acknowledged ones, newest first.
 */
export async function patientHandovers(em: EntityManager, patientId: string): Promise<HandoverNote[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select n.id from handover_note n where n.patient_id = ${patientId}
         order by n.acknowledged_at is not null,
                  case when n.acknowledged_at is null then row(${awaitingOrder}) end,
                  n.created_at desc`,
  );
  return handoversByIds(em, rows.map((r) => r.id));
}

/**
 * Recommended actions assigned to `actor`, on patients they can still see: the open ones, soonest due first;
 * with `includeDone`, the done ones after them, most recently done first.
 */
export async function actionsAssignedTo(em: EntityManager, actor: User, readable: Sql, includeDone = false): Promise<HandoverAction[]> {
  const rows = await runSql<{ id: string }>(
    em,
    sql`select a.id from handover_action a join handover_note n on n.id = a.handover_id join patient p on p.id = n.patient_id
         where a.assignee_id = ${actor.id} and ${readable} ${includeDone ? sql`` : sql`and a.done_at is null`}
         order by a.done_at is not null, a.done_at desc, a.due_date nulls last, n.created_at`,
  );
  const found = await em.find(HandoverAction, { id: { $in: rows.map((r) => r.id) } }, { populate: ['handover', 'handover.author', 'assignee', 'doneBy'] });
  const order = new Map(rows.map((r, i) => [r.id, i]));
  return found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Notes by id, in the order given, with the people a list shows. */
export async function handoversByIds(em: EntityManager, ids: string[]): Promise<HandoverNote[]> {
  const found = await em.find(HandoverNote, { id: { $in: ids } }, { populate: ['author', 'acknowledgedBy', 'acknowledgedOnBehalfOf', 'escalationHandledBy'] });
  const order = new Map(ids.map((id, i) => [id, i]));
  return found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/**
 * Notifies those of `userIds` who may still read the patient. A note's author taken off the care team (or
 * whose service lost sight of the patient) since posting it is not sent the patient's name and a reply.
 */
export async function notifyReaders(tx: EntityManager, userIds: string[], n: NewNotification & { patientId: string }): Promise<void> {
  await notify(tx, await readersAmong(tx, n.patientId, userIds), n);
}

/** "Dr X is not on this patient's care team…": names the person when they exist. */
export async function notOnTeamMessage(em: EntityManager, userId: string, what: string): Promise<string> {
  const rows = await runSql<{ name: string }>(em, sql`select name from app_user where id::text = ${userId}`).catch(() => []);
  const who = rows[0]?.name ?? 'That person';
  return `${who} is not on this patient's care team, so cannot be ${what}.`;
}

export function patientName(p: Patient): string {
  return `${p.givenName} ${p.familyName}`;
}

function urgencyWord(u: HandoverNote['urgency']): string {
  return u === 'URGENT' ? 'Urgent handover' : u === 'SOON' ? 'Handover (reply soon)' : 'Handover';
}
