import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { appendEventsTo, type EventRecord, type NewEvent } from '../events/event-log.js';
import { runSql, sql, Statement } from '../platform/sql.js';
import { Notification, type NotificationKind } from './notification.entity.js';

export interface NewNotification {
  kind: NotificationKind;
  patientId: string | null;
  title: string;
  body: string;
  link: string;
  /** Who caused it; never notified of their own action. */
  actorId: string | null;
}

/**
 * Notifies each of `recipientIds` (deduplicated, minus the actor) inside the writing transaction: a
 * notification row and a private event on the log, which is what reaches the user live. However many
 * recipients, one statement.
 */
export async function notify(em: EntityManager, recipientIds: Iterable<string>, n: NewNotification): Promise<void> {
  if (!em.isInTransaction()) throw new Error('notify must run inside the transaction that makes the change');
  const events = notificationEvents(recipientIds, n);
  if (events.length === 0) return;
  const statement = storeNotificationsFrom(appendEventsTo(new Statement(), events));
  await runSql(em, statement.select(sql`select count(*) from notified`));
}

/** The private events that notify `recipientIds` (deduplicated, minus the actor), one each. */
export function notificationEvents(recipientIds: Iterable<string>, n: NewNotification): Array<NewEvent<'NOTIFICATION'>> {
  return [...new Set(recipientIds)]
    .filter((id) => id !== n.actorId)
    .map((recipientId) => ({
      patientId: n.patientId,
      kind: 'NOTIFICATION',
      actorId: n.actorId,
      recipientId,
      payload: { notificationId: randomUUID(), notificationKind: n.kind, title: n.title, body: n.body, link: n.link },
    }));
}

/**
 * Adds to a statement that appends notification events (`appendEventsTo`) the part `notified` that stores a
 * notification row for each of them, from what the event carries.
 */
export function storeNotificationsFrom(statement: Statement): Statement {
  return statement.with(
    'notified',
    sql`insert into notification (id, recipient_id, kind, patient_id, title, body, link, seq)
        select (e.payload->>'notificationId')::uuid, e.recipient_id, e.payload->>'notificationKind', e.patient_id,
               e.payload->>'title', e.payload->>'body', e.payload->>'link', e.seq
          from ev_added e
         where e.kind = ${'NOTIFICATION'}
        returning id`,
  );
}

/** A notification as the live stream delivers it, built from its event without another query. */
export function notificationFromEvent(e: EventRecord): Notification {
  const p = e.payload as { notificationId: string; notificationKind: NotificationKind; title: string; body: string; link: string };
  return Object.assign(new Notification(), {
    id: p.notificationId,
    recipientId: e.recipientId ?? '',
    kind: p.notificationKind,
    patientId: e.patientId,
    title: p.title,
    body: p.body,
    link: p.link,
    seq: String(e.seq),
    createdAt: e.createdAt,
    readAt: null,
  });
}

export async function listNotifications(em: EntityManager, userId: string, opts: { unreadOnly: boolean; before: number | null; limit: number }): Promise<Notification[]> {
  return em.find(
    Notification,
    {
      recipientId: userId,
      ...(opts.unreadOnly ? { readAt: null } : {}),
      ...(opts.before !== null ? { seq: { $lt: String(opts.before) } } : {}),
    },
    { orderBy: { seq: 'desc' }, limit: opts.limit },
  );
}

export async function unreadCount(em: EntityManager, userId: string): Promise<number> {
  return em.count(Notification, { recipientId: userId, readAt: null });
}

/** Marks one of the user's notifications read; null if it is not theirs (or does not exist). */
export async function markRead(em: EntityManager, userId: string, id: string): Promise<Notification | null> {
  const n = await em.findOne(Notification, { id, recipientId: userId });
  if (!n) return null;
  if (!n.readAt) {
    n.readAt = new Date();
    await em.flush();
  }
  return n;
}

export async function markAllRead(em: EntityManager, userId: string): Promise<number> {
  return em.nativeUpdate(Notification, { recipientId: userId, readAt: null }, { readAt: new Date() });
}

/** Links into the web app, in one place so they stay consistent. */
export const links = {
  patient: (patientId: string) => `/patients/${patientId}`,
  handover: (patientId: string, handoverId: string) => `/patients/${patientId}/handovers/${handoverId}`,
  thread: (patientId: string, threadId: string) => `/patients/${patientId}/threads/${threadId}`,
  carePlan: (patientId: string) => `/patients/${patientId}/care-plan`,
  medication: (patientId: string) => `/patients/${patientId}/medication`,
  referrals: () => '/referrals',
  caseFinding: (searchId: string) => `/case-finding/${searchId}`,
  sessions: (patientId: string) => `/patients/${patientId}/sessions`,
  painCafe: (cafeId: string) => `/pain-cafes/${cafeId}`,
};
