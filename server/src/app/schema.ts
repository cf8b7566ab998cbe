import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { registerEventKinds } from '../events/event-kinds.js';
import { modules } from './modules.js';

/** The GraphQL schema: every module's resolvers, and the event kinds they declare. */
export function buildCairnSchema(): Promise<GraphQLSchema> {
  for (const m of modules) registerEventKinds(m.eventKinds ?? {});
  const resolvers = modules.flatMap((m) => m.resolvers ?? []);
  if (resolvers.length === 0) throw new Error('No module brings a resolver');
  // type-graphql insists on a pubSub once any subscription exists. Cairn's subscriptions bring their own
  // `subscribe` (the event log, across instances), so nothing ever publishes to this in-process one.
  return buildSchema({ resolvers: resolvers as unknown as NonEmptyArray<Function>, validate: false, emitSchemaFile: false, pubSub: createPubSub() });
}
