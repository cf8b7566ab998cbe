import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { declareDirectMutation, DirectMutation, directMutationNames } from './direct-mutations.js';
import { perOperation, type OperationRef } from './per-operation.js';

interface Ack {
  seq?: unknown;
  note?: unknown;
  state?: unknown;
  duplicate?: unknown;
}

/** Refuses anything but a whole number, as a strict integer scalar does. */
const Whole = new GraphQLScalarType({
  name: 'Whole',
  serialize: (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError('Whole cannot represent this value');
    return value;
  },
});
const State = new GraphQLEnumType({ name: 'State', values: { STORED: { value: 'stored' }, HELD: { value: 'held' } } });
const AckType = new GraphQLObjectType<Ack>({
  name: 'Ack',
  fields: {
    seq: { type: new GraphQLNonNull(Whole) },
    note: { type: GraphQLString },
    state: { type: State },
    duplicate: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

/**
 * What each `key` makes the resolver do: answer at once or later, with an ack, null, an error thrown or
 * returned; and how many times it ran, so a test sees it ran once per execution.
 */
const behaviours: Record<string, (ctx: { calls: number }) => unknown> = {
  ok: () => ({ seq: 7, note: 'saved', state: 'stored', duplicate: false }),
  later: () => Promise.resolve({ seq: 8, note: null, state: 'held', duplicate: true }),
  nothing: () => null,
  throws: () => {
    throw new Error('This edit is too large.');
  },
  rejects: () => Promise.reject(new Error('Your session has ended.')),
  returnsError: () => new Error('returned, not thrown'),
  badSeq: () => ({ seq: 1.5, note: 'x', state: 'stored', duplicate: false }),
  missingSeq: () => ({ note: 'x', state: 'stored', duplicate: false }),
  badNote: () => ({ seq: 1, note: { not: 'a string' }, state: 'stored', duplicate: false }),
  badState: () => ({ seq: 1, note: 'x', state: 'unknown', duplicate: false }),
  errorLeaf: () => ({ seq: 1, note: new Error('note unavailable'), state: 'stored', duplicate: false }),
};
const resolve = (_root: unknown, args: { key: string; times?: number | null }, ctx: { calls: number }) => {
  ctx.calls++;
  const behaviour = behaviours[args.key];
  if (!behaviour) throw new Error(`no behaviour ${args.key}`);
  return behaviour(ctx);
};
const args = { key: { type: new GraphQLNonNull(GraphQLID) }, times: { type: GraphQLInt } };
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      save: { type: new GraphQLNonNull(AckType), args, resolve },
      maybeSave: { type: AckType, args, resolve },
      undeclared: { type: AckType, args, resolve },
    },
  }),
});
declareDirectMutation(schema, 'save');
declareDirectMutation(schema, 'maybeSave');

/** The result as JSON, the form a client receives (graphql-js's errors as their JSON, without stacks). */
function sent(result: ExecutionResult): unknown {
  return JSON.parse(JSON.stringify({ ...result, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) }));
}

/** Runs the operation through graphql-js and directly, each with its own counter of resolver calls. */
async function both(
  query: string,
  variableValues: Record<string, unknown> | null = {},
): Promise<{ direct: unknown; graphqlJs: unknown; directCalls: number; graphqlJsCalls: number; givenCoerced: unknown }> {
  const document = parse(query);
  const mutation = DirectMutation.of(schema, document, undefined);
  if (!mutation) throw new Error(`not a direct mutation: ${query}`);
  const direct = { calls: 0 };
  const graphqlJs = { calls: 0 };
  const base: Omit<ExecutionArgs, 'contextValue'> = { schema, document, variableValues };
  // As the socket's gate hands them on: the variables coerced by graphql-js, when they coerce.
  const coerced = getVariableValues(schema, getOperationAST(document)?.variableDefinitions ?? [], variableValues ?? {});
  return {
    direct: sent(await mutation.execute({ ...base, contextValue: direct })),
    graphqlJs: sent(await execute({ ...base, contextValue: graphqlJs })),
    directCalls: direct.calls,
    graphqlJsCalls: graphqlJs.calls,
    givenCoerced: coerced.coerced ? sent(await mutation.execute({ ...base, contextValue: { calls: 0 } }, coerced.coerced)) : null,
  };
}

describe('mutations executed directly', () => {
  it('answer exactly as graphql-js execute does, for every way the resolver answers and every selection of leaves', async () => {
    const selections = ['seq', 'seq note state duplicate', 'n: seq __typename', '__typename t: __typename duplicate', 'note', 'state note', 'duplicate seq'];
    let compared = 0;
    for (const field of ['save', 'maybeSave']) {
      for (const key of Object.keys(behaviours)) {
        for (const selection of selections) {
          for (const rootAlias of ['', 'ack: ']) {
            const query = `mutation($k: ID!) { ${rootAlias}${field}(key: $k, times: 2) { ${selection} } }`;
            const r = await both(query, { k: key });
            expect(r.direct, `${query} with ${key}`).toEqual(r.graphqlJs);
            expect(r.givenCoerced, `${query} with ${key}, variables coerced before`).toEqual(r.graphqlJs);
            expect([r.directCalls, r.graphqlJsCalls]).toEqual([1, 1]);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(2 * Object.keys(behaviours).length * selections.length * 2);
  });

  it('refuse bad variables and arguments as graphql-js does, without calling the resolver', async () => {
    const cases: Array<[string, Record<string, unknown> | null]> = [
      ['mutation($k: ID!) { save(key: $k) { seq } }', {}],
      ['mutation($k: ID!) { save(key: $k) { seq } }', null],
      ['mutation($k: ID!) { save(key: $k) { seq } }', { k: null }],
      ['mutation($k: ID!) { save(key: $k) { seq } }', { k: { nested: true } }],
      ['mutation($k: ID!, $t: Int) { save(key: $k, times: $t) { seq } }', { k: 'ok', t: 'two' }],
      ['mutation($k: ID!, $t: Int) { save(key: $k, times: $t) { seq } }', { k: 'ok', t: 2 ** 40 }],
      ['mutation($k: ID, $t: Int) { save(key: $k, times: $t) { seq } }', { t: 1 }],
      ['mutation($k: ID!, $t: Int) { save(key: $k, times: $t) { seq } }', { k: null, t: 'two' }],
    ];
    for (const [query, variables] of cases) {
      const r = await both(query, variables);
      expect(r.direct, `${query} with ${JSON.stringify(variables)}`).toEqual(r.graphqlJs);
      expect((r.direct as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
      expect([r.directCalls, r.graphqlJsCalls]).toEqual([0, 0]);
    }
    // An id given as a number is coerced to its text, as graphql-js coerces it.
    const coerced = await both('mutation($k: ID!) { save(key: $k) { seq } }', { k: 17 });
    expect(coerced.direct).toEqual(coerced.graphqlJs);
  });

  it('are only operations that select one declared mutation alone, with nothing but leaves below it', () => {
    const direct = (query: string, operationName?: string) => DirectMutation.of(schema, parse(query), operationName) !== null;
    expect(direct('mutation { save(key: "ok") { seq } }')).toBe(true);
    expect(direct('mutation A { save(key: "ok") { seq } } query B { ok }', 'A')).toBe(true);
    expect(direct('mutation A { save(key: "ok") { seq } } query B { ok }', 'B')).toBe(false);
    expect(direct('mutation { undeclared(key: "ok") { seq } }')).toBe(false);
    expect(direct('mutation { save(key: "ok") { seq } b: save(key: "ok") { seq } }')).toBe(false);
    expect(direct('mutation { save(key: "ok") @include(if: true) { seq } }')).toBe(false);
    expect(direct('mutation { save(key: "ok") { seq @skip(if: false) } }')).toBe(false);
    expect(direct('mutation { save(key: "ok") { ...A } } fragment A on Ack { seq }')).toBe(false);
    expect(direct('mutation { save(key: "ok") { ... on Ack { seq } } }')).toBe(false);
    expect(direct('mutation { save(key: "ok") { seq s: note s: state } }')).toBe(false);
    expect(direct('query { ok }')).toBe(false);
    expect(directMutationNames(schema)).toEqual(['save', 'maybeSave']);
  });

  it('take the variables the gate coerced when given them, and coerce none again', async () => {
    const document = parse('mutation($k: ID!) { save(key: $k) { seq note } }');
    const mutation = DirectMutation.of(schema, document, undefined);
    if (!mutation) throw new Error('not a direct mutation');
    const ctx = { calls: 0 };
    // The raw variables would make the resolver throw; the coerced ones given are what it runs with.
    const result = await mutation.execute({ schema, document, variableValues: { k: 'throws' }, contextValue: ctx }, { k: 'ok' });
    expect(sent(result)).toEqual({ data: { save: { seq: 7, note: 'saved' } } });
    expect(ctx.calls).toBe(1);
  });

  it('are worked out once per document and operation name', () => {
    let computed = 0;
    const mutationOf = perOperation((operation: OperationRef) => (computed++, DirectMutation.of(schema, operation.document, operation.operationName)));
    const document = parse('mutation A { save(key: "ok") { seq } } mutation B { undeclared(key: "ok") { seq } }');
    const a = mutationOf({ document, operationName: 'A' });
    expect(a).not.toBeNull();
    expect(mutationOf({ document, operationName: 'A' })).toBe(a);
    expect(mutationOf({ document, operationName: 'B' })).toBeNull();
    expect(mutationOf({ document, operationName: 'B' })).toBeNull();
    expect(computed).toBe(2);
  });
});
