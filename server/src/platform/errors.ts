import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@cairn/schema/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';

/** The codes are defined once, with their meanings, in `@cairn/schema/errors`. */
export { ErrorCode };

/** A failure to show the person who caused it. `field` names the input at fault. */
export class CairnError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'CairnError';
  }
}

export const badInput = (field: string, message: string) => new CairnError(ErrorCode.BAD_USER_INPUT, message, field);
export const notFound = (what = 'patient') => new CairnError(ErrorCode.NOT_FOUND, `No such ${what}, or you do not have access to it.`);
export const unauthenticated = () => new CairnError(ErrorCode.UNAUTHENTICATED, 'Please sign in.');
export const forbidden = (message = 'You are not allowed to do that.') => new CairnError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string) => new CairnError(ErrorCode.CONFLICT, message);
/**
 * A change refused because what its author's form showed (`seen`) was changed by someone else since: a
 * CONFLICT on the field `seen`, so the client knows to read the record again (any other CONFLICT is not that).
 */
export const changedSinceSeen = (message: string) => new CairnError(ErrorCode.CONFLICT, message, 'seen');

/** HTTP status for a code; GraphQL answers 200 unless the whole request is refused. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
      return 409;
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.LIMIT_EXCEEDED:
      return 429;
    case ErrorCode.RESYNC_REQUIRED:
      return 409;
    default:
      return assertUnreachable(code);
  }
}

export function assertUnreachable(x: never): never {
  throw new Error(`Unhandled case: ${String(x)}`);
}

/** Codes graphql-js and the shared limits already put on errors a client caused; they pass unmasked. */
const clientCodes = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/** How the one error mapper treats what a client did not cause. */
export interface ErrorFormatting {
  /** Development only (CAIRN_EXPOSE_ERRORS): an internal error keeps its real message. */
  exposeInternals: boolean;
  /** Production does not describe the schema to strangers: no "Did you mean …" suggestions. */
  hideSuggestions: boolean;
  /** Writes an internal error to the log (see internalErrorLogFields), with the request id the client is given. */
  reportInternal(error: unknown, requestId: string): void;
}

/**
 * The one error mapper for HTTP and WebSocket. A CairnError becomes its code and message; an error the
 * client caused in the query itself passes; anything else is internal: logged with the request id and
 * answered with a generic message and that id (its real message holds SQL, data, even password hashes).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: ErrorFormatting,
  requestId: string = randomUUID(),
): GraphQLFormattedError {
  const original = unwrap(error);
  if (original instanceof CairnError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...(original.retryAfterSeconds ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
      },
    };
  }
  const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && clientCodes.has(code)) return { message, locations: formatted.locations, extensions: { code } };
  // Apollo marks a variable that failed coercion BAD_USER_INPUT; the input gate normally refuses it first.
  if (code === ErrorCode.BAD_USER_INPUT || isArgumentValidation(original)) {
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  options.reportInternal(original, requestId);
  if (options.exposeInternals) return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  return {
    message: internalErrorMessage(requestId),
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

/** All a client is told of an internal error: that it happened, and the id it is logged under. */
export function internalErrorMessage(requestId: string): string {
  return `Something went wrong on our side. Please try again; if it goes on, quote request ${requestId}.`;
}

/** graphql-js ends some messages with suggestions drawn from the schema (field, type and enum names). */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .*\?$/s, '');
}

/**
 * Apollo hands its formatError no request: this plugin remembers which request each error came from
 * (Apollo reports the very error objects it then formats), so the answer and the log share an id.
 */
export function requestIdsOfErrors(): { requestIdOf(error: unknown): string | undefined; plugin: ApolloServerPlugin<{ requestId: string }> } {
  const ids = new WeakMap<object, string>();
  return {
    requestIdOf: (error) => (typeof error === 'object' && error !== null ? ids.get(error) : undefined),
    plugin: {
      requestDidStart: async () => ({
        didEncounterErrors: async ({ contextValue, errors }) => {
          for (const e of errors) ids.set(e, contextValue.requestId);
        },
      }),
    },
  };
}

function unwrap(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

/** Variable coercion errors ("Expected type Int…") are the client's; they carry no original error. */
function isArgumentValidation(e: unknown): boolean {
  return e instanceof GraphQLError && !e.originalError && /^Variable "\$|^Argument "|Expected value of type|Expected type/.test(e.message);
}

/**
 * What the log keeps of an internal error: enough to find the fault (class, PostgreSQL code, the statement's
 * shape, where it was thrown) without the values in it, since the ORM writes parameters into the SQL text
 * and those are patients' data and password hashes.
 */
export function internalErrorLogFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: redactLiterals(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: redactLiterals(error.message).slice(0, 2000),
    stack: error.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 8).map((line) => line.trim()),
  };
}

function redactLiterals(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, "'…'");
}
