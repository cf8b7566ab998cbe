import { ObjectHydrator, ReferenceKind, wrap, type EntityDictionary, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
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
 * Makes now the code MikroORM generates for each entity at its first use (hydrators, result mapper,
 * snapshot generator, comparator, key getters), rather than in the first request after a start that
 * touches the entity: a clinician's first request after a deploy otherwise waits while it is written and
 * compiled. Answers how many entities.
 */
export function compileEntityCode(orm: MikroORM): number {
  const comparator = orm.em.getComparator();
  const hydrator = orm.em.getHydrator();
  const driver = orm.em.getDriver();
  let compiled = 0;
  for (const meta of Object.values(orm.getMetadata().getAll())) {
    if (meta.embeddable || meta.virtual || meta.abstract) continue;
    // The driver maps rows with a comparator of its own: an empty row makes its mapper for the entity.
    driver.mapResult({}, meta);
    comparator.getSnapshotGenerator(meta.className);
    comparator.getEntityComparator(meta.className);
    comparator.getPkGetter(meta);
    comparator.getPkGetterConverted(meta);
    comparator.getPkSerializer(meta);
    if (hydrator instanceof ObjectHydrator) {
      for (const type of ['full', 'reference'] as const) for (const normalise of [false, true]) hydrator.getEntityHydrator(meta, type, normalise);
    }
    compiled++;
  }
  return compiled;
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

/**
 * Detached entity graphs (see `detachEntityGraph`) kept once per exact content while anyone holds them:
 * what many long-lived holders load alike (a session's sockets, each with its session, user and
 * organisations: about 3.5 KB a copy) is kept in one copy. A graph is shared only with a holder that loaded
 * exactly the same data, so no one gets older data than they read; a shared graph changed in place is
 * no longer handed out for what it held before.
 */
export class DetachedGraphs {
  private readonly byContent = new Map<string, WeakRef<object>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    if (this.byContent.get(key)?.deref() === undefined) this.byContent.delete(key);
  });
  /** Graphs by the row they were built from, with the content they were kept with. */
  private readonly byRow = new Map<string, { graph: WeakRef<object>; content: string }>();
  private readonly forgetRow = new FinalizationRegistry<string>((key) => {
    if (this.byRow.get(key)?.graph.deref() === undefined) this.byRow.delete(key);
  });

  /**
   * The graph kept for exactly this row of a query (`kind` names the query and what `build` makes of its
   * row), or `build()`'s graph, kept: a crowd of sockets reading the same session row makes its entities
   * once, not once each (measured: a fifth of the server's time in a reconnect storm went to making
   * entities). As with `keep`, a graph changed in place since is not handed out for the row.
   */
  keepRow<T extends object>(kind: string, row: Record<string, unknown>, build: () => T): T {
    const key = `${kind}:${JSON.stringify(row)}`;
    const known = this.byRow.get(key);
    const kept = known?.graph.deref();
    if (kept && graphContent(kept) === known?.content) return kept as T;
    const { graph, content } = this.keepWithContent(build());
    this.byRow.set(key, { graph: new WeakRef(graph), content });
    this.forgetRow.register(graph, key);
    return graph;
  }

  /** Detaches `entity`'s graph and answers the graph already kept with the same content, or this one. */
  keep<T extends object>(entity: T): T {
    return this.keepWithContent(entity).graph;
  }

  /** As `keep`, with the content the answered graph holds (read once here, not again by the caller). */
  private keepWithContent<T extends object>(entity: T): { graph: T; content: string } {
    detachEntityGraph(entity);
    const content = graphContent(entity);
    const kept = this.byContent.get(content)?.deref();
    if (kept && sameClass(kept, entity) && graphContent(kept) === content) return { graph: kept, content };
    this.byContent.set(content, new WeakRef(entity));
    this.forget.register(entity, content);
    return { graph: entity, content };
  }

  /** Graphs kept now (for tests). */
  get size(): number {
    return this.byContent.size;
  }
}

function sameClass<T extends object>(candidate: object, like: T): candidate is T {
  return Object.getPrototypeOf(candidate) === Object.getPrototypeOf(like);
}

/** Every persisted value of `entity` and of the entities it refers to (as `detachEntityGraph` walks them), as text. */
function graphContent(entity: object, seen = new Set<object>()): string {
  if (seen.has(entity)) return '^';
  seen.add(entity);
  const wrapped = wrap(entity, true);
  const parts: string[] = [wrapped.__meta.className];
  for (const prop of wrapped.__meta.props) {
    const value: unknown = (entity as Record<string, unknown>)[prop.name];
    if (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.EMBEDDED) parts.push(valueText(value));
    else if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
      if (typeof value !== 'object' || value === null) parts.push(valueText(value));
      else if (wrap(value, true).isInitialized()) parts.push(`(${graphContent(value, seen)})`);
      else parts.push(`#${JSON.stringify(wrap(value, true).getPrimaryKey())}`);
    }
  }
  return parts.join('|');
}

function valueText(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? '-');
}
