/**
 * The codes the Cairn API puts in `extensions.code` for failures a person can cause or act on, and what
 * each means. The server raises them (server/src/platform/errors.ts); the web app turns them into words
 * (web/src/platform/errors.ts). Anything else is INTERNAL_SERVER_ERROR, masked.
 */
export const ErrorCode = {
  /** The input is wrong; `extensions.field` names the input at fault. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** No session, or it ended: sign in. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Signed in, may see this, but may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No such record, or no access to it: the two are never told apart. */
  NOT_FOUND: 'NOT_FOUND',
  /** Someone else changed it first, or it already exists. */
  CONFLICT: 'CONFLICT',
  /** Too many attempts; `extensions.retryAfterSeconds` says how long to wait. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A per-connection or per-user cap (sockets, subscriptions, presence) is reached: close something first. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** A live stream fell behind and was ended: reconnect from the last cursor received. */
  RESYNC_REQUIRED: 'RESYNC_REQUIRED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCode, value);
}
