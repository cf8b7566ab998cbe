import type { Request, Response } from 'express';
import { getOperationAST, Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { RequestGate } from '../platform/http-server.js';
import type { Services } from '../platform/services.js';
import type { Context } from './request-context.js';
import type { Session } from './session.entity.js';
import { SESSION_COOKIE, tokenFromHeaders } from './session-token.js';
import { SocketClose } from './socket-registry.js';
import { WsOperationContext } from './ws-operation-context.js';

/**
 * Who is asking, for the platform's HTTP and WebSocket paths alike: the session cookie or bearer token.
 * `checkedOnWrite`: the mutation fields whose writes check the session themselves (see
 * `CairnModule.sessionCheckedOnWrite`).
 */
export function sessionGate(services: Services, checkedOnWrite: ReadonlySet<string> = new Set()): RequestGate<Context, Session> {
  return {
    async httpContext(req: Request, res: Response): Promise<Context> {
      const em = services.orm.em.fork();
      const session = await services.sessionReads.authenticateIn(em, tokenFromHeaders(req.headers));
      const secure = services.config.production;
      return {
        em,
        actor: session?.user ?? null,
        session,
        requestId: randomUUID(), // the audit trail's request ids are the server's; a client's x-request-id is ignored
        clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        transport: 'http',
        services,
        setSessionCookie: (token, expiresAt) => {
          if (token) res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
          else res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
        },
      };
    },
    async openSocket(ctx) {
      const token = typeof ctx.connectionParams?.token === 'string' ? ctx.connectionParams.token : tokenFromHeaders(ctx.extra.request.headers);
      // Sockets connecting at once (clients coming back after a restart) share their session reads; the
      // session comes detached, one copy for the sockets that read the same row.
      const session = await services.sessionReads.authenticate(token);
      if (!session) {
        ctx.extra.socket.close(SocketClose.Unauthorized, 'Unauthorized');
        return null;
      }
      const max = services.config.maxSocketsPerSession;
      if (services.sockets.countFor(session.id) >= max) {
        ctx.extra.socket.close(SocketClose.TooManySockets, `Too many connections for this session (at most ${max})`);
        return null;
      }
      return services.sockets.add(session.id, ctx.extra.socket) ? session : null;
    },
    refuseOperation: (session, socket, query, document, operationName) =>
      document && checkedOnWrite.has(soleMutationField(document, operationName) ?? '') ? Promise.resolve(null) : services.sockets.refusal(session, socket, document ?? query),
    socketContext: (session, clientAddress, nextSink) => new WsOperationContext(services, session, clientAddress, nextSink),
    nextSinkOf: (contextValue) => (contextValue instanceof WsOperationContext ? contextValue.nextSink : null),
    subscriptionStarted(contextValue) {
      if (contextValue instanceof WsOperationContext) contextValue.releaseRequestScope();
    },
  };
}

/** The field a mutation selects, when it selects exactly one field and nothing else; otherwise null. */
function soleMutationField(document: DocumentNode, operationName: string | null | undefined): string | null {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== OperationTypeNode.MUTATION || operation.selectionSet.selections.length !== 1) return null;
  const [selection] = operation.selectionSet.selections;
  return selection.kind === Kind.FIELD ? selection.name.value : null;
}
