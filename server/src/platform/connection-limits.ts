import { GraphQLError } from 'graphql';
import { CairnError, ErrorCode } from './errors.js';

/**
 * Refuses an operation on a socket that already has `max` open: graphql-ws lists every operation in
 * flight on a socket (live subscriptions, and queries and mutations while they run) in its context's
 * `subscriptions`, the one being subscribed included. Without a cap, one socket could hold thousands of
 * live streams, each with its queue and its access checks on every event.
 */
export function tooManyOperations(open: Record<string, unknown>, max: number): GraphQLError[] | null {
  if (Object.keys(open).length <= max) return null;
  const error = new CairnError(ErrorCode.LIMIT_EXCEEDED, `This connection already has ${max} live subscriptions open; end one before starting another.`);
  return [new GraphQLError(error.message, { originalError: error })];
}
