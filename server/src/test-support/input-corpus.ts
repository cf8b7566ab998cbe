import {
  coerceInputValue,
  getNamedType,
  getNullableType,
  GraphQLID,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

const nul = 'text with a NUL \u0000 inside';
const loneHigh = '\uD800';
const loneLow = 'ends with a lone low surrogate \uDFFF';
const hugeNumber = 9_007_199_254_740_994;
/** A page cursor forged to carry text PostgreSQL cannot hold (the patients list's cursors are base64url JSON). */
const forgedCursor = Buffer.from(JSON.stringify(['\u0000', 'a', '00000000-0000-0000-0000-000000000000'])).toString('base64url');

/**
 * Values a careless or hostile client sends in place of a proper one, by the kind of input they are sent
 * to: each kind gets the wrong types, the edge values and the broken text that matter to it.
 */
export const badValues = {
  ID: [nul, loneHigh, '', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', hugeNumber, 1.5, { id: 'x' }, null],
  String: [nul, loneHigh, loneLow, '', '   ', '9'.repeat(30), 'x'.repeat(20_000), forgedCursor, 1.5, { a: 1 }, null],
  Int: [hugeNumber, 2_147_483_647, -1, 0, 1.5, '9'.repeat(30), nul, {}, null],
  Boolean: ['true', 1, nul, null],
  enum: ['NOT_A_VALUE', nul, 0, null],
  input: [{}, { nope: 1 }, 'x', [], null],
  list: [[], [null], [nul], [loneHigh]],
} as const satisfies Record<string, readonly unknown[]>;

/** The corpus for an input type; a list gets its own and then its item's. */
function corpusFor(type: GraphQLInputType): readonly unknown[] {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [...badValues.list, ...corpusFor(nullable.ofType)];
  if (isInputObjectType(nullable)) return badValues.input;
  if (isEnumType(nullable)) return badValues.enum;
  if (nullable === GraphQLID) return badValues.ID;
  if (nullable.name === 'Int' || nullable.name === 'SafeInt' || nullable.name === 'Float') return badValues.Int;
  if (nullable.name === 'Boolean') return badValues.Boolean;
  return badValues.String;
}

/** One operation that puts `value` at `target` (an argument, or a field inside one) and sensible values elsewhere. */
export interface Probe {
  operation: 'query' | 'mutation' | 'subscription';
  field: string;
  target: string;
  value: unknown;
  query: string;
  variables: Record<string, unknown>;
  /** True when the value can only be refused as BAD_USER_INPUT (wrong type, bad characters, not a UUID). */
  mustRefuse: boolean;
}

/** What goes in an argument or input field that is not the one under test; by field name, then by name. */
export type Fillers = (field: string, name: string, type: GraphQLInputType) => unknown;

/** Every argument (and every field of every input object argument, at any depth) of every root field, × every bad value. */
export function probesFor(schema: GraphQLSchema, fill: Fillers): Probe[] {
  const probes: Probe[] = [];
  for (const operation of ['query', 'mutation', 'subscription'] as const) {
    const root = operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      for (const arg of field.args) {
        for (const { path, type, replace } of targetsIn(arg.name, arg.type, field.name, fill)) {
          for (const value of corpusFor(type)) {
            const args = Object.fromEntries(field.args.map((a) => [a.name, a.name === arg.name ? replace(value) : fill(field.name, a.name, a.type)]));
            probes.push(probe(operation, field, args, path, value, arg.name, arg.type));
          }
        }
      }
    }
  }
  return probes;
}

interface Target {
  path: string;
  type: GraphQLInputType;
  /** The argument's whole value with `value` put at the target. */
  replace: (value: unknown) => unknown;
}

/** The argument itself and, inside input objects (and lists of them), each of their fields. */
function targetsIn(path: string, type: GraphQLInputType, field: string, fill: Fillers): Target[] {
  const targets: Target[] = [{ path, type, replace: (v) => v }];
  const nullable = getNullableType(type);
  const list = isListType(nullable);
  const inner = getNullableType(list ? nullable.ofType : nullable);
  if (!isInputObjectType(inner)) return targets;
  for (const f of Object.values(inner.getFields())) {
    const base = () => Object.fromEntries(Object.values(inner.getFields()).map((g) => [g.name, fill(field, g.name, g.type)]).filter(([, v]) => v !== undefined));
    for (const t of targetsIn(f.name, f.type, field, fill)) {
      const replace = (v: unknown) => {
        const object = { ...base(), [f.name]: t.replace(v) };
        return list ? [object] : object;
      };
      targets.push({ path: `${path}${list ? '[0]' : ''}.${t.path}`, type: t.type, replace });
    }
  }
  return targets;
}

function probe(
  operation: Probe['operation'],
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  target: string,
  value: unknown,
  argName: string,
  argType: GraphQLInputType,
): Probe {
  const given = field.args.filter((a) => args[a.name] !== undefined);
  const declarations = given.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passing = given.map((a) => `${a.name}: $${a.name}`).join(', ');
  const query = `${operation} Probe${declarations ? `(${declarations})` : ''} { ${field.name}${passing ? `(${passing})` : ''}${selectionFor(field)} }`;
  const variables = Object.fromEntries(given.map((a) => [a.name, args[a.name]]));
  return { operation, field: field.name, target, value, query, variables, mustRefuse: refusedWhatever(argType, args[argName]) };
}

/** The cheapest selection: `__typename`, or nothing for a leaf. */
function selectionFor(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  return isScalarType(type) || isEnumType(type) ? '' : ' { __typename }';
}

/**
 * The oracle: a value graphql-js cannot coerce to the type, or that holds a NUL or a lone surrogate, or an
 * `ID` that is not a UUID, has no reading but "bad input", whatever the operation does with it.
 */
function refusedWhatever(type: GraphQLInputType, value: unknown): boolean {
  if (value === undefined) return false;
  let failed = false;
  const coerced = coerceInputValue(value, type, () => (failed = true));
  return failed || badLeaf(type, coerced);
}

function badLeaf(type: GraphQLInputType, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) return Array.isArray(value) && value.some((v) => badLeaf(nullable.ofType, v));
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return Object.entries(value as Record<string, unknown>).some(([k, v]) => fields[k] !== undefined && badLeaf(fields[k].type, v));
  }
  if (typeof value !== 'string') return false;
  if (nullable === GraphQLID && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return true;
  return value.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
