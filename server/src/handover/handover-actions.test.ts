import { describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const POST = `mutation($input: PostHandoverInput!) { postHandover(input: $input) { id actions { id description } } }`;
const DONE = 'mutation($id: ID!) { markHandoverActionDone(actionId: $id) { id doneAt doneBy { id name } } }';
const NOTE = 'query($id: ID!) { handover(id: $id) { actions { id doneAt doneBy { name } } } }';
const MINE = 'query($all: Boolean!) { myHandoverActions(includeDone: $all) { id description doneAt doneBy { name } } }';
const INBOX = '{ myNotifications(first: 50) { kind title body link } }';
const TIMELINE = 'query($p: ID!) { timeline(patientId: $p, first: 50) { nodes { kind payload } } }';

describe('recommended actions, to the end', () => {
  const server = useTestServer();
  const url = () => server().url;

  async function setUp() {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp, specialist } = world.users;
    // The coach leads; the GP and the physio each have an action; one action is for nobody in particular.
    const patient = await world.patient([coach, gp, fcp]);
    await world.linkSpecialist(patient);
    const tokens = Object.fromEntries(await Promise.all(Object.entries({ coach, gp, fcp, specialist, outsider: world.users.outsider }).map(async ([k, u]) => [k, await signInAs(url(), u)] as const)));
    const posted = await gql<{ postHandover: { id: string; actions: Array<{ id: string; description: string }> } }>(
      url(),
      POST,
      {
        input: {
          patientId: patient.id,
          summary: 'Taper the pregabalin',
          advice: 'Reduce by 75 mg a fortnight.',
          urgency: 'SOON',
          actions: [
            { description: 'Book a medication review', assigneeId: gp.id },
            { description: 'Go over pacing with the patient', assigneeId: fcp.id },
            { description: 'Send the leaflet' },
          ],
        },
      },
      tokens.specialist,
    );
    expect(posted.errors).toBeUndefined();
    const [review, pacing, leaflet] = posted.data!.postHandover.actions;
    return { world, patient, tokens, noteId: posted.data!.postHandover.id, review, pacing, leaflet };
  }

  it('are marked done by the assignee or the lead, once, with who and when; then the note says all are done and its author is told', async () => {
    const { world, patient, tokens, noteId, review, pacing, leaflet } = await setUp();
    // The GP marks their own action done.
    const before = Date.now();
    const done = await gql<{ markHandoverActionDone: { doneAt: string; doneBy: { id: string } } }>(url(), DONE, { id: review.id }, tokens.gp);
    expect(done.errors).toBeUndefined();
    expect(done.data!.markHandoverActionDone.doneBy.id).toBe(world.users.gp.id);
    expect(Date.parse(done.data!.markHandoverActionDone.doneAt)).toBeGreaterThanOrEqual(before - 1000);
    // Twice is a conflict naming who did it; the physio cannot mark the GP's action, nor the unassigned one.
    const again = await gql(url(), DONE, { id: review.id }, tokens.coach);
    expect([errorCode(again), again.errors?.[0].message]).toEqual(['CONFLICT', 'This action was already marked done by GP.']);
    const notTheirs = await gql(url(), DONE, { id: leaflet.id }, tokens.fcp);
    expect([errorCode(notTheirs), notTheirs.errors?.[0].message]).toEqual(['FORBIDDEN', "Only the person this action is assigned to or the care team's lead can mark it done."]);
    // Someone with no access to the patient cannot even tell the action exists.
    expect(errorCode(await gql(url(), DONE, { id: pacing.id }, tokens.outsider))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), DONE, { id: '00000000-0000-4000-8000-000000000000' }, tokens.coach))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), DONE, { id: 'not-an-id' }, tokens.coach))).toBe('BAD_USER_INPUT'); // the input gate checks every ID

    // The physio's own; then the lead marks the unassigned one, the last.
    expect((await gql(url(), DONE, { id: pacing.id }, tokens.fcp)).errors).toBeUndefined();
    expect((await gql(url(), INBOX, {}, tokens.specialist)).data).toEqual({ myNotifications: [] });
    expect((await gql(url(), DONE, { id: leaflet.id }, tokens.coach)).errors).toBeUndefined();
    const note = await gql<{ handover: { actions: Array<{ id: string; doneAt: string | null; doneBy: { name: string } | null }> } }>(url(), NOTE, { id: noteId }, tokens.coach);
    expect(note.data!.handover.actions.map((a) => [a.id, a.doneBy?.name, a.doneAt !== null])).toEqual([
      [review.id, 'GP', true],
      [pacing.id, 'Physio', true],
      [leaflet.id, 'Coach', true],
    ]);
    const told = await gql<{ myNotifications: Array<{ kind: string; title: string; link: string }> }>(url(), INBOX, {}, tokens.specialist);
    expect(told.data!.myNotifications).toEqual([
      { kind: 'HANDOVER_ACTIONS_DONE', title: `Every recommended action in your handover for ${patient.givenName} ${patient.familyName} is done`, body: 'Taper the pregabalin', link: `/patients/${patient.id}/handovers/${noteId}` },
    ]);
    // The timeline says who did each, and which one finished the list.
    const timeline = await gql<{ timeline: { nodes: Array<{ kind: string; payload: { actionId: string; allDone: boolean } }> } }>(url(), TIMELINE, { p: patient.id }, tokens.coach);
    const doneEvents = timeline.data!.timeline.nodes.filter((n) => n.kind === 'HANDOVER_ACTION_DONE').reverse();
    expect(doneEvents.map((e) => [e.payload.actionId, e.payload.allDone])).toEqual([
      [review.id, false],
      [pacing.id, false],
      [leaflet.id, true],
    ]);
    // Nothing else about an action can change, in the database itself.
    await expect(server().orm.em.fork().getConnection().execute(`update handover_action set description = 'changed' where id = ?`, [review.id])).rejects.toThrow(/only marked done once/);
    await expect(server().orm.em.fork().getConnection().execute(`update handover_action set done_at = null, done_by_id = null where id = ?`, [review.id])).rejects.toThrow(/only marked done once/);
  });

  it('tells the assignee when the lead marks their action done for them, while they may still read the patient', async () => {
    const { world, patient, tokens, noteId, review, pacing } = await setUp();
    const REMOVE = 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }';
    const doneForThem = async (token: string) =>
      (await gql<{ myNotifications: Array<{ kind: string; title: string; body: string; link: string }> }>(url(), INBOX, {}, token)).data!.myNotifications.filter((n) => n.kind === 'HANDOVER_ACTION_DONE_FOR_YOU');
    // The coach leads: they mark the GP's action done, so it leaves the GP's list without the GP doing anything.
    expect((await gql(url(), DONE, { id: review.id }, tokens.coach)).errors).toBeUndefined();
    expect(await doneForThem(tokens.gp)).toEqual([
      {
        kind: 'HANDOVER_ACTION_DONE_FOR_YOU',
        title: `Coach marked your action for ${patient.givenName} ${patient.familyName} done`,
        body: 'Book a medication review',
        link: `/patients/${patient.id}/handovers/${noteId}`,
      },
    ]);
    expect(await doneForThem(tokens.coach)).toEqual([]);
    // The physio has left the team: the record is closed to them, so they are not told of it.
    expect((await gql(url(), REMOVE, { p: patient.id, u: world.users.fcp.id }, tokens.coach)).errors).toBeUndefined();
    expect((await gql(url(), DONE, { id: pacing.id }, tokens.coach)).errors).toBeUndefined();
    expect(await doneForThem(tokens.fcp)).toEqual([]);
  });

  it('"my actions" lists the open ones, and the done ones too when asked', async () => {
    const { tokens, review } = await setUp();
    const mine = async (all: boolean) => (await gql<{ myHandoverActions: Array<{ id: string; doneAt: string | null; doneBy: { name: string } | null }> }>(url(), MINE, { all }, tokens.gp)).data!.myHandoverActions;
    expect((await mine(false)).map((a) => a.id)).toEqual([review.id]);
    expect((await gql(url(), DONE, { id: review.id }, tokens.gp)).errors).toBeUndefined();
    expect(await mine(false)).toEqual([]);
    expect((await mine(true)).map((a) => [a.id, a.doneBy?.name])).toEqual([[review.id, 'GP']]);
  });

  it('a refused mark changes nothing and records no event', async () => {
    const { patient, tokens, leaflet } = await setUp();
    const before = await lastCommittedSeq(server().orm.em.fork());
    expect(errorCode(await gql(url(), DONE, { id: leaflet.id }, tokens.gp))).toBe('FORBIDDEN');
    expect(await readEventsAfter(server().orm.em.fork(), before, 100, { patientId: patient.id })).toEqual([]);
    expect(await server().orm.em.fork().getConnection().execute('select done_at from handover_action where id = ?', [leaflet.id])).toEqual([{ done_at: null }]);
  });
});
