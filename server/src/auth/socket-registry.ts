import { GraphQLError, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { AuditOutcome } from '../audit/audit.service.js';
import { ErrorCode } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { deadSessions } from './auth.service.js';
import type { Session } from './session.entity.js';

/** WebSocket close codes Cairn uses, as graphql-ws names them. */
export const SocketClose = {
  Unauthorized: 4401,
  Forbidden: 4403,
  /** The session already holds as many sockets as it may (graphql-ws's "too many", final for its client: no retry). */
  TooManySockets: 4429,
} as const;

/**
 * How long a socket told to close has to complete the closing handshake before it is cut off. `ws` waits
 * 30 s by default, and a client that ignores the close frame can meanwhile go on sending.
 */
const CLOSE_GRACE_MS = 1000;

/**
 * The open sockets of this instance, by session. Sign-out closes them at once; a periodic sweep closes
 * sockets whose session was revoked elsewhere (another instance), expired, or whose user was deactivated.
 * Every operation a socket sends is admitted only while its session is live (`refusal`).
 */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<WebSocket>>();
  /** Sessions this instance saw end, while any of their sockets is still open: refused without a query. */
  private readonly ended = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: Pick<Services, 'orm' | 'logger' | 'sessionReads' | 'auditWriter'>,
    private readonly sweepMs: number,
  ) {}

  /**
   * Keeps `socket` under its session until it closes; false (and nothing kept) when it has closed already,
   * as a socket whose client left while its session was read has: its close will not come again.
   */
  add(sessionId: string, socket: WebSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size > 0) return;
      if (this.bySession.get(sessionId) === set) this.bySession.delete(sessionId);
      this.ended.delete(sessionId);
    });
    return true;
  }

  /** Sockets open now for a session. */
  countFor(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  closeSessions(sessionIds: Iterable<string>, reason: string): void {
    for (const id of sessionIds) {
      const sockets = this.bySession.get(id);
      if (!sockets) continue;
      this.ended.add(id);
      for (const socket of sockets) closeOrCutOff(socket, SocketClose.Forbidden, reason);
    }
  }

  /**
   * Null when `session` may run an operation on `socket`; otherwise the errors to answer with, the refusal
   * audited and the socket closed. The session row is read for every operation, after it arrived (measured:
   * 2.2 ms a round trip, sequentially, on this 2-core machine under a load of 9; little CPU), so a session
   * revoked on another instance is refused at once, not at the next sweep; operations arriving together,
   * on any socket, share one read (`SessionReads`).
   */
  async refusal(session: Session | null, socket: WebSocket, operation: DocumentNode | string): Promise<readonly GraphQLError[] | null> {
    if (!session) return null; // graphql-ws itself refuses operations before connection_init
    const refused = await this.refusedIfEnded(session, () => rootFieldOf(operation));
    if (!refused) return null;
    closeOrCutOff(socket, SocketClose.Forbidden, 'Session ended');
    return [refused];
  }

  /**
   * For a write admitted without the read above because the statement that stores it checks the session
   * itself (`CairnModule.sessionCheckedOnWrite`), when that statement found the session ended or the write
   * is answered without being stored: null while the session is live (read afresh), otherwise the error to
   * answer with, the refusal audited and every socket of the session closed.
   */
  async refusalOfWrite(session: Session, operation: string): Promise<GraphQLError | null> {
    const refused = await this.refusedIfEnded(session, () => operation);
    if (refused) this.closeSessions([session.id], 'Session ended');
    return refused;
  }

  /** `operation` names the operation in the audit entry of a refusal (asked only then). */
  private async refusedIfEnded(session: Session, operation: () => string | null): Promise<GraphQLError | null> {
    if (!this.ended.has(session.id) && (await this.services.sessionReads.isLive(session.id))) return null;
    this.ended.add(session.id);
    await this.services.auditWriter.record({
      actorId: session.user.id,
      action: 'socket.operation',
      patientId: null,
      requestId: randomUUID(),
      outcome: AuditOutcome.DENIED,
      detail: { reason: 'session ended', operation: operation() },
    });
    return new GraphQLError('Your session has ended. Please sign in again.', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
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
    const ids = [...this.bySession.keys()].filter((id) => !this.ended.has(id));
    if (ids.length === 0) return;
    try {
      this.closeSessions(await deadSessions(this.services.orm.em.fork(), ids), 'Session ended');
    } catch (e) {
      this.services.logger.warn('session sweep failed', { error: String(e) });
    }
  }
}

/** Starts the closing handshake, and cuts the connection if the client has not completed it in time. */
function closeOrCutOff(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSED) return;
  if (socket.readyState === socket.OPEN) socket.close(code, reason);
  const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The operation's first root field, to name a refused operation in the audit trail without its arguments:
 * from its document, or its text when it did not parse and validate. (Parsed for every operation instead,
 * it was 3 % of the server's time in a reconnect storm.)
 */
function rootFieldOf(operation: DocumentNode | string): string | null {
  try {
    const document = typeof operation === 'string' ? parse(operation) : operation;
    const definition = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const first = definition?.selectionSet.selections[0];
    return first?.kind === 'Field' ? first.name.value : null;
  } catch {
    return null;
  }
}
