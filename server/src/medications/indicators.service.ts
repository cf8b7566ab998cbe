import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, sql } from '../platform/sql.js';
import { csvText } from '../platform/csv.js';
import { dateInWords, monthInWords } from '../platform/uk-dates.js';
import { CATALOGUE } from './catalogue.js';
import { CONTINUOUS_GAP_DAYS } from './flags.js';

/** One month of a practice's (or a PCN's) prescribing indicators, as of the month's last day. */
export interface IndicatorMonth {
  /** YYYY-MM. */
  month: string;
  /** The day the snapshot is taken: the month's last day, or today for the current month. */
  asOf: string;
  registeredPatients: number;
  onOpioid: number;
  onHighDoseOpioid: number;
  opioidWithGabapentinoid: number;
  /** On opioids continuously for more than 3 and at most 6 months. */
  opioid3To6Months: number;
  opioidOver12Months: number;
  /** Total oral morphine equivalent, mg a day, per 1,000 registered patients. */
  omePer1000: number;
  /** Share of current opioid medicines whose own OME is at or above the high-dose threshold (0–1). */
  highDoseItemShare: number;
  /** Gabapentinoid defined daily doses per 1,000 patients (pregabalin 300 mg, gabapentin 1,800 mg = 1 DDD). */
  gabapentinoidDddPer1000: number;
  reviewsDone: number;
  /** Patients whose total OME is lower than at the previous month's snapshot (stopping counts). */
  patientsReduced: number;
  /** Their total OME at the previous snapshot and at this one, mg a day. */
  omeBeforeReductions: number;
  omeAfterReductions: number;
}

export type IndicatorScope = { practiceId: string } | { pcnId: string };

/** The gabapentinoid DDDs from the catalogue, as SQL rows: the one table stays the only source. */
const dddRows = CATALOGUE.filter((e) => e.dddMg !== undefined).map((e) => ({ code: e.code, mg: e.dddMg! }));

/**
 * The indicators for each of the `months` months up to and including `today`'s, computed in one SQL
 * statement from the recorded medication history (a medicine's row says when it started and stopped, and
 * the OME Cairn computed for it). Registered patients are the practice's patients today: Cairn does not
 * keep registration history.
 */
export async function prescribingIndicators(em: EntityManager, scope: IndicatorScope, opts: { today: string; months: number; highDoseOme: number }): Promise<IndicatorMonth[]> {
  const practices =
    'practiceId' in scope ? sql`select ${scope.practiceId}::uuid as id` : sql`select id from organisation where pcn_id = ${scope.pcnId}::uuid and kind = 'GP_PRACTICE'`;
  const rows = await runSql<Record<string, string | number>>(
    em,
    sql`with practices as (${practices}),
  pts as (select p.id from patient p where p.practice_id in (select id from practices)),
  registered as (select count(*)::int as n from pts),
  -- One snapshot per month, plus the month before the first, for the reductions.
  snap as (
    select g, to_char(m, 'YYYY-MM') as month, least((m + interval '1 month - 1 day')::date, ${opts.today}::date) as d
      from generate_series(0, ${opts.months}::int) g,
           lateral (select (date_trunc('month', ${opts.today}::date) - make_interval(months => g))::date as m) x),
  ddd as (select x->>'code' as code, (x->>'mg')::float8 as mg from jsonb_array_elements(${JSON.stringify(dddRows)}::jsonb) x),
  meds as (
    select m.patient_id, m.medicine_class, m.medicine_code, coalesce(m.ome_mg_per_day, 0) as ome, m.dose * m.doses_per_day as daily,
           m.start_date, coalesce(m.stop_date, 'infinity'::date) as stop_date
      from medication m join pts on pts.id = m.patient_id
     where m.medicine_class in ('OPIOID', 'GABAPENTINOID')),
  cur as (select s.g, s.d, x.* from snap s join meds x on x.start_date <= s.d and x.stop_date > s.d),
  per_patient as (
    select c.g, c.patient_id,
           bool_or(c.medicine_class = 'OPIOID') as opioid,
           bool_or(c.medicine_class = 'GABAPENTINOID') as gabapentinoid,
           coalesce(sum(c.ome) filter (where c.medicine_class = 'OPIOID'), 0) as ome,
           count(*) filter (where c.medicine_class = 'OPIOID') as opioid_items,
           count(*) filter (where c.medicine_class = 'OPIOID' and c.ome >= ${opts.highDoseOme}::float8) as high_items,
           coalesce(sum(c.daily / ddd.mg) filter (where c.medicine_class = 'GABAPENTINOID'), 0) as ddds
      from cur c left join ddd on ddd.code = c.medicine_code
     group by c.g, c.patient_id),
  by_month as (
    select g, count(*) filter (where opioid) as on_opioid,
           count(*) filter (where opioid and ome >= ${opts.highDoseOme}::float8) as high_dose,
           count(*) filter (where opioid and gabapentinoid) as with_gabapentinoid,
           sum(ome) as total_ome, sum(opioid_items) as opioid_items, sum(high_items) as high_items, sum(ddds) as ddds
      from per_patient group by g),
  -- Unbroken runs of opioid use (short gaps joined), as the long-term flag reads them.
  op as (select patient_id, start_date, stop_date,
                max(stop_date) over (partition by patient_id order by start_date, stop_date rows between unbounded preceding and 1 preceding) as prev_end
           from meds where medicine_class = 'OPIOID'),
  op_runs as (select patient_id, start_date, stop_date,
                     sum(case when prev_end is null or start_date > prev_end + ${CONTINUOUS_GAP_DAYS}::int then 1 else 0 end)
                       over (partition by patient_id order by start_date, stop_date) as run
                from op),
  runs as (select patient_id, run, min(start_date) as since, max(stop_date) as until from op_runs group by patient_id, run),
  durations as (
    select s.g,
           count(*) filter (where r.since < (s.d - interval '3 months') and r.since >= (s.d - interval '6 months')) as months_3_to_6,
           count(*) filter (where r.since < (s.d - interval '12 months')) as over_12_months
      from snap s join runs r on r.since <= s.d and r.until > s.d
     group by s.g),
  -- Each opioid patient's total OME at every snapshot (0 when none), against the snapshot a month before.
  ome_by_month as (
    select s.g, o.patient_id, coalesce(pp.ome, 0) as ome
      from snap s cross join (select distinct patient_id from meds where medicine_class = 'OPIOID') o
      left join per_patient pp on pp.g = s.g and pp.patient_id = o.patient_id),
  reductions as (
    select g, count(*) as reduced, sum(ome_before) as ome_before, sum(ome) as ome_after
      from (select g, ome, lead(ome) over (partition by patient_id order by g) as ome_before from ome_by_month) c
     where ome < ome_before
     group by g),
  reviews as (
    select to_char(r.reviewed_on, 'YYYY-MM') as month, count(*) as n
      from medication_review r join pts on pts.id = r.patient_id
     where r.reviewed_on > (date_trunc('month', ${opts.today}::date) - make_interval(months => ${opts.months}::int))::date
     group by 1)
select s.month, s.d::text as as_of, reg.n as registered,
       coalesce(b.on_opioid, 0)::int as on_opioid, coalesce(b.high_dose, 0)::int as high_dose, coalesce(b.with_gabapentinoid, 0)::int as with_gabapentinoid,
       coalesce(du.months_3_to_6, 0)::int as months_3_to_6, coalesce(du.over_12_months, 0)::int as over_12_months,
       coalesce(b.total_ome, 0)::float8 as total_ome, coalesce(b.opioid_items, 0)::int as opioid_items, coalesce(b.high_items, 0)::int as high_items,
       coalesce(b.ddds, 0)::float8 as ddds, coalesce(rv.n, 0)::int as reviews,
       coalesce(rd.reduced, 0)::int as reduced, coalesce(rd.ome_before, 0)::float8 as ome_before, coalesce(rd.ome_after, 0)::float8 as ome_after
  from snap s cross join registered reg
  left join by_month b on b.g = s.g
  left join durations du on du.g = s.g
  left join reductions rd on rd.g = s.g
  left join reviews rv on rv.month = s.month
 where s.g < ${opts.months}::int
 order by s.g desc`,
  );
  return rows.map((r) => {
    const registered = Number(r.registered);
    const per1000 = (x: number) => (registered === 0 ? 0 : round1((x * 1000) / registered));
    return {
      month: String(r.month),
      asOf: String(r.as_of),
      registeredPatients: registered,
      onOpioid: Number(r.on_opioid),
      onHighDoseOpioid: Number(r.high_dose),
      opioidWithGabapentinoid: Number(r.with_gabapentinoid),
      opioid3To6Months: Number(r.months_3_to_6),
      opioidOver12Months: Number(r.over_12_months),
      omePer1000: per1000(Number(r.total_ome)),
      highDoseItemShare: Number(r.opioid_items) === 0 ? 0 : Math.round((Number(r.high_items) / Number(r.opioid_items)) * 1000) / 1000,
      gabapentinoidDddPer1000: per1000(Number(r.ddds)),
      reviewsDone: Number(r.reviews),
      patientsReduced: Number(r.reduced),
      omeBeforeReductions: round1(Number(r.ome_before)),
      omeAfterReductions: round1(Number(r.ome_after)),
    };
  });
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The months as CSV, one row a month, headed in words, its months and days in words as the page says them. */
export function indicatorsCsv(months: readonly IndicatorMonth[]): string {
  const columns: Array<[keyof IndicatorMonth, string]> = [
    ['month', 'Month'],
    ['asOf', 'As of'],
    ['registeredPatients', 'Registered patients'],
    ['onOpioid', 'Patients on opioids'],
    ['onHighDoseOpioid', 'Patients on high-dose opioids'],
    ['opioidWithGabapentinoid', 'Opioid with a gabapentinoid'],
    ['opioid3To6Months', 'Opioids 3-6 months'],
    ['opioidOver12Months', 'Opioids over 12 months'],
    ['omePer1000', 'OME mg/day per 1000 patients'],
    ['highDoseItemShare', 'Share of opioid items at high dose'],
    ['gabapentinoidDddPer1000', 'Gabapentinoid DDDs per 1000 patients'],
    ['reviewsDone', 'Medication reviews done'],
    ['patientsReduced', 'Patients with a reduced OME'],
    ['omeBeforeReductions', 'Their OME before (mg/day)'],
    ['omeAfterReductions', 'Their OME after (mg/day)'],
  ];
  const cell = (m: IndicatorMonth, k: keyof IndicatorMonth) => (k === 'month' ? monthInWords(m.month) : k === 'asOf' ? dateInWords(m.asOf) : m[k]);
  return csvText([columns.map(([, h]) => h), ...months.map((m) => columns.map(([k]) => cell(m, k)))]);
}
