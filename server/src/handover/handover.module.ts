import type { CairnModule } from '../platform/module.js';
import type { PeriodicSweep } from '../platform/periodic-sweep.js';
import { handoverEscalationSweep } from './handover-escalation.js';
import { HandoverAction, HandoverAddendum, HandoverNote } from './handover.entity.js';
import { HandoverActionResolver, HandoverResolver } from './handover.resolver.js';
import { Migration0013HandoverActionDone } from './migrations/0013-handover-action-done.js';
import { Migration0020EscalationHandling } from './migrations/0020-escalation-handling.js';
import { HandoverOversightResolver } from './handover-oversight.resolver.js';
import { handoverEventKinds } from './handover.events.js';

declare module '../platform/services.js' {
  interface Services {
    /** Escalates handovers left unacknowledged too long (every instance runs it; rows are claimed). */
    handoverEscalation: PeriodicSweep;
  }
}

/** Handover notes from specialist teams, their actions, acknowledgement and escalation. */
export const handoverModule: CairnModule = {
  name: 'handover',
  eventKinds: handoverEventKinds,
  entities: [HandoverNote, HandoverAction, HandoverAddendum],
  resolvers: [HandoverResolver, HandoverActionResolver, HandoverOversightResolver],
  migrations: [
    { name: '0013-handover-action-done', class: Migration0013HandoverActionDone },
    { name: '0020-escalation-handling', class: Migration0020EscalationHandling },
  ],
  services: { handoverEscalation: ({ orm, config, logger }) => handoverEscalationSweep(orm, config, logger) },
  start: ({ handoverEscalation }) => handoverEscalation.start(),
  stopping: ({ handoverEscalation }) => handoverEscalation.stop(),
};
