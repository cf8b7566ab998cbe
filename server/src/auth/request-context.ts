import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../platform/services.js';
import type { Session } from './session.entity.js';
import type { User } from './user.entity.js';

/** What every resolver gets: a request-scoped EntityManager, who is asking, and the instance's services. */
export interface Context {
  em: EntityManager;
  actor: User | null;
  session: Session | null;
  requestId: string;
  /** Where the request came from, for rate limits. */
  clientAddress: string;
  transport: 'http' | 'ws';
  services: Services;
  /** Where `em` is made on first use (a socket operation): whether it is in a transaction, without making it. */
  readonly inTransaction?: boolean;
  /** Per-request batch loaders (see platform/batch-loader.ts). */
  loaders?: Map<string, unknown>;
  /** HTTP only: lets sign-in set and sign-out clear the session cookie. */
  setSessionCookie?: (token: string | null, expiresAt?: Date) => void;
}

/**
 * Whether the request's EntityManager is in a transaction. A socket operation makes its EntityManager on
 * first use, and a live stream's set-up (thousands at once after a restart) need not make one to ask.
 */
export function inTransaction(ctx: Context): boolean {
  return ctx.inTransaction ?? ctx.em.isInTransaction();
}
