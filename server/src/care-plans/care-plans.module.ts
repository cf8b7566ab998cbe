import type { CairnModule } from '../platform/module.js';
import { carePlanPrintHandler } from './care-plan.print.js';
import { CarePlanResolver } from './care-plan.resolver.js';
import { CarePlanStore } from './care-plan.store.js';
import { Migration0012CarePlanClients } from './migrations/0012-care-plan-clients.js';
import { carePlanEventKinds } from './care-plan.events.js';

declare module '../platform/services.js' {
  interface Services {
    /** Care plans held in memory, their write queues, live delivery and presence. */
    carePlans: CarePlanStore;
  }
}

/** Live, co-edited care plans, their history and the printed plan. */
export const carePlansModule: CairnModule = {
  name: 'care-plans',
  eventKinds: carePlanEventKinds,
  resolvers: [CarePlanResolver],
  migrations: [{ name: '0012-care-plan-clients', class: Migration0012CarePlanClients }],
  services: { carePlans: ({ orm, logger }) => new CarePlanStore(orm, logger) },
  routes: (router, services) => router.get('/patients/:id/care-plan/print', carePlanPrintHandler(services)),
  start: ({ carePlans }) => carePlans.start(),
  // After the drain: edits still queued are committed, then the store lets go of its connections.
  stop: ({ carePlans }) => carePlans.stop(),
};
