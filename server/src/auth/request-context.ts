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
  /** Per-request batch loaders (see platform/batch-loader.ts). */
  loaders?: Map<string, unknown>;
  /** HTTP only: lets sign-in set and sign-out clear the session cookie. */
  setSessionCookie?: (token: string | null, expiresAt?: Date) => void;
}
