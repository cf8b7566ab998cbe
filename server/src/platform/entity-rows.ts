import { ReferenceKind, wrap, type EntityDictionary, type EntityManager } from '@mikro-orm/postgresql';
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
 * The entity whose `entityColumns(…, alias)` are in `row`, managed by `em`, made the way `findOne` makes
 * what it loads: into the identity map (so a relation to an entity mapped earlier from the same row points
 * at that entity), and an entity `em` already holds keeps its unsaved changes.
 */
export function entityFromRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>, alias: string): T {
  const prefix = `${alias}.`;
  const own: Record<string, unknown> = {};
  for (const key in row) if (key.startsWith(prefix)) own[key.slice(prefix.length)] = row[key];
  const data = em.getDriver().mapResult(own as EntityDictionary<T>, em.getMetadata().get<T>(entity.name)) as EntityDictionary<T>;
  return em.getEntityFactory().create<T>(entity.name, data, { merge: true, convertCustomTypes: true });
}

/**
 * Lets go of the EntityManager behind `entity` and every entity it refers to (many-to-one and owning
 * one-to-one, transitively), for entities kept long after their request: each managed entity holds its
 * EntityManager, and with it everything that EntityManager loaded.
 */
export function detachEntityGraph(entity: object, seen = new Set<object>()): void {
  if (seen.has(entity)) return;
  seen.add(entity);
  const wrapped = wrap(entity, true);
  wrapped.__em = undefined;
  for (const prop of wrapped.__meta.relations) {
    if (prop.kind !== ReferenceKind.MANY_TO_ONE && !(prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) continue;
    const related: unknown = (entity as Record<string, unknown>)[prop.name];
    if (typeof related === 'object' && related !== null) detachEntityGraph(related, seen);
  }
}
