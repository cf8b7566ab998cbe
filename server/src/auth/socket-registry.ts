import type { WebSocket } from 'ws';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { deadSessions } from './auth.service.js';

/** WebSocket close codes Cairn uses, as graphql-ws names them. */
export const SocketClose = {
  Unauthorized: 4401,
  Forbidden: 4403,
  /** The session already holds as many sockets as it may (graphql-ws's "too many", final for its client: no retry). */
  TooManySockets: 4429,
} as const;

/**
 * The open sockets of this instance, by session. Sign-out closes them at once; a periodic sweep closes
 * sockets whose session was revoked elsewhere (another instance), expired, or whose user was deactivated.
 */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly sweepMs: number,
  ) {}

  add(sessionId: string, socket: WebSocket): void {
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.bySession.get(sessionId) === set) this.bySession.delete(sessionId);
    });
  }

  /** Sockets open now for a session. */
  countFor(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  closeSessions(sessionIds: Iterable<string>, reason: string): void {
    for (const id of sessionIds) {
      for (const socket of this.bySession.get(id) ?? []) socket.close(SocketClose.Forbidden, reason);
      this.bySession.delete(id);
    }
  }

  get openCount(): number {
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    const ids = [...this.bySession.keys()];
    if (ids.length === 0) return;
    try {
      this.closeSessions(await deadSessions(this.orm.em.fork(), ids), 'Session ended');
    } catch (e) {
      this.logger.warn('session sweep failed', { error: String(e) });
    }
  }
}
