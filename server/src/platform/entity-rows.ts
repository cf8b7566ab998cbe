import { ReferenceKind, type EntityDictionary, type EntityManager } from '@mikro-orm/postgresql';
import { Sql, sqlText } from './sql.js';

type EntityClass<T> = new (...args: never[]) => T;

const selectLists = new Map<string, Sql>();

/**
 * The columns the ORM loads for `entity` by default (no lazy ones), read from the table aliased `alias`
 * and named `alias.column`, for a hand-written query that loads several entities in one round trip (the
 * ORM's query builder costs more than the query on the hottest paths). `entityFromRow` turns them back.
 */
export function entityColumns(em: EntityManager, entity: EntityClass<unknown>, alias: string): Sql {
  const key = `${entity.name}:${alias}`;
  let list = selectLists.get(key);
  if (!list) {
    const props = em.getMetadata().get(entity.name).props;
    const columns = props
      .filter((p) => p.persist !== false && !p.lazy && !p.formula && (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner)))
      .flatMap((p) => p.fieldNames);
    list = sqlText(columns.map((c) => `${alias}.${c} as "${alias}.${c}"`).join(', '));
    selectLists.set(key, list);
  }
  return list;
}

/**
 * The entity whose `entityColumns(…, alias)` are in `row`, managed by `em` (merged into its identity map,
 * so a relation to an entity mapped earlier from the same row points at that entity).
 */
export function entityFromRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>, alias: string): T {
  const prefix = `${alias}.`;
  const own: Record<string, unknown> = {};
  for (const key in row) if (key.startsWith(prefix)) own[key.slice(prefix.length)] = row[key];
  return em.map<T>(entity.name, own as EntityDictionary<T>);
}
