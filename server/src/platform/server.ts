import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type Response } from 'express';
import type { ExecutionArgs, ExecutionResult, GraphQLFormattedError, GraphQLSchema, subscribe as graphqlSubscribe } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth/auth.service.js';
import type { Session } from '../auth/session.entity.js';
import { SESSION_COOKIE, tokenFromHeaders } from '../auth/session-token.js';
import { SignInLimiter } from '../auth/sign-in-limiter.js';
import { SocketClose, SocketRegistry } from '../auth/socket-registry.js';
import { EventHub } from '../events/event-hub.js';
import { handoverEscalationSweep } from '../handover/handover-escalation.js';
import { carePlanDigestSweep } from '../notifications/care-plan-digest.js';
import { carePlanPrintHandler } from '../care-plans/care-plan.print.js';
import { CarePlanStore } from '../care-plans/care-plan.store.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Orm } from './database.js';
import { detachEntityGraph } from './entity-rows.js';
import { formatError } from './errors.js';
import { DocumentCache, guardRules, operationLimits, prepareDocument, querySizeError } from './graphql-guard.js';
import type { Logger } from './logger.js';
import { buildCairnSchema } from './schema.js';
import { createSharedSubscribe } from './shared-subscribe.js';
import { WsOperationContext } from './ws-context.js';
import { serveGraphqlWs, type GraphqlWsServing, type NextSink } from './ws-transport.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  stop(): Promise<void>;
}

/** What graphql-ws keeps per socket, beyond its own `Extra`. */
type SessionExtra = { session: Session };
type SocketExtra = Extra & Partial<SessionExtra>;

/** Serves `/graphql` over HTTP (Apollo) and WebSocket (graphql-ws) on one port, plus `/healthz` and the web app. */
export async function startServer(config: Config, orm: Orm, logger: Logger): Promise<RunningServer> {
  const schema = await buildCairnSchema();
  const documents = new DocumentCache();
  const sockets = new SocketRegistry(orm, logger, config.sessionSweepMs);
  const events = new EventHub(orm, logger, { queueLimit: config.eventQueueLimit });
  const carePlans = new CarePlanStore(orm, logger);
  const handoverEscalation = handoverEscalationSweep(orm, config, logger);
  const carePlanDigest = carePlanDigestSweep(orm, config, logger);
  const services: Services = { config, orm, logger, signInLimiter: new SignInLimiter(), sockets, events, carePlanDigest, handoverEscalation, carePlans };
  const exposeInternals = !config.production;
  const format = (formatted: GraphQLFormattedError, error: unknown) => formatError(formatted, error, exposeInternals);
  // A result goes out as itself when it has no errors: one result object shared by an audience is then
  // serialised once (ws-transport.ts). Used for results sent by graphql-ws and for those written directly.
  const nextPayload = (result: ExecutionResult) => (result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : result);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // noServer: upgrades are accepted here, so a refused Origin or path never reaches graphql-ws, and the
  // HTTP server's own errors (a port in use) are not re-reported as WebSocket errors.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: operationLimits.maxMessageBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/graphql' || !originAllowed(req.headers.origin, req, config)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const wsCleanup: GraphqlWsServing = serveGraphqlWs<Record<string, unknown>, SessionExtra>(
    {
      schema,
      subscribe: releasingRequestScope(createSharedSubscribe({ sinkFor: (args) => (args.contextValue instanceof WsOperationContext ? args.contextValue.nextSink : null) })),
      onConnect: async (ctx) => {
        const token = typeof ctx.connectionParams?.token === 'string' ? ctx.connectionParams.token : tokenFromHeaders(ctx.extra.request.headers);
        const session = await authenticate(orm.em.fork(), token);
        if (!session) {
          ctx.extra.socket.close(SocketClose.Unauthorized, 'Unauthorized');
          return false;
        }
        // A socket keeps its session for hours: it must not keep the EntityManager that loaded it too.
        detachEntityGraph(session);
        ctx.extra.session = session;
        sockets.add(session.id, ctx.extra.socket);
        return true;
      },
      onSubscribe: (ctx, id, payload) =>
        wsExecutionArgs(schema, config, services, documents, ctx, payload, wsCleanup.nextSink(ctx.extra, id, nextPayload)),
      onNext: (_ctx, _id, _payload, _args, result) => nextPayload(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    validationRules: guardRules(config.production),
    parseOptions: { maxTokens: operationLimits.maxTokens },
    formatError: format,
    plugins: [
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
    expressMiddleware(apollo, { context: ({ req, res }) => httpContext(req, res, services) }),
  );
  app.get('/patients/:id/care-plan/print', carePlanPrintHandler(services));
  serveWebApp(app, config.webDist);

  await events.start();
  handoverEscalation.start();
  carePlanDigest.start();
  await carePlans.start();
  await listen(httpServer, config.port, config.host);
  sockets.start();
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    port,
    services,
    async stop() {
      sockets.stop();
      await handoverEscalation.stop();
      await carePlanDigest.stop();
      await events.stop(); // completes this instance's live streams
      await apollo.stop(); // drains HTTP and disposes the WebSocket server
      await carePlans.stop();
      wsServer.close();
    },
  };
}

async function httpContext(req: Request, res: Response, services: Services): Promise<Context> {
  const em = services.orm.em.fork();
  const session = await authenticate(em, tokenFromHeaders(req.headers));
  const secure = services.config.production;
  return {
    em,
    actor: session?.user ?? null,
    session,
    requestId: headerRequestId(req.headers['x-request-id']) ?? randomUUID(),
    clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    transport: 'http',
    services,
    setSessionCookie: (token, expiresAt) => {
      if (token) res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
      else res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    },
  };
}

async function wsExecutionArgs(
  schema: GraphQLSchema,
  config: Config,
  services: Services,
  documents: DocumentCache,
  ctx: WsContext<Record<string, unknown>, SocketExtra>,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  nextSink: NextSink,
): Promise<ExecutionArgs | readonly import('graphql').GraphQLError[]> {
  const prepared = prepareDocument(schema, payload.query, config.production, documents);
  if ('errors' in prepared) return prepared.errors;
  const contextValue = new WsOperationContext(services, ctx.extra.session ?? null, ctx.extra.request.socket.remoteAddress ?? 'unknown', nextSink);
  return { schema, document: prepared.document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
}

/** Once a subscription is set up, its context lets go of its EntityManager (see WsOperationContext). */
function releasingRequestScope(subscribe: (args: ExecutionArgs) => ReturnType<typeof graphqlSubscribe>): (args: ExecutionArgs) => ReturnType<typeof graphqlSubscribe> {
  return async (args) => {
    const result = await subscribe(args);
    if (args.contextValue instanceof WsOperationContext) args.contextValue.releaseRequestScope();
    return result;
  };
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

function headerRequestId(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v && /^[\w-]{1,64}$/.test(v) ? v : null;
}

async function databaseReachable(orm: Orm): Promise<boolean> {
  try {
    await Promise.race([
      orm.em.getConnection().execute('select 1'),
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

export type { Logger };
