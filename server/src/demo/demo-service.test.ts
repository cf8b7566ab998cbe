import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCairnDatabase } from '../app/database.js';
import { createLogger } from '../platform/logger.js';
import type { Orm } from '../platform/database.js';
import { runSql, sql } from '../platform/sql.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { seedDemoService } from './demo-service.js';

// The whole demo, seeded as `npm start` seeds it, on a database of its own (it counts every patient).
describe('the demo service', () => {
  const url = useOwnDatabase('demo');
  let orm: Orm;
  beforeAll(async () => {
    orm = await openCairnDatabase(url);
    expect(await seedDemoService(orm, createLogger('silent'))).toBe(true);
  }, 120_000);
  afterAll(() => orm?.close());

  it('records every measure a session note says was taken, on the day of that session', async () => {
    // The UX review's Noah Baker: "Measures taken: PSEQ-10" in a note, "No completed measures yet" on Measures.
    const claims = await runSql<{ patient_id: string; instrument: string; day: string; recorded: boolean }>(
      orm.em.fork(),
      sql`select s.patient_id, m.instrument, to_char(s.starts_at at time zone 'Europe/London', 'YYYY-MM-DD') as day,
                 exists (select 1 from outcome_record o where o.patient_id = s.patient_id and o.instrument = m.instrument and o.status = 'COMPLETED'
                           and o.measured_on = (s.starts_at at time zone 'Europe/London')::date) as recorded
            from coaching_session s cross join unnest(s.measures_taken) as m(instrument)`,
    );
    expect(claims.length).toBeGreaterThan(0);
    expect(claims.filter((c) => !c.recorded)).toEqual([]);
  });

  it('stays synthetic: every patient has an NHS number in the 999 test range', async () => {
    const outside = await runSql<{ nhs_number: string }>(orm.em.fork(), sql`select nhs_number from patient where nhs_number not like '999%'`);
    expect(outside).toEqual([]);
  });
});
