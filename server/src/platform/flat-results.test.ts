import {
  execute,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionArgs,
  type GraphQLField,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { declareStreamItemField, flatResultMaker } from './flat-results.js';

interface Item {
  id?: unknown;
  title?: unknown;
  count?: unknown;
  state?: unknown;
  at?: unknown;
  tags?: unknown;
}

/** Refuses anything but a Date, as a strict date scalar does; says nothing (null) for the epoch. */
const Moment = new GraphQLScalarType({
  name: 'Moment',
  serialize: (value) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError('Moment cannot represent this value');
    return value.getTime() === 0 ? null : value.toISOString();
  },
});
const State = new GraphQLEnumType({ name: 'State', values: { OPEN: { value: 'open' }, DONE: { value: 'done' } } });
const Entry = new GraphQLObjectType<Item>({
  name: 'Entry',
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    title: { type: GraphQLString },
    count: { type: GraphQLInt },
    state: { type: State },
    at: { type: new GraphQLNonNull(Moment) },
    tags: { type: new GraphQLList(GraphQLString) },
    shout: { type: GraphQLString, args: { loud: { type: GraphQLInt } }, resolve: (item: Item) => String(item.title).toUpperCase() },
  },
});
/** Refuses an item marked as withdrawn, as a stream's resolver refuses one its reader may no longer see. */
const toEntry = (item: unknown): Item | null => {
  if ((item as Item | null)?.id === 'withdrawn') throw new Error('No such entry, or you do not have access to it.');
  return item as Item | null;
};
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      entries: { type: new GraphQLNonNull(Entry), args: { after: { type: GraphQLString } }, resolve: toEntry },
      maybeEntries: { type: Entry, resolve: toEntry },
      undeclared: { type: Entry, resolve: toEntry },
    },
  }),
});
for (const name of ['entries', 'maybeEntries']) {
  declareStreamItemField(schema.getSubscriptionType()!.getFields()[name] as GraphQLField<unknown, unknown>, toEntry);
}

const argsOf = (query: string, variableValues: Record<string, unknown> = {}): ExecutionArgs => ({ schema, document: parse(query), variableValues });

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

describe('flat results of stream-item subscriptions', () => {
  it('equal graphql-js execute for every selection of leaf fields, aliases and __typename, item by item', () => {
    const fieldNames = ['id', 'title', 'count', 'state', 'at', '__typename'];
    const aliases = ['a', 'b', 'seq', 'title', 'id', 'x_1'];
    let made = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
      const selections = Array.from({ length: 1 + Math.floor(next() * 6) }, () => (next() < 0.3 ? `${pick(aliases)}: ${pick(fieldNames)}` : pick(fieldNames)));
      const root = next() < 0.5 ? 'entries(after: $after)' : 'maybeEntries';
      const args = argsOf(`subscription ($after: String) { ${next() < 0.3 ? 'r: ' : ''}${root} { ${selections.join(' ')} } }`, { after: '1' });
      const maker = flatResultMaker(args);
      const keys = selections.map((s) => s.split(':')[0].trim());
      if (new Set(keys).size !== keys.length) {
        expect(maker, `seed ${seed}: a response key twice is left to graphql-js`).toBeNull();
        continue;
      }
      expect(maker, `seed ${seed}`).not.toBeNull();
      for (let i = 0; i < 20; i++) {
        const item: Item | null =
          next() < 0.05
            ? null
            : {
                id: next() < 0.1 ? null : next() < 0.05 ? 'withdrawn' : `e-${i}`,
                title: next() < 0.3 ? null : pick(['Pacing', 'Sleep', 'Walking ☀']),
                count: pick([0, 7, -3, 2.5, 2 ** 40, null, '4']),
                state: pick(['open', 'done', 'lost', null]),
                at: pick([new Date(Date.UTC(2026, 2, 2, 9, 30)), new Date(NaN), new Date(0), 'yesterday', null]),
              };
        const expected = execute({ ...args, rootValue: item }) as { data?: unknown; errors?: unknown[] };
        const result = maker!(item);
        if (result === null) expect(expected.errors, `seed ${seed} item ${i}: only an error is left to graphql-js`).toBeDefined();
        else {
          made++;
          expect(expected.errors, `seed ${seed} item ${i}`).toBeUndefined();
          expect(JSON.stringify(result), `seed ${seed} item ${i}`).toBe(JSON.stringify(expected));
        }
      }
    }
    // The comparison held for results actually made here, not only for fallbacks.
    expect(made).toBeGreaterThan(1_000);
  });

  it('leaves to graphql-js what it does not make: fragments, directives, arguments, lists, nested or undeclared fields', () => {
    const refused = [
      'subscription { entries { ...F } } fragment F on Entry { id }',
      'subscription { entries { ... on Entry { id } } }',
      'subscription ($x: Boolean!) { entries { id @include(if: $x) } }',
      'subscription ($x: Boolean!) { entries @skip(if: $x) { id } }',
      'subscription { entries { shout(loud: 2) } }',
      'subscription { entries { shout } }',
      'subscription { entries { tags } }',
      'subscription { entries { __proto__: id } }',
      'subscription { undeclared { id } }',
      'query { ok }',
    ];
    for (const query of refused) expect(flatResultMaker(argsOf(query, { x: true })), query).toBeNull();
  });

  it('makes the result for the operation named, in a document with several', () => {
    const args = { ...argsOf('subscription A { entries { id } } subscription B { entries { title } }'), operationName: 'B' };
    expect(flatResultMaker(args)!({ id: 'e-1', title: 'Pacing', at: new Date() })).toEqual({ data: { entries: { title: 'Pacing' } } });
  });
});
