import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Services } from '../platform/services.js';
import type { NextSink } from '../platform/ws-transport.js';
import type { Context } from './request-context.js';
import type { Session } from './session.entity.js';
import type { User } from './user.entity.js';

/**
 * The context of one operation on a WebSocket. A subscription keeps its context for as long as it is
 * open, which for a clinician's live timeline is hours; so the request-scoped EntityManager (with the
 * entities the access check loaded) is forked on first use and let go once the subscription is set up
 * (`releaseRequestScope`): thousands of idle subscriptions then hold no ORM state. Anything that needs
 * the database later simply forks again.
 */
export class WsOperationContext implements Context {
  readonly transport = 'ws' as const;
  loaders?: Map<string, unknown>;
  private forkedEm: EntityManager | null = null;
  private id: string | null = null;

  constructor(
    readonly services: Services,
    readonly session: Session | null,
    readonly clientAddress: string,
    /** Writes this operation's subscription results straight to its socket (see shared-subscribe.ts). */
    readonly nextSink: NextSink | null = null,
  ) {}

  get actor(): User | null {
    return this.session?.user ?? null;
  }

  get em(): EntityManager {
    return (this.forkedEm ??= this.services.orm.em.fork());
  }

  /** Whether `em` is in a transaction: never before it is made (asking does not make one). */
  get inTransaction(): boolean {
    return this.forkedEm?.isInTransaction() ?? false;
  }

  get requestId(): string {
    return (this.id ??= randomUUID());
  }

  /** Drops the EntityManager and batch loaders (and what they hold) once an operation is set up. */
  releaseRequestScope(): void {
    this.forkedEm = null;
    this.loaders = undefined;
  }
}
