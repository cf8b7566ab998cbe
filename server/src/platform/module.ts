import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { Router } from 'express';
import type { DomainServiceName, Services } from './services.js';
import type { StreamItemResolve } from './flat-results.js';

/**
 * What one domain brings to Cairn. Each domain folder exports one of these (`<domain>.module.ts`); the
 * composition root (`app/modules.ts`) lists them once, builds the ORM, the schema and the services from
 * them, and starts and stops them in that order (stopping in reverse).
 */
export interface CairnModule {
  readonly name: string;
  /** MikroORM entities. */
  readonly entities?: readonly EntityClass<object>[];
  /** type-graphql resolver classes. */
  readonly resolvers?: readonly (abstract new (...args: never[]) => unknown)[];
  /** The domain's own migrations; the root runs every module's, ordered by name. */
  readonly migrations?: readonly MigrationObject[];
  /**
   * The kinds of event the domain puts on the log, each with what it means (declared in `<domain>.events.ts`);
   * the root makes the GraphQL `EventKind` enum from every module's.
   */
  readonly eventKinds?: Readonly<Record<string, string>>;
  /**
   * Subscription fields whose value is made from the stream's item alone, each with what makes it. They
   * are resolved with it directly: type-graphql resolves any field that has arguments through promises
   * (it validates each argument asynchronously, even with validation off), and such a field is executed
   * for every event sent (see app/schema.ts). The value's own fields must be plain properties: a result
   * selecting only those is made by reading them (platform/flat-results.ts).
   */
  readonly streamItemResolvers?: Readonly<Record<string, StreamItemResolve>>;
  /**
   * Mutation fields whose writes check the session themselves, in the statement that stores them, and
   * answer nothing unstored before reading it afresh: a socket's operation selecting one of them alone is
   * admitted without the per-operation session read (the care-plan edit, the socket's busiest operation).
   */
  readonly sessionCheckedOnWrite?: readonly string[];
  /**
   * Mutation fields answered on a socket without graphql-js's execute, when an operation selects one alone
   * with only leaf fields below: admitted as any operation, its resolver called as graphql-js calls it, the
   * result made from the value's properties (platform/direct-mutations.ts). For a socket's busiest operation
   * (the care-plan edit); the value's own fields must be plain properties.
   */
  readonly directSocketMutations?: readonly string[];
  /** Long-lived services, built once per instance in module order (a later module may use an earlier one's). */
  readonly services?: { readonly [K in DomainServiceName]?: (services: Services) => Services[K] };
  /** HTTP routes beside `/graphql`, such as the printed care plan. */
  routes?(router: Router, services: Services): void;
  /** Before the server listens: start listeners, sweeps, queues. */
  start?(services: Services): Promise<void> | void;
  /** Before HTTP requests and sockets drain: end live streams and sweeps, so the drain can finish. */
  stopping?(services: Services): Promise<void> | void;
  /** After they have drained: flush what is still queued. */
  stop?(services: Services): Promise<void> | void;
}
