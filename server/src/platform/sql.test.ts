import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepared, sql, sqlText, type Sql } from './sql.js';

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
    // Texts that differ only in a nested part, or that one is the start of the other, are refused too.
    const nested = (column: string) => prepared('sql-test-nested', sql`select ${1}::int as ${sqlText(column)}`);
    expect(nested('a').query().text).toBe('select $1::int as a');
    expect(() => nested('b').query()).toThrow(/different text/);
    expect(() => nested('ab').query()).toThrow(/different text/);
    expect(() => prepared('sql-test-nested', sql`select ${1}::int as a, 2 as c`).query()).toThrow(/different text/);
    expect(nested('a').query()).toEqual({ name: 'sql-test-nested', text: 'select $1::int as a', values: [1] });
    // The same text made of parts nested otherwise is the same statement; text where it has a value is not.
    expect(prepared('sql-test-nested', sql`select ${2}::int as a`).query()).toEqual({ name: 'sql-test-nested', text: 'select $1::int as a', values: [2] });
    expect(() => prepared('sql-test-nested', sql`select ${sqlText('1')}::int as a`).query()).toThrow(/different text/);
  });

  it('gathers the values of a statement nested as the first was, lists made into their literals', () => {
    const statement = (ids: string[], inner: Sql) => prepared('sql-test-shape', sql`select ${ids}::text[] as ids, (${inner}) as inner, ${sqlText('3')} as three`);
    const first = statement(['a'], sql`select ${1}::int`).query();
    expect(first).toEqual({ name: 'sql-test-shape', text: 'select $1::text[] as ids, (select $2::int) as inner, 3 as three', values: ['{"a"}', 1] });
    expect(statement(['b', 'c'], sql`select ${4}::int`).query()).toEqual({ ...first, values: ['{"b","c"}', 4] });
    expect(() => statement(['b'], sql`select ${sqlText('4')}::int`).query()).toThrow(/different text/);
    expect(() => statement(['b'], sql`select ${4}::int, ${5}::int`).query()).toThrow(/different text/);
  });
});

/** node-postgres's own conversion of a parameter, as it sends it. */
const pgUtils = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

describe('lists as parameters', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  });
  afterAll(() => pool.end());

  /** Made into the literal here (no quote, no backslash), and left to node-postgres. */
  const plain = ['', 'NULL', 'null', 'a,b', '{x}', ' padded ', "it's", 'Ünïcödé ✓', '42'];
  const texts = [...plain, 'quote " inside', 'back\\slash'];

  it('reach PostgreSQL element for element, whatever the elements hold', async () => {
    const { rows } = await pool.query(
      sql`select ${plain}::text[] as p, ${texts}::text[] as t, ${[1, -2, 3000000000]}::bigint[] as n, ${[]}::uuid[] as e, ${['x', null]}::text[] as withNull`.query(),
    );
    expect(rows[0]).toEqual({ p: plain, t: texts, n: ['1', '-2', '3000000000'], e: [], withnull: ['x', null] });
  });

  it('are sent as the literal node-postgres would make of them', () => {
    const lists: unknown[][] = [texts, ['a', 'b'], [1, 2.5, -0], [], ['x', null], [Number.NaN], [new Date(0)], [['nested']]];
    for (const list of lists) {
      const sent = sql`select ${list}`.query().values?.[0];
      expect(pgUtils.prepareValue(sent)).toEqual(pgUtils.prepareValue(list));
    }
    // Plain strings and numbers are made into the literal at once; anything else is left to node-postgres.
    expect(sql`select ${['a', 'b']}`.query().values).toEqual(['{"a","b"}']);
    expect(sql`select ${['quote "']}`.query().values).toEqual([['quote "']]);
  });
});
