import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001Foundation } from './0001-foundation.js';

/** Every migration, in order. Listed by hand so the same list runs from `src/` (tests) and `dist/` (start). */
export const migrations: MigrationObject[] = [{ name: '0001-foundation', class: Migration0001Foundation }];
