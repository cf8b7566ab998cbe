import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { declareStreamItemField, type StreamItemResolve } from '../platform/flat-results.js';
import { declareDirectMutation } from '../platform/direct-mutations.js';
import { registerEventKinds } from '../events/event-kinds.js';
import { modules } from './modules.js';

/** The GraphQL schema: every module's resolvers, and the event kinds they declare. */
export async function buildCairnSchema(): Promise<GraphQLSchema> {
  for (const m of modules) registerEventKinds(m.eventKinds ?? {});
  const resolvers = modules.flatMap((m) => m.resolvers ?? []);
  if (resolvers.length === 0) throw new Error('No module brings a resolver');
  // type-graphql insists on a pubSub once any subscription exists. Cairn's subscriptions bring their own
  // `subscribe` (the event log, across instances), so nothing ever publishes to this in-process one.
  const schema = await buildSchema({ resolvers: resolvers as unknown as NonEmptyArray<Function>, validate: false, emitSchemaFile: false, pubSub: createPubSub() });
  for (const m of modules) for (const [field, resolve] of Object.entries(m.streamItemResolvers ?? {})) resolveFromStreamItem(schema, field, resolve);
  for (const m of modules) for (const field of m.directSocketMutations ?? []) declareDirectMutation(schema, field);
  return schema;
}

/**
 * Resolves the subscription field `name` synchronously with `resolve` over the stream's item, in place of
 * type-graphql's resolver (whose arguments cost promises per call): a catch-up executes the field once
 * for every missed event, and a result that is not a promise is sent as soon as it is made. The field's
 * arguments still say where the stream starts; its `subscribe`, and the access checks there, are untouched.
 * Declared as such, a live result selecting only its leaf fields is made without graphql-js (flat-results.ts).
 */
function resolveFromStreamItem(schema: GraphQLSchema, name: string, resolve: StreamItemResolve): void {
  const field = schema.getSubscriptionType()?.getFields()[name];
  if (!field) throw new Error(`No subscription field ${name} to resolve from its stream's items`);
  // The items are what the field's own `subscribe` streams, which its module pairs `resolve` with.
  field.resolve = (item: unknown) => resolve(item as never);
  declareStreamItemField(field, resolve);
}
