import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, readablePatientsSql } from '../access/policy.js';
import type { User } from '../auth/user.entity.js';
import { badInput } from '../platform/errors.js';
import { requireIsoDate } from '../platform/validate.js';
import { joinSql, runSql, sql, sqlText, type Sql } from '../platform/sql.js';
import { outcomeConfig } from './outcome-config.js';
import { csvText } from '../platform/csv.js';
import { dateInWords, ukDate, ukTime } from '../platform/uk-dates.js';

/**
 * The service dashboard: computed in SQL from the records each time it is asked (never stored totals), over
 * the patients the asker may open (a service lead: their PCN; a coach: their own caseload). Each figure
 * comes with the number of patients it is computed over. The definitions below are what the page shows.
 */

export const DashboardGroup = { NONE: 'NONE', PRACTICE: 'PRACTICE', COACH: 'COACH', CONDITION: 'CONDITION', PCN: 'PCN' } as const;
export type DashboardGroup = (typeof DashboardGroup)[keyof typeof DashboardGroup];

export interface DashboardFilter {
  practiceId: string | null;
  /** Patients whose care-team lead is this user. */
  coachId: string | null;
  condition: string | null;
  /** Measures taken from / to these dates (inclusive), YYYY-MM-DD. */
  from: string | null;
  to: string | null;
  groupBy: DashboardGroup;
}

/** Whose patients: those an actor may open, or every patient (the national figure, for benchmarks and exports by the service). */
export type DashboardScope = { actor: User } | { national: true };

/**
 * A figure and the number of patients it is computed over; value null when that number is 0. `withheld` when
 * that number is under `SMALLEST_SHOWN`: the value could tell one person's results, so neither the page nor
 * the CSV gives it (the API still does, to a reader who may open each of those patients).
 */
export interface Figure {
  value: number | null;
  n: number;
  withheld: boolean;
}

/** The fewest patients a figure of theirs is shown or exported over (small-number suppression). */
export const SMALLEST_SHOWN = 5;

export interface DashboardRow {
  key: string;
  label: string;
  patients: number;
  referred: number;
  active: number;
  discharged: number;
  referralsReceived: number;
  referralsAccepted: number;
  sessionsAttended: number;
  sessionsDna: number;
  /** DNAs as a share of sessions recorded (attended or DNA); its N counts sessions, not patients. */
  dnaRatePercent: Figure;
  cafeAttendances: number;
  /** Patients who came to at least one Pain Café. */
  cafePatients: number;
  pseqChangePoints: Figure;
  pseqChangePercent: Figure;
  pseqChangeOfMeansPercent: Figure;
  pseqMeaningfulPercent: Figure;
  confidenceChangePoints: Figure;
  confidenceChangePercent: Figure;
  noGpVisitPercent: Figure;
  /** GP appointment counts taken in the period but left out of noGpVisitPercent: their period began before the episode. */
  gpCountsBeforeProgramme: number;
}

export const dashboardDefinitions: ReadonlyArray<{ term: string; text: string }> = [
  { term: 'Patients', text: 'Patients you may open (a service lead: everyone in the PCN; a coach: their own caseload) who match the filters, counted once each.' },
  { term: 'Referred, active, discharged', text: "The patients' status now. Accepted onto the programme = active + discharged." },
  {
    term: 'Baseline and follow-up',
    text: "For each patient and measure, the follow-up is their latest completed record taken in the period, and the baseline the first completed record of the same episode of care (which starts on the day its referral was received), whatever its date: the change is from the start of the programme, as on the patient's own measures tab. A patient is counted once, in their latest episode with a follow-up in the period; an earlier episode's figures stay as they were when the patient is referred again. Records from before a patient's first accepted referral are not used; a patient never accepted onto the programme has all their records as one run. Corrected records count in their corrected form; drafts never count. A patient needs both a baseline and a later follow-up to be counted.",
  },
  { term: 'PSEQ change (points)', text: 'The mean over patients of follow-up minus baseline PSEQ-10 score (0–60).' },
  { term: 'PSEQ change (%)', text: "The mean over patients of each one's change as a percentage of their own baseline (patients with a baseline of 0 are left out, so N may be smaller). This is how the service's evaluation reports “PSEQ +36 %”." },
  { term: 'PSEQ change of means (%)', text: 'The mean follow-up score minus the mean baseline score, as a percentage of the mean baseline: less swayed by patients with very low baselines.' },
  { term: 'Clinically significant PSEQ improvement', text: "The share of patients whose PSEQ-10 rose by at least 7 points and moved into a better ePPOC band (0–19 severe, 20–30 moderate, 31–40 mild, 41–60 minimal)." },
  { term: 'Confidence without medication (%)', text: 'As PSEQ change (%), for the 0–10 confidence in managing pain without medication.' },
  {
    term: 'No GP visit for pain',
    text: "Of the patients with at least one count of GP appointments for pain taken in the period that covers time on the programme (its period starts on or after the day their episode began), the share whose counts add up to 0. A count whose period starts earlier, such as one taken at the first assessment about the months before referral, says nothing of visits while on the programme: it is left out, and how many were left out is shown beside the figure. For a patient never accepted onto the programme every count is used.",
  },
  { term: 'Referrals received, accepted', text: 'Referrals into the programme received in the period (each referral once; a patient referred twice counts twice), and how many of them were accepted at triage.' },
  { term: 'Sessions delivered, DNA rate', text: 'Coaching sessions that took place in the period and were recorded as attended; the DNA rate is the sessions recorded as did-not-attend as a share of all recorded (attended + DNA), so its N counts sessions. Cancelled and not-yet-recorded sessions count in neither.' },
  { term: 'Pain Café attendance', text: 'Places at Pain Cafés held in the period recorded as attended, and the number of different patients who came to at least one.' },
  {
    term: 'Withheld figures',
    text: `A figure computed over fewer than ${SMALLEST_SHOWN} patients (but more than none) is withheld, on the page and in the CSV, so that no one's results can be told from it; its N is still given. Where groups are shown, the smallest groups' figures are withheld as well until at least two are and together they cover ${SMALLEST_SHOWN} patients or more, so that a withheld figure cannot be worked out from the total and the others. The programme's counts (referrals, sessions and their DNA rate, Pain Café places) count activity, not results, and are shown whatever their size.`,
  },
];

type Row = Record<string, string | number | null>;

/** The dashboard's rows (one per group, or none when not grouped) and the total over every patient in scope. */
export async function serviceDashboard(em: EntityManager, scope: DashboardScope, filter: DashboardFilter): Promise<{ total: DashboardRow; rows: DashboardRow[] }> {
  const f = checkDashboardFilter(filter);
  const [[total], rows] = await em.transactional(async (tx) => {
    await runSql(tx, DASHBOARD_SETTINGS);
    const ids = 'actor' in scope ? await patientIdsFor(tx, readablePatientsSql(scope.actor)) : null;
    const totals = await run(tx, ids, f, DashboardGroup.NONE);
    return [totals, f.groupBy === DashboardGroup.NONE ? [] : await run(tx, ids, f, f.groupBy)] as const;
  });
  withholdComplements(rows);
  return { total: total ?? emptyRow(), rows };
}

/** The figures withheld over small numbers (the DNA rate counts sessions, and is not). */
const resultFigures = ['pseqChangePoints', 'pseqChangePercent', 'pseqChangeOfMeansPercent', 'pseqMeaningfulPercent', 'confidenceChangePoints', 'confidenceChangePercent', 'noGpVisitPercent'] as const;

/**
 * Secondary suppression. A group's figure withheld on its own could be worked out from the total and the groups
 * shown (the total's N times its mean, less theirs): so, for each figure, the smallest groups still shown are
 * withheld as well until at least two are withheld and together they cover at least `SMALLEST_SHOWN` patients.
 * Groups that share patients (a patient with two conditions) are treated the same way. Changes `rows` in place.
 */
function withholdComplements(rows: DashboardRow[]): void {
  for (const key of resultFigures) {
    const figures = rows.map((r) => r[key]).filter((f) => f.n > 0);
    const withheld = figures.filter((f) => f.withheld);
    if (withheld.length === 0) continue;
    const shown = figures.filter((f) => !f.withheld).sort((a, b) => a.n - b.n);
    const covered = () => withheld.reduce((n, f) => n + f.n, 0);
    while (shown.length > 0 && (withheld.length < 2 || covered() < SMALLEST_SHOWN)) {
      const next = shown.shift()!;
      next.withheld = true;
      withheld.push(next);
    }
  }
}

/** The filter as the dashboard reads it, or BAD_USER_INPUT naming the field that is wrong. */
export function checkDashboardFilter(given: DashboardFilter): DashboardFilter {
  // Fields left out of a GraphQL input arrive as undefined.
  const f = { practiceId: given.practiceId ?? null, coachId: given.coachId ?? null, condition: given.condition ?? null, from: given.from ?? null, to: given.to ?? null, groupBy: given.groupBy ?? DashboardGroup.NONE };
  if (f.practiceId !== null && !isUuid(f.practiceId)) throw badInput('practiceId', 'That is not a practice.');
  if (f.coachId !== null && !isUuid(f.coachId)) throw badInput('coachId', 'That is not a coach.');
  const from = f.from ? requireIsoDate('from', f.from, { label: 'The "From" date' }) : null;
  const to = f.to ? requireIsoDate('to', f.to, { label: 'The "To" date' }) : null;
  if (from && to && from > to) throw badInput('to', 'The period must end on or after the day it starts.');
  if (f.condition !== null && f.condition.length > 200) throw badInput('condition', 'That condition is too long.');
  return { ...f, from, to };
}

/** The ePPOC band of a PSEQ-10 score as SQL, from the configured bands (trusted constants, never input). */
function pseqBandSql(column: string): string {
  const bands = outcomeConfig.PSEQ_10.bands;
  return `case ${bands.map((b, i) => `when ${column} <= ${Number(b.to)} then ${i}`).join(' ')} else ${bands.length} end`;
}

function groupSql(group: DashboardGroup): { key: string; label: string; join: string } {
  switch (group) {
    case DashboardGroup.NONE:
      return { key: `'all'`, label: `'All patients'`, join: '' };
    case DashboardGroup.PRACTICE:
      return { key: 'o.id::text', label: 'o.name', join: '' };
    case DashboardGroup.PCN:
      return { key: 'pcn.id::text', label: 'pcn.name', join: 'join organisation pcn on pcn.id = coalesce(o.pcn_id, o.id)' };
    case DashboardGroup.COACH:
      return {
        key: `coalesce(lu.id::text, 'none')`,
        label: `coalesce(lu.name, 'No lead')`,
        join: 'left join care_team_member lm on lm.patient_id = p.id and lm.is_lead left join app_user lu on lu.id = lm.user_id',
      };
    case DashboardGroup.CONDITION:
      // A patient with two conditions is counted in both groups (and once in the total), and once in each: the
      // figures below count rows, one per patient in a group.
      return {
        key: 'c.condition',
        label: 'c.condition',
        join: "cross join lateral (select distinct u from unnest(case when cardinality(p.conditions) = 0 then array['None recorded'] else p.conditions end) u) as c(condition)",
      };
  }
}

/** One grouping's rows, in the dashboard's transaction (after `DASHBOARD_SETTINGS`). */
async function run(tx: EntityManager, ids: readonly string[] | null, f: DashboardFilter, group: DashboardGroup): Promise<DashboardRow[]> {
  return (await runSql<Row>(tx, dashboardQuery(ids, f, group))).map(toRow);
}

/**
 * Set for the dashboard's transaction only. Its statement's planned cost is high enough that PostgreSQL would
 * compile it with LLVM, inlined and optimised: at 300 PCNs × 300 patients (`npm run bench -- dashboard`) the
 * compiling took 1.6 s of a 3.7 s national query, which ran in 2.2 s without it.
 */
export const DASHBOARD_SETTINGS = sql`set local jit = off`;

export interface DashboardFilterOptions {
  practices: Array<{ id: string; name: string }>;
  leads: Array<{ id: string; name: string }>;
  conditions: string[];
}

/** What the filters can be set to: the practices, care-team leads and conditions of the patients the actor may open. */
export async function dashboardFilterOptions(em: EntityManager, actor: User): Promise<DashboardFilterOptions> {
  const readable = readablePatientsSql(actor);
  const [practices, leads, conditions] = await Promise.all([
    runSql<{ id: string; name: string }>(em, sql`select o.id, o.name from organisation o where o.id in (select p.practice_id from patient p where ${readable}) order by o.name, o.id`),
    runSql<{ id: string; name: string }>(
      em,
      sql`select u.id, u.name from app_user u
           where u.id in (select m.user_id from care_team_member m join patient p on p.id = m.patient_id where m.is_lead and ${readable})
           order by u.name, u.id`,
    ),
    runSql<{ condition: string }>(em, sql`select distinct c as condition from patient p cross join unnest(p.conditions) c where ${readable} order by 1`),
  ]);
  return { practices, leads, conditions: conditions.map((c) => c.condition) };
}

/**
 * The patients an access rule admits, first and on their own: given their ids, the planner sizes the
 * dashboard's query right (index lookups for a PCN's few hundred, a scan for a whole nation).
 */
async function patientIdsFor(em: EntityManager, readable: Sql): Promise<string[]> {
  const rows = await runSql<{ id: string }>(em, sql`select p.id from patient p where ${readable}`);
  return rows.map((r) => r.id);
}

/**
 * The dashboard's one query over the patients `patientIds` (null: every patient, the national figure) that
 * match the filters. Exported so the benchmark runs exactly this SQL.
 */
export function dashboardQuery(patientIds: readonly string[] | null, f: DashboardFilter, group: DashboardGroup): Sql {
  const g = groupSql(group);
  const where = [sql`true`];
  const ids = patientIds === null ? null : [...patientIds];
  if (ids !== null) where.push(sql`p.id = any(${ids}::uuid[])`);
  if (f.practiceId) where.push(sql`p.practice_id = ${f.practiceId}`);
  if (f.coachId) where.push(sql`exists (select 1 from care_team_member cm where cm.patient_id = p.id and cm.user_id = ${f.coachId} and cm.is_lead)`);
  if (f.condition) where.push(sql`${f.condition} = any(p.conditions)`);
  const minPoints = outcomeConfig.PSEQ_10.meaningfulChange?.kind === 'POINTS_AND_BAND' ? outcomeConfig.PSEQ_10.meaningfulChange.minPoints : 7;
  return sql`
with scope as (
  select p.id, p.status, ${sqlText(g.key)} as group_key, ${sqlText(g.label)} as group_label
    from patient p
    join organisation o on o.id = p.practice_id
    ${sqlText(g.join)}
   where ${joinSql(where, ' and ')}
),
-- The episodes of care of the patients in scope: each accepted referral begins one on the UK day it was
-- received (as \`latestEpisodeStart\` has it) and it lasts until the next begins.
episodes as (
  select patient_id, started_on, lead(started_on) over (partition by patient_id order by started_on) as next_started_on
    from (select patient_id, (received_at at time zone 'Europe/London')::date as started_on
            from referral
           where ${ids === null ? sql`true` : sql`patient_id = any(${ids}::uuid[])`}
             and status = 'ACCEPTED') accepted
),
-- Current completed records (not superseded) of the measures the dashboard uses, each with the start of the
-- episode it belongs to. A record from before a patient's first accepted referral belongs to no episode and
-- is left out; a patient never accepted onto the programme has one run of records, with no start. Records
-- of every date are kept: a follow-up in the period pairs with its episode's baseline, however old.
-- Not materialised: each reader below takes only the measures it counts.
cur as not materialized (
  select r.patient_id, r.instrument, r.score, r.measured_on, r.created_at, r.id, r.period_from, e.started_on
    from outcome_record r
    left join episodes e on e.patient_id = r.patient_id and r.measured_on >= e.started_on and (e.next_started_on is null or r.measured_on < e.next_started_on)
   where ${ids === null ? sql`true` : sql`r.patient_id = any(${ids}::uuid[])`}
     -- Asked of the episodes, which hold only the patients in scope: asked of every accepted referral, it was
     -- most of a PCN's query (a hash of all 67,500 at 300 PCNs, twice; \`npm run bench -- dashboard\`).
     and (e.started_on is not null or not exists (select 1 from episodes x where x.patient_id = r.patient_id))
     and r.status = 'COMPLETED'
     and r.instrument in ('PSEQ_10', 'CONFIDENCE_WITHOUT_MEDICATION', 'GP_APPOINTMENTS')
     -- The few superseded ids, hashed once (the unique index on supersedes_id holds them).
     and r.id not in (select x.supersedes_id from outcome_record x where x.supersedes_id is not null)
),
-- Each record of a measure with its episode's first record (the baseline) and its place in that episode.
ranked as (
  select patient_id, instrument, score, measured_on, created_at, id,
         first_value(score) over episode as baseline,
         row_number() over episode as place
    from cur
   where instrument <> 'GP_APPOINTMENTS'
  window episode as (partition by patient_id, instrument, started_on order by measured_on, created_at, id)
),
-- Each patient once per measure: their latest follow-up taken in the period (so in the latest episode that
-- has one), with that episode's baseline.
pairs as (
  select distinct on (patient_id, instrument) patient_id, instrument, baseline, score as follow_up
    from ranked
   where place > 1
     and (${f.from}::date is null or measured_on >= ${f.from}::date)
     and (${f.to}::date is null or measured_on <= ${f.to}::date)
   order by patient_id, instrument, measured_on desc, created_at desc, id desc
),
-- GP appointment counts taken in the period. Only a count of time on the programme says whether the patient
-- saw the GP during it: one whose period began before the episode did (a baseline's "last 3 months") is left
-- out, and counted as such.
gp as (
  select patient_id,
         count(*) filter (where on_programme) as counts,
         coalesce(sum(score) filter (where on_programme), 0) as visits,
         count(*) filter (where not on_programme) as left_out
    from (select patient_id, score, (started_on is null or period_from >= started_on) as on_programme
            from cur
           where instrument = 'GP_APPOINTMENTS'
             and (${f.from}::date is null or measured_on >= ${f.from}::date)
             and (${f.to}::date is null or measured_on <= ${f.to}::date)) g
   group by patient_id
),
-- The programme's activity per patient, in the period (each read from its table's patient index).
ref as (
  select patient_id, count(*) as received, count(*) filter (where status = 'ACCEPTED') as accepted
    from referral
   where ${ids === null ? sql`true` : sql`patient_id = any(${ids}::uuid[])`}
     and ${inPeriod(sql`received_at`, f)}
   group by patient_id
),
sess as (
  select patient_id, count(*) filter (where status = 'ATTENDED') as attended, count(*) filter (where status = 'DNA') as dna
    from coaching_session
   where ${ids === null ? sql`true` : sql`patient_id = any(${ids}::uuid[])`}
     and status in ('ATTENDED', 'DNA')
     and ${inPeriod(sql`starts_at`, f)}
   group by patient_id
),
cafe as (
  select r.patient_id, count(*) as attended
    from pain_cafe_registration r join pain_cafe c on c.id = r.cafe_id
   where ${ids === null ? sql`true` : sql`r.patient_id = any(${ids}::uuid[])`}
     and r.attendance = 'ATTENDED'
     and ${inPeriod(sql`c.starts_at`, f)}
   group by r.patient_id
)
-- One row per patient in a group (see \`groupSql\`), so rows are counted as they are, without sorting for
-- distinct ones: the patients of a whole nation are then grouped by hashing.
select s.group_key, min(s.group_label) as group_label,
       count(*)::int as patients,
       count(*) filter (where s.status = 'REFERRED')::int as referred,
       count(*) filter (where s.status = 'ACTIVE')::int as active,
       count(*) filter (where s.status = 'DISCHARGED')::int as discharged,
       coalesce(sum(rf.received), 0)::int as referrals_received,
       coalesce(sum(rf.accepted), 0)::int as referrals_accepted,
       coalesce(sum(se.attended), 0)::int as sessions_attended,
       coalesce(sum(se.dna), 0)::int as sessions_dna,
       coalesce(sum(cf.attended), 0)::int as cafe_attendances,
       count(cf.patient_id)::int as cafe_patients,
       count(ps.patient_id)::int as pseq_n,
       avg(ps.follow_up - ps.baseline) as pseq_points,
       count(ps.patient_id) filter (where ps.baseline > 0)::int as pseq_pct_n,
       avg((ps.follow_up - ps.baseline) / nullif(ps.baseline, 0) * 100) as pseq_pct,
       (avg(ps.follow_up) - avg(ps.baseline)) / nullif(avg(ps.baseline), 0) * 100 as pseq_of_means,
       count(ps.patient_id) filter (where ps.follow_up - ps.baseline >= ${sqlText(String(Number(minPoints)))}
                                      and ${sqlText(pseqBandSql('ps.follow_up'))} <> ${sqlText(pseqBandSql('ps.baseline'))})::int as pseq_meaningful,
       count(pc.patient_id)::int as conf_n,
       avg(pc.follow_up - pc.baseline) as conf_points,
       count(pc.patient_id) filter (where pc.baseline > 0)::int as conf_pct_n,
       avg((pc.follow_up - pc.baseline) / nullif(pc.baseline, 0) * 100) as conf_pct,
       count(g.patient_id) filter (where g.counts > 0)::int as gp_n,
       count(g.patient_id) filter (where g.counts > 0 and g.visits = 0)::int as gp_none,
       coalesce(sum(g.left_out), 0)::int as gp_left_out
  from scope s
  left join pairs ps on ps.patient_id = s.id and ps.instrument = 'PSEQ_10'
  left join pairs pc on pc.patient_id = s.id and pc.instrument = 'CONFIDENCE_WITHOUT_MEDICATION'
  left join gp g on g.patient_id = s.id
  left join ref rf on rf.patient_id = s.id
  left join sess se on se.patient_id = s.id
  left join cafe cf on cf.patient_id = s.id
 group by s.group_key
 order by min(s.group_label), s.group_key`;
}

/** A timestamp column within the filter's period, taken as whole days in the UK (where the service runs). */
function inPeriod(column: Sql, f: DashboardFilter): Sql {
  return sql`(${f.from}::date is null or (${column} at time zone 'Europe/London')::date >= ${f.from}::date)
     and (${f.to}::date is null or (${column} at time zone 'Europe/London')::date <= ${f.to}::date)`;
}

function toRow(r: Row): DashboardRow {
  const num = (k: string) => (r[k] === null ? null : Number(r[k]));
  const int = (k: string) => Number(r[k] ?? 0);
  const fig = (value: number | null, n: number): Figure => ({ value: n === 0 || value === null ? null : round1(value), n, withheld: n > 0 && n < SMALLEST_SHOWN });
  // Its N counts sessions, and the rate follows from the session counts shown beside it: nothing to withhold.
  const rate = (value: number, n: number): Figure => ({ ...fig(value, n), withheld: false });
  return {
    key: String(r.group_key),
    label: String(r.group_label),
    patients: int('patients'),
    referred: int('referred'),
    active: int('active'),
    discharged: int('discharged'),
    referralsReceived: int('referrals_received'),
    referralsAccepted: int('referrals_accepted'),
    sessionsAttended: int('sessions_attended'),
    sessionsDna: int('sessions_dna'),
    dnaRatePercent: rate((int('sessions_dna') / Math.max(int('sessions_attended') + int('sessions_dna'), 1)) * 100, int('sessions_attended') + int('sessions_dna')),
    cafeAttendances: int('cafe_attendances'),
    cafePatients: int('cafe_patients'),
    pseqChangePoints: fig(num('pseq_points'), int('pseq_n')),
    pseqChangePercent: fig(num('pseq_pct'), int('pseq_pct_n')),
    pseqChangeOfMeansPercent: fig(num('pseq_of_means'), int('pseq_n')),
    pseqMeaningfulPercent: fig((int('pseq_meaningful') / Math.max(int('pseq_n'), 1)) * 100, int('pseq_n')),
    confidenceChangePoints: fig(num('conf_points'), int('conf_n')),
    confidenceChangePercent: fig(num('conf_pct'), int('conf_pct_n')),
    noGpVisitPercent: fig((int('gp_none') / Math.max(int('gp_n'), 1)) * 100, int('gp_n')),
    gpCountsBeforeProgramme: int('gp_left_out'),
  };
}

function emptyRow(): DashboardRow {
  const none = { value: null, n: 0, withheld: false };
  return {
    key: 'all', label: 'All patients', patients: 0, referred: 0, active: 0, discharged: 0,
    referralsReceived: 0, referralsAccepted: 0, sessionsAttended: 0, sessionsDna: 0, dnaRatePercent: none, cafeAttendances: 0, cafePatients: 0,
    pseqChangePoints: none, pseqChangePercent: none, pseqChangeOfMeansPercent: none, pseqMeaningfulPercent: none, confidenceChangePoints: none, confidenceChangePercent: none, noGpVisitPercent: none, gpCountsBeforeProgramme: 0 };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** A figure as the CSV gives it: blank when there is none, and when it is withheld. */
const shown = (f: Figure) => (f.withheld ? null : f.value);

const WITHHELD_NOTE = `Figures withheld: over fewer than ${SMALLEST_SHOWN} patients or able to reveal one that is`;

const csvColumns: Array<[string, (r: DashboardRow) => string | number | null]> = [
  ['Group', (r) => r.label],
  ['Patients', (r) => r.patients],
  ['Referred', (r) => r.referred],
  ['Active', (r) => r.active],
  ['Discharged', (r) => r.discharged],
  ['PSEQ change (points)', (r) => shown(r.pseqChangePoints)],
  ['N', (r) => r.pseqChangePoints.n],
  ['PSEQ change (%)', (r) => shown(r.pseqChangePercent)],
  ['N', (r) => r.pseqChangePercent.n],
  ['PSEQ change of means (%)', (r) => shown(r.pseqChangeOfMeansPercent)],
  ['N', (r) => r.pseqChangeOfMeansPercent.n],
  ['Clinically significant PSEQ improvement (%)', (r) => shown(r.pseqMeaningfulPercent)],
  ['N', (r) => r.pseqMeaningfulPercent.n],
  ['Confidence without medication change (points)', (r) => shown(r.confidenceChangePoints)],
  ['N', (r) => r.confidenceChangePoints.n],
  ['Confidence without medication change (%)', (r) => shown(r.confidenceChangePercent)],
  ['N', (r) => r.confidenceChangePercent.n],
  ['No GP visit for pain (%)', (r) => shown(r.noGpVisitPercent)],
  ['N', (r) => r.noGpVisitPercent.n],
  ['GP counts left out (before the programme)', (r) => r.gpCountsBeforeProgramme],
  ['Referrals received', (r) => r.referralsReceived],
  ['Referrals accepted', (r) => r.referralsAccepted],
  ['Sessions delivered', (r) => r.sessionsAttended],
  ['Sessions DNA', (r) => r.sessionsDna],
  ['DNA rate (%)', (r) => shown(r.dnaRatePercent)],
  ['Sessions recorded', (r) => r.dnaRatePercent.n],
  ['Pain Café attendances', (r) => r.cafeAttendances],
  ['Patients at a Pain Café', (r) => r.cafePatients],
  ['Note', (r) => (figuresOf(r).some((f) => f.withheld) ? WITHHELD_NOTE : null)],
];

function figuresOf(r: DashboardRow): Figure[] {
  return [r.pseqChangePoints, r.pseqChangePercent, r.pseqChangeOfMeansPercent, r.pseqMeaningfulPercent, r.confidenceChangePoints, r.confidenceChangePercent, r.noGpVisitPercent, r.dnaRatePercent];
}

/** What an export covers, for the lines it starts with: a file passed on must say what it is of. */
export interface DashboardExportContext {
  filter: DashboardFilter;
  /** The names of the practice and care-team lead filtered by, when one is. */
  practiceName: string | null;
  leadName: string | null;
  computedAt: Date;
}

const groupNames: Record<DashboardGroup, string> = { NONE: 'No grouping', PRACTICE: 'Practice', COACH: 'Care-team lead', CONDITION: 'Condition', PCN: 'PCN' };

/** The days an export covers, in words ("1 January 2025 to 30 June 2025"), as the page says them. */
function periodText(f: DashboardFilter): string {
  if (f.from && f.to) return `${dateInWords(f.from)} to ${dateInWords(f.to)}`;
  if (f.from) return `From ${dateInWords(f.from)}`;
  if (f.to) return `Up to ${dateInWords(f.to)}`;
  return 'All dates';
}

function aboutLines(about: DashboardExportContext): string[][] {
  const f = about.filter;
  return [
    ['Period', periodText(f)],
    ['Practice', f.practiceId ? (about.practiceName ?? 'A practice none of your patients is at') : 'All practices'],
    ['Care-team lead', f.coachId ? (about.leadName ?? 'Someone who leads none of your patients') : 'All leads'],
    ['Condition', f.condition ?? 'All conditions'],
    ['Grouped by', groupNames[f.groupBy]],
    ['Computed at', `${dateInWords(ukDate(about.computedAt))}, ${ukTime(about.computedAt)} UK time`],
    ['Small numbers', `Figures computed over fewer than ${SMALLEST_SHOWN} patients are withheld (left blank with their N beside them) so that no one's results can be told from them, and so are the smallest other groups' where needed to keep a withheld figure from being worked out from the rest.`],
  ];
}

/** The names of the practice and care-team lead a filter names, as the filters offer them to `actor`. */
export async function exportFilterNames(em: EntityManager, actor: User, f: DashboardFilter): Promise<{ practiceName: string | null; leadName: string | null }> {
  if (!f.practiceId && !f.coachId) return { practiceName: null, leadName: null };
  const options = await dashboardFilterOptions(em, actor);
  return { practiceName: options.practices.find((p) => p.id === f.practiceId)?.name ?? null, leadName: options.leads.find((l) => l.id === f.coachId)?.name ?? null };
}

/**
 * The dashboard as CSV (RFC 4180): what it covers and the definitions first, then the groups and the total,
 * N beside each figure; empty cells where a figure has N = 0 or is withheld (the row's Note says so).
 */
export function dashboardCsv(d: { total: DashboardRow; rows: DashboardRow[] }, about: DashboardExportContext): string {
  return csvText([
    ...aboutLines(about),
    [],
    ['Definitions'],
    ...dashboardDefinitions.map((x) => [x.term, x.text]),
    [],
    csvColumns.map(([h]) => h),
    ...[...d.rows, { ...d.total, label: 'Total' }].map((r) => csvColumns.map(([, get]) => get(r))),
  ]);
}
