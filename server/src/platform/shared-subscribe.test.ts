import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSharedSubscribe, type Delivery, type DirectSource } from './shared-subscribe.js';
import type { NextSink } from './ws-transport.js';

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

/** A stream like the event hub's: hands each event to its consumer as it comes, and can end with an error. */
function directSource(): DirectSource<object> & { publish(e: object): void; end(error?: Error): void } {
  let deliver: ((e: object) => Delivery) | null = null;
  const pending: object[] = [];
  let settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  const drain = () => {
    while (deliver && pending.length > 0) {
      const d = deliver(pending[0]);
      if (d !== true) return d(drain, (e) => settle?.reject(e));
      pending.shift();
    }
  };
  return {
    publish: (e) => (pending.push(e), drain()),
    end: (error) => (error ? settle?.reject(error) : settle?.resolve()),
    deliverTo: (d) => new Promise<void>((resolve, reject) => ((settle = { resolve, reject }), (deliver = d), drain())),
    [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<object>>(() => undefined) }),
  };
}

/** A socket that takes `room` results, then is full until `drain()`. */
function sink(room: number) {
  const sent: unknown[] = [];
  let resume: (() => void) | null = null;
  const s: NextSink & { sent: unknown[]; room: number; drain(): void } = {
    sent,
    room,
    next: (result) => (s.room > 0 ? (s.room--, sent.push(result.data), true) : false),
    prepare: () => undefined,
    whenWritable: (r) => void (resume = r),
    drain: () => ((s.room = Infinity), resume?.()),
  };
  return s;
}

function schemaCounting(executions: { count: number }, events: ReturnType<typeof hub>, field: string, startArgument = 'after') {
  const Event = new GraphQLObjectType({
    name: 'Event',
    fields: { text: { type: GraphQLString, resolve: (e: { text: string }) => (executions.count++, e.text) } },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { [field]: { type: Event, args: { patientId: { type: GraphQLString }, [startArgument]: { type: GraphQLString } }, subscribe: () => events.stream(), resolve: (e: object) => e } },
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

  it("shares a care plan's live updates between editors whatever state vector each started from, under any variable name", async () => {
    const executions = { count: 0 };
    const events = hub();
    const schema = schemaCounting(executions, events, 'carePlanUpdates', 'stateVector');
    const document = parse('subscription($p: String, $sv: String) { carePlanUpdates(patientId: $p, stateVector: $sv) { text } }');
    const subscribe = createSharedSubscribe();
    const streams = await Promise.all(['AAE=', 'AQID', undefined].map((sv) => subscribe({ schema, document, variableValues: { p: 'a', sv } })));
    const received = Promise.all(streams.map(first));
    await Promise.resolve();
    events.publish({ text: 'typed' });
    const results = await received;
    expect(results.every((r) => r === results[0])).toBe(true);
    expect(executions.count).toBe(1);
  });

  it('keeps audiences apart when the start variable is used elsewhere in the operation too', async () => {
    const executions = { count: 0 };
    const events = hub();
    const schema = schemaCounting(executions, events, 'patientEvents');
    const document = parse('subscription($after: String) { patientEvents(patientId: $after, after: $after) { text } }');
    const subscribe = createSharedSubscribe();
    const streams = await Promise.all(['1', '2'].map((after) => subscribe({ schema, document, variableValues: { after } })));
    const received = Promise.all(streams.map(first));
    await Promise.resolve();
    events.publish({ text: 'x' });
    const results = await received;
    expect(results[0]).not.toBe(results[1]);
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

  it('writes results straight to a socket that can take them, in order, once per audience, and waits while it is full', async () => {
    const executions = { count: 0 };
    const sources = [directSource(), directSource()];
    let next = 0;
    const Event = new GraphQLObjectType({ name: 'Event', fields: { text: { type: GraphQLString, resolve: (e: { text: string }) => (executions.count++, e.text) } } });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: { patientEvents: { type: Event, args: { patientId: { type: GraphQLString } }, subscribe: () => sources[next++], resolve: (e: object) => e } },
      }),
    });
    const document = parse('subscription($p: String) { patientEvents(patientId: $p) { text } }');
    const sinks = [sink(Infinity), sink(1)];
    const subscribe = createSharedSubscribe({ sinkFor: (args) => sinks[(args.contextValue as { i: number }).i] });
    const streams = await Promise.all([0, 1].map((i) => subscribe({ schema, document, variableValues: { p: 'a' }, contextValue: { i } })));
    const iterators = streams.map((s) => (s as AsyncGenerator<ExecutionResult>)[Symbol.asyncIterator]());
    const ended = iterators.map((it) => it.next()); // graphql-ws's loop: settles when the stream ends
    const events = [{ text: 'one' }, { text: 'two' }, { text: 'three' }];
    for (const e of events) sources.forEach((s) => s.publish(e));
    expect(sinks[0].sent).toEqual(events.map((e) => ({ patientEvents: e })));
    expect(sinks[1].sent).toEqual([{ patientEvents: { text: 'one' } }]); // full after one
    sinks[1].drain();
    expect(sinks[1].sent).toEqual(sinks[0].sent);
    expect(executions.count).toBe(3); // one audience
    sources[0].end();
    sources[1].end(new Error('resync'));
    expect(await ended[0]).toEqual({ value: undefined, done: true });
    await expect(ended[1]).rejects.toThrow('resync');
  });
});
