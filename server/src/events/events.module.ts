import type { CairnModule } from '../platform/module.js';
import { EventHub } from './event-hub.js';
import { EventResolver } from './event.resolver.js';
import { toPatientEvent } from './event.types.js';
import { eventsEventKinds } from './event-kinds.js';

declare module '../platform/services.js' {
  interface Services {
    /** This instance's listener on the event log, fanning events out to its subscribers. */
    events: EventHub;
  }
}

/** The event log: the timeline, the audit of writes, and the source of every live update. */
export const eventsModule: CairnModule = {
  name: 'events',
  eventKinds: eventsEventKinds,
  resolvers: [EventResolver],
  streamItemResolvers: { patientEvents: toPatientEvent },
  services: { events: ({ orm, logger, config }) => new EventHub(orm, logger, { queueLimit: config.eventQueueLimit }) },
  start: ({ events }) => events.start(),
  // Completes this instance's live streams, so the sockets can drain.
  stopping: ({ events }) => events.stop(),
  stop: ({ events }) => events.close(),
};
