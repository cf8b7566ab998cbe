import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { auditedPatients, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const POST = 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }';
const AWAITING = '{ handoversAwaitingMyAcknowledgement { patient { id } } }';
const MY_ACTIONS = '{ myHandoverActions { handover { patient { id } } } }';
const SENT = '{ handoversISent { patient { id } } }';
const UNACKNOWLEDGED = '{ unacknowledgedHandovers { patient { id } } }';
const ESCALATED = '{ escalatedHandovers { patient { id } } }';

type Notes<K extends string> = Record<K, Array<{ patient: { id: string } }>>;

describe('the handover lists and "who has seen this patient?"', () => {
  const server = useTestServer();
  const url = () => server().url;

  it('each handover list leaves one audit entry per patient it shows, naming the list', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp, lead } = world.users;
    // The coach leads two patients; the GP hands over on one, the physio on the other, each note with an action for the coach.
    const first = await world.patient([coach, gp]);
    const second = await world.patient([coach, fcp]);
    const post = async (patientId: string, token: string) => {
      const res = await gql<{ postHandover: { id: string } }>(
        url(),
        POST,
        { input: { patientId, summary: 'Pacing plan', advice: 'Halve the walking target.', urgency: 'SOON', actions: [{ description: 'Go over pacing', assigneeId: coach.id }] } },
        token,
      );
      expect(res.errors).toBeUndefined();
      return res.data!.postHandover.id;
    };
    const gpToken = await signInAs(url(), gp);
    await post(first.id, gpToken);
    await post(first.id, gpToken); // two notes on one patient: still one entry for them per list shown
    const escalated = await post(second.id, await signInAs(url(), fcp));
    await server().orm.em.fork().getConnection().execute('update handover_note set escalated_at = now() where id = ?', [escalated]);
    const both = [first.id, second.id].sort();
    const shown = <K extends string>(list: Notes<K>, key: K) => [...new Set(list[key].map((n) => n.patient.id))].sort();

    const coachToken = await signInAs(url(), coach);
    const awaiting = (await gql<Notes<'handoversAwaitingMyAcknowledgement'>>(url(), AWAITING, {}, coachToken)).data!;
    expect(shown(awaiting, 'handoversAwaitingMyAcknowledgement')).toEqual(both);
    expect(await auditedPatients(coach.id, 'handover.awaitingMine')).toEqual(both);

    const actions = (await gql<{ myHandoverActions: Array<{ handover: { patient: { id: string } } }> }>(url(), MY_ACTIONS, {}, coachToken)).data!.myHandoverActions;
    expect([...new Set(actions.map((a) => a.handover.patient.id))].sort()).toEqual(both);
    expect(await auditedPatients(coach.id, 'handover.actionsMine')).toEqual(both);

    const sent = (await gql<Notes<'handoversISent'>>(url(), SENT, {}, gpToken)).data!;
    expect(shown(sent, 'handoversISent')).toEqual([first.id]);
    expect(await auditedPatients(gp.id, 'handover.sentByMe')).toEqual([first.id]);

    const leadToken = await signInAs(url(), lead);
    const unacknowledged = (await gql<Notes<'unacknowledgedHandovers'>>(url(), UNACKNOWLEDGED, {}, leadToken)).data!;
    expect(shown(unacknowledged, 'unacknowledgedHandovers')).toEqual(both);
    expect(await auditedPatients(lead.id, 'handover.unacknowledged')).toEqual(both);
    expect((await auditRows(server().orm, `actor_id = ? and action = 'handover.unacknowledged'`, [lead.id])).map((r) => [r.patient_id, r.outcome]).sort()).toEqual(both.map((id) => [id, 'ALLOWED']));

    const escalations = (await gql<Notes<'escalatedHandovers'>>(url(), ESCALATED, {}, leadToken)).data!;
    expect(shown(escalations, 'escalatedHandovers')).toEqual([second.id]);
    expect(await auditedPatients(lead.id, 'handover.escalations')).toEqual([second.id]);
  });
  it("lists a patient's handovers unacknowledged first, most urgent first, then the longest waiting; the acknowledged after, newest first", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const gpToken = await signInAs(url(), gp);
    const coachToken = await signInAs(url(), coach);
    const post = async (summary: string, urgency: 'URGENT' | 'SOON' | 'ROUTINE') => {
      const res = await gql<{ postHandover: { id: string } }>(url(), POST, { input: { patientId: patient.id, summary, advice: 'See the letter.', urgency } }, gpToken);
      expect(res.errors).toBeUndefined();
      return summary;
    };
    const acknowledge = async (summary: string) => {
      const id = ids.get(summary)!;
      const res = await gql(url(), 'mutation($id: ID!) { acknowledgeHandover(handoverId: $id) { id } }', { id }, coachToken);
      expect(res.errors).toBeUndefined();
    };
    // Posted in this order, oldest first: the escalated URGENT note is older than the SOON one (the UX review's Amelia White).
    for (const [summary, urgency] of [
      ['acknowledged long ago', 'URGENT'],
      ['urgent, escalated', 'URGENT'],
      ['acknowledged lately', 'ROUTINE'],
      ['soon', 'SOON'],
      ['routine', 'ROUTINE'],
      ['urgent, newer', 'URGENT'],
    ] as const) await post(summary, urgency);
    const listed = async () =>
      (await gql<{ patientHandovers: Array<{ id: string; summary: string }> }>(url(), 'query($id: ID!) { patientHandovers(patientId: $id) { id summary } }', { id: patient.id }, coachToken)).data!.patientHandovers;
    const ids = new Map((await listed()).map((n) => [n.summary, n.id]));
    await server().orm.em.fork().getConnection().execute('update handover_note set escalated_at = now() where id = ?', [ids.get('urgent, escalated')]);
    await acknowledge('acknowledged long ago');
    await acknowledge('acknowledged lately');

    expect((await listed()).map((n) => n.summary)).toEqual(['urgent, escalated', 'urgent, newer', 'soon', 'routine', 'acknowledged lately', 'acknowledged long ago']);
    // The inbox puts the same note first, so its link lands on the first card.
    const inbox = (await gql<{ handoversAwaitingMyAcknowledgement: Array<{ id: string }> }>(url(), '{ handoversAwaitingMyAcknowledgement { id } }', {}, coachToken)).data!;
    expect(inbox.handoversAwaitingMyAcknowledgement.filter((n) => [...ids.values()].includes(n.id))[0]!.id).toBe(ids.get('urgent, escalated'));
  });
});
