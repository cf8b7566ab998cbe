import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../auth/user.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { errorCode, gql, gqlData, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';

const RECORD = 'mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id } }';
const FIG = '{ value n }';
const DASHBOARD = `query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) {
  total { patients referred active discharged pseqChangePoints ${FIG} pseqChangePercent ${FIG} pseqChangeOfMeansPercent ${FIG}
          pseqMeaningfulPercent ${FIG} confidenceChangePercent ${FIG} noGpVisitPercent ${FIG} }
  rows { key label patients pseqChangePoints ${FIG} }
  definitions { term text } } }`;
const CSV = 'query($f: DashboardFilterInput!) { serviceDashboardCsv(filter: $f) }';

/** A small seeded generator, so the cohort is varied but the same every run. */
function generator(seed: number) {
  let s = seed >>> 0;
  return (max: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % (max + 1);
  };
}

/** What one synthetic patient has recorded, from which the test works out the right answers itself. */
interface Plan {
  leadIsCoach: boolean;
  status: PatientStatus;
  pseq: number[][]; // answer sets, oldest first
  correctLast: number[] | null; // a correction of the last PSEQ
  confidence: number[];
  gp: number[];
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
const mean = (a: number[]) => sum(a) / a.length;
const band = (s: number) => (s <= 19 ? 0 : s <= 30 ? 1 : s <= 40 ? 2 : 3);

/** The evaluation as a reader would compute it by hand from the plans. */
function expected(plans: Plan[]) {
  const pseqPairs = plans
    .map((p) => {
      const totals = p.pseq.map(sum);
      if (p.correctLast) totals[totals.length - 1] = sum(p.correctLast);
      return totals.length >= 2 ? { b: totals[0], f: totals[totals.length - 1] } : null;
    })
    .filter((x): x is { b: number; f: number } => x !== null);
  const pctPairs = pseqPairs.filter((x) => x.b > 0);
  const confPairs = plans.filter((p) => p.confidence.length >= 2).map((p) => ({ b: p.confidence[0], f: p.confidence[p.confidence.length - 1] })).filter((x) => x.b > 0);
  const gp = plans.filter((p) => p.gp.length > 0);
  return {
    patients: plans.length,
    active: plans.filter((p) => p.status === PatientStatus.ACTIVE).length,
    pseqN: pseqPairs.length,
    pseqPoints: mean(pseqPairs.map((x) => x.f - x.b)),
    pseqPctN: pctPairs.length,
    pseqPct: mean(pctPairs.map((x) => ((x.f - x.b) / x.b) * 100)),
    pseqOfMeans: ((mean(pseqPairs.map((x) => x.f)) - mean(pseqPairs.map((x) => x.b))) / mean(pseqPairs.map((x) => x.b))) * 100,
    pseqMeaningful: (pseqPairs.filter((x) => x.f - x.b >= 7 && band(x.f) !== band(x.b)).length / pseqPairs.length) * 100,
    confN: confPairs.length,
    confPct: mean(confPairs.map((x) => ((x.f - x.b) / x.b) * 100)),
    gpN: gp.length,
    noGp: (gp.filter((p) => sum(p.gp) === 0).length / gp.length) * 100,
  };
}

describe('the service dashboard', () => {
  const server = useTestServer();
  let world: World;
  const plans: Plan[] = [];
  const url = () => server().url;
  const dashboard = async (user: User, f: Record<string, unknown> = {}) => gql<{ serviceDashboard: { total: Record<string, unknown> & { patients: number }; rows: Array<{ label: string; patients: number; pseqChangePoints: { value: number | null; n: number } }>; definitions: unknown[] } }>(url(), DASHBOARD, { f }, await signInAs(url(), user));

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    const { coach, fcp } = world.users;
    const tokens = new Map([[coach.id, await signInAs(url(), coach)], [fcp.id, await signInAs(url(), fcp)]]);
    const next = generator(20261202);
    const statuses = [PatientStatus.ACTIVE, PatientStatus.ACTIVE, PatientStatus.DISCHARGED, PatientStatus.REFERRED];
    const answers = (lo: number) => Array.from({ length: 10 }, () => Math.min(6, lo + next(6 - lo)));
    for (let i = 0; i < 14; i++) {
      const plan: Plan = {
        leadIsCoach: i % 3 !== 0,
        status: statuses[i % 4],
        // Some with one PSEQ only (not counted), one whose baseline is 0 (no percentage), the rest improving or not.
        pseq: i % 5 === 4 ? [answers(0)] : i === 7 ? [Array(10).fill(0), answers(2)] : [answers(0), answers(next(3)), answers(next(4))].slice(0, 2 + (i % 2)),
        correctLast: i % 4 === 1 ? answers(3) : null,
        confidence: i % 3 === 2 ? [] : [1 + next(4), next(10)],
        gp: i % 6 === 5 ? [] : [next(2) === 0 ? 0 : next(3)],
      };
      plans.push(plan);
      const lead = plan.leadIsCoach ? coach : fcp;
      const patient = await world.patient(plan.leadIsCoach ? [coach, fcp] : [fcp], { status: plan.status });
      const token = tokens.get(lead.id)!;
      const record = async (input: Record<string, unknown>) => {
        const res = await gql<{ recordOutcome: { id: string } }>(url(), RECORD, { input: { patientId: patient.id, ...input } }, token);
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        return res.data!.recordOutcome.id;
      };
      let last = '';
      for (const [k, a] of plan.pseq.entries()) last = await record({ instrument: 'PSEQ_10', answers: a, measuredOn: `2026-0${k + 1}-1${i % 10}` });
      if (plan.correctLast) await record({ instrument: 'PSEQ_10', answers: plan.correctLast, measuredOn: `2026-0${plan.pseq.length}-1${i % 10}`, supersedesId: last });
      // A draft never counts.
      await record({ instrument: 'PSEQ_10', answers: [6, 6, 6, 6, 6, 6, 6, 6, 6, null], measuredOn: '2026-05-01' });
      for (const [k, c] of plan.confidence.entries()) await record({ instrument: 'CONFIDENCE_WITHOUT_MEDICATION', answers: [c], measuredOn: `2026-0${k + 1}-20` });
      for (const g of plan.gp) await record({ instrument: 'GP_APPOINTMENTS', answers: [g], periodFrom: '2026-01-01', periodTo: '2026-04-30', gpSource: 'PRACTICE_RECORD' });
    }
    // A patient in another PCN, whom nobody here may see.
    const other = await makeWorld(server().orm.em.fork());
    const elsewhere = await gql(url(), RECORD, { input: { patientId: (await other.patient([other.users.coach])).id, instrument: 'PSEQ_10', answers: Array(10).fill(6), measuredOn: '2026-01-01' } }, await signInAs(url(), other.users.coach));
    expect(elsewhere.errors).toBeUndefined();
  });

  it("a service lead sees the PCN's evaluation, each figure with its N, as worked out independently", async () => {
    const e = expected(plans);
    const res = await dashboard(world.users.lead);
    expect(res.errors).toBeUndefined();
    const t = res.data!.serviceDashboard.total as Record<string, { value: number; n: number }> & { patients: number; active: number };
    expect([t.patients, t.active]).toEqual([e.patients, e.active]);
    expect(t.pseqChangePoints.n).toBe(e.pseqN);
    expect(t.pseqChangePoints.value).toBeCloseTo(e.pseqPoints, 1);
    expect(t.pseqChangePercent.n).toBe(e.pseqPctN);
    expect(e.pseqPctN).toBeLessThan(e.pseqN); // the zero baseline is left out of the percentage
    expect(t.pseqChangePercent.value).toBeCloseTo(e.pseqPct, 1);
    expect(t.pseqChangeOfMeansPercent.value).toBeCloseTo(e.pseqOfMeans, 1);
    expect(t.pseqMeaningfulPercent.value).toBeCloseTo(e.pseqMeaningful, 1);
    expect(t.confidenceChangePercent).toEqual({ value: expect.closeTo(e.confPct, 1), n: e.confN });
    expect(t.noGpVisitPercent).toEqual({ value: expect.closeTo(e.noGp, 1), n: e.gpN });
    expect(res.data!.serviceDashboard.definitions.length).toBeGreaterThan(5);
  });

  it("a coach sees only their own caseload, grouped by lead", async () => {
    const mine = plans.filter((p) => p.leadIsCoach);
    const res = await dashboard(world.users.coach, { groupBy: 'COACH' });
    const d = res.data!.serviceDashboard;
    expect(d.total.patients).toBe(mine.length);
    expect(d.rows).toEqual([{ label: world.users.coach.name, patients: mine.length, pseqChangePoints: { value: expect.closeTo(expected(mine).pseqPoints, 1), n: expected(mine).pseqN }, key: world.users.coach.id }]);
    // The lead's grouping splits the PCN between the two leads.
    const byLead = (await dashboard(world.users.lead, { groupBy: 'COACH' })).data!.serviceDashboard.rows;
    expect(byLead.map((r) => [r.label, r.patients])).toEqual([[world.users.coach.name, mine.length], [world.users.fcp.name, plans.length - mine.length]]);
  });

  it('a period that ends before any follow-up has no pairs: every change figure says N = 0', async () => {
    const t = (await dashboard(world.users.lead, { from: '2026-01-01', to: '2026-01-31' })).data!.serviceDashboard.total as Record<string, { value: number | null; n: number }>;
    expect(t.pseqChangePoints).toEqual({ value: null, n: 0 });
    expect(t.confidenceChangePercent).toEqual({ value: null, n: 0 });
  });

  it('exports CSV with N beside each figure; refuses a GP, a bad date and an upside-down period', async () => {
    const csv = (await gql<{ serviceDashboardCsv: string }>(url(), CSV, { f: { groupBy: 'PRACTICE' } }, await signInAs(url(), world.users.lead))).data!.serviceDashboardCsv;
    const lines = csv.trim().split('\r\n');
    const [header, practice, total] = lines.slice(lines.findIndex((l) => l.startsWith('Group,')));
    expect(header.startsWith('Group,Patients,Referred,Active,Discharged,PSEQ change (points),N,PSEQ change (%),N')).toBe(true);
    expect(practice.split(',').slice(0, 2)).toEqual([world.practice.name, String(plans.length)]);
    expect(total.split(',')[0]).toBe('Total');
    expect(total.split(',')[6]).toBe(String(expected(plans).pseqN));
    expect(errorCode(await dashboard(world.users.gp))).toBe('FORBIDDEN');
    const bad = await dashboard(world.users.lead, { from: '2026-02-30' });
    expect([errorCode(bad), bad.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'from']);
    expect(errorCode(await dashboard(world.users.lead, { from: '2026-03-01', to: '2026-02-01' }))).toBe('BAD_USER_INPUT');
  });

  it('every refusal of the dashboard is in the audit trail, and a refused filter leaves no entry of a read', async () => {
    const { gp, lead } = world.users;
    const entries = (actorId: string, action: string, outcome: string) =>
      ownerQuery<{ n: number }>(`select count(*)::int as n from audit_entry where actor_id = $1 and action = $2 and outcome = $3`, [actorId, action, outcome]).then(([r]) => r.n);
    /** How many entries of `action` and `outcome` by `actorId` the request `send` adds. */
    const added = async (actorId: string, action: string, outcome: string, send: () => Promise<unknown>) => {
      const before = await entries(actorId, action, outcome);
      await send();
      return (await entries(actorId, action, outcome)) - before;
    };
    const gpToken = await signInAs(url(), gp);
    const refused = async (query: string, variables: Record<string, unknown>, token: string, code = 'FORBIDDEN') => expect(errorCode(await gql(url(), query, variables, token))).toBe(code);
    expect(await added(gp.id, 'dashboard.read', 'DENIED', () => refused(DASHBOARD, { f: {} }, gpToken))).toBe(1);
    expect(await added(gp.id, 'dashboard.export', 'DENIED', () => refused(CSV, { f: {} }, gpToken))).toBe(1);
    expect(await added(gp.id, 'dashboard.options', 'DENIED', () => refused('{ dashboardFilterOptions { conditions } }', {}, gpToken))).toBe(1);
    // A lead's request with a filter that is refused: nothing was read, so no ALLOWED entry says it was.
    const leadToken = await signInAs(url(), lead);
    expect(await added(lead.id, 'dashboard.read', 'ALLOWED', () => refused(DASHBOARD, { f: { from: '2026-13-01' } }, leadToken, 'BAD_USER_INPUT'))).toBe(0);
    expect(await added(lead.id, 'dashboard.export', 'ALLOWED', () => refused(CSV, { f: { practiceId: 'not-a-practice' } }, leadToken, 'BAD_USER_INPUT'))).toBe(0);
    // A good one is still on the trail.
    expect(await added(lead.id, 'dashboard.read', 'ALLOWED', () => dashboard(lead))).toBe(1);
  });
});

const CREATE_REFERRAL = 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }';
const TRIAGE = 'mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id } }';
const DISCHARGE = 'mutation($input: DischargePatientInput!) { dischargePatient(input: $input) { id } }';
const referralDetails = { reason: 'Widespread pain for three years', wantsHelpWith: 'Walking the dog again', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Mornings' };
/** PSEQ-10 answers that add up to `total` (0–60). */
const pseqOf = (total: number) => Array.from({ length: 10 }, (_, i) => Math.floor(total / 10) + (i < total % 10 ? 1 : 0));

describe('the service dashboard: episodes, periods and small numbers', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  let tokens: Record<'gp' | 'coach' | 'lead', string>;
  const ok = <T,>(query: string, variables: Record<string, unknown>, token: string): Promise<T> => gqlData<T>(url(), query, variables, token);
  type Fig = { value: number | null; n: number };
  const total = async (f: Record<string, unknown>) =>
    (await ok<{ serviceDashboard: { total: { patients: number; pseqChangePoints: Fig; pseqChangePercent: Fig; noGpVisitPercent: Fig } } }>(DASHBOARD, { f }, tokens.lead)).serviceDashboard.total;
  /** A patient of the world with `condition`, referred by the GP and accepted by the coach; the referral moved to `receivedOn`. */
  const accepted = async (condition: string, receivedOn: string, patientId?: string) => {
    const id = patientId ?? (await world.patient([world.users.coach, world.users.gp], { status: PatientStatus.REFERRED, conditions: [condition] })).id;
    const referral = (await ok<{ createReferral: { id: string } }>(CREATE_REFERRAL, { input: { patientId: id, details: referralDetails } }, tokens.gp)).createReferral.id;
    await ok(TRIAGE, { input: { referralId: referral, outcome: 'ACCEPT', coachId: world.users.coach.id } }, tokens.coach);
    await ownerQuery(`update referral set received_at = ($2 || ' 09:00 Europe/London')::timestamptz where id = $1`, [referral, receivedOn]);
    return id;
  };
  const record = (patientId: string, input: Record<string, unknown>) => ok(RECORD, { input: { patientId, ...input } }, tokens.coach);
  const pseq = (patientId: string, score: number, measuredOn: string) => record(patientId, { instrument: 'PSEQ_10', answers: pseqOf(score), measuredOn });

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    const { gp, coach, lead } = world.users;
    tokens = { gp: await signInAs(url(), gp), coach: await signInAs(url(), coach), lead: await signInAs(url(), lead) };
  });

  it("pairs a follow-up in the period with its episode's baseline, as the patient's own card does, and keeps an earlier episode's figures once the patient is re-referred", async () => {
    // Referred in January: PSEQ 20 in January, 30 in April, 35 in June.
    const gwen = await accepted('Fibromyalgia', '2026-01-05');
    await pseq(gwen, 20, '2026-01-10');
    await pseq(gwen, 30, '2026-04-10');
    await pseq(gwen, 35, '2026-06-10');
    const q2 = { condition: 'Fibromyalgia', from: '2026-04-01', to: '2026-06-30' };
    // From the start of the programme: 20 → 35, +15 points, +75 %; not April's 30 → 35 (+5, +17 %).
    expect(await total(q2)).toMatchObject({ pseqChangePoints: { value: 15, n: 1 }, pseqChangePercent: { value: 75, n: 1 } });
    // A period holding only the baseline has no follow-up to pair.
    expect((await total({ condition: 'Fibromyalgia', from: '2026-01-01', to: '2026-03-31' })).pseqChangePoints).toEqual({ value: null, n: 0 });

    // Another patient: 20 → 30 in a first episode, discharged, then re-referred and accepted in September.
    const owen = await accepted('Chronic low back pain', '2026-01-05');
    await pseq(owen, 20, '2026-01-12');
    await pseq(owen, 30, '2026-03-12');
    const h1 = { condition: 'Chronic low back pain', from: '2026-01-01', to: '2026-06-30' };
    expect((await total(h1)).pseqChangePoints).toEqual({ value: 10, n: 1 });
    await ok(DISCHARGE, { input: { patientId: owen, reason: 'GOALS_MET', summary: 'Back at the allotment.' } }, tokens.coach);
    await accepted('Chronic low back pain', '2026-09-01', owen);
    await pseq(owen, 25, '2026-09-10');
    // Last half-year's figure is unchanged by the new episode.
    expect((await total(h1)).pseqChangePoints).toEqual({ value: 10, n: 1 });
    // September's baseline has no follow-up yet, and is never paired with the first episode's records.
    expect((await total({ condition: 'Chronic low back pain', from: '2026-07-01', to: '2026-12-31' })).pseqChangePoints).toEqual({ value: null, n: 0 });
    await pseq(owen, 40, '2026-10-10');
    expect((await total({ condition: 'Chronic low back pain', from: '2026-07-01', to: '2026-12-31' })).pseqChangePoints).toEqual({ value: 15, n: 1 });
    // Over all time each patient counts once, in their latest episode with a follow-up: Owen's second (+15, not
    // his first's +10), and Gwen's (+15). Each asked by condition, so that other tests' patients do not count.
    expect((await total({ condition: 'Chronic low back pain' })).pseqChangePoints).toEqual({ value: 15, n: 1 });
    expect((await total({ condition: 'Fibromyalgia' })).pseqChangePoints).toEqual({ value: 15, n: 1 });
  });

  it('counts a GP visit for pain only from counts of time on the programme, and says how many counts it left out', async () => {
    // Referred on 1 March: 3 visits counted over the three months before, none over the three months after.
    const rhys = await accepted('Osteoarthritis', '2026-03-01');
    await record(rhys, { instrument: 'GP_APPOINTMENTS', answers: [3], periodFrom: '2025-12-01', periodTo: '2026-02-28', measuredOn: '2026-03-02', gpSource: 'PATIENT_REPORTED' });
    await record(rhys, { instrument: 'GP_APPOINTMENTS', answers: [0], periodFrom: '2026-03-01', periodTo: '2026-05-31', measuredOn: '2026-06-01', gpSource: 'PATIENT_REPORTED' });
    expect((await total({ condition: 'Osteoarthritis' })).noGpVisitPercent).toEqual({ value: 100, n: 1 });
    const leftOut = await ok<{ serviceDashboard: { total: { gpCountsBeforeProgramme: number } } }>(
      'query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) { total { gpCountsBeforeProgramme } } }',
      { f: { condition: 'Osteoarthritis' } },
      tokens.lead,
    );
    expect(leftOut.serviceDashboard.total.gpCountsBeforeProgramme).toBe(1);
  });
  it('withholds each figure computed over fewer than 5 patients, in the CSV and to the page, and the CSV starts with what it covers', async () => {
    // Seven patients with headaches, five of them with neck pain and two with jaw pain, each with PSEQ 20 → 30.
    for (let i = 0; i < 7; i++) {
      const patient = await world.patient([world.users.coach], { status: PatientStatus.ACTIVE, conditions: ['Headache', i < 5 ? 'Neck pain' : 'Jaw pain'] });
      await pseq(patient.id, 20, '2025-02-01');
      await pseq(patient.id, 30, '2025-05-01');
    }
    const f = { condition: 'Headache', groupBy: 'CONDITION', from: '2025-01-01', to: '2025-06-30' };
    const page = await ok<{ serviceDashboard: { rows: Array<{ label: string; pseqChangePoints: Fig & { withheld: boolean } }> } }>(
      'query($f: DashboardFilterInput!) { serviceDashboard(filter: $f) { rows { label pseqChangePoints { value n withheld } } } }',
      { f },
      tokens.lead,
    );
    // Jaw pain's two are withheld, and so is the next smallest group: else Jaw pain's figure would follow from
    // Headache's (everyone) and Neck pain's, as (7 × Headache − 5 × Neck pain) ÷ 2.
    expect(page.serviceDashboard.rows.map((r) => [r.label, r.pseqChangePoints.n, r.pseqChangePoints.withheld])).toEqual([
      ['Headache', 7, false],
      ['Jaw pain', 2, true],
      ['Neck pain', 5, true],
    ]);

    const csv = (await ok<{ serviceDashboardCsv: string }>(CSV, { f }, tokens.lead)).serviceDashboardCsv;
    const lines = csv.split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['Period,1 January 2025 to 30 June 2025', 'Practice,All practices', 'Care-team lead,All leads', 'Condition,Headache', 'Grouped by,Condition']);
    expect(lines[5]).toMatch(/^Computed at,"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UK time"$/);
    expect(lines.some((l) => l.startsWith('Small numbers,') && l.includes('fewer than 5 patients'))).toBe(true);
    expect(lines.some((l) => l.startsWith('"Baseline and follow-up",') || l.startsWith('Baseline and follow-up,'))).toBe(true);
    const header = lines.findIndex((l) => l.startsWith('Group,'));
    const columns = lines[header].split(',');
    const cells = (label: string) => lines.slice(header + 1).find((l) => l.startsWith(`${label},`))!.split(',');
    const [points, pointsN, note] = [columns.indexOf('PSEQ change (points)'), columns.indexOf('PSEQ change (points)') + 1, columns.indexOf('Note')];
    expect([cells('Jaw pain')[points], cells('Jaw pain')[pointsN], cells('Jaw pain')[note]]).toEqual(['', '2', 'Figures withheld: over fewer than 5 patients or able to reveal one that is']);
    expect([cells('Neck pain')[points], cells('Neck pain')[pointsN], cells('Neck pain')[note]]).toEqual(['', '5', 'Figures withheld: over fewer than 5 patients or able to reveal one that is']);
    expect([cells('Headache')[points], cells('Headache')[pointsN], cells('Headache')[note]]).toEqual(['10', '7', '']);
    expect([cells('Total')[points], cells('Total')[pointsN]]).toEqual(['10', '7']);
  });
});
