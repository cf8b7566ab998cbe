import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type Response } from 'express';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config.js';
import type { Orm } from './database.js';
import { formatError, internalErrorLogFields, requestIdsOfErrors, type ErrorFormatting } from './errors.js';
import { DocumentCache, guardRules, operationLimits, prepareDocument, querySizeError } from './graphql-guard.js';
import { gateOperationInput, inputGatePlugin } from './input-gate.js';
import { tooManyOperations } from './connection-limits.js';
import { createHttpServer, securityHeaders } from './http-hardening.js';
import type { Logger } from './logger.js';
import { createSharedSubscribe } from './shared-subscribe.js';
import { serveGraphqlWs, type DirectAnswer, type GraphqlWsServing, type NextSink, type SocketExtra } from './ws-transport.js';
import { DirectMutation, directMutationNames } from './direct-mutations.js';
import { perOperation, type OperationRef } from './per-operation.js';
import { runSql, sql } from './sql.js';
import { answerRouteError, answerUnreadableBody } from './request-errors.js';
import { warmUp } from './warm-up.js';

/** Every request's context carries the id that its audit rows and any internal error are logged under. */
export type RequestContext = BaseContext & { readonly requestId: string };

/**
 * How requests become contexts: who is asking, on HTTP and on a socket. The platform knows no user or
 * session; the composition root hands it the auth domain's gate.
 */
export interface RequestGate<TContext extends RequestContext, TSocketSession> {
  /** The context of one HTTP request. */
  httpContext(req: Request, res: Response): Promise<TContext>;
  /** A socket's `connection_init`: its session, or null after closing the socket with the reason. */
  openSocket(ctx: WsContext<Record<string, unknown>, Extra>): Promise<TSocketSession | null>;
  /**
   * Before each operation on a socket: null to go ahead, or the errors to answer with (its session has
   * ended). `document` is the operation's, parsed, unless it failed to parse or validate.
   */
  refuseOperation(session: TSocketSession | null, socket: WebSocket, query: string, document: DocumentNode | null, operationName: string | null | undefined): Promise<readonly GraphQLError[] | null>;
  /** The context of one operation on a socket; `nextSink` writes its subscription results directly. */
  socketContext(session: TSocketSession | null, clientAddress: string, nextSink: NextSink): TContext;
  /** The direct sink of an operation's context, if it has one. */
  nextSinkOf(contextValue: unknown): NextSink | null;
  /** Called once a subscription is set up: its context lets go of what only the setup needed. */
  subscriptionStarted(contextValue: unknown): void;
}

export interface GraphqlEndpoint<TContext extends RequestContext, TSocketSession> {
  config: Config;
  orm: Orm;
  logger: Logger;
  schema: GraphQLSchema;
  gate: RequestGate<TContext, TSocketSession>;
  /** Routes beside `/graphql`, mounted before the web app. */
  routes(router: express.Router): void;
}

export interface HttpServing {
  port: number;
  url: string;
  /** Operations of sockets answered without graphql-ws's handling and graphql-js's execute (for tests and metrics). */
  socketOperations: SocketOperationCounts;
  /** Drains HTTP requests and sockets, then closes the server. */
  stop(): Promise<void>;
}

type SessionExtra<S> = { session: S };

export interface SocketOperationCounts {
  /** Mutations answered directly (see direct-mutations.ts), whether executed or refused at admission. */
  direct: number;
}

/** Serves `/graphql` over HTTP (Apollo) and WebSocket (graphql-ws) on one port, plus `/healthz` and the web app. */
export async function serveGraphql<TContext extends RequestContext, TSocketSession>(endpoint: GraphqlEndpoint<TContext, TSocketSession>): Promise<HttpServing> {
  const { config, orm, schema, gate } = endpoint;
  const documents = new DocumentCache();
  const errorFormatting: ErrorFormatting = {
    exposeInternals: config.exposeErrors,
    hideSuggestions: config.production,
    reportInternal: (error, requestId) => endpoint.logger.error('Internal error', { requestId, ...internalErrorLogFields(error) }),
  };
  const httpErrors = requestIdsOfErrors();
  const format = (formatted: GraphQLFormattedError, error: unknown, requestId = httpErrors.requestIdOf(error)) =>
    formatError(formatted, error, errorFormatting, requestId);
  // A result goes out as itself when it has no errors: one result object shared by an audience is then
  // serialised once (ws-transport.ts). Used for results sent by graphql-ws and for those written directly.
  const nextPayload = (result: ExecutionResult, requestId?: string) =>
    result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e, requestId)) } : result;

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.set('trust proxy', config.trustProxy);
  const httpServer = createHttpServer(app, config);
  // noServer: upgrades are accepted here, so a refused Origin or path never reaches graphql-ws, and the
  // HTTP server's own errors (a port in use) are not re-reported as WebSocket errors.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: operationLimits.maxMessageBytes });
  const acceptUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/graphql' || !originAllowed(req.headers.origin, req, config)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  };
  httpServer.on('upgrade', acceptUpgrade);
  const shared = createSharedSubscribe({ sinkFor: (args) => gate.nextSinkOf(args.contextValue) });
  // The last admission of each socket's operations. Each operation's session check is a query, and queries
  // answer in any order; operations are admitted in the order they arrived (checks still run at once), so
  // that a client's pipelined edits reach the care-plan write queue in the order they were sent.
  const admitted = new WeakMap<WebSocket, Promise<unknown>>();
  type SocketContext = WsContext<Record<string, unknown>, SocketExtra & Partial<SessionExtra<TSocketSession>>>;
  /**
   * Admits one operation of a socket: its execution, or the errors it is refused with (graphql-ws's `onSubscribe`).
   * `keepCoerced` is handed the variables as the input gate coerced them (the direct path executes with them;
   * graphql-js coerces its own).
   */
  const admit = async (
    ctx: SocketContext,
    id: string,
    payload: SubscribePayload,
    keepCoerced?: (variables: Record<string, unknown>) => void,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const tooMany = tooManyOperations(ctx.subscriptions, config.maxSubscriptionsPerSocket);
    if (tooMany) return tooMany;
    const prepared = prepareDocument(schema, payload.query, config.production, documents);
    const document = 'errors' in prepared ? null : prepared.document;
    const check = gate.refuseOperation(ctx.extra.session ?? null, ctx.extra.socket, payload.query, document, payload.operationName);
    const turn = Promise.all([admitted.get(ctx.extra.socket), check]).then(([, refusal]) => refusal);
    admitted.set(ctx.extra.socket, turn.catch(() => undefined));
    const signedOut = await turn;
    if (signedOut) return signedOut;
    if ('errors' in prepared) return prepared.errors;
    const gated = gateOperationInput(schema, prepared.document, payload.operationName, payload.variables);
    if ('refused' in gated) return gated.refused;
    const nextSink = wsCleanup.nextSink(ctx.extra, id, (result) => nextPayload(result, contextValue.requestId));
    const contextValue: TContext = gate.socketContext(ctx.extra.session ?? null, ctx.extra.clientAddress, nextSink);
    if (gated.coerced) keepCoerced?.(gated.coerced);
    return { schema, document: prepared.document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
  };
  const socketOperations: SocketOperationCounts = { direct: 0 };
  const directMutationOf = perOperation((operation: OperationRef) => DirectMutation.of(schema, operation.document, operation.operationName));
  const directFieldNames = directMutationNames(schema);
  /**
   * A direct mutation (the care-plan edit) is admitted as any operation and its resolver called as
   * graphql-js calls it, in the same turn after its admission as on graphql-ws's path: a client's edits
   * reach the write queue in the order sent, whichever path each takes.
   */
  const answerDirectly = async (ctx: SocketContext, id: string, payload: SubscribePayload, mutation: DirectMutation): Promise<DirectAnswer> => {
    socketOperations.direct++;
    let coerced: Record<string, unknown> | undefined;
    const admission = await admit(ctx, id, payload, (variables) => (coerced = variables));
    if (isErrors(admission)) return { error: admission.map((e) => format(e.toJSON(), e)) };
    const result = await mutation.execute(admission, coerced);
    return { next: nextPayload(result, (admission.contextValue as TContext).requestId) };
  };
  const wsCleanup: GraphqlWsServing = serveGraphqlWs<Record<string, unknown>, SessionExtra<TSocketSession>>(
    {
      schema,
      jsonMessageReviver: (key, value) => (key === 'query' && typeof value === 'string' ? documents.sameText(value) : value),
      subscribe: async (args: ExecutionArgs) => {
        const result = await shared(args);
        gate.subscriptionStarted(args.contextValue);
        return result;
      },
      onConnect: async (ctx) => {
        const session = await gate.openSocket(ctx);
        if (session === null) return false;
        ctx.extra.session = session;
        return true;
      },
      onSubscribe: admit,
      onNext: (_ctx, _id, _payload, args, result) => nextPayload(result, (args.contextValue as TContext).requestId),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)),
    },
    wsServer,
    undefined,
    {
      mayTake: (text) => directFieldNames.some((name) => text.includes(name)),
      take: (ctx, id, payload) => {
        const prepared = prepareDocument(schema, payload.query, config.production, documents);
        const mutation = 'errors' in prepared ? null : directMutationOf({ document: prepared.document, operationName: payload.operationName });
        return mutation && answerDirectly(ctx, id, payload, mutation);
      },
    },
  );

  const apollo = new ApolloServer<TContext>({
    schema,
    csrfPrevention: true,
    // No automatic persisted queries: the web app sends its documents whole, graphql-ws has none, and a
    // cache of query texts that anyone may fill before signing in is one more thing to bound.
    persistedQueries: false,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    validationRules: guardRules(config.production),
    parseOptions: { maxTokens: operationLimits.maxTokens },
    formatError: (formatted, error) => format(formatted, error),
    // Cairn's main owns SIGINT/SIGTERM: it drains, then stops the database (Apollo's own handler re-raises the signal).
    stopOnTerminationSignals: false,
    plugins: [
      httpErrors.plugin,
      inputGatePlugin(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) },
    ],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    const ok = await databaseReachable(orm);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'database unreachable' });
  });
  app.use(
    '/graphql',
    express.json({ limit: operationLimits.maxMessageBytes }),
    refuseOversizedQuery,
    expressMiddleware(apollo, { context: ({ req, res }) => gate.httpContext(req, res) }),
    answerUnreadableBody(errorFormatting),
  );
  const router = express.Router();
  endpoint.routes(router);
  app.use(router);
  serveWebApp(app, config.webDist);
  app.use(answerRouteError(errorFormatting));

  if (config.warmUpRequests > 0) {
    const warmed = await warmUp(app, acceptUpgrade, config.warmUpRequests, endpoint.logger);
    if (warmed) endpoint.logger.info('Warmed up before listening', { ...warmed, ms: Math.round(warmed.ms) });
  }
  await listen(httpServer, config.port, config.host);
  const port = (httpServer.address() as AddressInfo).port;
  return {
    port,
    socketOperations,
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    async stop() {
      await apollo.stop(); // drains HTTP and disposes the WebSocket server
      wsServer.close();
    },
  };
}

function isErrors(admission: ExecutionArgs | readonly GraphQLError[]): admission is readonly GraphQLError[] {
  return Array.isArray(admission);
}

/** Browsers always send Origin on a WebSocket upgrade; a page on another site must not ride the cookie. */
function originAllowed(origin: string | undefined, req: http.IncomingMessage, config: Config): boolean {
  if (!origin) return true; // not a browser: it authenticates with a token, and no cookie is ambient
  try {
    const o = new URL(origin);
    return o.host === req.headers.host || config.allowedOrigins.includes(o.origin);
  } catch {
    return false;
  }
}

/** The HTTP half of the size limit; the WebSocket half is in prepareDocument. */
function refuseOversizedQuery(req: Request, res: Response, next: () => void): void {
  const body: unknown = req.body;
  const query = typeof body === 'object' && body !== null && 'query' in body && typeof body.query === 'string' ? body.query : undefined;
  const tooBig = querySizeError(query);
  if (tooBig) res.status(400).json({ errors: [tooBig.toJSON()] });
  else next();
}

async function databaseReachable(orm: Orm): Promise<boolean> {
  try {
    await Promise.race([
      runSql(orm.em, sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

function serveWebApp(app: express.Express, webDist: string | undefined): void {
  if (!webDist || !fs.existsSync(path.join(webDist, 'index.html'))) return;
  app.use(express.static(webDist, { index: false, maxAge: '1h' }));
  // Client-side routes all load the app shell.
  app.get(/^\/(?!graphql|healthz).*/, (_req, res) => res.sendFile(path.join(webDist, 'index.html')));
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
