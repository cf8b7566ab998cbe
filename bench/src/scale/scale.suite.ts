import argon2 from 'argon2';
import { BENCH_PASSWORD, gqlHttp, startCairn } from '../support/cairn.js';
import { benchUuid, nationalSize, seedNationalService, type ServiceSize } from '../support/national-service.js';
import { ms, percentile, table } from '../support/stats.js';

/**
 * `npm run bench -- scale`: do the reads a PCN's people make every day take longer as the service grows? The same
 * reads, by the same people of the same PCN (its service lead, a coach, its GP, First Contact Physiotherapist and
 * pain management practitioner, over its 300 patients and their records) and by the specialist of the pain
 * service its patients are handed to (who keeps sight of as many patients on both), are timed on a service of
 * that one PCN (the baseline) and on a national one (300 PCNs × 300 patients, `seedNationalService`), each on a
 * fresh database and server of its own. A read scoped to the asker's patients takes about as long on both; one
 * whose time grows with the country reads more than its asker may see, and is marked. The service dashboard of a
 * PCN once hashed every accepted referral in the country, twice, and took three times as long.
 */
const RUNS = 9;
/** A read this many times slower nationally than on one PCN is marked. */
const MARKED_RATIO = 2;
const onePcn: ServiceSize = { pcns: 1, perPcn: nationalSize.perPcn };

type Role = 'lead' | 'coach' | 'gp' | 'fcp' | 'practitioner' | 'specialist';
/** Who asks, signed in as the seed names them: the people of PCN 1, and the specialist of service 1, to which PCN 1 hands patients. */
const askers: Record<Role, { email: string; title: string }> = {
  lead: { email: 'lead1@bench.invalid', title: 'service lead' },
  coach: { email: 'coach1.1@bench.invalid', title: 'coach' },
  gp: { email: 'gp1@bench.invalid', title: 'GP' },
  fcp: { email: 'fcp1@bench.invalid', title: 'FCP' },
  practitioner: { email: 'practitioner1@bench.invalid', title: 'pain practitioner' },
  specialist: { email: 'specialist1@bench.invalid', title: 'specialist' },
};
const roles = Object.keys(askers) as Role[];

interface Read {
  name: string;
  query: string;
  /** Who makes it: the roles on whose screens it is read (a home, a worklist, a patient's record). */
  by: Role[];
}

/** Stands in a read for the id of the case search the lead saves on each service (`saveSearch`). */
const SEARCH_ID = '<search>';
/**
 * Patient 3 of PCN 1: on the care team of coach 1.1 (its lead), the GP, the physiotherapist and the
 * practitioner, in the lead's PCN, and linked to specialist service 1.
 */
const patientId = benchUuid('patient', 1, 3);
const practiceId = benchUuid('practice', 1);
const pcnId = benchUuid('pcn', 1);
const both: Role[] = ['lead', 'coach'];
/** The PCN's own people: the specialist opens records, but sees no referrals, medication worklists or indicators. */
const pcnPeople: Role[] = ['lead', 'coach', 'gp', 'fcp', 'practitioner'];
/** Those the medication worklists are read by: the GP and the practitioner on their pages, the lead and coach as before. */
const medicationReaders: Role[] = ['lead', 'coach', 'gp', 'practitioner'];
/** Those who may see a practice's prescribing indicators (`may.viewPracticeIndicators`). */
const indicatorReaders: Role[] = ['lead', 'gp', 'practitioner'];
const list = (args: string) => `{ patients(first: 20${args}) { nodes { id name } totalCount } }`;
const indicators = (scope: string) => `{ prescribingIndicators(${scope}, months: 12) { months { month onOpioid omePer1000 reviewsDone patientsReduced } } }`;
const reads: Read[] = [
  { name: 'caseload, by name', query: list(''), by: roles },
  { name: 'caseload, by review date', query: list(', sort: REVIEW_DATE'), by: both },
  { name: 'caseload, my patients', query: list(', filter: { mine: true }'), by: pcnPeople },
  { name: 'caseload, reviews due', query: list(', sort: REVIEW_DATE, filter: { reviewDue: true }'), by: both },
  { name: 'caseload, a condition', query: list(', filter: { condition: "Osteoarthritis" }'), by: both },
  { name: 'patient search by name', query: list(', filter: { search: "Patient 1.2" }'), by: roles },
  { name: 'referral waiting list', query: '{ referralWaitingList { __typename } }', by: both },
  { name: 'referrals I made', query: '{ myReferrals { id } }', by: roles },
  { name: "coach's diary", query: '{ coachDiary { __typename } }', by: ['coach'] },
  { name: "coaches' capacity", query: '{ coachCapacities { __typename } }', by: both },
  { name: 'Pain Cafés to come', query: '{ painCafes { id } }', by: both },
  { name: 'Pain Cafés held', query: '{ painCafes(timeframe: PAST) { id } }', by: both },
  { name: 'analgesia reviews due', query: '{ medicationReviewsDue { __typename } }', by: medicationReaders },
  { name: 'medicine changes to approve', query: '{ medicationChangesAwaitingMyApproval { id } }', by: medicationReaders },
  { name: 'prescribing indicators offered', query: '{ indicatorScopes { id } }', by: indicatorReaders },
  { name: "a practice's prescribing indicators", query: indicators(`practiceId: "${practiceId}"`), by: indicatorReaders },
  { name: "a PCN's prescribing indicators", query: indicators(`pcnId: "${pcnId}"`), by: ['lead'] },
  { name: 'unacknowledged handovers', query: '{ unacknowledgedHandovers { id } }', by: ['lead'] },
  { name: 'escalated handovers', query: '{ escalatedHandovers { id } }', by: ['lead'] },
  { name: 'handovers to acknowledge', query: '{ handoversAwaitingMyAcknowledgement { id } }', by: roles },
  { name: 'my handover actions', query: '{ myHandoverActions { id } }', by: roles },
  { name: 'handovers I sent', query: '{ handoversISent { id acknowledgedAt } }', by: ['specialist'] },
  { name: "a home's check for changes", query: '{ latestChangeSeq }', by: ['lead', 'coach', 'practitioner', 'specialist'] },
  { name: 'notifications', query: '{ myNotifications { id } unreadNotificationCount }', by: roles },
  { name: 'colleagues', query: '{ colleagues { id } }', by: roles },
  { name: 'case searches', query: '{ myCaseSearches { id } }', by: both },
  { name: 'dashboard filter options', query: '{ dashboardFilterOptions { conditions } }', by: both },
  { name: 'service dashboard, by practice', query: '{ serviceDashboard(filter: { groupBy: PRACTICE }) { total { patients } } }', by: both },
  { name: 'service dashboard CSV', query: '{ serviceDashboardCsv(filter: { groupBy: PRACTICE }) }', by: ['lead'] },
  { name: 'a case search, run', query: `{ caseSearch(id: "${SEARCH_ID}") { results { patient { id } alreadyReferred lastContactAt } invitations { id } } }`, by: ['lead'] },
  { name: 'audit trail, newest 50', query: '{ auditEntries(first: 50) { nodes { id } } }', by: ['lead'] },
  { name: "audit trail, a patient's", query: `{ auditEntries(first: 50, filter: { patientId: "${patientId}" }) { nodes { id } } }`, by: ['lead'] },
  { name: 'audit trail, a coach\'s refusals', query: '{ auditEntries(first: 50, filter: { person: "Coach 1.1", outcome: DENIED }) { nodes { id } } }', by: ['lead'] },
  { name: "a patient's record", query: `{ patient(id: "${patientId}") { id name } }`, by: roles },
  { name: "a patient's measures", query: `{ patientOutcomes(patientId: "${patientId}") { __typename } }`, by: roles },
  { name: "a patient's sessions", query: `{ patientSessions(patientId: "${patientId}") { __typename } }`, by: roles },
  { name: "a patient's session cadence", query: `{ sessionCadence(patientId: "${patientId}") { __typename } }`, by: roles },
  { name: "a patient's referrals", query: `{ patientReferrals(patientId: "${patientId}") { id } }`, by: pcnPeople },
  { name: "a patient's handovers", query: `{ patientHandovers(patientId: "${patientId}") { id } }`, by: roles },
  { name: "a patient's medicines", query: `{ patientMedication(patientId: "${patientId}") { totalOmeMgPerDay } }`, by: roles },
  { name: "a patient's discussions", query: `{ patientThreads(patientId: "${patientId}") { id } }`, by: roles },
  { name: "a patient's timeline", query: `{ timeline(patientId: "${patientId}") { __typename } }`, by: roles },
  { name: 'coaches a session can be booked with', query: `{ bookableCoaches(patientId: "${patientId}") { id } }`, by: both },
  { name: "a patient's care plan", query: `{ carePlan(patientId: "${patientId}") { __typename } }`, by: roles },
];

/** Each read's median and p95 (ms) by each role, on one service. */
type Timings = Map<string, { median: number; p95: number }>;

export async function scaleBenchmark(): Promise<void> {
  const passwordHash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const baseline = await timeReads(onePcn, passwordHash);
  const national = await timeReads(nationalSize, passwordHash);
  const rows = [];
  let marked = 0;
  for (const read of reads) {
    for (const role of read.by) {
      const key = `${role} ${read.name}`;
      const one = baseline.get(key)!;
      const all = national.get(key)!;
      const ratio = all.median / one.median;
      if (ratio > MARKED_RATIO) marked++;
      rows.push({
        read: read.name,
        by: askers[role].title,
        [`one PCN p50 (baseline)`]: ms(one.median),
        [`${nationalSize.pcns} PCNs p50`]: ms(all.median),
        [`${nationalSize.pcns} PCNs p95`]: ms(all.p95),
        'national ÷ one PCN': `${ratio.toFixed(2)}${ratio > MARKED_RATIO ? ' ⚠' : ''}`,
      });
    }
  }
  table(rows);
  console.log(
    marked === 0
      ? `No read took more than ${MARKED_RATIO}× as long on ${nationalSize.pcns} PCNs as on one.`
      : `${marked} read(s) marked ⚠ took more than ${MARKED_RATIO}× as long on ${nationalSize.pcns} PCNs as on one: each reads more than its asker's PCN.`,
  );
}

/** A service of `size` on a fresh server; every read timed, after two warm-ups, by each of its askers. */
async function timeReads(size: ServiceSize, passwordHash: string): Promise<Timings> {
  const cairn = await startCairn();
  try {
    const seeded = performance.now();
    await seedNationalService(cairn.db.pool, passwordHash, size);
    console.log(`  · ${size.pcns} PCN(s) × ${size.perPcn} patients seeded in ${ms(performance.now() - seeded)}; timing ${reads.length} reads`);
    const tokens = await signInEveryone(cairn.url);
    const searchId = await saveSearch(cairn.url, tokens.lead);
    const timings: Timings = new Map();
    for (const read of reads) {
      for (const role of read.by) {
        const times: number[] = [];
        for (let i = 0; i < RUNS + 2; i++) {
          const started = performance.now();
          await gqlHttp(cairn.url, read.query.replace(SEARCH_ID, searchId), {}, tokens[role]);
          if (i >= 2) times.push(performance.now() - started);
        }
        timings.set(`${role} ${read.name}`, { median: percentile(times, 50), p95: percentile(times, 95) });
      }
    }
    return timings;
  } finally {
    await cairn.close();
  }
}

/** A token for each asker, signed in one after another (each sign-in hashes a password). */
async function signInEveryone(url: string): Promise<Record<Role, string>> {
  const tokens: Partial<Record<Role, string>> = {};
  for (const role of roles) tokens[role] = await signIn(url, askers[role].email);
  return tokens as Record<Role, string>;
}

async function signIn(url: string, email: string): Promise<string> {
  const data = await gqlHttp<{ signIn: { token: string } }>(url, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', { e: email, p: BENCH_PASSWORD });
  return data.signIn.token;
}

/** A case search as a lead saves one: a condition, and no contact with the service since mid-2025. */
async function saveSearch(url: string, token: string): Promise<string> {
  const criteria = [
    { kind: 'CONDITIONS', values: ['Osteoarthritis'] },
    { kind: 'NO_CONTACT_SINCE', date: '2025-06-01' },
  ];
  const data = await gqlHttp<{ saveCaseSearch: { id: string } }>(url, 'mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { id } }', { input: { name: 'Osteoarthritis, no recent contact', criteria } }, token);
  return data.saveCaseSearch.id;
}
