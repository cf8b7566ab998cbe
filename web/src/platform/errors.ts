import { ErrorCode, isErrorCode } from '@cairn/schema/errors';
import type { CombinedError } from '@urql/core';

export { ErrorCode };

/** A failure, in words for the person at the screen. */
export interface Problem {
  /** null for a network failure or an error the server did not classify. */
  code: ErrorCode | null;
  message: string;
  /** The input at fault, for BAD_USER_INPUT: show the message beside that field. */
  field?: string;
}

const unreachable = 'Cairn cannot reach the server just now. Check your connection and try again.';
const unexpected = 'Something went wrong on our side. Please try again; if it keeps happening, tell your service lead.';

/** Every code an error carries, for routing decisions (e.g. UNAUTHENTICATED returns to sign-in). */
export function errorCodesOf(error: CombinedError): string[] {
  return error.graphQLErrors.map((e) => e.extensions?.code).filter((c): c is string => typeof c === 'string');
}

/** The first problem in `error`, as words a clinician can act on. */
export function describeError(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (!first) return { code: null, message: unreachable };
  const code = first.extensions?.code;
  if (!isErrorCode(code)) return { code: null, message: unexpected };
  const field = typeof first.extensions.field === 'string' ? first.extensions.field : undefined;
  const retryAfter = typeof first.extensions.retryAfterSeconds === 'number' ? first.extensions.retryAfterSeconds : undefined;
  return { code, message: wordsFor(code, first.message, retryAfter), ...(field ? { field } : {}) };
}

/**
 * Whether asking again could bring a different answer: not when the server said no (FORBIDDEN) or that there
 * is no such thing for this person (NOT_FOUND), so no "Try again" is offered for those.
 */
export function retryCanHelp(problem: Problem): boolean {
  return problem.code !== ErrorCode.FORBIDDEN && problem.code !== ErrorCode.NOT_FOUND;
}

/**
 * The server writes its messages for people, so they are shown as they come; the words here are for when
 * a message is missing, and for what the client knows better (how long to wait).
 */
function wordsFor(code: ErrorCode, serverMessage: string, retryAfterSeconds: number | undefined): string {
  const given = serverMessage.trim();
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
      return given || 'Please check what you entered and try again.';
    case ErrorCode.UNAUTHENTICATED:
      return given || 'Your session has ended. Please sign in again.';
    case ErrorCode.FORBIDDEN:
      return given || 'Your role does not allow you to do that.';
    case ErrorCode.NOT_FOUND:
      return given || 'No such record, or you do not have access to it.';
    case ErrorCode.CONFLICT:
      return given || 'Someone else changed this at the same time. Reload the page and try again.';
    case ErrorCode.RATE_LIMITED:
      return retryAfterSeconds === undefined
        ? given || 'Too many attempts. Please wait a few minutes and try again.'
        : `Too many attempts. For your security, please wait ${waitInWords(retryAfterSeconds)} and try again.`;
    case ErrorCode.LIMIT_EXCEEDED:
      return given || 'Cairn is open in too many tabs or windows. Close some and try again.';
    case ErrorCode.RESYNC_REQUIRED:
      return 'Live updates fell behind; catching up…';
    default:
      return assertUnreachable(code);
  }
}

function waitInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function assertUnreachable(x: never): never {
  throw new Error(`Unhandled error code: ${String(x)}`);
}
