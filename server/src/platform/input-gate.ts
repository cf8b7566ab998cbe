import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLID,
  isCompositeType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { CairnError, ErrorCode } from './errors.js';

/**
 * The one gate every operation's input passes, over HTTP and over the WebSocket, before any resolver
 * runs. It coerces the variables itself (so a wrong variable type is the client's BAD_USER_INPUT in every
 * mode), then walks every argument of every field the operation selects, literals and variables alike,
 * down through input objects and lists, and refuses:
 * - a NUL character (PostgreSQL text cannot hold it) or a lone surrogate (not Unicode: JSON, jsonb and
 *   UTF-8 cannot hold it) in any string;
 * - an `ID` that is not a UUID: every id a Cairn client sends names a UUID column, and PostgreSQL answers
 *   a malformed one with an error rather than "no such row".
 * Each refusal is BAD_USER_INPUT naming the argument (`extensions.field`, e.g. `input.mentions[1]`).
 * Checks a domain knows better (lengths, dates, cursors) stay with the domain.
 */
export function checkOperationInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] | null {
  const checked = gateOperationInput(schema, document, operationName, variables);
  return 'refused' in checked ? checked.refused : null;
}

/**
 * `checkOperationInput`, answering with the variables as it coerced them when it lets the operation through
 * (null when the schema has no root type for the operation, which graphql-js reports itself): an executor
 * given them need not coerce them again.
 */
export function gateOperationInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): { refused: GraphQLError[] } | { coerced: Record<string, unknown> | null } {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { refused: [refusal(new CairnError(ErrorCode.BAD_USER_INPUT, unselectedOperation(document, operationName), 'operationName'))] };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 5 });
  if (coerced.errors) return { refused: coerced.errors.map((e) => refusal(new CairnError(ErrorCode.BAD_USER_INPUT, e.message, variableNamed(e.message)))) };
  const root = schema.getRootType(operation.operation);
  if (!root) return { coerced: null };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  try {
    new ArgumentWalk(schema, fragments, coerced.coerced).selections(root, operation.selectionSet);
  } catch (e) {
    if (e instanceof CairnError) return { refused: [refusal(e)] };
    // getArgumentValues' own coercion failures (a null for a non-null argument through a variable).
    if (e instanceof GraphQLError) return { refused: [refusal(new CairnError(ErrorCode.BAD_USER_INPUT, e.message))] };
    throw e;
  }
  return { coerced: coerced.coerced };
}

/**
 * The gate on Apollo's side: runs once the operation is known, before execution. It also refuses a
 * subscription sent over HTTP, which graphql-js would otherwise execute as a query, once, with no event.
 */
export function inputGatePlugin(): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ schema, document, request, operation }) => {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are served over the WebSocket at /graphql (graphql-ws), not over HTTP.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        const errors = checkOperationInput(schema, document, request.operationName, request.variables);
        if (errors) throw errors[0];
      },
    }),
  };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string a client sent, in words, or null: PostgreSQL text and jsonb cannot hold either. */
export function badCharacterIn(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000), which Cairn cannot store';
  if (loneSurrogate.test(value)) return 'contains a broken character (a lone UTF-16 surrogate), which is not valid text';
  return null;
}

class ArgumentWalk {
  /** Fragments already walked for a parent type: a fragment spread many times is checked once. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  selections(parent: GraphQLCompositeType, selectionSet: SelectionSetNode): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = this.fieldOf(parent, selection.name.value);
        if (!field) continue; // __typename, or a field validation has already refused
        const args = getArgumentValues(field, selection, this.variables);
        for (const arg of field.args) {
          if (arg.name in args) this.value(arg.type, args[arg.name], arg.name);
        }
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) this.selections(type, selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) this.selections(type, selection.selectionSet);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
        const key = `${selection.name.value}@${parent.name}`;
        if (!fragment || !type || !isCompositeType(type) || this.seen.has(key)) continue;
        this.seen.add(key);
        this.selections(type, fragment.selectionSet);
      }
    }
  }

  private fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
    if (name === SchemaMetaFieldDef.name && parent === this.schema.getQueryType()) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name && parent === this.schema.getQueryType()) return TypeMetaFieldDef;
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  }

  /** Checks one coerced value against its declared input type; `path` names it for the client. */
  private value(type: GraphQLInputType, value: unknown, path: string): void {
    if (value === null || value === undefined) return;
    const nullable = isNonNullType(type) ? getNullableType(type) : type;
    if (isListType(nullable)) {
      if (Array.isArray(value)) value.forEach((item, i) => this.value(nullable.ofType, item, `${path}[${i}]`));
      return;
    }
    if (isInputObjectType(nullable)) {
      const fields = nullable.getFields();
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[name];
        if (field) this.value(field.type, v, `${path}.${name}`);
      }
      return;
    }
    if (isLeafType(nullable)) {
      if (nullable === GraphQLID && typeof value === 'string' && !uuid.test(value)) {
        throw new CairnError(ErrorCode.BAD_USER_INPUT, `"${path}" is not a valid id.`, path);
      }
      anyString(value, path);
    }
  }
}

/** Strings inside a leaf value: the value itself, or the keys and values of a JSON scalar's object. */
function anyString(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = badCharacterIn(value);
    if (problem) throw new CairnError(ErrorCode.BAD_USER_INPUT, `"${path}" ${problem}.`, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => anyString(v, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      anyString(k, path);
      anyString(v, `${path}.${k}`);
    }
  }
}

/**
 * Why no operation of `document` was chosen. graphql-js says so only as it executes, in an error without a
 * code, which the error mapper then took for an internal one.
 */
function unselectedOperation(document: DocumentNode, operationName: string | null | undefined): string {
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(unnamed)'] : []));
  if (operationName) return `The document has no operation named "${operationName}"; it has ${names.join(', ') || 'none'}.`;
  if (names.length === 0) return 'The document has no operation to run.';
  return `The document has ${names.length} operations (${names.join(', ')}): say which to run in operationName.`;
}

/** As a GraphQL error: HTTP 400 on Apollo's side (which reads `extensions.http`), the CairnError for the mapper. */
function refusal(error: CairnError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: 400 } } });
}

function variableNamed(message: string): string | undefined {
  return /^Variable "\$(\w+)"/.exec(message)?.[1];
}
