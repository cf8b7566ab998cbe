import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * The limits every operation meets, whichever way it arrives. Apollo (HTTP) and graphql-ws (WebSocket)
 * both take their rules from here: graphql-ws does not run Apollo's plugins, so nothing may live there only.
 */
export const operationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxCost: 5000,
  maxTokens: 3000,
  /** Characters of query text. */
  maxQueryLength: 20_000,
  /** Bytes of one HTTP body or WebSocket message (care-plan updates travel as base64 inside). */
  maxMessageBytes: 512 * 1024,
} as const;

/**
 * graphql-armor throws from inside validation by default, which servers report as an internal error;
 * reporting through the validation context makes it an ordinary validation failure a client can read.
 */
const reportInstead = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
  ],
};

export function guardRules(production: boolean): ValidationRule[] {
  const rules: ValidationRule[] = [
    maxDepthRule({ n: operationLimits.maxDepth, ...reportInstead }),
    maxAliasesRule({ n: operationLimits.maxAliases, ...reportInstead }),
    costLimitRule({ maxCost: operationLimits.maxCost, ...reportInstead }),
  ];
  if (production) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** Refuses an oversized query before it is parsed. Null when it is within limits. */
export function querySizeError(query: string | undefined): GraphQLError | null {
  if (query && query.length > operationLimits.maxQueryLength) {
    return new GraphQLError(`The query is too large (${query.length} characters; the limit is ${operationLimits.maxQueryLength}).`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  return null;
}

/**
 * Validated documents by query text. Thousands of sockets subscribe with the same few queries; sharing
 * one parsed document keeps each subscription from holding its own syntax tree.
 */
export class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();
  constructor(private readonly capacity = 500) {}

  get(query: string): DocumentNode | undefined {
    const document = this.documents.get(query);
    if (document) {
      this.documents.delete(query); // most recently used goes last
      this.documents.set(query, document);
    }
    return document;
  }

  /**
   * `query` itself, or the equal text a cached document was parsed from: an operation's text is kept as
   * long as it runs (graphql-ws holds its message), and thousands of subscribers send the same one.
   */
  sameText(query: string): string {
    const body = this.documents.get(query)?.loc?.source.body;
    return body === query ? body : query;
  }

  set(query: string, document: DocumentNode): void {
    this.documents.set(query, document);
    if (this.documents.size > this.capacity) this.documents.delete(this.documents.keys().next().value!);
  }
}

/** Parse and validate for the WebSocket path, with exactly the limits the HTTP path applies. */
export function prepareDocument(
  schema: GraphQLSchema,
  query: string,
  production: boolean,
  cache?: DocumentCache,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  const cached = cache?.get(query);
  if (cached) return { document: cached };
  const tooBig = querySizeError(query);
  if (tooBig) return { errors: [tooBig] };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: operationLimits.maxTokens });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const errors = validate(schema, document, [...specifiedRules, ...guardRules(production)]);
  if (errors.length > 0) {
    return { errors: errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
  }
  cache?.set(query, document);
  return { document };
}
