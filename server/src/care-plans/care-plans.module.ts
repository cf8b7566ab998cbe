import type { CairnModule } from '../platform/module.js';
import { carePlanPrintHandler } from './care-plan.print.js';
import { carePlanUpdateOf, CarePlanResolver } from './care-plan.resolver.js';
import { CarePlanStore } from './care-plan.store.js';
import { Migration0012CarePlanClients } from './migrations/0012-care-plan-clients.js';
import { carePlanEventKinds } from './care-plan.events.js';
import { Migration0017CarePlanTimeline } from './migrations/0017-care-plan-timeline.js';
import { Migration0022CarePlanMoved } from './migrations/0022-care-plan-moved.js';
import { Migration0023CarePlanSessionEnded } from './migrations/0023-care-plan-session-ended.js';
import { carePlanTimelineSweep } from './care-plan.timeline.js';
import type { PeriodicSweep } from '../platform/periodic-sweep.js';

declare module '../platform/services.js' {
  interface Services {
    /** Care plans held in memory, their write queues, live delivery and presence. */
    carePlans: CarePlanStore;
    /** Puts each spell of care-plan editing on the patient's timeline, within a minute. */
    carePlanTimeline: PeriodicSweep;
  }
}

/** Live, co-edited care plans, their history and the printed plan. */
export const carePlansModule: CairnModule = {
  name: 'care-plans',
  eventKinds: carePlanEventKinds,
  resolvers: [CarePlanResolver],
  streamItemResolvers: { carePlanUpdates: carePlanUpdateOf },
  migrations: [
    { name: '0012-care-plan-clients', class: Migration0012CarePlanClients },
    { name: '0017-care-plan-timeline', class: Migration0017CarePlanTimeline },
    { name: '0022-care-plan-moved', class: Migration0022CarePlanMoved },
    { name: '0023-care-plan-session-ended', class: Migration0023CarePlanSessionEnded },
  ],
  // The group commit's statement reads the sessions of its edits (care-plan.batch-sql.ts).
  sessionCheckedOnWrite: ['applyCarePlanUpdate'],
  // Every edit typed is one of these on its editor's socket: executed without graphql-js (its ack is three leaves).
  directSocketMutations: ['applyCarePlanUpdate'],
  services: {
    carePlans: ({ orm, config, logger }) => new CarePlanStore(orm, logger, { stagesFile: config.carePlanStagesFile, groupGapMs: config.carePlanGroupGapMs }),
    carePlanTimeline: ({ orm, config, logger }) => carePlanTimelineSweep(orm, config, logger),
  },
  routes: (router, services) => router.get('/patients/:id/care-plan/print', carePlanPrintHandler(services)),
  start: async ({ carePlans, carePlanTimeline }) => {
    await carePlans.start();
    carePlanTimeline.start();
  },
  stopping: ({ carePlanTimeline }) => carePlanTimeline.stop(),
  // After the drain: edits still queued are committed, then the store lets go of its connections.
  stop: ({ carePlans }) => carePlans.stop(),
};
