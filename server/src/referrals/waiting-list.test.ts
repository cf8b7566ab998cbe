import { describe, expect, it } from 'vitest';
import { auditedPatients, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { NHS_RTT_STANDARD_WEEKS, waitingEntry, waitingList, workingDaysBetween } from './waiting-list.js';
import type { Referral } from './referral.entity.js';

const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id } }`;
const LIST = `{ referralWaitingList { breachWeeks entries { stage waitedWorkingDays waitedWeeks breached breachOn referral { id receivedAt patient { name } } } } }`;
const details = { reason: 'Chronic low back pain', wantsHelpWith: 'Pacing at work', consentToContact: true, contactMethod: 'SMS' };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

describe('the waiting list', () => {
  const server = useTestServer();
  const url = () => server().url;

  it('counts working days as the handover escalation does: weekends and bank holidays of England and Wales left out', () => {
    // Thursday 17 April 2025 → Tuesday 22 April: Good Friday and Easter Monday are holidays, so one working day.
    expect(workingDaysBetween(new Date('2025-04-17T10:00:00Z'), new Date('2025-04-22T09:00:00Z'))).toBe(1);
    expect(workingDaysBetween(new Date('2025-06-02T10:00:00Z'), new Date('2025-06-09T10:00:00Z'))).toBe(5);
    expect(workingDaysBetween(new Date('2025-06-02T10:00:00Z'), new Date('2025-06-02T18:00:00Z'))).toBe(0);
    // UK days, not UTC: received at 00:20 BST on Tuesday 3 June (23:20 UTC on Monday); Wednesday morning is one working day on.
    expect(workingDaysBetween(new Date('2025-06-02T23:20:00Z'), new Date('2025-06-04T08:00:00Z'))).toBe(1);
    // The breach day is 18 weeks on from the UK day received, across the clock change: 2 March 23:30 GMT is 6 July.
    const late = { receivedAt: new Date('2026-03-02T23:30:00Z'), status: 'RECEIVED' } as Referral;
    expect(waitingEntry(late, 18, new Date('2026-07-05T22:59:00Z'))).toMatchObject({ breachOn: '2026-07-06', breached: false });
    expect(waitingEntry(late, 18, new Date('2026-07-05T23:00:00Z'))).toMatchObject({ breachOn: '2026-07-06', breached: true });
    expect(NHS_RTT_STANDARD_WEEKS).toBe(18);
  });

  it('lists untriaged referrals and accepted patients not yet seen, oldest first, each with its wait and an 18-week breach flag', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { gp, coach } = world.users;
    const gpToken = await signInAs(url(), gp);
    const coachToken = await signInAs(url(), coach);
    const refer = async (familyName: string, receivedDaysAgo: number) => {
      const patient = await world.patient([gp], { familyName: `${familyName} ${world.tag}`, status: PatientStatus.REFERRED });
      const id = (await gql<{ createReferral: { id: string } }>(url(), CREATE, { input: { patientId: patient.id, details } }, gpToken)).data!.createReferral.id;
      await ownerQuery('update referral set received_at = $2 where id = $1', [id, daysAgo(receivedDaysAgo)]);
      return id;
    };
    const recent = await refer('Recent', 3);
    const breached = await refer('Breached', 19 * 7);
    const accepted = await refer('Accepted', 40);
    const seen = await refer('Seen', 60);
    const seenOutside = await refer('SeenOutside', 50);
    const booked = await refer('Booked', 45);
    for (const id of [accepted, seen, seenOutside, booked]) await gql(url(), TRIAGE, { input: { referralId: id, outcome: 'ACCEPT', coachId: coach.id } }, coachToken);
    // Seen: an ATTENDED coaching session after acceptance, or a first contact recorded outside the diary.
    // A session only booked is not being seen.
    const session = (referralId: string, status: string, hoursFromNow: number) =>
      ownerQuery(
        `insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id, recorded_by_id, recorded_at)
         select gen_random_uuid(), r.patient_id, $2, now() + make_interval(hours => $4), now() + make_interval(hours => $4 + 1), 'PHONE', 'First session', $3, $2, $2, now()
           from referral r where r.id = $1`,
        [referralId, coach.id, status, hoursFromNow],
      );
    await ownerQuery(`update referral set triaged_at = now() - interval '3 days' where id = $1`, [seen]);
    await session(seen, 'ATTENDED', -1);
    await session(booked, 'BOOKED', 48);
    await ownerQuery('update referral set first_seen_at = now() where id = $1', [seenOutside]);

    const list = (await gql<{ referralWaitingList: { breachWeeks: number; entries: Array<{ stage: string; waitedWorkingDays: number; waitedWeeks: number; breached: boolean; referral: { id: string; receivedAt: string } }> } }>(url(), LIST, {}, coachToken)).data!.referralWaitingList;
    expect(list.breachWeeks).toBe(18);
    expect(list.entries.map((e) => e.referral.id)).toEqual([breached, booked, accepted, recent]);
    // Each patient the list named is in the audit trail as seen by the coach.
    const listed = await ownerQuery<{ patient_id: string }>('select distinct patient_id from referral where id = any($1) order by patient_id', [[breached, booked, accepted, recent]]);
    expect(await auditedPatients(coach.id, 'referral.waitingList')).toEqual(listed.map((r) => r.patient_id));
    expect(list.entries.map((e) => [e.stage, e.breached, e.waitedWeeks])).toEqual([
      ['AWAITING_TRIAGE', true, 19],
      ['AWAITING_FIRST_CONTACT', false, 6],
      ['AWAITING_FIRST_CONTACT', false, 5],
      ['AWAITING_TRIAGE', false, 0],
    ]);
    for (const e of list.entries) expect(e.waitedWorkingDays).toBe(workingDaysBetween(new Date(e.referral.receivedAt), new Date()));

    // The service lead sees the same list; the threshold is configuration (here 4 weeks).
    expect((await gql<{ referralWaitingList: { entries: unknown[] } }>(url(), LIST, {}, await signInAs(url(), world.users.lead))).data!.referralWaitingList.entries).toHaveLength(4);
    const tighter = await waitingList(server().orm.em.fork(), world.pcn.id, 4);
    expect(tighter.entries.map((e) => e.breached)).toEqual([true, true, true, false]);
    // Another PCN's coach sees none of it.
    expect((await gql<{ referralWaitingList: { entries: unknown[] } }>(url(), LIST, {}, await signInAs(url(), world.users.outsider))).data!.referralWaitingList.entries).toEqual([]);
  });
});
