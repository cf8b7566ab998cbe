import type { Config } from './config.js';
import type { Orm } from './database.js';
import type { Logger } from './logger.js';

/**
 * The long-lived parts of one running Cairn instance; nothing real-time lives at module level.
 * The platform's own three are declared here. Each domain declares the services it brings by declaration
 * merging, beside its module (`declare module '../platform/services.js' { interface Services { … } }`),
 * and its module provides them (see module.ts): the platform never imports a domain.
 */
export interface Services {
  config: Config;
  orm: Orm;
  logger: Logger;
}

/** The services a domain module provides: all but the platform's own. */
export type DomainServiceName = Exclude<keyof Services, 'config' | 'orm' | 'logger'>;
