import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, may } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { noLongerActiveMessage, shareTeamTurn } from '../care-teams/care-team.service.js';
import { appendEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict, forbidden } from '../platform/errors.js';
import { requireText } from '../platform/validate.js';
import { markdownToPlainText, renderSafeMarkdown } from './safe-markdown.js';
import { FollowState, Thread, ThreadPost, type ThreadTopic } from './thread.entity.js';
import { runSql, sql } from '../platform/sql.js';

export interface By {
  actor: User;
  requestId: string;
}

/** How long after posting its author may still edit a post. */
export const EDIT_WINDOW_MS = 15 * 60_000;
const MAX_BODY = 20_000;
const MAX_MENTIONS = 20;

/**
 * The mentioned users, all of them on the patient's care team with an account in use; anyone else is refused
 * by name. Called inside the post's transaction, under the care team's turn: a member removed at the same
 * moment is either still on the team when the post commits, or refused here, never told of a post they no
 * longer may read.
 */
async function mentionedMembers(tx: EntityManager, patientId: string, ids: string[]): Promise<User[]> {
  if (ids.length > MAX_MENTIONS) throw badInput('mentions', `Mention at most ${MAX_MENTIONS} people in one post.`);
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  await shareTeamTurn(tx, patientId);
  const members = await tx.find(CareTeamMember, { patient: patientId, user: { $in: unique.filter(isUuid) } }, { populate: ['user'] });
  const outside = unique.filter((id) => !members.some((m) => m.user.id === id));
  if (outside.length > 0) {
    const users = await tx.find(User, { id: { $in: outside.filter(isUuid) } });
    const names = outside.map((id) => users.find((u) => u.id === id)?.name ?? 'an unknown person');
    throw badInput('mentions', `${listOf(names)} ${names.length === 1 ? 'is' : 'are'} not on this patient's care team, so cannot be mentioned.`);
  }
  const gone = members.find((m) => !m.user.active);
  if (gone) throw badInput('mentions', noLongerActiveMessage(gone.user.name, 'mentioned'));
  return members.map((m) => m.user);
}

export async function startThread(
  em: EntityManager,
  by: By,
  patient: Patient,
  input: { title: string; topic: ThreadTopic; body: string; mentions: string[] },
): Promise<Thread> {
  const title = requireText('title', input.title, 200);
  const body = requireText('body', input.body, MAX_BODY, 'the post');
  const thread = Object.assign(new Thread(), { patientId: patient.id, title, topic: input.topic, author: by.actor });
  await em.transactional(async (tx) => {
    const mentioned = await mentionedMembers(tx, patient.id, input.mentions);
    const post = Object.assign(new ThreadPost(), { thread, author: by.actor, body, bodyHtml: renderSafeMarkdown(body, mentioned.map((u) => u.name)) });
    tx.persist([thread, post]);
    await tx.flush();
    await saveMentions(tx, post, mentioned);
    await follow(tx, thread.id, [by.actor.id, ...mentioned.map((u) => u.id)]);
    await recordAudit(tx, { actorId: by.actor.id, action: 'thread.start', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { threadId: thread.id } });
    await appendEvent(tx, { patientId: patient.id, kind: 'THREAD_STARTED', actorId: by.actor.id, payload: { threadId: thread.id, title, topic: thread.topic } });
    await notifyMentions(tx, by, thread, mentioned, body);
  });
  return thread;
}

export async function replyToThread(
  em: EntityManager,
  by: By,
  thread: Thread,
  input: { body: string; parentPostId: string | null; mentions: string[] },
): Promise<ThreadPost> {
  const body = requireText('body', input.body, MAX_BODY, 'the post');
  if (input.parentPostId && !(isUuid(input.parentPostId) && (await em.count(ThreadPost, { id: input.parentPostId, thread: thread.id })))) {
    throw badInput('parentPostId', 'The post you are replying to is not in this discussion.');
  }
  const post = Object.assign(new ThreadPost(), { thread, parentId: input.parentPostId ?? null, author: by.actor, body });
  await em.transactional(async (tx) => {
    // The thread as it is now, held until this reply commits: a resolve at the same moment waits for it, or
    // is seen here. (The post's foreign key alone would not make them wait for each other.)
    const [now] = await runSql<{ resolved: boolean }>(tx, sql`select resolved_at is not null as resolved from thread where id = ${thread.id} for share`);
    if (now?.resolved) throw conflict('This discussion is resolved. Reopen it to reply.');
    const mentioned = await mentionedMembers(tx, thread.patientId, input.mentions);
    post.bodyHtml = renderSafeMarkdown(body, mentioned.map((u) => u.name));
    tx.persist(post);
    await tx.flush();
    await saveMentions(tx, post, mentioned);
    await follow(tx, thread.id, [by.actor.id, ...mentioned.map((u) => u.id)]);
    await recordAudit(tx, { actorId: by.actor.id, action: 'thread.reply', patientId: thread.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { threadId: thread.id, postId: post.id } });
    await appendEvent(tx, { patientId: thread.patientId, kind: 'THREAD_POSTED', actorId: by.actor.id, payload: { threadId: thread.id, postId: post.id, parentPostId: post.parentId, excerpt: excerpt(markdownToPlainText(body)) } });
    await notifyMentions(tx, by, thread, mentioned, body);
    const followers = await runSql<{ user_id: string }>(
      tx,
      sql`select f.user_id from thread_follow f join care_team_member m on m.user_id = f.user_id and m.patient_id = ${thread.patientId}
           where f.thread_id = ${thread.id} and f.state = 'FOLLOWING'`,
    );
    const alreadyTold = new Set(mentioned.map((u) => u.id));
    await notify(
      tx,
      followers.map((f) => f.user_id).filter((id) => !alreadyTold.has(id)),
      { kind: NotificationKind.THREAD_REPLY, patientId: thread.patientId, title: `${by.actor.name} replied in “${thread.title}”`, body: excerpt(markdownToPlainText(body)), link: links.thread(thread.patientId, thread.id), actorId: by.actor.id },
    );
  });
  return post;
}

/** The author may edit within the window; the replaced version is kept. */
export async function editThreadPost(em: EntityManager, by: By, post: ThreadPost, newBody: string, now = new Date()): Promise<ThreadPost> {
  const body = requireText('body', newBody, MAX_BODY, 'the post');
  if (!may.editThreadPost(by.actor, post.author.id)) {
    await recordAudit(em, {
      actorId: by.actor.id,
      action: 'thread.edit',
      patientId: post.thread.patientId,
      requestId: by.requestId,
      outcome: AuditOutcome.DENIED,
      detail: { postId: post.id, reason: 'not the author' },
    });
    throw forbidden('Only the author can edit a post.');
  }
  if (now.getTime() - post.createdAt.getTime() > EDIT_WINDOW_MS) throw conflict('Posts can only be edited in the first 15 minutes. Add a reply instead.');
  const mentionNames = await runSql<{ name: string }>(em, sql`select u.name from thread_mention m join app_user u on u.id = m.user_id where m.post_id = ${post.id}`);
  await em.transactional(async (tx) => {
    // The version replaced is the post as it is now, held until this edit commits: of two edits sent at once,
    // the second keeps the first's text in the history rather than the text both began from.
    await runSql(
      tx,
      sql`insert into thread_post_revision (id, post_id, body, body_html, written_at)
          select gen_random_uuid(), id, body, body_html, coalesce(edited_at, created_at) from thread_post where id = ${post.id} for update`,
    );
    post.body = body;
    post.bodyHtml = renderSafeMarkdown(body, mentionNames.map((m) => m.name));
    post.editedAt = new Date();
    tx.persist(post);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'thread.edit', patientId: post.thread.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { postId: post.id } });
    await appendEvent(tx, { patientId: post.thread.patientId, kind: 'THREAD_POST_EDITED', actorId: by.actor.id, payload: { threadId: post.thread.id, postId: post.id, excerpt: excerpt(markdownToPlainText(body)) } });
  });
  return post;
}

export async function setThreadResolved(em: EntityManager, by: By, thread: Thread, resolved: boolean): Promise<Thread> {
  const already = () => conflict(resolved ? 'This discussion is already resolved.' : 'This discussion is already open.');
  if (resolved === (thread.resolvedAt !== null)) throw already();
  await em.transactional(async (tx) => {
    // Changed only from the other state, as the row is now: of two people resolving at once, one does it.
    const changed = await runSql(
      tx,
      resolved
        ? sql`update thread set resolved_at = now(), resolved_by_id = ${by.actor.id} where id = ${thread.id} and resolved_at is null returning id`
        : sql`update thread set resolved_at = null, resolved_by_id = null where id = ${thread.id} and resolved_at is not null returning id`,
    );
    if (changed.length === 0) throw already();
    await recordAudit(tx, { actorId: by.actor.id, action: resolved ? 'thread.resolve' : 'thread.reopen', patientId: thread.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { threadId: thread.id } });
    await appendEvent(tx, { patientId: thread.patientId, kind: resolved ? 'THREAD_RESOLVED' : 'THREAD_REOPENED', actorId: by.actor.id, payload: { threadId: thread.id } });
  });
  await em.refresh(thread, { populate: ['resolvedBy'] });
  return thread;
}

export async function setFollowState(em: EntityManager, by: By, thread: Thread, state: FollowState): Promise<FollowState> {
  await em.transactional(async (tx) => {
    if (state === FollowState.NONE) await runSql(tx, sql`delete from thread_follow where thread_id = ${thread.id} and user_id = ${by.actor.id}`);
    else
      await runSql(
        tx,
        sql`insert into thread_follow (thread_id, user_id, state) values (${thread.id}, ${by.actor.id}, ${state})
            on conflict (thread_id, user_id) do update set state = excluded.state`,
      );
    await recordAudit(tx, { actorId: by.actor.id, action: 'thread.follow', patientId: thread.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { threadId: thread.id, state } });
  });
  return state;
}

export async function followStateOf(em: EntityManager, threadId: string, userId: string): Promise<FollowState> {
  const rows = await runSql<{ state: FollowState }>(em, sql`select state from thread_follow where thread_id = ${threadId} and user_id = ${userId}`);
  return rows[0]?.state ?? FollowState.NONE;
}

/** The discussion, or null when there is none with this id. */
export async function findThread(em: EntityManager, id: string): Promise<Thread | null> {
  return isUuid(id) ? em.findOne(Thread, { id }, { populate: ['author', 'resolvedBy'] }) : null;
}

/** The post with its discussion, or null when there is none with this id. */
export async function findPost(em: EntityManager, id: string): Promise<ThreadPost | null> {
  return isUuid(id) ? em.findOne(ThreadPost, { id }, { populate: ['thread', 'author'] }) : null;
}

async function saveMentions(tx: EntityManager, post: ThreadPost, users: User[]): Promise<void> {
  for (const u of users) {
    await runSql(tx, sql`insert into thread_mention (post_id, user_id) values (${post.id}, ${u.id})`);
  }
}

/** Starts following for whoever has no state yet; an explicit mute stays. */
async function follow(tx: EntityManager, threadId: string, userIds: string[]): Promise<void> {
  for (const id of new Set(userIds)) {
    await runSql(tx, sql`insert into thread_follow (thread_id, user_id, state) values (${threadId}, ${id}, 'FOLLOWING') on conflict do nothing`);
  }
}

async function notifyMentions(tx: EntityManager, by: By, thread: Thread, mentioned: User[], body: string): Promise<void> {
  await notify(
    tx,
    mentioned.map((u) => u.id),
    { kind: NotificationKind.MENTIONED, patientId: thread.patientId, title: `${by.actor.name} mentioned you in “${thread.title}”`, body: excerpt(markdownToPlainText(body)), link: links.thread(thread.patientId, thread.id), actorId: by.actor.id },
  );
}

function listOf(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

