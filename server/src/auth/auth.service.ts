import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { entityColumns, entityFromRow } from '../platform/entity-rows.js';
import { badInput, CairnError, ErrorCode } from '../platform/errors.js';
import { prepared, runSql, sql, sqlText, type Sql, type SqlTarget } from '../platform/sql.js';
import { decoyHash, verifyPassword } from './password.js';
import { MAX_PASSWORD_LENGTH } from './password-policy.js';
import { Session } from './session.entity.js';
import { hashToken, newSessionToken } from './session-token.js';
import type { SignInAttempt, SignInLimiter } from './sign-in-limiter.js';
import { MAX_EMAIL_LENGTH, normaliseEmail, User } from './user.entity.js';

export interface SignedIn {
  token: string;
  session: Session;
}

const WRONG_CREDENTIALS = 'That email and password do not match an account. Please check them and try again.';

/** Why a sign-in was refused, as the audit trail records it (the person is told only WRONG_CREDENTIALS or to wait). */
type SignInRefusal = 'rate limited' | 'unknown email' | 'wrong password' | 'account inactive' | 'account changed while signing in';

/**
 * Checks the credentials and opens a session. Unknown email and wrong password fail the same way. The
 * attempt is counted before the password is checked; every refusal is audited (the address, and the user
 * or, for an unknown email, a hash of it; never the password).
 */
export async function signIn(
  em: EntityManager,
  limiter: SignInLimiter,
  input: { email: string; password: string; address: string; userAgent: string | null; ttlHours: number; requestId: string },
): Promise<SignedIn> {
  const email = normaliseEmail(input.email);
  if (!email) throw badInput('email', 'Please enter your email address.');
  // Before the limiter, which keeps what it is given for a while: no address that long can be anyone's.
  if (email.length > MAX_EMAIL_LENGTH) throw badInput('email', `Email addresses are at most ${MAX_EMAIL_LENGTH} characters.`);
  if (!input.password) throw badInput('password', 'Please enter your password.');
  if (input.password.length > MAX_PASSWORD_LENGTH) throw badInput('password', `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`);
  const refuse = async (reason: SignInRefusal, userId: string | null, error: CairnError): Promise<never> => {
    await recordAudit(em, {
      actorId: userId,
      action: 'auth.signIn',
      patientId: null,
      requestId: input.requestId,
      outcome: AuditOutcome.DENIED,
      detail: { reason, address: input.address, ...(userId ? {} : { emailSha256: emailDigest(email) }) },
    });
    throw error;
  };
  let attempt: SignInAttempt;
  try {
    attempt = limiter.attempt(email, input.address);
  } catch (e) {
    if (!(e instanceof CairnError)) throw e;
    const known = await em.findOne(User, { email }, { fields: ['id'] });
    return refuse('rate limited', known?.id ?? null, e);
  }
  const user = await em.findOne(User, { email }, { populate: ['passwordHash', 'organisation'] });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyPassword(await decoyHash(), input.password);
  const wrong = new CairnError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
  if (!user) return refuse('unknown email', null, wrong);
  if (!ok) return refuse('wrong password', user.id, wrong);
  if (!user.active) return refuse('account inactive', user.id, wrong);
  const token = newSessionToken();
  const session = new Session(hashToken(token), user, new Date(Date.now() + input.ttlHours * 3600_000), input.userAgent);
  const opened = await em.transactional(async (tx) => {
    // The password was checked against the hash read before it (argon2 takes a while): a reset or a
    // deactivation committed meanwhile ended every session there was, and must end this one too. Held
    // until the session is stored, so one that commits after it finds this session and ends it.
    if (!(await stillSignsIn(tx, user.id, user.passwordHash))) return false;
    tx.persist(session);
    await recordAudit(tx, { actorId: user.id, action: 'auth.signIn', patientId: null, requestId: input.requestId, outcome: AuditOutcome.ALLOWED });
    return true;
  });
  if (!opened) return refuse('account changed while signing in', user.id, wrong);
  attempt.succeeded();
  return { token, session };
}

/** Whether the user is still active with the password hash the sign-in checked, holding their row until commit. */
async function stillSignsIn(tx: EntityManager, userId: string, passwordHash: string): Promise<boolean> {
  const rows = await runSql(tx, sql`select 1 from app_user where id = ${userId} and active and password_hash = ${passwordHash} for share`);
  return rows.length > 0;
}

/** An unknown email as the audit trail keeps it: attempts on one address can be linked, the address not read. */
function emailDigest(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

/** A session, its user and organisation as one row of `sessionRowsByTokenHash` (`s.`, `u.`, `o.` columns). */
export type SessionRow = Record<string, unknown>;

/**
 * The sessions (live or not) whose token hashes are given, with their users and organisations, by hash:
 * one query for one token or for a crowd of sockets connecting at once. Read through `via`, `em`'s
 * connection unless given another.
 */
export async function sessionRowsByTokenHash(em: EntityManager, hashes: string[], via: SqlTarget = em): Promise<Map<string, SessionRow>> {
  // Every request comes through here: one hand-written query rather than the ORM's query builder, planned
  // once per connection (planning took four times as long as running it: 0.17 against 0.04 ms a call).
  const rows = await runSql<SessionRow>(
    via,
    prepared('sessions-by-token-hash', sql`${sessionRows(em)} where s.token_hash = any(${hashes}::text[])`),
  );
  return new Map(rows.map((r) => [r['s.token_hash'] as string, r]));
}

/** Any one session's row, as `sessionRowsByTokenHash` reads it, or undefined if there is none. */
export async function anySessionRow(em: EntityManager, via: SqlTarget = em): Promise<SessionRow | undefined> {
  const [row] = await runSql<SessionRow>(via, sql`${sessionRows(em)} limit 1`);
  return row;
}

/** Sessions with their users and organisations, as `SessionRow`s, before any condition. */
function sessionRows(em: EntityManager): Sql {
  return sql`select ${entityColumns(em, Session, 's')}, ${entityColumns(em, User, 'u')}, ${entityColumns(em, Organisation, 'o')}
               from session s join app_user u on u.id = s.user_id join organisation o on o.id = u.organisation_id`;
}

/** The session in `row`, managed by `em`, if it is live (not revoked or expired, its user active). */
export function liveSessionFromRow(em: EntityManager, row: SessionRow): Session | null {
  const session = sessionFromRow(em, row);
  return session.isLive() ? session : null;
}

/** The session in `row` with its user and organisation, managed by `em`, live or not. */
export function sessionFromRow(em: EntityManager, row: SessionRow): Session {
  entityFromRow(em, Organisation, row, 'o');
  entityFromRow(em, User, row, 'u');
  return entityFromRow(em, Session, row, 's');
}

/** Revokes one session, or every live session of its user; returns the ids revoked. */
export async function revokeSessions(em: EntityManager, session: Session, everywhere: boolean, requestId: string): Promise<string[]> {
  return em.transactional(async (tx) => {
    const which = everywhere ? sql`user_id = ${session.user.id}` : sql`id = ${session.id}`;
    const rows = await runSql<{ id: string }>(tx, sql`update session set revoked_at = now() where ${which} and revoked_at is null returning id`);
    await recordAudit(tx, {
      actorId: session.user.id,
      action: everywhere ? 'auth.signOutEverywhere' : 'auth.signOut',
      patientId: null,
      requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: { sessions: rows.length },
    });
    return rows.map((r) => r.id);
  });
}

/** A live session `s` of user `u`: not revoked, not expired, its user active. */
const sessionIsLive = sqlText('s.revoked_at is null and s.expires_at > now() and u.active');

/** Which of the given sessions are live (not revoked, not expired, their user active): one query for all. */
export async function liveSessions(db: SqlTarget, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const live = await runSql<{ id: string }>(
    db,
    prepared('live-sessions', sql`select s.id from session s join app_user u on u.id = s.user_id
         where s.id = any(${ids}::uuid[]) and ${sessionIsLive}`),
  );
  return new Set(live.map((r) => r.id));
}

/**
 * The ids among `ids` of sessions that are not live (`id`), as a part of a larger statement. Each id is
 * looked up by key on its own (a subquery PostgreSQL does not turn into a join): written as NOT EXISTS,
 * the generic plan of the care-plan group's statement joined 513 ids against every live session by
 * nested loop, 25 ms of a 107 ms statement at 1,000 editors (auto_explain).
 */
export function endedSessionsAmong(ids: readonly string[]): Sql {
  return sql`select x.id from unnest(${ids}::uuid[]) x(id)
              where (select true from session s join app_user u on u.id = s.user_id where s.id = x.id and ${sessionIsLive}) is null`;
}

/** Ids of the given sessions that are no longer live (revoked, expired, gone, or their user deactivated). */
export async function deadSessions(em: EntityManager, ids: string[]): Promise<string[]> {
  const alive = await liveSessions(em, ids);
  return ids.filter((id) => !alive.has(id));
}
