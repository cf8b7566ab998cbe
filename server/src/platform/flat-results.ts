import {
  getNullableType,
  getOperationAST,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type SelectionNode,
} from 'graphql';

/** Makes a subscription field's value from one stream item, synchronously and from the item alone. */
export type StreamItemResolve = (item: never) => unknown;

const streamItemFields = new WeakMap<GraphQLField<unknown, unknown>, StreamItemResolve>();

/**
 * Declares that `field`'s value is `resolve(item)` for each item of its stream, and that the fields of
 * that value are plain properties (no resolvers of their own to run). Its results may then be made by
 * `flatResultMaker` rather than by graphql-js.
 */
export function declareStreamItemField(field: GraphQLField<unknown, unknown>, resolve: StreamItemResolve): void {
  streamItemFields.set(field, resolve);
}

/** One response key of the result: a leaf field's value, serialised, or the type's name. */
export interface Leaf {
  key: string;
  field: string;
  type: GraphQLLeafType | null; // null: __typename
  nonNull: boolean;
  node: FieldNode;
}

/**
 * Makes a stream item's result, equal to what graphql-js `execute` gives; null when it can't be made this
 * way (the resolver throws, a null where the schema forbids one, a value the scalar refuses), and the
 * caller executes instead, which reports the error as GraphQL does.
 */
export type FlatResultMaker = (item: unknown) => ExecutionResult | null;

/**
 * For a subscription whose one root field is a declared stream-item field selecting only leaf fields of an
 * object type (aliases and `__typename` allowed; no fragments, directives or arguments below the root),
 * a maker of each item's result in one pass over the selection: no execution context, argument coercion
 * or memoised field collection per item. A catch-up makes one result per missed event, so this is most
 * of its work. Anything else gets null, and is executed as usual.
 */
export function flatResultMaker(args: ExecutionArgs): FlatResultMaker | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription' || operation.selectionSet.selections.length !== 1) return null;
  const root = operation.selectionSet.selections[0];
  if (root.kind !== Kind.FIELD || root.directives?.length || !root.selectionSet) return null;
  const field = args.schema.getSubscriptionType()?.getFields()[root.name.value];
  const resolve = field && streamItemFields.get(field as GraphQLField<unknown, unknown>);
  const type = field && getNullableType(field.type);
  if (!resolve || !isObjectType(type) || type.isTypeOf) return null;
  const leaves = flatLeaves(root.selectionSet.selections, type);
  if (!leaves) return null;
  const rootKey = root.alias?.value ?? root.name.value;
  const rootNonNull = isNonNullType(field.type);
  const typeName = type.name;
  return (item) => {
    let value: unknown;
    try {
      value = (resolve as (item: unknown) => unknown)(item);
    } catch {
      return null; // graphql-js reports the resolver's error
    }
    if (value === null || value === undefined) return rootNonNull ? null : { data: { [rootKey]: null } };
    const out: Record<string, unknown> = {};
    for (const leaf of leaves) {
      const raw = leaf.type ? (value as Record<string, unknown>)[leaf.field] : typeName;
      if (raw === null || raw === undefined) {
        if (leaf.nonNull) return null;
        out[leaf.key] = null;
        continue;
      }
      if (typeof raw === 'function') return null; // graphql-js would call it
      const serialised = serialise(leaf, raw);
      if (serialised === undefined) return null;
      out[leaf.key] = serialised;
    }
    return { data: { [rootKey]: out } };
  };
}

/**
 * The response keys of a selection of `type`'s leaf fields (aliases and `__typename` allowed), each once;
 * null if the selection has anything else: a fragment, a directive, an argument, a field with fields.
 */
export function flatLeaves(selections: readonly SelectionNode[], type: GraphQLObjectType): Leaf[] | null {
  const leaves: Leaf[] = [];
  for (const selection of selections) {
    const leaf = leafOf(selection, type.getFields());
    if (!leaf || leaves.some((l) => l.key === leaf.key)) return null;
    leaves.push(leaf);
  }
  return leaves;
}

function leafOf(selection: SelectionNode, fields: GraphQLFieldMap<unknown, unknown>): Leaf | null {
  if (selection.kind !== Kind.FIELD || selection.directives?.length || selection.arguments?.length || selection.selectionSet) return null;
  const key = selection.alias?.value ?? selection.name.value;
  // A plain object is made per result; this key would set its prototype instead.
  if (key === '__proto__') return null;
  if (selection.name.value === '__typename') return { key, field: '__typename', type: null, nonNull: true, node: selection };
  const def = fields[selection.name.value];
  const type = def && getNullableType(def.type);
  if (!def || def.args.length > 0 || !isLeafType(type)) return null;
  return { key, field: def.name, type, nonNull: isNonNullType(def.type), node: selection };
}

/** The leaf's value as its scalar or enum sends it; undefined if it refuses (graphql-js reports that). */
function serialise(leaf: Leaf, raw: unknown): unknown {
  if (!leaf.type) return raw;
  try {
    const out = leaf.type.serialize(raw);
    return out === null ? undefined : out;
  } catch {
    return undefined;
  }
}
