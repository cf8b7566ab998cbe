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
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
    /** Set by `prepared`: the statement is parsed and planned once per connection, not at every run. */
    readonly name?: string,
  ) {}

  /** As node-postgres takes it: text, values, and the name of a prepared statement. */
  query(): pg.QueryConfig {
    if (this.name === undefined) return this.render();
    const known = preparedTexts.get(this.name);
    if (known === undefined) {
      const { text, values } = this.render();
      preparedTexts.set(this.name, text);
      return { name: this.name, text, values };
    }
    // The text is known: only the values are gathered, each part of the text compared where it falls in
    // the known one (building it anew, a group commit's 5 KB text, was an allocation per run).
    const values: unknown[] = [];
    if (this.walk(values, (part, at) => (known.startsWith(part, at) ? at + part.length : -1)) !== known.length) {
      throw new Error(`the prepared statement "${this.name}" was given a different text`);
    }
    return { name: this.name, text: known, values };
  }

  /** The text with `$n` placeholders and the values in order. */
  render(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    let text = '';
    this.walk(values, (part) => {
      text += part;
      return text.length;
    });
    return { text, values };
  }

  /**
   * Gathers the values in order, handing each piece of text (the parts, and the `$n` placeholders) to
   * `text` with where it starts; `text` answers where the next starts, or -1 to stop (a mismatch).
   */
  private walk(values: unknown[], text: (part: string, at: number) => number): number {
    let at = 0;
    const walk = (s: Sql): boolean => {
      for (let i = 0; i < s.strings.length; i++) {
        if ((at = text(s.strings[i], at)) < 0) return false;
        if (i >= s.values.length) continue;
        const v = s.values[i];
        if (v instanceof Sql) {
          if (!walk(v)) return false;
          continue;
        }
        values.push(Array.isArray(v) ? (arrayLiteral(v) ?? v) : v);
        if ((at = text(`$${values.length}`, at)) < 0) return false;
      }
      return true;
    };
    return walk(this) ? at : -1;
  }
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

/** Texts of the prepared statements, by name: one name must always mean one text. */
const preparedTexts = new Map<string, string>();

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
