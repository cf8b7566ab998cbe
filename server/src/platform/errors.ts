import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The error codes a Cairn client can act on; every failure a person can cause maps to one. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A per-connection or per-user cap (sockets, subscriptions, presence) is reached; close something first. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** A live stream fell behind and was ended: reconnect from the last cursor received. */
  RESYNC_REQUIRED: 'RESYNC_REQUIRED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
const clientCodes = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * The one error mapper for HTTP and WebSocket. A CairnError becomes its code and message; an error the
 * client caused in the query itself passes; anything else is masked unless `exposeInternals`.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, exposeInternals: boolean): GraphQLFormattedError {
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
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && clientCodes.has(code)) return { message: formatted.message, locations: formatted.locations, extensions: { code } };
  // Apollo marks a variable that failed coercion BAD_USER_INPUT; the input gate normally refuses it first.
  if (code === ErrorCode.BAD_USER_INPUT || isArgumentValidation(original)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  if (exposeInternals) return formatted;
  return { message: 'Something went wrong on our side. Please try again.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
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
