import {
  getArgumentValues,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isNonNullType,
  isObjectType,
  Kind,
  locatedError,
  type GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { flatLeaves, type Leaf } from './flat-results.js';

const directFields = new WeakSet<GraphQLField<unknown, unknown>>();

/**
 * Declares that the mutation field `name`'s value has plain properties for fields: an operation selecting
 * it alone, with only leaf fields below, may then be executed by `DirectMutation` rather than graphql-js.
 */
export function declareDirectMutation(schema: GraphQLSchema, name: string): void {
  const field = schema.getMutationType()?.getFields()[name];
  if (!field) throw new Error(`No mutation field ${name} to execute directly`);
  directFields.add(field as GraphQLField<unknown, unknown>);
}

/** The mutation fields of `schema` declared direct. */
export function directMutationNames(schema: GraphQLSchema): string[] {
  return Object.values(schema.getMutationType()?.getFields() ?? {}).flatMap((f) => (directFields.has(f as GraphQLField<unknown, unknown>) ? [f.name] : []));
}

/**
 * One mutation operation executed as graphql-js `execute` would, with the same result, errors included,
 * but without its execution context, field collection and completion machinery: for an operation whose
 * one root field is a declared direct mutation (no directives) selecting only leaf fields of an object type
 * (aliases and `__typename` allowed). Variables are coerced, and arguments made, by graphql-js's own
 * functions; the field's resolver (type-graphql's, with its argument decorators) is called as graphql-js
 * calls it, synchronously.
 */
export class DirectMutation {
  private readonly rootKey: string;
  private readonly rootNonNull: boolean;
  private readonly fragments: Record<string, FragmentDefinitionNode>;

  private constructor(
    private readonly schema: GraphQLSchema,
    private readonly operation: OperationDefinitionNode,
    private readonly mutationType: GraphQLObjectType,
    private readonly field: GraphQLField<unknown, unknown>,
    private readonly node: FieldNode,
    private readonly type: GraphQLObjectType,
    private readonly leaves: Leaf[],
    document: DocumentNode,
  ) {
    this.rootKey = node.alias?.value ?? node.name.value;
    this.rootNonNull = isNonNullType(field.type);
    this.fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
  }

  static of(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): DirectMutation | null {
    const operation = getOperationAST(document, operationName);
    const mutationType = schema.getMutationType();
    if (operation?.operation !== 'mutation' || !mutationType || operation.directives?.length || operation.selectionSet.selections.length !== 1) return null;
    const node = operation.selectionSet.selections[0];
    if (node.kind !== Kind.FIELD || node.directives?.length || !node.selectionSet) return null;
    const field = mutationType.getFields()[node.name.value] as GraphQLField<unknown, unknown> | undefined;
    const type = field && getNullableType(field.type);
    if (!field || !directFields.has(field) || !field.resolve || !isObjectType(type) || type.isTypeOf) return null;
    const leaves = flatLeaves(node.selectionSet.selections, type);
    return leaves && new DirectMutation(schema, operation, mutationType, field, node, type, leaves, document);
  }

  /**
   * The operation's result; a promise if the resolver's answer is one. Never throws (errors are in the result).
   * `coerced`: the variables already coerced by graphql-js's `getVariableValues` from `args.variableValues`.
   */
  execute(args: ExecutionArgs, coerced?: Record<string, unknown>): ExecutionResult | Promise<ExecutionResult> {
    const variables = coerced ? { coerced, errors: undefined } : getVariableValues(this.schema, this.operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 50 });
    if (variables.errors) return { errors: variables.errors };
    let value: unknown;
    try {
      const argValues = getArgumentValues(this.field, this.node, variables.coerced);
      value = this.field.resolve!(args.rootValue, argValues, args.contextValue, this.info(args.rootValue, variables.coerced));
    } catch (e) {
      return this.failed(e, this.node, [this.rootKey]);
    }
    if (!isPromiseLike(value)) return this.completed(value);
    return Promise.resolve(value).then(
      (resolved) => this.completed(resolved),
      (e: unknown) => this.failed(e, this.node, [this.rootKey]),
    );
  }

  private info(rootValue: unknown, variableValues: Record<string, unknown>): GraphQLResolveInfo {
    return {
      fieldName: this.field.name,
      fieldNodes: [this.node],
      returnType: this.field.type,
      parentType: this.mutationType,
      path: { prev: undefined, key: this.rootKey, typename: this.mutationType.name },
      schema: this.schema,
      fragments: this.fragments,
      rootValue,
      operation: this.operation,
      variableValues,
    };
  }

  /** The resolved value completed as graphql-js completes an object of leaf fields. */
  private completed(value: unknown): ExecutionResult {
    if (value instanceof Error) return this.failed(value, this.node, [this.rootKey]);
    if (value === null || value === undefined) {
      if (!this.rootNonNull) return { data: { [this.rootKey]: null } };
      return this.failed(new Error(`Cannot return null for non-nullable field ${this.mutationType.name}.${this.field.name}.`), this.node, [this.rootKey]);
    }
    const out: Record<string, unknown> = {};
    const errors: GraphQLError[] = [];
    for (const leaf of this.leaves) {
      const path = [this.rootKey, leaf.key];
      const completed = this.leafValue(leaf, value as Record<string, unknown>);
      if (!(completed instanceof LeafError)) {
        out[leaf.key] = completed;
        continue;
      }
      // A leaf that may be null is null, with its error beside the data; one that may not fails its object.
      if (leaf.nonNull) return this.failed(completed.cause, leaf.node, path);
      errors.push(locatedError(completed.cause, [leaf.node], path));
      out[leaf.key] = null;
    }
    const data = { [this.rootKey]: out };
    return errors.length > 0 ? { errors, data } : { data };
  }

  /** A leaf's value as graphql-js sends it, or why it has none. */
  private leafValue(leaf: Leaf, value: Record<string, unknown>): unknown {
    if (!leaf.type) return this.type.name;
    const raw = value[leaf.field];
    if (raw instanceof Error) return new LeafError(raw);
    if (raw === null || raw === undefined) {
      return leaf.nonNull ? new LeafError(new Error(`Cannot return null for non-nullable field ${this.type.name}.${leaf.field}.`)) : null;
    }
    try {
      const serialised: unknown = leaf.type.serialize(raw);
      if (serialised === null || serialised === undefined) return new LeafError(new Error(`Expected ${leaf.type.name}.serialize to return a value for ${this.type.name}.${leaf.field}.`));
      return serialised;
    } catch (e) {
      return new LeafError(e);
    }
  }

  /**
   * An error at `path`, as graphql-js reports it: a leaf that is not nullable makes its object null, and
   * that object, if the root field is not nullable either, makes the data null.
   */
  private failed(e: unknown, node: FieldNode, path: string[]): ExecutionResult {
    const error = locatedError(e, [node], path);
    return { errors: [error], data: this.rootNonNull ? null : { [this.rootKey]: null } };
  }
}

/** Why a leaf has no value. */
class LeafError {
  constructor(readonly cause: unknown) {}
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}
