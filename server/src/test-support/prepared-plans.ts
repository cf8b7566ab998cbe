import { sql } from '../platform/sql.js';
import type { StatementPool } from '../platform/statement-pool.js';

/** The plans PostgreSQL has made for a prepared statement on the pool's one connection. */
export async function plansOf(pool: StatementPool, name: string): Promise<{ generic: number; custom: number }> {
  const [row] = await pool.run<{ generic_plans: string; custom_plans: string }>(sql`select generic_plans, custom_plans from pg_prepared_statements where name = ${name}`);
  return { generic: Number(row.generic_plans), custom: Number(row.custom_plans) };
}
