import { describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const POST = 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id actions { id } } }';
const ACK = 'mutation($id: ID!, $reply: String) { acknowledgeHandover(handoverId: $id, reply: $reply) { id } }';
const DONE = 'mutation($id: ID!) { markHandoverActionDone(actionId: $id) { id } }';
const REMOVE = 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }';
const DEACTIVATE = 'mutation($u: ID!) { setUserActive(userId: $u, active: false) { active } }';
const INBOX = '{ myNotifications(first: 50) { kind title body link } }';

type Posted = { postHandover: { id: string; actions: Array<{ id: string }> } };
type Inbox = { myNotifications: Array<{ kind: string; title: string; body: string; link: string }> };

const note = (patientId: string, actions: Array<{ description: string; assigneeId?: string }> = []) => ({
  input: { patientId, summary: 'Pacing plan for the flare', advice: 'Halve the walking target for a fortnight.', urgency: 'SOON', actions },
});

describe('a handover reaches the care team as it is now', () => {
  const server = useTestServer();
  const url = () => server().url;
  const sql = <T>(text: string, params: unknown[] = []) => server().orm.em.fork().getConnection().execute<T[]>(text, params);

  it('refuses an action for a team member whose account was deactivated, naming them, and stores nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const coachToken = await signInAs(url(), coach);
    // The physio has left: the administrator closes the account; they are still on the team.
    expect((await gql(url(), DEACTIVATE, { u: fcp.id }, await signInAs(url(), world.users.admin))).errors).toBeUndefined();
    const before = await lastCommittedSeq(server().orm.em.fork());

    const res = await gql(url(), POST, note(patient.id, [{ description: 'Send the leaflet' }, { description: 'Go over pacing', assigneeId: fcp.id }]), coachToken);
    expect([errorCode(res), res.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'actions.1.assigneeId']);
    expect(res.errors?.[0].message).toBe(`${fcp.name} no longer has an active account, so cannot be assigned this action.`);
    expect(await sql('select count(*)::int as n from handover_note where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
    expect(await readEventsAfter(server().orm.em.fork(), before, 100, { patientId: patient.id })).toEqual([]);
  });

  it('tells an author their handover was acknowledged, or its actions done, only while they may still read the patient', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([coach, gp, fcp]);
    const [coachToken, gpToken, fcpToken] = [await signInAs(url(), coach), await signInAs(url(), gp), await signInAs(url(), fcp)];
    const byPhysio = (await gql<Posted>(url(), POST, note(patient.id, [{ description: 'Book a review', assigneeId: gp.id }]), fcpToken)).data!.postHandover;
    const byGp = (await gql<Posted>(url(), POST, note(patient.id, [{ description: 'Go over pacing', assigneeId: coach.id }]), gpToken)).data!.postHandover;
    // The physio leaves the team: the patient's record is closed to them.
    expect((await gql(url(), REMOVE, { p: patient.id, u: fcp.id }, coachToken)).errors).toBeUndefined();

    expect((await gql(url(), DONE, { id: byPhysio.actions[0]!.id }, gpToken)).errors).toBeUndefined();
    expect((await gql(url(), DONE, { id: byGp.actions[0]!.id }, coachToken)).errors).toBeUndefined();
    for (const id of [byPhysio.id, byGp.id]) expect((await gql(url(), ACK, { id, reply: 'Seen: pacing plan agreed with the patient by phone.' }, coachToken)).errors).toBeUndefined();

    const told = async (token: string) => (await gql<Inbox>(url(), INBOX, {}, token)).data!.myNotifications.filter((n) => n.kind === 'HANDOVER_ACKNOWLEDGED' || n.kind === 'HANDOVER_ACTIONS_DONE');
    expect(await told(fcpToken)).toEqual([]);
    expect((await told(gpToken)).map((n) => [n.kind, n.link])).toEqual([
      ['HANDOVER_ACKNOWLEDGED', `/patients/${patient.id}/handovers/${byGp.id}`],
      ['HANDOVER_ACTIONS_DONE', `/patients/${patient.id}/handovers/${byGp.id}`],
    ]);
  });

  it('checks an assignee against the team as it is once a removal under way has ended: the member removed is refused, not given the action', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([coach, gp, fcp]);
    const [coachToken, gpToken] = [await signInAs(url(), coach), await signInAs(url(), gp)];
    const before = await lastCommittedSeq(server().orm.em.fork());

    // The test holds the team's turn (as `lockTeam` takes it): the GP's removal of the physio waits for it,
    // then the coach's handover assigning the physio an action must wait behind the removal.
    const [removed, refused] = await sentWhileTurnHeld(
      `care-team:${patient.id}`,
      [() => gql(url(), REMOVE, { p: patient.id, u: fcp.id }, gpToken), () => gql(url(), POST, note(patient.id, [{ description: 'Go over pacing', assigneeId: fcp.id }]), coachToken)],
      { inOrder: true },
    );

    expect(removed.errors).toBeUndefined();
    expect([errorCode(refused), refused.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'actions.0.assigneeId']);
    expect(refused.errors?.[0].message).toBe(`${fcp.name} is not on this patient's care team, so cannot be assigned this action.`);
    expect(await sql('select count(*)::int as n from handover_note where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
    const kinds = (await readEventsAfter(server().orm.em.fork(), before, 100, { patientId: patient.id })).map((e) => e.kind);
    expect(kinds.filter((k) => k !== 'NOTIFICATION')).toEqual(['CARE_TEAM_MEMBER_REMOVED']);
  });
});
