import argon2 from 'argon2';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_PASSWORD, gqlHttp, startCairn } from '../support/cairn.js';
import { ms, percentile, table } from '../support/stats.js';
import { benchUuid, seedNationalService } from '../support/national-service.js';

/**
 * `npm run bench -- dashboard`: the outcomes dashboard over a generated national service (300 PCNs × 300
 * patients, ten measures, six coaching sessions and a referral each, a third at a Pain Café), at PCN level through the API as a service lead, nationally by running the
 * dashboard's own SQL (no Cairn role sees every PCN), and the CSV export. Targets: < 300 ms for a PCN,
 * < 2 s nationally. Prints the row counts and the indexes the plans use.
 */
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
    await seedNationalService(db.pool, await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id }));
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
                                             or p.practice_id in (select o.id from organisation o where coalesce(o.pcn_id, o.id) = $2)`, [benchUuid('lead', 1), benchUuid('pcn', 1)])).rows.map((r: { id: string }) => r.id);
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

