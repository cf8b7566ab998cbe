import { describe, expect, it, vi } from 'vitest';
import { gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { followUpInvitations } from './invitation-sweep.js';

const SAVE = `mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { id } }`;
const INVITE = `mutation($input: InvitePatientsInput!) { invitePatients(input: $input) { id } }`;
const REFER = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
const TRIAGE = `mutation($input: TriageReferralInput!) { triageReferral(input: $input) { id status } }`;
const referralDetails = { reason: 'Widespread pain for two years', wantsHelpWith: 'Sleeping better', consentToContact: true, contactMethod: 'PHONE' };
const timings = { noResponseDays: 28, reminderLeadDays: 7 };

describe('unanswered invitations: a reminder to the coach, then NO_RESPONSE', () => {
  // The module's own sweep runs often here, with the default timings (28 days, reminder 7 before).
  const server = useTestServer({ invitationSweepMs: 100 });
  const url = () => server().url;

  /** One invitation per patient, sent by the world's coach; returns their ids, patients and the world. */
  const invitations = async (count: number) => {
    const world = await makeWorld(server().orm.em.fork());
    const token = await signInAs(url(), world.users.coach);
    const patients = await Promise.all(Array.from({ length: count }, (_, i) => world.patient([world.users.gp], { familyName: `Invited${i} ${world.tag}`, status: PatientStatus.REFERRED })));
    const searchId = (await gql<{ saveCaseSearch: { id: string } }>(url(), SAVE, { input: { name: 'All', criteria: [{ kind: 'NOT_ON_PROGRAMME' }] } }, token)).data!.saveCaseSearch.id;
    const sent = await gql<{ invitePatients: Array<{ id: string }> }>(url(), INVITE, { input: { searchId, patientIds: patients.map((p) => p.id), channel: 'SMS' } }, token);
    return { ids: sent.data!.invitePatients.map((i) => i.id), patients, world, coach: world.users.coach };
  };
  /** Sets when an invitation was sent and when its coach was reminded, in days before now. */
  const age = (id: string, sentDaysAgo: number, remindedDaysAgo: number | null) =>
    ownerQuery(`update invitation set sent_at = now() - make_interval(days => $2), reminded_at = case when $3::int is null then null else now() - make_interval(days => $3::int) end where id = $1`, [id, sentDaysAgo, remindedDaysAgo]);
  const state = async (id: string) =>
    (await ownerQuery<{ status: string; reminded: boolean; status_at: Date | null; referral_id: string | null; reminders: number; closes: number; answered_events: number }>(
      `select i.status, i.reminded_at is not null as reminded, i.status_at, i.referral_id,
              (select count(*)::int from notification n where n.recipient_id = i.sent_by_id and n.patient_id = i.patient_id and n.kind = 'INVITATION_REMINDER') as reminders,
              (select count(*)::int from notification n where n.recipient_id = i.sent_by_id and n.patient_id = i.patient_id and n.kind = 'INVITATION_NO_RESPONSE') as closes,
              (select count(*)::int from event e where e.patient_id = i.patient_id and e.kind = 'INVITATION_ANSWERED' and e.actor_id is null and e.payload->>'status' = 'NO_RESPONSE') as answered_events
         from invitation i where i.id = $1`,
      [id],
    ))[0];

  it('reminds the coach once, when the invitation is due in the lead time; an invitation still young is left alone', async () => {
    const { ids: [young, due] } = await invitations(2);
    await age(young, 5, null);
    await age(due, 22, null);
    await followUpInvitations(server().orm.em.fork(), timings);
    await followUpInvitations(server().orm.em.fork(), timings);
    expect(await state(young)).toMatchObject({ status: 'INVITED', reminded: false, reminders: 0 });
    expect(await state(due)).toMatchObject({ status: 'INVITED', reminded: true, reminders: 1, closes: 0 });
  });

  it('marks NO_RESPONSE only once the time is up and the reminder has had its lead time; the coach is told and the timeline shows it', async () => {
    const { ids: [recentlyReminded, neverReminded, ready] } = await invitations(3);
    await age(recentlyReminded, 30, 2);
    await age(neverReminded, 30, null);
    await age(ready, 29, 8);
    await followUpInvitations(server().orm.em.fork(), timings);
    expect(await state(recentlyReminded)).toMatchObject({ status: 'INVITED', closes: 0 });
    // Overdue but never reminded (the sweep was down, say): the coach hears first.
    expect(await state(neverReminded)).toMatchObject({ status: 'INVITED', reminded: true, reminders: 1, closes: 0 });
    const closed = await state(ready);
    expect(closed).toMatchObject({ status: 'NO_RESPONSE', closes: 1, answered_events: 1 });
    expect(closed.status_at).not.toBeNull();
  });

  it("the case-finding module's own sweep does it while the server runs", async () => {
    const { ids: [id] } = await invitations(1);
    await age(id, 40, 10);
    await vi.waitFor(async () => expect((await state(id)).status).toBe('NO_RESPONSE'), { timeout: 10_000, interval: 100 });
    expect(await state(id)).toMatchObject({ closes: 1, answered_events: 1 });
  });

  it("closes an invitation overtaken by a referral made another way as REFERRED, linked to it: the coach is not told the patient never answered", async () => {
    const { ids: [awaiting, onProgramme], patients, world, coach } = await invitations(2);
    // Her GP refers each patient (the second is accepted onto the programme) before the invitation is chased.
    const gpToken = await signInAs(url(), world.users.gp);
    const referrals: string[] = [];
    for (const p of patients) {
      const made = await gql<{ createReferral: { id: string } }>(url(), REFER, { input: { patientId: p.id, details: referralDetails } }, gpToken);
      expect(made.errors).toBeUndefined();
      referrals.push(made.data!.createReferral.id);
    }
    const triaged = await gql(url(), TRIAGE, { input: { referralId: referrals[1], outcome: 'ACCEPT', coachId: coach.id } }, await signInAs(url(), coach));
    expect(triaged.errors).toBeUndefined();
    await age(awaiting, 22, null);
    await age(onProgramme, 29, 8);
    await followUpInvitations(server().orm.em.fork(), timings);
    expect(await state(awaiting)).toMatchObject({ status: 'REFERRED', referral_id: referrals[0], reminders: 0, closes: 0, answered_events: 0 });
    expect(await state(onProgramme)).toMatchObject({ status: 'REFERRED', referral_id: referrals[1], reminders: 0, closes: 0, answered_events: 0 });
    const closed = await ownerQuery<{ patient_id: string }>(`select patient_id from event where kind = 'INVITATION_ANSWERED' and payload->>'status' = 'REFERRED' and patient_id = any($1)`, [patients.map((p) => p.id)]);
    expect(closed.map((e) => e.patient_id).sort()).toEqual(patients.map((p) => p.id).sort());
  });

  it("reminds the PCN's coaches and service leads instead when the coach who sent the invitation has left", async () => {
    const { ids: [id], world, coach } = await invitations(1);
    await ownerQuery('update app_user set active = false where id = $1', [coach.id]);
    await age(id, 22, null);
    await followUpInvitations(server().orm.em.fork(), timings);
    expect(await state(id)).toMatchObject({ status: 'INVITED', reminded: true, reminders: 0 });
    const toLead = await ownerQuery<{ title: string }>(`select title from notification where recipient_id = $1 and kind = 'INVITATION_REMINDER'`, [world.users.lead.id]);
    expect(toLead.map((n) => n.title)).toEqual([`No answer yet from Pat Invited0 ${world.tag} to ${coach.name}'s invitation`]);
  });
});
