import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepared, sql } from './sql.js';

describe('prepared statements', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  });
  afterAll(() => pool.end());

  const echo = (value: string) => prepared('sql-test-echo', sql`select ${value}::text as v, (select count(*) from pg_prepared_statements where name = 'sql-test-echo') as here`);

  it('is parsed once per connection and runs with new values each time', async () => {
    const client = await pool.connect();
    const seen = [...(await client.query(echo("it's one").query())).rows, ...(await client.query(echo('two').query())).rows];
    client.release();
    expect(seen).toEqual([
      { v: "it's one", here: '1' },
      { v: 'two', here: '1' },
    ]);
    // The same connection (the pool holds one) still has it.
    const { rows } = await pool.query(echo('three').query());
    expect(rows).toEqual([{ v: 'three', here: '1' }]);
  });

  it('refuses one name for two texts, which would run the wrong statement', () => {
    expect(() => prepared('sql-test-echo', sql`select ${'x'}::text as other`).query()).toThrow(/different text/);
  });
});
