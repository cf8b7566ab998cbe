import { randomUUID } from 'node:crypto';
import type { Orm } from '../platform/database.js';
import { BatchLoader } from '../platform/batch-loader.js';
import type { Logger } from '../platform/logger.js';
import { keyReadPool, type StatementPool } from '../platform/statement-pool.js';
import { DetachedGraphs } from '../platform/entity-rows.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { anySessionRow, liveSessionFromRow, liveSessions, sessionFromRow, sessionRowsByTokenHash, type SessionRow } from './auth.service.js';
import type { Session } from './session.entity.js';
import { hashToken } from './session-token.js';

/** Sessions read in one query: a page of ids or hashes is no slower to read than one. */
const MAX_BATCH = 1000;
/** Times a stored session's entities are made at start (see `warm`). */
const ENTITY_WARM_UPS = 50;

/**
 * The session reads of sockets, shared by every socket of this instance: when thousands of clients
 * reconnect at once (a restart, a network blip), their connects and first operations each still read
 * the session from PostgreSQL, but in a few queries rather than one each. One read of each kind is in
 * flight at a time and whatever arrives meanwhile waits for the next, so every check still starts after
 * the connect or operation that asked for it: a session revoked before then is seen as revoked.
 */
export class SessionReads {
  private readonly byTokenHash: BatchLoader<string, SessionRow>;
  private readonly live: BatchLoader<string, true>;
  private readonly kept = new DetachedGraphs();
  /** One connection for each of the two reads. */
  private readonly db: StatementPool;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
  ) {
    this.db = keyReadPool(orm, logger, 'session read', 2);
    this.byTokenHash = new BatchLoader((hashes) => sessionRowsByTokenHash(this.orm.em, hashes, this.db), { mode: 'coalesce', maxBatch: MAX_BATCH });
    this.live = new BatchLoader(async (ids) => new Map([...(await liveSessions(this.db, ids))].map((id) => [id, true as const])), { mode: 'coalesce', maxBatch: MAX_BATCH });
  }

  /**
   * Prepares both reads on both connections before the first client connects (see StatementPool.warm),
   * then makes one stored session's entities a few dozen times (how many it returns), each in an
   * EntityManager dropped at once: the first connects and requests after a restart spent about 15 ms
   * making their sessions' entities with the ORM's mapping not yet compiled and its code not yet run.
   */
  async warm(): Promise<number> {
    await this.db.warm(
      (db) => sessionRowsByTokenHash(this.orm.em, [], db),
      (db) => liveSessions(db, [randomUUID()]), // an id no session has: an empty list would not be sent
    );
    let made = 0;
    try {
      const row = await anySessionRow(this.orm.em.fork(), this.db);
      for (; row && made < ENTITY_WARM_UPS; made++) liveSessionFromRow(this.orm.em.fork(), row);
    } catch (e) {
      this.logger.warn('making session entities at start failed; they are made at first use', { error: String(e) });
    }
    return made;
  }

  /** After the sockets have drained. */
  stop(): Promise<void> {
    return this.db.end();
  }

  /**
   * The live session a token belongs to, with its user and organisation, or null. A socket keeps its
   * session for hours, so it is detached from the EntityManager that made it, and the sockets that read
   * the same session row share one copy (`DetachedGraphs`).
   */
  async authenticate(token: string | null): Promise<Session | null> {
    if (!token) return null;
    const row = await this.byTokenHash.load(hashToken(token));
    if (!row) return null;
    const session = this.kept.keepRow('session', row, () => sessionFromRow(this.orm.em.fork(), row));
    return session.isLive() ? session : null;
  }

  /**
   * The live session a token belongs to, made in `em` (an HTTP request's own, which may change it), or
   * null: read with the sockets' reads.
   */
  async authenticateIn(em: EntityManager, token: string | null): Promise<Session | null> {
    if (!token) return null;
    const row = await this.byTokenHash.load(hashToken(token));
    return row ? liveSessionFromRow(em, row) : null;
  }

  /** Whether the session is live now (see `liveSessions`). */
  async isLive(sessionId: string): Promise<boolean> {
    return (await this.live.load(sessionId)) === true;
  }
}
