import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001Foundation } from './0001-foundation.js';
import { Migration0002CarePlans } from './0002-care-plans.js';
import { Migration0003Events } from './0003-events.js';
import { Migration0004Notifications } from './0004-notifications.js';
import { Migration0005Handover } from './0005-handover.js';
import { Migration0006Threads } from './0006-threads.js';
import { Migration0007ActivationLevel } from './0007-activation-level.js';

/** Every migration, in order. Listed by hand so the same list runs from `src/` (tests) and `dist/` (start). */
export const migrations: MigrationObject[] = [
  { name: '0001-foundation', class: Migration0001Foundation },
  { name: '0002-care-plans', class: Migration0002CarePlans },
  { name: '0003-events', class: Migration0003Events },
  { name: '0004-notifications', class: Migration0004Notifications },
  { name: '0005-handover', class: Migration0005Handover },
  { name: '0006-threads', class: Migration0006Threads },
  { name: '0007-activation-level', class: Migration0007ActivationLevel },
];
