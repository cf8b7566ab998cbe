import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import pg from 'pg';
import { withStartupSettings, type Orm } from './database.js';
import type { Logger } from './logger.js';
import type { Sql, StatementRunner } from './sql.js';

/**
 * Connections of their own for one part of Cairn, outside the ORM's pool, with settings sent at their
 * start: single statements, no transaction. As the ORM's, they act as the app role (`clientUrl` says so).
 * A connection is made at the first statement (or by `warm`), so a pool nothing uses costs nothing, and
 * then kept while the server runs: node-postgres closes a connection idle for 10 s by default, and after
 * a quiet spell the next clinician's request waited for new connections, on cold backends, with every
 * statement prepared again. A patient's workspace asked for after 35 s of quiet took 105–138 ms (six
 * times); with these connections kept, 45–86 ms (median 57, eleven times); with the ORM's two kept as
 * well (`ormOptions`), 35–69 ms (median 48); straight after another request, 21–51 ms.
 */
export class StatementPool implements StatementRunner {
  private readonly pool: pg.Pool;
  private readonly max: number;
  private readonly purpose: string;

  /** `ormTypes`: values read as the ORM's connections read them (dates and timestamps as text), for rows made into entities. */
  constructor(
    orm: Orm,
    private readonly logger: Logger,
    options: { purpose: string; max: number; settings: Record<string, string>; ormTypes?: boolean },
  ) {
    const types = options.ormTypes ? ormTypeParsers(orm) : undefined;
    this.max = options.max;
    this.purpose = options.purpose;
    this.pool = new pg.Pool({ connectionString: withStartupSettings(String(orm.config.get('clientUrl')), options.settings), max: options.max, types, idleTimeoutMillis: 0 });
    this.pool.on('error', (e) => logger.warn(`an idle ${options.purpose} connection failed`, { error: String(e) }));
  }

  run<T>(statement: Sql): Promise<T[]> {
    return rowsOf<T>(this.pool, statement);
  }

  /**
   * Makes every connection now and runs `reads` on each, in turn: their prepared statements are then
   * parsed and planned on every connection, so the first callers after a start wait for neither (a new
   * PostgreSQL backend took 4–15 ms to parse, and as long to bind, each of the key reads the first time).
   * For a module's `start`. Only a head start: if it fails, that is logged and the start goes on; the
   * reads fail, or not, when used.
   */
  async warm(...reads: Array<(db: StatementRunner) => Promise<unknown>>): Promise<void> {
    const connecting = await Promise.allSettled(Array.from({ length: this.max }, () => this.pool.connect()));
    // Every connection made goes back to the pool, even when another could not be made.
    const clients = connecting.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
    try {
      for (const c of connecting) if (c.status === 'rejected') throw c.reason;
      await Promise.all(
        clients.map(async (client) => {
          const db: StatementRunner = { run: <T>(statement: Sql) => rowsOf<T>(client, statement) };
          for (const read of reads) await read(db);
        }),
      );
    } catch (e) {
      this.logger.warn(`preparing the ${this.purpose} connections at start failed; they are made at first use`, { error: String(e) });
    } finally {
      for (const client of clients) client.release();
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** `statement`'s rows, run on the pool or on one of its connections. */
async function rowsOf<T>(db: pg.Pool | pg.PoolClient, statement: Sql): Promise<T[]> {
  return (await db.query(statement.query())).rows as T[];
}

/**
 * The type parsers of the ORM's connections. MikroORM makes them with its own copy of node-postgres, so
 * they are taken by what they do, not by class.
 */
function ormTypeParsers(orm: Orm): pg.CustomTypesConfig {
  const types: unknown = (orm.em.getConnection() as PostgreSqlConnection).getConnectionOptions().types;
  if (!isTypeParsers(types)) throw new Error("the ORM's connections no longer say how they read values");
  return types;
}

function isTypeParsers(types: unknown): types is pg.CustomTypesConfig {
  return typeof types === 'object' && types !== null && typeof (types as { getTypeParser?: unknown }).getTypeParser === 'function';
}

/**
 * For the reads by key that every socket's connect, operation and live event makes, batched across the
 * instance (sessions, relationships, the event hub's pages): prepared statements keep one generic plan, since PostgreSQL would
 * otherwise plan them afresh at every call (a generic plan's estimate for `= any($1)` of unknown length
 * never beats a custom plan's), and planning these joins cost it 0.5–0.9 ms a call against 0.1 ms to run
 * them. Every such read finds its rows by key, so no plan may scan a whole table. Their rows become
 * entities, so values are read as the ORM reads them.
 */
export function keyReadPool(orm: Orm, logger: Logger, purpose: string, max = 1): StatementPool {
  return new StatementPool(orm, logger, { purpose, max, settings: { plan_cache_mode: 'force_generic_plan', enable_seqscan: 'off' }, ormTypes: true });
}
