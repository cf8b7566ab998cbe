import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { CairnError, conflict, ErrorCode, notFound } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { hashPassword } from './password.js';
import { requireAcceptablePassword } from './password-policy.js';
import { PasswordReset } from './password-reset.entity.js';
import { User } from './user.entity.js';

/** Where a password link stands, said without anything about whose it is. */
export const PasswordLinkState = { OPEN: 'OPEN', EXPIRED: 'EXPIRED', USED: 'USED', INVALID: 'INVALID' } as const;
export type PasswordLinkState = (typeof PasswordLinkState)[keyof typeof PasswordLinkState];

/** No token Cairn makes is longer; anything longer is not looked up at all. */
const MAX_TOKEN_LENGTH = 128;

function hashLinkToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export interface MadeResetLink {
  reset: PasswordReset;
  /** Shown once to the administrator, never stored. */
  token: string;
  /** The user's sessions ended by the reset, for the caller to close their sockets. */
  endedSessionIds: string[];
}

/**
 * Makes a one-time link for `userId` to set a new password, valid `linkHours`. In the same transaction the
 * current password stops working (it is replaced by the hash of a random one nobody knows), every session
 * of the user ends, and any earlier link for them is replaced; the audit entry commits with it. Whether the
 * actor may do this is the caller's to check (`may.resetPassword`).
 */
export async function makePasswordResetLink(
  em: EntityManager,
  by: { actor: User; requestId: string },
  userId: string,
  linkHours: number,
  now = new Date(),
): Promise<MadeResetLink> {
  const user = await em.findOne(User, { id: userId }, { populate: ['organisation'] });
  if (!user) throw notFound('user');
  if (!user.active) throw conflict(`${user.name}'s account is deactivated. Reactivate it before resetting the password.`);
  const token = randomBytes(32).toString('base64url');
  // Hashed before the transaction: argon2 takes a while, and nothing should wait on it holding locks.
  const unusable = await hashPassword(randomBytes(32).toString('base64url'));
  const reset = new PasswordReset({ user, tokenHash: hashLinkToken(token), createdBy: by.actor, createdAt: now, expiresAt: new Date(now.getTime() + linkHours * 3600_000) });
  const endedSessionIds = await em.transactional(async (tx) => {
    await runSql(tx, sql`update app_user set password_hash = ${unusable} where id = ${user.id}`);
    const replaced = await runSql<{ id: string }>(tx, sql`update password_reset set replaced_at = ${now} where user_id = ${user.id} and used_at is null and replaced_at is null returning id`);
    tx.persist(reset);
    await tx.flush();
    const sessions = await runSql<{ id: string }>(tx, sql`update session set revoked_at = now() where user_id = ${user.id} and revoked_at is null returning id`);
    await recordAudit(tx, {
      actorId: by.actor.id,
      action: 'user.resetPassword',
      patientId: null,
      requestId: by.requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: { userId: user.id, passwordResetId: reset.id, expiresAt: reset.expiresAt.toISOString(), sessionsEnded: sessions.length, linksReplaced: replaced.length },
    });
    return sessions.map((s) => s.id);
  });
  return { reset, token, endedSessionIds };
}

/** The state of the link `token` opens, revealing nothing about whose it is. */
export async function passwordLinkState(em: EntityManager, token: string, now = new Date()): Promise<PasswordLinkState> {
  const reset = await findByToken(em, token);
  return reset ? stateOf(reset, now) : PasswordLinkState.INVALID;
}

/**
 * The holder of the link sets a new password (the password policy applies). The link is closed in the same
 * transaction, by a conditional update, so of two submissions at once only one succeeds; every session of
 * the user ends again. Each refusal of the link itself is audited.
 */
export async function setPasswordWithLink(em: EntityManager, token: string, password: string, requestId: string, now = new Date()): Promise<void> {
  const reset = await findByToken(em, token);
  const refuse = async (reason: string, error: CairnError): Promise<never> => {
    await recordAudit(em, {
      actorId: null,
      action: 'user.setPasswordWithLink',
      patientId: null,
      requestId,
      outcome: AuditOutcome.DENIED,
      detail: { reason, ...(reset ? { userId: reset.user.id, passwordResetId: reset.id } : {}) },
    });
    throw error;
  };
  if (!reset) return refuse('no such link', linkError(PasswordLinkState.INVALID));
  const state = stateOf(reset, now);
  if (state !== PasswordLinkState.OPEN) return refuse(reset.replacedAt ? 'replaced by a newer link' : state.toLowerCase(), linkError(state));
  const newPassword = requireAcceptablePassword('password', password);
  const hash = await hashPassword(newPassword);
  await em.transactional(async (tx) => {
    const closed = await runSql<{ id: string }>(
      tx,
      sql`update password_reset set used_at = ${now} where id = ${reset.id} and used_at is null and replaced_at is null and expires_at > ${now} returning id`,
    );
    if (closed.length === 0) throw linkError(PasswordLinkState.USED);
    await runSql(tx, sql`update app_user set password_hash = ${hash} where id = ${reset.user.id} and active`);
    await runSql(tx, sql`update session set revoked_at = now() where user_id = ${reset.user.id} and revoked_at is null`);
    await recordAudit(tx, { actorId: reset.user.id, action: 'user.setPasswordWithLink', patientId: null, requestId, outcome: AuditOutcome.ALLOWED, detail: { passwordResetId: reset.id } });
  });
}

async function findByToken(em: EntityManager, token: string): Promise<PasswordReset | null> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  return em.findOne(PasswordReset, { tokenHash: hashLinkToken(token) }, { populate: ['user'], refresh: true });
}

function stateOf(reset: PasswordReset, now: Date): PasswordLinkState {
  if (reset.usedAt) return PasswordLinkState.USED;
  // A replaced link, or one for an account deactivated since: it simply does not work.
  if (reset.replacedAt || !reset.user.active) return PasswordLinkState.INVALID;
  if (reset.expiresAt <= now) return PasswordLinkState.EXPIRED;
  return PasswordLinkState.OPEN;
}

function linkError(state: Exclude<PasswordLinkState, 'OPEN'>): CairnError {
  switch (state) {
    case PasswordLinkState.USED:
      return conflict('This link has already been used. Sign in with your new password, or ask your administrator for a new link.');
    case PasswordLinkState.EXPIRED:
      return conflict('This link has expired. Please ask your administrator for a new one.');
    case PasswordLinkState.INVALID:
      return new CairnError(ErrorCode.NOT_FOUND, 'This link does not work. Please ask your administrator for a new one.');
  }
}
