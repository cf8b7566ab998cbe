import { randomUUID } from 'node:crypto';
import type { FreshDatabase } from '../support/postgres.js';

/** The shape of the generated PCN. */
export interface HistoryShape {
  practices: number;
  patients: number;
  /** The last day of the year of history, YYYY-MM-DD. */
  today: string;
}

export interface SeededPcn {
  pcnId: string;
  practiceIds: string[];
  leadId: string;
  medications: number;
  reviews: number;
}

/**
 * Writes a PCN of `practices` practices sharing `patients` patients, and a year of analgesic history, in a
 * few set-based statements (generate_series; deterministic from the patient number). About a quarter of
 * patients take an opioid at some point, a fifth of those with a dose change mid-year (two rows), some
 * stopping; one in ten takes a gabapentinoid; one in twenty is reviewed. OMEs are those Cairn would store.
 */
export async function seedHistory(db: FreshDatabase, shape: HistoryShape): Promise<SeededPcn> {
  const pcnId = randomUUID();
  const leadId = randomUUID();
  const practiceIds = Array.from({ length: shape.practices }, () => randomUUID());
  const c = await db.pool.connect();
  try {
    await c.query('begin');
    await c.query(`insert into organisation (id, name, kind, pcn_id) values ($1, 'Bench PCN', 'PCN', null)`, [pcnId]);
    await c.query(
      `insert into organisation (id, name, kind, pcn_id) select id, 'Bench practice ' || n, 'GP_PRACTICE', $2 from unnest($1::uuid[]) with ordinality as x(id, n)`,
      [practiceIds, pcnId],
    );
    await c.query(`insert into app_user (id, name, email, password_hash, role, organisation_id) values ($1, 'Bench lead', 'bench-lead@bench.invalid', 'x', 'SERVICE_LEAD', $2)`, [leadId, pcnId]);
    await c.query(
      `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
       select gen_random_uuid(), '999' || lpad(i::text, 7, '0'), 'Bench', 'Patient ' || i, date '1940-01-01' + (i % 20000), ($1::uuid[])[1 + i % $2::int], '{}', 'ACTIVE'
         from generate_series(0, $3::int - 1) i`,
      [practiceIds, shape.practices, shape.patients],
    );
    // A number per patient to draw the history from, reproducibly.
    // Independent, reproducible draws per patient (a hash of its number), so no practice is all one kind.
    await c.query(
      `create temporary table bench_pt on commit drop as
         select id, abs(hashtext('o' || n)) % 1000 as o, abs(hashtext('g' || n)) % 100 as g, abs(hashtext('v' || n)) % 20 as v, abs(hashtext('k' || n)) % 1000 as k
           from (select id, row_number() over (order by nhs_number) as n from patient) x`,
    );
    const medication = (where: string, code: string, cls: string, dose: string, perDay: number, ome: string, start: string, stop: string) =>
      c.query(
        `insert into medication (id, patient_id, medicine_code, name, medicine_class, route, form, strength, dose, dose_unit, frequency, frequency_words,
                                 doses_per_day, as_needed, ome_mg_per_day, ome_words, start_date, stop_date, prescriber, recorded_by_id)
         select gen_random_uuid(), id, '${code}', '${code}', '${cls}', 'ORAL', 'tablet', 'bench', ${dose}, 'mg', 'bench', 'bench', ${perDay}, false, ${ome}, null,
                ${start}, ${stop}, 'Dr Bench', $1
           from bench_pt where ${where}`,
        [leadId],
      );
    const today = `date '${shape.today}'`;
    // Opioids: a quarter of patients; codeine, tramadol, morphine, oxycodone by n.
    await medication(`o < 62`, 'codeine', 'OPIOID', '30', 4, '12', `${today} - (400 + k % 300)::int`, `case when k % 5 = 0 then ${today} - (k % 200)::int end`);
    await medication(`o between 62 and 124`, 'tramadol', 'OPIOID', '50', 4, '20', `${today} - (k % 365)::int`, `case when k % 7 = 0 then least(${today}, ${today} - (k % 365)::int + 30 + (k % 60)::int) end`);
    // Morphine reduced mid-year: a second row from the day the first stopped.
    await medication(`o between 125 and 187`, 'morphine', 'OPIOID', '60', 2, '120', `${today} - (500 + k % 100)::int`, `${today} - (k % 180)::int`);
    await medication(`o between 125 and 187`, 'morphine', 'OPIOID', '40', 2, '80', `${today} - (k % 180)::int`, 'null');
    await medication(`o between 188 and 249`, 'oxycodone', 'OPIOID', '20', 2, '60', `${today} - (k % 365)::int`, 'null');
    // Gabapentinoids: one in ten.
    await medication(`g < 7`, 'pregabalin', 'GABAPENTINOID', '150', 2, 'null', `${today} - (k % 400)::int`, 'null');
    await medication(`g between 7 and 9`, 'gabapentin', 'GABAPENTINOID', '600', 3, 'null', `${today} - (k % 400)::int`, `case when k % 3 = 0 then least(${today}, ${today} - (k % 400)::int + 90) end`);
    await c.query(
      `insert into medication_review (id, patient_id, reviewer_id, reviewed_on, how_taken, effect_on_pain_and_function, side_effects, what_matters, readiness, ome_at_review, next_review_due)
       select gen_random_uuid(), id, $1, ${today} - (k % 365)::int, '-', '-', '-', '-', 'UNSURE', 0, ${today} + 90 from bench_pt where v = 0`,
      [leadId],
    );
    const [{ medications }] = (await c.query<{ medications: number }>('select count(*)::int as medications from medication')).rows;
    const [{ reviews }] = (await c.query<{ reviews: number }>('select count(*)::int as reviews from medication_review')).rows;
    await c.query('commit');
    await c.query('analyze');
    return { pcnId, practiceIds, leadId, medications, reviews };
  } catch (e) {
    await c.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
