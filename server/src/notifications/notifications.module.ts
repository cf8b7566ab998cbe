import type { CairnModule } from '../platform/module.js';
import type { PeriodicSweep } from '../platform/periodic-sweep.js';
import { carePlanDigestSweep } from './care-plan-digest.js';
import { Notification } from './notification.entity.js';
import { NotificationResolver } from './notification.resolver.js';

declare module '../platform/services.js' {
  interface Services {
    /** Sends care-plan edit digests once a plan has gone quiet. */
    carePlanDigest: PeriodicSweep;
  }
}

/** Each user's notifications and live unread count. */
export const notificationsModule: CairnModule = {
  name: 'notifications',
  entities: [Notification],
  resolvers: [NotificationResolver],
  services: { carePlanDigest: ({ orm, config, logger }) => carePlanDigestSweep(orm, config, logger) },
  start: ({ carePlanDigest }) => carePlanDigest.start(),
  stopping: ({ carePlanDigest }) => carePlanDigest.stop(),
};
