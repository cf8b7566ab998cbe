import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { reviewsDueSql } from '../medications/medication-review.service.js';
import { runSql, sql, type Sql } from '../platform/sql.js';
import { ukToday } from '../platform/uk-dates.js';
import { useTestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { makeWorld, type World } from '../test-support/world.js';
import { readablePatientsSql } from './policy.js';

/** PCNs around the test's own, each with a practice, a physiotherapy provider and a specialist service. */
const PCNS = 400;
const PATIENTS_A_PRACTICE = 300;
/** Patients each specialist service keeps sight of: one in five of a PCN's. */
const LINKS_A_SERVICE = PATIENTS_A_PRACTICE / 5;

/**
 * A PCN's reads in a country of PCNs: PostgreSQL must find the PCN's patients by index, however many others
 * there are (`npm run bench -- scale` times them on 300 PCNs). The country is written straight into the tables
 * and analyzed, as autovacuum would, so the plans are those PostgreSQL makes for a live national service. Its
 * own database: the planner's statistics are the whole tables'.
 */
describe("a PCN's reads in a country of PCNs", () => {
  const databaseUrl = useOwnDatabase('country_plans');
  const server = useTestServer({ databaseUrl });
  const db = () => server().orm.em.fork();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(db());
    await seedCountry(databaseUrl, world);
  }, 60_000);

  /** The plan PostgreSQL makes for `statement`, a line a node. */
  const planOf = async (statement: Sql) => (await runSql<{ 'QUERY PLAN': string }>(db(), sql`explain (costs off) ${statement}`)).map((r) => r['QUERY PLAN']);

  it("finds a service lead's patients through their PCN's organisations by index, never by reading every patient in the country", async () => {
    const plan = await planOf(sql`select count(*) from patient p where ${readablePatientsSql(world.users.lead)}`);
    expect(plan.filter((line) => /Seq Scan on patient\b/.test(line))).toEqual([]);
    const [{ n }] = await runSql<{ n: string }>(db(), sql`select count(*) as n from patient p where ${readablePatientsSql(world.users.lead)}`);
    expect(Number(n)).toBe(PATIENTS_A_PRACTICE);
  });

  it("finds a specialist service's patients by its own links, never by reading every link in the country", async () => {
    const plan = await planOf(sql`select count(*) from patient p where ${readablePatientsSql(world.users.specialist)}`);
    expect(plan.filter((line) => /Seq Scan on specialist_link\b/.test(line))).toEqual([]);
    const [{ n }] = await runSql<{ n: string }>(db(), sql`select count(*) as n from patient p where ${readablePatientsSql(world.users.specialist)}`);
    expect(Number(n)).toBe(LINKS_A_SERVICE);
  });

  it("asks whether each patient on the analgesia worklist is on an opioid of their own medicines, never of every opioid in the country", async () => {
    const statement = reviewsDueSql(readablePatientsSql(world.users.lead), ukToday(), 200);
    const plan = await planOf(statement);
    expect(plan.filter((line) => /hashed SubPlan|medication_class_period_idx|Seq Scan on medication\b/.test(line))).toEqual([]);
    // On morphine and never reviewed (one in six), or reviewed and due again (one in twelve).
    expect(await runSql(db(), statement)).toHaveLength(PATIENTS_A_PRACTICE / 6 + PATIENTS_A_PRACTICE / 12);
  });
});

/**
 * `PCNS` PCNs of `PATIENTS_A_PRACTICE` patients each around the world's, and as many at the world's practice, each
 * led by their PCN's coach; their medicines and reviews as the scale benchmark's. Written and analyzed as the
 * tables' owner (the app role may not analyze).
 */
async function seedCountry(databaseUrl: string, world: World): Promise<void> {
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(
      `insert into organisation (id, name, kind, pcn_id)
       select md5($1 || k || g)::uuid, k || ' ' || g, k, case when k in ('GP_PRACTICE', 'PHYSIO_PROVIDER') then md5($1 || 'PCN' || g)::uuid end
         from generate_series(1, $2::int) g, unnest(array['PCN', 'GP_PRACTICE', 'PHYSIO_PROVIDER', 'SPECIALIST_PAIN_SERVICE']) k`,
      [world.tag, PCNS],
    );
    // The world's PCN has its physiotherapy provider too, as every PCN here has.
    await owner.query(`insert into organisation (id, name, kind, pcn_id) values (gen_random_uuid(), 'Physiotherapy ' || $1, 'PHYSIO_PROVIDER', $2)`, [world.tag, world.pcn.id]);
    await owner.query(
      `insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
       select gen_random_uuid(), lpad((g * 1000 + i)::text, 10, '0'), 'Country', 'Patient ' || g || '.' || i, date '1960-01-01' + i,
              case when g = 0 then $3::uuid else md5($1 || 'GP_PRACTICE' || g)::uuid end, '{}', 'ACTIVE'
         from generate_series(0, $2::int) g, generate_series(1, $4::int) i`,
      [world.tag, PCNS, world.practice.id, PATIENTS_A_PRACTICE],
    );
    // Each led by their PCN's coach, as a live service's patients are: a user's care teams are then a PCN's worth.
    await owner.query(
      `insert into app_user (id, name, email, password_hash, role, organisation_id)
       select md5($1 || 'coach' || g)::uuid, 'Coach ' || g, 'coach' || g || '.' || $1 || '@country.example', '', 'COACH', md5($1 || 'PCN' || g)::uuid
         from generate_series(1, $2::int) g`,
      [world.tag, PCNS],
    );
    await owner.query(
      `insert into care_team_member (id, patient_id, user_id, team_role, is_lead)
       select gen_random_uuid(), p.id, u.id, 'Health & wellbeing coach', true
         from patient p join organisation o on o.id = p.practice_id join app_user u on u.organisation_id = o.pcn_id and u.email like '%@country.example'`,
    );
    // One in five of each PCN's patients linked to its specialist service, and as many of the world's to the world's.
    await owner.query(
      `insert into specialist_link (id, patient_id, service_id, reason)
       select gen_random_uuid(), p.id, case when o.id = $2::uuid then $3::uuid else md5($1 || 'SPECIALIST_PAIN_SERVICE' || substr(o.name, length('GP_PRACTICE ') + 1))::uuid end, 'REFERRED'
         from patient p join organisation o on o.id = p.practice_id
        where p.given_name = 'Country' and (p.date_of_birth - date '1960-01-01') % 5 = 0`,
      [world.tag, world.practice.id, world.specialistService.id],
    );
    // Morphine for a third (codeine before it for half of those), and a review for that half: due again for half
    // of them, for the others in three months. As `npm run bench -- scale` seeds them.
    await owner.query(
      `insert into medication (id, patient_id, medicine_code, name, medicine_class, route, form, strength, dose, dose_unit, frequency, frequency_words,
                               doses_per_day, as_needed, ome_mg_per_day, ome_words, start_date, stop_date, prescriber, recorded_by_id)
       select gen_random_uuid(), p.id, m.code, m.code, 'OPIOID', 'ORAL', 'tablet', '30 mg', 30, 'mg', 'twice daily', 'twice a day', 2, false, m.ome, 'OME',
              m.started, m.stopped, 'Dr Country', $1::uuid
         from patient p cross join lateral (select (p.date_of_birth - date '1960-01-01') as i) n,
              (values ('morphine', 60, date '2025-01-01', null::date, 3), ('codeine', 12, date '2024-06-01', date '2025-01-01', 6)) as m(code, ome, started, stopped, every)
        where p.given_name = 'Country' and n.i % m.every = 0`,
      [world.users.gp.id],
    );
    await owner.query(
      `insert into medication_review (id, patient_id, reviewer_id, reviewed_on, how_taken, effect_on_pain_and_function, side_effects, what_matters, readiness, ome_at_review, next_review_due)
       select gen_random_uuid(), p.id, $1::uuid, current_date - 120, 'As prescribed', 'Some relief', 'None', 'Walking', 'UNSURE', 60,
              case when n.i % 12 = 0 then current_date - 1 - n.i % 30 else current_date + 90 end
         from patient p cross join lateral (select (p.date_of_birth - date '1960-01-01') as i) n
        where p.given_name = 'Country' and n.i % 6 = 0`,
      [world.users.pharm.id],
    );
    await owner.query('vacuum analyze');
  } finally {
    await owner.end();
  }
}
