import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';

/**
 * A piece of SQL with its values kept apart from the text: built with the `sql` tag, nested freely, and sent
 * to PostgreSQL as `$1, $2…` parameters. No value is ever formatted into the text, so any value is safe and
 * a large one (a JSON document) costs nothing to escape.
 */
export class Sql {
  constructor(
    /** The text around the values: always one more part than there are values. */
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
    /** Set by `prepared`: the statement is parsed and planned once per connection, not at every run. */
    readonly name?: string,
  ) {}

  /** As node-postgres takes it: text, values, and the name of a prepared statement. */
  query(): pg.QueryConfig {
    if (this.name === undefined) return this.render();
    const known = preparedStatements.get(this.name);
    if (known === undefined) {
      const { text, values } = this.render();
      preparedStatements.set(this.name, { text, shape: shapeOf(this) });
      return { name: this.name, text, values };
    }
    // The text is known: only the values are gathered, and the statement's parts compared with the known
    // ones, as objects first (a template's parts are the same array at every run). Comparing the text
    // part by part took 90–110 µs of every group commit's 5 KB statement (250 editors). Parts nested
    // otherwise may still make the same text: then the text is made and compared.
    const values: unknown[] = [];
    if (gatherMatching(this, known.shape, values)) return { name: this.name, text: known.text, values };
    const rendered = this.render();
    if (rendered.text !== known.text) throw new Error(`the prepared statement "${this.name}" was given a different text`);
    return { name: this.name, ...rendered };
  }

  /** The text with `$n` placeholders and the values in order. */
  render(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    let text = '';
    const visit = (s: Sql) => {
      text += s.strings[0];
      s.values.forEach((v, i) => {
        if (v instanceof Sql) visit(v);
        else {
          values.push(parameter(v));
          text += `$${values.length}`;
        }
        text += s.strings[i + 1];
      });
    };
    visit(this);
    return { text, values };
  }
}

/**
 * A statement's parts in the order they fall, each nested statement's as one entry and each value as null.
 * Two statements of the same shape have the same text: the parts are the text, and where a value falls is
 * its `$n` placeholder.
 */
type Shape = Array<readonly string[] | null>;

function shapeOf(statement: Sql): Shape {
  const shape: Shape = [];
  const visit = (s: Sql) => {
    shape.push(s.strings);
    for (const v of s.values) {
      if (v instanceof Sql) visit(v);
      else shape.push(null);
    }
  };
  visit(statement);
  return shape;
}

/** Gathers `statement`'s values in order, as long as its shape is `shape`; false at the first difference. */
function gatherMatching(statement: Sql, shape: Shape, values: unknown[]): boolean {
  let at = 0;
  const visit = (s: Sql): boolean => {
    if (!sameParts(shape[at++], s.strings)) return false;
    for (const v of s.values) {
      if (v instanceof Sql) {
        if (!visit(v)) return false;
      } else {
        if (shape[at++] !== null) return false;
        values.push(parameter(v));
      }
    }
    return true;
  };
  return visit(statement) && at === shape.length;
}

function sameParts(known: readonly string[] | null | undefined, parts: readonly string[]): boolean {
  if (known === parts) return true;
  if (!known || known.length !== parts.length) return false;
  for (let i = 0; i < parts.length; i++) if (known[i] !== parts[i]) return false;
  return true;
}

/** A value as sent: a list of plain strings or numbers as its array literal (see `arrayLiteral`). */
function parameter(v: unknown): unknown {
  return Array.isArray(v) ? (arrayLiteral(v) ?? v) : v;
}

/**
 * A list of strings or numbers as the array literal node-postgres sends for it (each element quoted), made
 * in one join; null for any other list, which node-postgres then turns into its literal itself, element by
 * element (at 250 editors, the group commit's lists were 7 % of what the server allocated).
 */
function arrayLiteral(list: readonly unknown[]): string | null {
  for (const e of list) {
    if (typeof e === 'number') {
      if (!Number.isFinite(e)) return null;
    } else if (typeof e !== 'string' || e.includes('"') || e.includes('\\')) return null;
  }
  return list.length === 0 ? '{}' : `{"${list.join('","')}"}`;
}

/** The prepared statements' texts and shapes, by name: one name must always mean one text. */
const preparedStatements = new Map<string, { text: string; shape: Shape }>();

/**
 * `statement` as a prepared statement called `name`: PostgreSQL parses and plans it once per connection
 * (a generic plan after its first runs) rather than at every run. Planning a statement of joins and CTEs
 * costs PostgreSQL more than running it: 0.7–1.6 ms each for the care-plan group's reads, and 0.2 ms of
 * every socket operation's session check against 0.02 ms to run it (EXPLAIN ANALYZE and the server's
 * statement log, 250 editors). Only for a statement whose text never changes; its values may.
 */
export function prepared(name: string, statement: Sql): Sql {
  return new Sql(['', ''], [statement], name);
}

/** `sql\`select … where id = ${id}\``: every `${}` is a parameter, unless it is itself Sql (then it is inlined). */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** Trusted text (a constant, never user input) as Sql. */
export function sqlText(text: string): Sql {
  return new Sql([text], []);
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  if (parts.length === 0) return sqlText('');
  return new Sql(['', ...parts.slice(1).map(() => separator), ''], parts);
}

/**
 * One statement made of several writes, as `with a as (…), b as (…) select …`: PostgreSQL runs it in a
 * single round trip and applies all of it or none of it, even outside a transaction. Every data-changing
 * part runs to completion (RETURNING included) whether or not the final select reads it; a plain SELECT
 * part runs only as far as something reads it, so side effects (pg_notify) belong in a RETURNING.
 */
export class Statement {
  private readonly parts: Sql[] = [];

  with(name: string, body: Sql): this {
    this.parts.push(sql`${sqlText(name)} as (${body})`);
    return this;
  }

  /** The statement, answering with `select` (which may refer to any part by name). */
  select(select: Sql): Sql {
    return this.parts.length === 0 ? select : sql`with ${joinSql(this.parts, ',\n')}\n${select}`;
  }
}

/** Runs single statements on connections of its own (see statement-pool.ts), outside any transaction. */
export interface StatementRunner {
  run<T>(statement: Sql): Promise<T[]>;
}

/** Where a statement runs: an EntityManager's connection, or a runner's. */
export type SqlTarget = EntityManager | StatementRunner;

/**
 * Runs `statement` on the EntityManager's connection: inside its transaction when it has one, otherwise on
 * a pooled connection (a single statement is atomic by itself). Through the same pool the ORM uses, with
 * real parameters (the ORM would format every value into the text). Given a runner, on the runner's.
 */
export async function runSql<T>(target: SqlTarget, statement: Sql): Promise<T[]> {
  if (isRunner(target)) return target.run<T>(statement);
  const em = target;
  const transaction = em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined;
  // Straight on the connection, so knex's own check that its transaction is still open is ours to make.
  if (transaction?.isCompleted()) throw new Error('runSql called after its transaction ended');
  const knex = (transaction ?? em.getConnection().getKnex()) as Knex;
  const client = knex.client as { acquireConnection(): Promise<pg.Client>; releaseConnection(c: pg.Client): Promise<unknown> };
  const connection = await client.acquireConnection();
  try {
    return (await connection.query(statement.query())).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Makes the transactions that ask with the same `key` take turns, each waiting until the one before has
 * ended (a PostgreSQL advisory lock, released at COMMIT or ROLLBACK). For a check and then a write over rows
 * that may not exist yet, which row locks cannot hold: two bookings of one slot, two additions of one member.
 */
export async function takeTurns(tx: EntityManager, key: string): Promise<void> {
  await runSql(tx, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/**
 * The SQLSTATE of a failed statement, as node-postgres raises it (from `runSql`) or as MikroORM wraps it
 * (its exceptions keep the code): one test for both, where `instanceof` a MikroORM class misses the first.
 */
export function sqlState(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

/** A unique key already taken (23505): something the statement would add exists already. */
export function isUniqueViolation(e: unknown): boolean {
  return sqlState(e) === '23505';
}

function isRunner(target: SqlTarget): target is StatementRunner {
  return typeof (target as Partial<StatementRunner>).run === 'function';
}

/** A LIKE pattern matching `text` anywhere, lower-cased, with LIKE's own characters (% _ \) taken literally. */
export function likeContaining(text: string): string {
  return `%${text.trim().toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
}

/** A uuid[] column as node-postgres returns it: a JS array, or '{a,b}' when the array type is not registered. */
export function uuidArray(v: string[] | string): string[] {
  return Array.isArray(v) ? v : v.replace(/[{}]/g, '').split(',').filter(Boolean);
}
