import argon2 from 'argon2';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_PASSWORD, gqlHttp, startCairn } from '../support/cairn.js';
import { ms, percentile, table } from '../support/stats.js';

/**
 * `npm run bench -- dashboard`: the outcomes dashboard over a generated national service (300 PCNs × 300
 * patients, ten measures, six coaching sessions and a referral each, a third at a Pain Café), at PCN level through the API as a service lead, nationally by running the
 * dashboard's own SQL (no Cairn role sees every PCN), and the CSV export. Targets: < 300 ms for a PCN,
 * < 2 s nationally. Prints the row counts and the indexes the plans use.
 */
const PCNS = Number(process.env.BENCH_PCNS ?? 300);
const PER_PCN = Number(process.env.BENCH_PATIENTS_PER_PCN ?? 300);
const RUNS = 10;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The server's query builder, compiled (`npm run bench` builds the server first). */
interface DashboardSql {
  dashboardQuery(patientIds: readonly string[] | null, f: Record<string, unknown>, group: string): { render(): { text: string; values: unknown[] } };
  /** What the server sets in the dashboard's transaction before its statement. */
  DASHBOARD_SETTINGS: { render(): { text: string } };
}

const DASHBOARD = `query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) { total { patients sessionsAttended dnaRatePercent { value n } pseqChangePercent { value n } noGpVisitPercent { value n } } rows { label } } }`;
const CSV = 'query($f: DashboardFilterInput!) { serviceDashboardCsv(filter: $f) }';

export async function dashboardBenchmark(): Promise<void> {
  const cairn = await startCairn();
  try {
    const db = cairn.db;
    const seedStart = performance.now();
    await seed(db.pool, await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id }));
    const counts = (await db.pool.query(`select (select count(*) from organisation where kind = 'PCN')::int as pcns, (select count(*) from patient)::int as patients,
                                                 (select count(*) from outcome_record)::int as records, (select count(*) from care_team_member)::int as members,
                                                 (select count(*) from coaching_session)::int as sessions, (select count(*) from referral)::int as referrals,
                                                 (select count(*) from pain_cafe_registration)::int as places`)).rows[0];
    console.log(
      `Generated ${counts.pcns} PCNs, ${counts.patients} patients, ${counts.records} outcome records, ${counts.sessions} coaching sessions, ${counts.referrals} referrals, ` +
        `${counts.places} Pain Café places, ${counts.members} care-team members in ${ms(performance.now() - seedStart)}`,
    );

    const signIn = await gqlHttp<{ signIn: { token: string } }>(cairn.url, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', { e: 'lead1@bench.invalid', p: BENCH_PASSWORD });
    const token = signIn.signIn.token;
    const pcnFilter = { groupBy: 'PRACTICE' };
    const pcn = await timed(() => gqlHttp<{ serviceDashboard: { total: { patients: number } } }>(cairn.url, DASHBOARD, { f: pcnFilter }, token));
    const csv = await timed(() => gqlHttp<{ serviceDashboardCsv: string }>(cairn.url, CSV, { f: pcnFilter }, token));

    const { dashboardQuery, DASHBOARD_SETTINGS } = (await import(pathToFileURL(path.join(repoRoot, 'server/dist/outcomes/dashboard.service.js')).href)) as DashboardSql;
    // As the server runs it: in a transaction of its own, after its settings.
    const asServed = async (q: { text: string; values: unknown[] }) => {
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await client.query(DASHBOARD_SETTINGS.render().text);
        const result = await client.query(q.text, q.values);
        await client.query('commit');
        return result;
      } finally {
        client.release();
      }
    };
    const national = dashboardQuery(null, { practiceId: null, coachId: null, condition: null, from: null, to: null, groupBy: 'PCN' }, 'PCN').render();
    const nationalRun = await timed(() => asServed(national));
    const nationalTotal = dashboardQuery(null, { practiceId: null, coachId: null, condition: null, from: null, to: null, groupBy: 'NONE' }, 'NONE').render();
    const nationalTotalRun = await timed(() => asServed(nationalTotal));

    const pcnPatients = pcn.last.serviceDashboard.total.patients;
    table([
      { measure: `PCN dashboard via API (${pcnPatients} patients, by practice)`, median: ms(pcn.median), p95: ms(pcn.p95), target: '< 300 ms' },
      { measure: `PCN CSV export via API (${csv.last.serviceDashboardCsv.split('\r\n').length - 1} lines)`, median: ms(csv.median), p95: ms(csv.p95), target: '< 300 ms' },
      { measure: `National, by PCN (${nationalRun.last.rowCount} rows over ${counts.patients} patients)`, median: ms(nationalRun.median), p95: ms(nationalRun.p95), target: '< 2 s' },
      { measure: 'National total', median: ms(nationalTotalRun.median), p95: ms(nationalTotalRun.p95), target: '< 2 s' },
    ]);
    // The lead's patients, as Cairn reads them first (readablePatientsSql for a service lead).
    const leadIds = (await db.pool.query(`select p.id from patient p where p.id in (select m.patient_id from care_team_member m where m.user_id = $1)
                                             or p.practice_id in (select o.id from organisation o where coalesce(o.pcn_id, o.id) = $2)`, [uuid('lead', 1), uuid('pcn', 1)])).rows.map((r: { id: string }) => r.id);
    const pcnQuery = dashboardQuery(leadIds, { practiceId: null, coachId: null, condition: null, from: null, to: null, groupBy: 'PRACTICE' }, 'PRACTICE').render();
    console.log(`Indexes in the PCN plan: ${(await indexesUsed(db.pool, pcnQuery)).join(', ') || 'none'}`);
    console.log(`Indexes in the national plan: ${(await indexesUsed(db.pool, national)).join(', ') || 'none (sequential scans: every row is read)'}`);
  } finally {
    await cairn.close();
  }
}

type Pool = import('pg').Pool;

/** Median and p95 of RUNS timed calls after two warm-up calls; `last` is the final result. */
async function timed<T>(fn: () => Promise<T>): Promise<{ median: number; p95: number; last: T }> {
  let last = await fn();
  last = await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { median: percentile(times, 50), p95: percentile(times, 95), last };
}

async function indexesUsed(pool: Pool, q: { text: string; values: unknown[] }): Promise<string[]> {
  const res = await pool.query(`explain (format json) ${q.text}`, q.values);
  const found = new Set<string>();
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') found.add(node['Index Name']);
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk((res.rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0].Plan);
  return [...found].sort();
}

/** The same id as the seed's md5(kind || n)::uuid, so the bench and the seed agree. */
function uuid(kind: string, ...n: number[]): string {
  const h = createHash('md5').update(`${kind}${n.join('-')}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The service, written straight into Cairn's tables with generate_series: PCNs with one practice each, a
 * service lead and three coaches per PCN, patients led by a coach, and per patient three PSEQ-10s, three
 * confidence scores, two GP-appointment counts and two PEGs, dated through 2025; then the programme's records.
 */
async function seed(pool: import('pg').Pool, passwordHash: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`insert into organisation (id, name, kind, pcn_id)
      select md5('pcn' || g)::uuid, 'Bench PCN ' || g, 'PCN', null from generate_series(1, $1::int) g`, [PCNS]);
    await client.query(`insert into organisation (id, name, kind, pcn_id)
      select md5('practice' || g)::uuid, 'Bench Practice ' || g, 'GP_PRACTICE', md5('pcn' || g)::uuid from generate_series(1, $1::int) g`, [PCNS]);
    await client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id)
      select md5('lead' || g)::uuid, 'Lead ' || g, 'lead' || g || '@bench.invalid', $2, 'SERVICE_LEAD', md5('pcn' || g)::uuid from generate_series(1, $1::int) g
      union all
      select md5('coach' || g || '-' || c)::uuid, 'Coach ' || g || '.' || c, 'coach' || g || '.' || c || '@bench.invalid', $2, 'COACH', md5('pcn' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, 3) c`, [PCNS, passwordHash]);
    await client.query(`insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
      select md5('patient' || g || '-' || i)::uuid, lpad((9000000000 + g * 1000 + i)::text, 10, '0'), 'Bench', 'Patient ' || g || '.' || i, date '1960-01-01' + (i * 37 % 9000),
             md5('practice' || g)::uuid, array[(array['Fibromyalgia', 'Chronic low back pain', 'Osteoarthritis'])[1 + i % 3]],
             (array['ACTIVE', 'ACTIVE', 'DISCHARGED', 'REFERRED'])[1 + i % 4]
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [PCNS, PER_PCN]);
    await client.query(`insert into care_team_member (id, patient_id, user_id, team_role, is_lead)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('coach' || g || '-' || (1 + i % 3))::uuid, 'Health & wellbeing coach', true
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [PCNS, PER_PCN]);
    await client.query(`insert into outcome_record (id, patient_id, instrument, status, answers, score, measured_on, period_from, period_to, gp_source, completed_by, created_at)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, m.instrument, 'COMPLETED', '[]'::jsonb,
             case m.instrument when 'PSEQ_10' then least(60, 15 + k * 6 + floor(random() * 20))
                               when 'CONFIDENCE_WITHOUT_MEDICATION' then least(10, 2 + k + floor(random() * 4))
                               when 'GP_APPOINTMENTS' then floor(random() * random() * 3)
                               else floor(random() * 10) end,
             date '2025-01-01' + k * 60 + (i % 20),
             case when m.instrument = 'GP_APPOINTMENTS' then date '2025-01-01' + (k - 1) * 60 + (i % 20) end,
             case when m.instrument = 'GP_APPOINTMENTS' then date '2025-01-01' + k * 60 + (i % 20) end,
             case when m.instrument = 'GP_APPOINTMENTS' then 'PRACTICE_RECORD' end,
             'CLINICIAN', now()
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i,
             (values ('PSEQ_10', 1), ('PSEQ_10', 2), ('PSEQ_10', 3), ('CONFIDENCE_WITHOUT_MEDICATION', 1), ('CONFIDENCE_WITHOUT_MEDICATION', 2),
                     ('CONFIDENCE_WITHOUT_MEDICATION', 3), ('GP_APPOINTMENTS', 1), ('GP_APPOINTMENTS', 2), ('PEG_3', 1), ('PEG_3', 2)) as m(instrument, k)`, [PCNS, PER_PCN]);
    // The programme: one referral each (three in four accepted), six coaching sessions each through 2025 (one in
    // six a DNA, the last still booked), and a Pain Café a month per PCN that a third of its patients came to.
    await client.query(`insert into referral (id, patient_id, source, referrer_id, reason, wants_help_with, consent_to_contact, contact_method, status, patient_status_before,
                                              received_at, triaged_at, triaged_by_id, assigned_coach_id, decline_reason)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, 'GP', md5('lead' || g)::uuid, 'Persistent pain', 'Walking further', true, 'PHONE',
             case when i % 4 = 0 then 'DECLINED' else 'ACCEPTED' end, 'REFERRED',
             timestamptz '2024-12-01' + (i % 30) * interval '1 day', timestamptz '2024-12-02' + (i % 30) * interval '1 day', md5('lead' || g)::uuid,
             case when i % 4 = 0 then null else md5('coach' || g || '-' || (1 + i % 3))::uuid end, case when i % 4 = 0 then 'Another service suits better' end
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [PCNS, PER_PCN]);
    await client.query(`insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id, recorded_by_id, recorded_at, discussed)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('coach' || g || '-' || (1 + i % 3))::uuid,
             timestamptz '2025-01-06 09:00' + ((k - 1) * 5 + i % 20) * interval '1 week' + (i % 7) * interval '1 hour',
             timestamptz '2025-01-06 09:45' + ((k - 1) * 5 + i % 20) * interval '1 week' + (i % 7) * interval '1 hour',
             'PHONE', 'Coaching', case when k = 6 then 'BOOKED' when (i + k) % 6 = 0 then 'DNA' else 'ATTENDED' end,
             md5('coach' || g || '-' || (1 + i % 3))::uuid,
             case when k < 6 then md5('coach' || g || '-' || (1 + i % 3))::uuid end, case when k < 6 then timestamptz '2025-12-31' end,
             case when k < 6 and (i + k) % 6 <> 0 then 'Pacing and sleep' end
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i, generate_series(1, 6) k`, [PCNS, PER_PCN]);
    await client.query(`insert into pain_cafe (id, pcn_id, title, starts_at, ends_at, venue, capacity, status, created_by_id)
      select md5('cafe' || g || '-' || m)::uuid, md5('pcn' || g)::uuid, 'Pain Café', timestamptz '2025-01-15 14:00' + (m - 1) * interval '1 month',
             timestamptz '2025-01-15 16:00' + (m - 1) * interval '1 month', 'Community Hall', 500, 'SCHEDULED', md5('lead' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, 12) m`, [PCNS]);
    await client.query(`insert into pain_cafe_registration (id, cafe_id, patient_id, status, queue_no, registered_at, attendance, attendance_recorded_at, attendance_recorded_by_id, recorded_by_id)
      select gen_random_uuid(), md5('cafe' || g || '-' || (1 + i % 12))::uuid, md5('patient' || g || '-' || i)::uuid, 'REGISTERED', i, timestamptz '2025-01-01',
             case when i % 5 = 0 then 'DID_NOT_ATTEND' else 'ATTENDED' end, timestamptz '2025-12-31', md5('lead' || g)::uuid, md5('lead' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i where i % 3 = 0`, [PCNS, PER_PCN]);
    await client.query('commit');
    // What autovacuum does to a live database after such a load: statistics and the visibility map.
    await client.query('vacuum analyze');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
