import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditRows, auditRowsEventually } from '../test-support/audit-rows.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const ADD = 'mutation($p: ID!, $u: ID!, $r: String) { addCareTeamMember(patientId: $p, userId: $u, teamRole: $r) { teamRole isLead user { id } } }';
const REMOVE = 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { careTeam { user { id } } } }';
const LEAD = 'mutation($p: ID!, $u: ID!) { setCareTeamLead(patientId: $p, userId: $u) { isLead user { id } } }';
const BOOK = 'mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }';
const CANCEL_SESSION = 'mutation($input: CancelSessionInput!) { cancelSession(input: $input) { session { id } } }';
const RECORD_SESSION = 'mutation($input: RecordSessionInput!) { recordSession(input: $input) { detail { session { id } } } }';
const TEAM = 'query($p: ID!) { patient(id: $p) { lead { user { id } } careTeam { isLead user { id } } } }';

type Team = { patient: { lead: { user: { id: string } } | null; careTeam: Array<{ isLead: boolean; user: { id: string } }> } };

describe('managing a care team', () => {
  const server = useTestServer();

  it('the lead adds a member, hands over the lead, and the old lead can then be removed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const coach = await signInAs(server().url, world.users.coach);
    const added = await gql(server().url, ADD, { p: patient.id, u: world.users.fcp.id, r: 'MSK review' }, coach);
    expect(added.data).toEqual({ addCareTeamMember: { teamRole: 'MSK review', isLead: false, user: { id: world.users.fcp.id } } });

    expect(errorCode(await gql(server().url, REMOVE, { p: patient.id, u: world.users.coach.id }, coach))).toBe('CONFLICT');
    const lead = await gql(server().url, LEAD, { p: patient.id, u: world.users.fcp.id }, coach);
    expect(lead.data).toEqual({ setCareTeamLead: { isLead: true, user: { id: world.users.fcp.id } } });

    const fcp = await signInAs(server().url, world.users.fcp);
    const removed = await gql<{ removeCareTeamMember: { careTeam: Array<{ user: { id: string } }> } }>(server().url, REMOVE, { p: patient.id, u: world.users.coach.id }, fcp);
    expect(removed.data?.removeCareTeamMember.careTeam.map((m) => m.user.id).sort()).toEqual([world.users.fcp.id, world.users.gp.id].sort());

    const team = await gql<Team>(server().url, TEAM, { p: patient.id }, fcp);
    expect(team.data?.patient.lead?.user.id).toBe(world.users.fcp.id);
    expect(team.data?.patient.careTeam.filter((m) => m.isLead)).toHaveLength(1);
    // The removed coach no longer sees the patient at all.
    expect(errorCode(await gql(server().url, TEAM, { p: patient.id }, coach))).toBe('NOT_FOUND');
  });

  it('refuses bad changes clearly and changes nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.pharm]);
    const coach = await signInAs(server().url, world.users.coach);
    const pharm = await signInAs(server().url, world.users.pharm);

    const dup = await gql(server().url, ADD, { p: patient.id, u: world.users.pharm.id }, coach);
    expect(errorCode(dup)).toBe('CONFLICT');
    expect(dup.errors?.[0].message).toMatch(/already on this care team/);
    const admin = await gql(server().url, ADD, { p: patient.id, u: world.users.admin.id }, coach);
    expect([errorCode(admin), admin.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'userId']);
    expect(errorCode(await gql(server().url, ADD, { p: patient.id, u: 'not-an-id' }, coach))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(server().url, LEAD, { p: patient.id, u: world.users.gp.id }, coach))).toBe('NOT_FOUND');
    // A member who is not the lead (nor a GP) may not change the team.
    const notLead = await gql(server().url, ADD, { p: patient.id, u: world.users.fcp.id }, pharm);
    expect(errorCode(notLead)).toBe('FORBIDDEN');
    // Someone with no relationship learns nothing.
    expect(errorCode(await gql(server().url, ADD, { p: patient.id, u: world.users.fcp.id }, await signInAs(server().url, world.users.outsider)))).toBe('NOT_FOUND');

    const team = await gql<Team>(server().url, TEAM, { p: patient.id }, coach);
    expect(team.data?.patient.careTeam.map((m) => [m.user.id, m.isLead])).toEqual([
      [world.users.coach.id, true],
      [world.users.pharm.id, false],
    ]);
  });

  it('refuses to remove a coach with sessions still booked with the patient, naming how many and the next; once they are cancelled the coach is removed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.gp, world.users.coach], { givenName: 'Rhian', familyName: `Pugh ${world.tag}` });
    const gp = await signInAs(server().url, world.users.gp);
    /** A session booked with the coach, and its time as the Cancel form shows it (`seen`). */
    const book = async (daysAhead: number) => {
      const startsAt = new Date(Date.now() + daysAhead * 86_400_000);
      const seen = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString() };
      const res = await gql<{ bookSession: { session: { id: string } } }>(server().url, BOOK, { input: { patientId: patient.id, coachId: world.users.coach.id, ...seen, mode: 'PHONE', purpose: 'Pacing' } }, gp);
      expect(res.errors).toBeUndefined();
      return { sessionId: res.data!.bookSession.session.id, seen };
    };
    const sessions = [await book(9), await book(2)];

    const refused = await gql(server().url, REMOVE, { p: patient.id, u: world.users.coach.id }, gp);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(
      new RegExp(`^${world.users.coach.name} has 2 sessions booked with Rhian Pugh ${world.tag} still to come \\(the next on \\w+day,? \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d–\\d\\d:\\d\\d\\)\\. Cancel them on the Sessions tab first`),
    );
    const team = async () => (await gql<Team>(server().url, TEAM, { p: patient.id }, gp)).data!.patient.careTeam.map((m) => m.user.id).sort();
    expect(await team()).toEqual([world.users.gp.id, world.users.coach.id].sort());

    for (const session of sessions) expect((await gql(server().url, CANCEL_SESSION, { input: { ...session, cancelledBy: 'CLINIC', reason: 'Coach leaving the team' } }, gp)).errors).toBeUndefined();
    expect((await gql(server().url, REMOVE, { p: patient.id, u: world.users.coach.id }, gp)).errors).toBeUndefined();
    expect(await team()).toEqual([world.users.gp.id]);
  });

  it('refuses to remove a coach with a past session never recorded, saying it waits to be recorded beside those still to come; once recorded and cancelled the coach is removed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach } = world.users;
    const patient = await world.patient([world.users.gp, coach], { givenName: 'Gethin', familyName: `Rees ${world.tag}` });
    const gp = await signInAs(server().url, world.users.gp);
    const slotOf = (startsAt: Date) => ({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString() });
    // Held last week and never recorded: inserted as booked then (booking itself refuses the past).
    const held = slotOf(new Date(Date.now() - 7 * 86_400_000));
    const [{ id: heldId }] = await ownerQuery<{ id: string }>(
      `insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id)
       values (gen_random_uuid(), $1, $2, $3, $4, 'PHONE', 'Pacing', 'BOOKED', $2) returning id`,
      [patient.id, coach.id, held.startsAt, held.endsAt],
    );
    const team = async () => (await gql<Team>(server().url, TEAM, { p: patient.id }, gp)).data!.patient.careTeam.map((m) => m.user.id).sort();
    const when = '\\w+day,? \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d–\\d\\d:\\d\\d';

    const refused = await gql(server().url, REMOVE, { p: patient.id, u: coach.id }, gp);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(
      new RegExp(`^${coach.name} has a session booked with Gethin Rees ${world.tag} waiting to be recorded \\(${when}\\)\\. Record or cancel it on the Sessions tab first, then remove ${coach.name}\\.$`),
    );
    expect(await team()).toEqual([world.users.gp.id, coach.id].sort());

    // With one still to come as well, the refusal tells the two apart.
    const next = slotOf(new Date(Date.now() + 2 * 86_400_000));
    const booked = await gql<{ bookSession: { session: { id: string } } }>(server().url, BOOK, { input: { patientId: patient.id, coachId: coach.id, ...next, mode: 'PHONE', purpose: 'Pacing' } }, gp);
    expect(booked.errors).toBeUndefined();
    const both = await gql(server().url, REMOVE, { p: patient.id, u: coach.id }, gp);
    expect(errorCode(both)).toBe('CONFLICT');
    expect(both.errors![0].message).toMatch(
      new RegExp(`^${coach.name} has 2 sessions booked with Gethin Rees ${world.tag}: 1 waiting to be recorded \\(${when}\\) and 1 still to come \\(the next on ${when}\\)\\. Record or cancel them on the Sessions tab first, booking another coach if the patient needs one`),
    );
    expect(await team()).toEqual([world.users.gp.id, coach.id].sort());

    // The coach records the one held; the GP cancels the one to come: the coach can then be removed.
    expect((await gql(server().url, RECORD_SESSION, { input: { sessionId: heldId, outcome: 'DNA', seen: held } }, await signInAs(server().url, coach))).errors).toBeUndefined();
    expect((await gql(server().url, CANCEL_SESSION, { input: { sessionId: booked.data!.bookSession.session.id, seen: next, cancelledBy: 'CLINIC', reason: 'Coach leaving the team' } }, gp)).errors).toBeUndefined();
    expect((await gql(server().url, REMOVE, { p: patient.id, u: coach.id }, gp)).errors).toBeUndefined();
    expect(await team()).toEqual([world.users.gp.id]);
  });

  it('never leaves a team without its one lead when the lead is handed to a member someone is removing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const [coach, gp] = [await signInAs(server().url, world.users.coach), await signInAs(server().url, world.users.gp)];
    for (let round = 0; round < 6; round++) {
      const patient = await world.patient([world.users.coach, world.users.gp, world.users.fcp]);
      const [lead, removed] = await Promise.all([
        gql(server().url, LEAD, { p: patient.id, u: world.users.fcp.id }, coach),
        gql(server().url, REMOVE, { p: patient.id, u: world.users.fcp.id }, gp),
      ]);
      // One of them wins; the other is refused (CONFLICT, or NOT_FOUND when the member had already gone).
      const refused = [lead, removed].filter((r) => r.errors).map(errorCode);
      expect(refused).toHaveLength(1);
      expect(['CONFLICT', 'NOT_FOUND']).toContain(refused[0]);
      const team = (await gql<Team>(server().url, TEAM, { p: patient.id }, gp)).data!.patient.careTeam;
      expect(team.filter((m) => m.isLead)).toHaveLength(1);
      const fcpLeads = team.some((m) => m.user.id === world.users.fcp.id && m.isLead);
      expect(fcpLeads).toBe(!lead.errors);
    }
  });

  it('adds a member once and makes a lead once however many ask at the same moment: one answer, the rest CONFLICT, one event each', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const coach = await signInAs(server().url, world.users.coach);
    const events = async (patientId: string, kind: string) =>
      (await server().orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from event where patient_id = ? and kind = ?', [patientId, kind]))[0].n;
    for (let round = 0; round < 3; round++) {
      const patient = await world.patient([world.users.coach]);
      const adds = await Promise.all(Array.from({ length: 8 }, () => gql(server().url, ADD, { p: patient.id, u: world.users.gp.id }, coach)));
      expect(adds.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of adds.filter((r) => r.errors)) expect([errorCode(r), r.errors?.[0].message]).toEqual(['CONFLICT', `${world.users.gp.name} is already on this care team.`]);
      expect(await events(patient.id, 'CARE_TEAM_MEMBER_ADDED')).toBe(1);

      const leads = await Promise.all(Array.from({ length: 8 }, () => gql(server().url, LEAD, { p: patient.id, u: world.users.gp.id }, coach)));
      // Each is answered with the lead as asked; only one of them changed it.
      for (const r of leads) expect(r.data).toEqual({ setCareTeamLead: { isLead: true, user: { id: world.users.gp.id } } });
      expect(await events(patient.id, 'CARE_TEAM_LEAD_CHANGED')).toBe(1);
    }
  });

  it('adds only clinicians of the patient’s PCN or a specialist pain service', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const coach = await signInAs(server().url, world.users.coach);
    const elsewhere = await gql(server().url, ADD, { p: patient.id, u: world.users.outsider.id }, coach);
    expect([errorCode(elsewhere), elsewhere.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'userId']);
    expect(elsewhere.errors?.[0].message).toMatch(/works outside this patient's PCN/);
    expect(errorCode(await gql(server().url, TEAM, { p: patient.id }, await signInAs(server().url, world.users.outsider)))).toBe('NOT_FOUND');
    expect((await gql(server().url, ADD, { p: patient.id, u: world.users.specialist.id }, coach)).errors).toBeUndefined();
  });

  it('refuses to hand the lead to a member whose account was deactivated, naming them, and changes nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const coach = await signInAs(server().url, world.users.coach);
    // The physio has left: the administrator closes the account; they are still on the team.
    const closed = await gql(server().url, 'mutation($u: ID!) { setUserActive(userId: $u, active: false) { active } }', { u: world.users.fcp.id }, await signInAs(server().url, world.users.admin));
    expect(closed.errors).toBeUndefined();

    const res = await gql(server().url, LEAD, { p: patient.id, u: world.users.fcp.id }, coach);
    expect([errorCode(res), res.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'userId']);
    expect(res.errors?.[0].message).toBe(`${world.users.fcp.name} no longer has an active account, so cannot be made this patient's lead.`);
    const team = await gql<Team>(server().url, TEAM, { p: patient.id }, coach);
    expect(team.data?.patient.careTeam.map((m) => [m.user.id, m.isLead])).toEqual([
      [world.users.coach.id, true],
      [world.users.fcp.id, false],
    ]);
    expect(await auditRows(server().orm, `action = 'careTeam.setLead' and patient_id = ?`, [patient.id])).toEqual([]);
    expect(await server().orm.em.fork().getConnection().execute(`select kind from event where patient_id = ? and kind = 'CARE_TEAM_LEAD_CHANGED'`, [patient.id])).toEqual([]);
  });

  it('answers a change naming someone not on the team as a made-up id is answered: NOT_FOUND, audited as refused', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const coach = await signInAs(server().url, world.users.coach);
    const madeUp = randomUUID();
    const refusals: Array<[string, string, string]> = [
      [LEAD, madeUp, 'careTeam.setLead'],
      [REMOVE, madeUp, 'careTeam.remove'],
      [LEAD, world.users.gp.id, 'careTeam.setLead'], // a real colleague, not on this team
      [REMOVE, world.users.gp.id, 'careTeam.remove'],
    ];
    for (const [mutation, userId] of refusals) {
      const res = await gql(server().url, mutation, { p: patient.id, u: userId }, coach);
      expect([errorCode(res), res.errors?.[0].message]).toEqual(['NOT_FOUND', 'No such care-team member, or you do not have access to it.']);
    }
    const denied = await auditRowsEventually(server().orm, `actor_id = ? and outcome = 'DENIED'`, [world.users.coach.id], (rows) => rows.length >= refusals.length);
    expect(denied.map((r) => [r.action, r.patient_id, r.detail?.userId])).toEqual(refusals.map(([, userId, action]) => [action, patient.id, userId]));
  });

  it("lets the PCN's service lead manage any team in the PCN", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const lead = await signInAs(server().url, world.users.lead);
    expect((await gql(server().url, ADD, { p: patient.id, u: world.users.gp.id }, lead)).errors).toBeUndefined();
    expect((await gql(server().url, LEAD, { p: patient.id, u: world.users.gp.id }, lead)).errors).toBeUndefined();
  });
});
