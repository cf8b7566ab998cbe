import type { SignInLimiter } from '../auth/sign-in-limiter.js';
import type { SocketRegistry } from '../auth/socket-registry.js';
import type { EventHub } from '../events/event-hub.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';
import type { Config } from './config.js';
import type { Orm } from './database.js';
import type { Logger } from './logger.js';
import type { PeriodicSweep } from './periodic-sweep.js';

/** The long-lived parts of one running Cairn instance. Nothing real-time lives at module level. */
export interface Services {
  config: Config;
  orm: Orm;
  logger: Logger;
  signInLimiter: SignInLimiter;
  sockets: SocketRegistry;
  /** Sends care-plan edit digests once a plan has gone quiet. */
  carePlanDigest: PeriodicSweep;
  /** Escalates handovers left unacknowledged too long (every instance runs it; rows are claimed). */
  handoverEscalation: PeriodicSweep;
  /** This instance's listener on the event log, fanning events out to its subscribers. */
  events: EventHub;
  /** Care plans held in memory, their write queues, live delivery and presence. */
  carePlans: CarePlanStore;
}
