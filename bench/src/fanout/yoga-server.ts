/**
 * The peer baseline: a minimal graphql-yoga server with a `patientEvents` subscription fed by yoga's own
 * pub/sub, served over graphql-ws (yoga's documented recipe) and a `postHandover` mutation over HTTP. Each
 * subscriber's event is executed by graphql-js for that subscriber, as in any GraphQL subscription server.
 */
import { GraphQLScalarType, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga, type PubSubEventTarget } from 'graphql-yoga';
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { baselineEvent, type BaselineEvent } from './baseline-event.js';

type Channels = { patient: [patientId: string, event: BaselineEvent] };
// Thousands of subscribers listen on one channel: that is the point, not a leak.
const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget);
const pubSub = createPubSub<Channels>({ eventTarget: eventTarget as PubSubEventTarget<Channels> });

const JSONScalar = new GraphQLScalarType({ name: 'JSON', serialize: (v) => v });

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    scalar JSON
    type PatientEvent { seq: String! kind: String! patientId: ID actorName: String createdAt: String! payload: JSON! }
    type Query { ok: Boolean! }
    type Mutation { postHandover(patientId: ID!, summary: String!): Boolean! }
    type Subscription { patientEvents(patientId: ID!, after: String): PatientEvent! }
  `,
  resolvers: {
    JSON: JSONScalar,
    Query: { ok: () => true },
    Mutation: {
      postHandover: (_: unknown, args: { patientId: string; summary: string }) => {
        pubSub.publish('patient', args.patientId, baselineEvent(args.patientId, args.summary));
        return true;
      },
    },
    Subscription: {
      patientEvents: {
        subscribe: (_: unknown, args: { patientId: string }) => pubSub.subscribe('patient', args.patientId),
        resolve: (event: BaselineEvent) => event,
      },
    },
  },
});

const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, maskedErrors: false });
const httpServer = http.createServer(yoga);
const wss = new WebSocketServer({ server: httpServer, path: '/graphql', perMessageDeflate: false });

type EnvelopedRoot = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

useServer(
  {
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as ReturnType<NonNullable<Parameters<typeof useServer>[0]['execute']>>,
    subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as ReturnType<NonNullable<Parameters<typeof useServer>[0]['subscribe']>>,
    onSubscribe: async (ctx, _id, params) => {
      const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
      const document = enveloped.parse(params.query);
      const errors = enveloped.validate(enveloped.schema, document);
      if (errors.length) return errors;
      const args: ExecutionArgs = {
        schema: enveloped.schema,
        operationName: params.operationName,
        document,
        variableValues: params.variables,
        contextValue: await enveloped.contextFactory(),
        rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
      };
      return args;
    },
  },
  wss,
);

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(httpServer.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
