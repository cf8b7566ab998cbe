import type { MigrationObject } from '@mikro-orm/core';
import { openDatabase, type Orm, type SchemaParts } from '../platform/database.js';
import { migrations as foundationMigrations } from '../platform/migrations/index.js';
import { modules } from './modules.js';

/** Every module's entities and migrations (the foundation's first, then each module's), by name. */
export function cairnSchemaParts(): SchemaParts {
  const entities = modules.flatMap((m) => m.entities ?? []);
  const migrations = [...foundationMigrations, ...modules.flatMap((m) => m.migrations ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const names = migrations.map((m) => m.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new Error(`Two migrations are named ${repeated}`);
  return { entities, migrations };
}

/** Connects to Cairn's database and brings it up to date with every module's migrations. */
export function openCairnDatabase(clientUrl: string): Promise<Orm> {
  return openDatabase(clientUrl, cairnSchemaParts());
}
