import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSharedSubscribe } from './shared-subscribe.js';

/** A hub that hands every subscriber the same event object, as Cairn's event hub does. */
function hub() {
  const listeners = new Set<(e: object) => void>();
  return {
    publish: (event: object) => listeners.forEach((l) => l(event)),
    stream(): AsyncIterable<object> {
      const queue: object[] = [];
      let wake: (() => void) | undefined;
      const listener = (e: object) => (queue.push(e), wake?.());
      listeners.add(listener);
      return {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            while (queue.length === 0) await new Promise<void>((r) => (wake = r));
            return { value: queue.shift()!, done: false };
          },
          return: async () => (listeners.delete(listener), { value: undefined, done: true }),
        }),
      };
    },
  };
}

function schemaCounting(executions: { count: number }, events: ReturnType<typeof hub>, field: string) {
  const Event = new GraphQLObjectType({
    name: 'Event',
    fields: { text: { type: GraphQLString, resolve: (e: { text: string }) => (executions.count++, e.text) } },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { [field]: { type: Event, args: { patientId: { type: GraphQLString }, after: { type: GraphQLString } }, subscribe: () => events.stream(), resolve: (e: object) => e } },
    }),
  });
}

async function first(stream: unknown): Promise<ExecutionResult> {
  const it = (stream as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
  const { value } = await it.next();
  await it.return?.();
  return value as ExecutionResult;
}

describe('executing a subscription event once per audience', () => {
  it('runs resolvers once for subscribers that share a document and variables (but not the cursor)', async () => {
    const executions = { count: 0 };
    const events = hub();
    const schema = schemaCounting(executions, events, 'patientEvents');
    const document = parse('subscription($p: String, $after: String) { patientEvents(patientId: $p, after: $after) { text } }');
    const subscribe = createSharedSubscribe();
    const streams = await Promise.all([
      subscribe({ schema, document, variableValues: { p: 'a', after: '1' } }),
      subscribe({ schema, document, variableValues: { p: 'a', after: '7' } }),
      subscribe({ schema, document, variableValues: { p: 'b' } }),
    ]);
    const received = Promise.all(streams.map(first));
    await Promise.resolve();
    events.publish({ text: 'hello' });
    const results = await received;
    expect(results.map((r) => r.data)).toEqual(Array(3).fill({ patientEvents: { text: 'hello' } }));
    expect(results[0]).toBe(results[1]); // one execution shared
    expect(executions.count).toBe(2); // one per audience: p=a and p=b
  });

  it('leaves other subscriptions to execute per subscriber', async () => {
    const executions = { count: 0 };
    const events = hub();
    const schema = schemaCounting(executions, events, 'notifications');
    const document = parse('subscription { notifications { text } }');
    const subscribe = createSharedSubscribe();
    const streams = await Promise.all([subscribe({ schema, document }), subscribe({ schema, document })]);
    const received = Promise.all(streams.map(first));
    await Promise.resolve();
    events.publish({ text: 'for you' });
    await received;
    expect(executions.count).toBe(2);
  });
});
