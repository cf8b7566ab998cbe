import type { CairnModule } from '../platform/module.js';
import { Thread, ThreadPost, ThreadPostRevision } from './thread.entity.js';
import { ThreadPostResolver, ThreadResolver } from './thread.resolver.js';
import { threadEventKinds } from './thread.events.js';

/** MDT discussion threads with replies and @mentions. */
export const threadsModule: CairnModule = {
  name: 'threads',
  eventKinds: threadEventKinds,
  entities: [Thread, ThreadPost, ThreadPostRevision],
  resolvers: [ThreadResolver, ThreadPostResolver],
};
