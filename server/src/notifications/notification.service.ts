import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { appendEvents, type EventRecord } from '../events/event-log.js';
import { EventKind } from '../events/event-kinds.js';
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
 * recipients, two statements: every event (one seq reservation, one NOTIFY), then every notification row.
 */
export async function notify(em: EntityManager, recipientIds: Iterable<string>, n: NewNotification): Promise<void> {
  const recipients = [...new Set(recipientIds)].filter((id) => id !== n.actorId).map((recipientId) => ({ recipientId, id: randomUUID() }));
  if (recipients.length === 0) return;
  const seqs = await appendEvents(
    em,
    recipients.map(({ recipientId, id }) => ({
      patientId: n.patientId,
      kind: EventKind.NOTIFICATION,
      actorId: n.actorId,
      recipientId,
      payload: { notificationId: id, notificationKind: n.kind, title: n.title, body: n.body, link: n.link },
    })),
  );
  await em.getConnection().execute(
    `insert into notification (id, recipient_id, kind, patient_id, title, body, link, seq)
     select (r->>'id')::uuid, (r->>'recipientId')::uuid, ?, ?::uuid, ?, ?, ?, (r->>'seq')::bigint
       from jsonb_array_elements(?::jsonb) as r`,
    [n.kind, n.patientId, n.title, n.body, n.link, JSON.stringify(recipients.map((r, i) => ({ ...r, seq: seqs[i] })))],
    'run',
    em.getTransactionContext(),
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
};
