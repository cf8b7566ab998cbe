import { describe, expect, it } from 'vitest';
import { Role, User } from '../auth/user.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer, wsConnect } from '../test-support/harness.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { escalateDueHandovers } from './handover-escalation.js';

const NOTE_FIELDS = `id acknowledgedAt acknowledgedBy { id name } acknowledgedOnBehalfOf { id name } acknowledgementReply
  escalatedAt escalationOpen escalationOutcome escalationNote escalationHandledAt escalationHandledBy { id name } patient { id name }`;
const ON_BEHALF = `mutation($id: ID!, $note: String!) { acknowledgeHandoverOnBehalf(handoverId: $id, note: $note) { ${NOTE_FIELDS} } }`;
const REASSIGN = `mutation($id: ID!, $to: ID!, $note: String) { reassignLeadFromEscalation(handoverId: $id, newLeadId: $to, note: $note) { ${NOTE_FIELDS} } }`;
const ACK = 'mutation($id: ID!) { acknowledgeHandover(handoverId: $id) { id escalationOutcome escalationOpen } }';
const HANDOVER = `query($id: ID!) { handover(id: $id) { ${NOTE_FIELDS} } }`;
const ESCALATED = `{ escalatedHandovers { ${NOTE_FIELDS} } }`;
const UNACKNOWLEDGED = '{ unacknowledgedHandovers { id createdAt escalatedAt } }';
const SENT = `{ handoversISent { ${NOTE_FIELDS} } }`;
const AWAITING = '{ handoversAwaitingMyAcknowledgement { id } }';
const LEAD = 'query($id: ID!) { patient(id: $id) { lead { user { id } } } }';
const MY_NOTIFICATIONS = '{ myNotifications(first: 50) { kind title link } }';
const NOTIFICATIONS = 'subscription($after: String) { notifications(after: $after) { kind title link } }';

type Note = {
  id: string;
  acknowledgedAt: string | null;
  acknowledgedBy: { id: string; name: string } | null;
  acknowledgedOnBehalfOf: { id: string; name: string } | null;
  acknowledgementReply: string | null;
  escalatedAt: string | null;
  escalationOpen: boolean;
  escalationOutcome: string | null;
  escalationNote: string | null;
  escalationHandledAt: string | null;
  escalationHandledBy: { id: string; name: string } | null;
  patient: { id: string; name: string };
};
type Notif = { kind: string; title: string; link: string };

const rules = { urgentEscalationSeconds: 4 * 3600, soonEscalationWorkingDays: 2 };

describe('a service lead acts on an escalated handover', () => {
  const server = useTestServer();
  const url = () => server().url;
  const em = () => server().orm.em.fork();
  const sql = <T>(text: string, params: unknown[] = []) => em().getConnection().execute<T[]>(text, params);

  /** A world with a second service lead of the same PCN, and one of another PCN. */
  async function world(): Promise<World & { lead2: User; otherLead: User }> {
    const w = await makeWorld(em());
    const e = em();
    const lead2 = new User('Second Lead', `second.lead.${w.tag}@test.example`, w.users.lead.passwordHash, Role.SERVICE_LEAD, e.getReference(Organisation, w.pcn.id));
    const otherPcn = e.getReference(Organisation, w.users.outsider.organisation.id);
    const otherLead = new User('Other Lead', `other.lead.${w.tag}@test.example`, w.users.lead.passwordHash, Role.SERVICE_LEAD, otherPcn);
    e.persist([lead2, otherLead]);
    await e.flush();
    return { ...w, lead2, otherLead };
  }

  /** An URGENT note from the specialist, posted `hoursAgo`, and the sweep run over it. */
  async function escalatedNote(w: World, patientId: string, hoursAgo = 5): Promise<string> {
    const [row] = await sql<{ id: string }>(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
       values (gen_random_uuid(), ?, ?, 'Pain clinic', 'New numbness: same-day GP review', 'Rule out cauda equina today.', 'URGENT', now() - make_interval(hours => ?)) returning id`,
      [patientId, w.users.specialist.id, hoursAgo],
    );
    await escalateDueHandovers(em(), rules);
    return row.id;
  }

  async function patientWithTeam(w: World) {
    const patient = await w.patient([w.users.coach, w.users.fcp, w.users.gp]);
    await w.linkSpecialist(patient);
    return patient;
  }

  it('acknowledges on the lead’s behalf with a note: who acted and for whom are kept, the note is on the timeline, and everyone is told', async () => {
    const w = await world();
    const patient = await patientWithTeam(w);
    const id = await escalatedNote(w, patient.id);
    const lead = await signInAs(url(), w.users.lead);
    const before = await lastCommittedSeq(em());

    const open = (await gql<{ escalatedHandovers: Note[] }>(url(), ESCALATED, {}, lead)).data!.escalatedHandovers.find((n) => n.id === id)!;
    expect(open).toMatchObject({ escalationOpen: true, acknowledgedAt: null, escalationOutcome: null });

    const res = await gql<{ acknowledgeHandoverOnBehalf: Note }>(url(), ON_BEHALF, { id, note: '  Phoned Coach: GP review booked for 3pm today.  ' }, lead);
    expect(res.errors).toBeUndefined();
    expect(res.data!.acknowledgeHandoverOnBehalf).toMatchObject({
      acknowledgedBy: { id: w.users.lead.id },
      acknowledgedOnBehalfOf: { id: w.users.coach.id },
      acknowledgementReply: 'Phoned Coach: GP review booked for 3pm today.',
      escalationOpen: false,
      escalationOutcome: 'ACKNOWLEDGED_ON_BEHALF',
      escalationNote: 'Phoned Coach: GP review booked for 3pm today.',
      escalationHandledBy: { id: w.users.lead.id },
    });

    const events = await readEventsAfter(em(), before, 100, { patientId: patient.id });
    const ack = events.find((e) => e.kind === 'HANDOVER_ACKNOWLEDGED');
    expect(ack).toMatchObject({ actorId: w.users.lead.id, payload: { handoverId: id, reply: 'Phoned Coach: GP review booked for 3pm today.', onBehalfOf: { id: w.users.coach.id, name: w.users.coach.name } } });
    expect(await auditRows(server().orm, `action = 'handover.acknowledgeOnBehalf' and patient_id = ?`, [patient.id])).toMatchObject([
      { actor_id: w.users.lead.id, outcome: 'ALLOWED', detail: { handoverId: id, onBehalfOfId: w.users.coach.id } },
    ]);

    const inbox = async (u: User) => (await gql<{ myNotifications: Notif[] }>(url(), MY_NOTIFICATIONS, {}, await signInAs(url(), u))).data!.myNotifications.filter((n) => n.link.endsWith(id));
    expect(await inbox(w.users.specialist)).toContainEqual(expect.objectContaining({ kind: 'HANDOVER_ACKNOWLEDGED', title: expect.stringContaining(`on behalf of ${w.users.coach.name}`) }));
    expect(await inbox(w.users.coach)).toContainEqual(expect.objectContaining({ kind: 'HANDOVER_ESCALATION_HANDLED' }));
    expect(await inbox(w.lead2)).toContainEqual(expect.objectContaining({ kind: 'HANDOVER_ESCALATION_HANDLED' }));
    expect((await inbox(w.users.lead)).map((n) => n.kind)).not.toContain('HANDOVER_ESCALATION_HANDLED');
    expect(await inbox(w.otherLead)).toEqual([]);

    // The author's home: acknowledged, by whom, for whom.
    const sent = (await gql<{ handoversISent: Note[] }>(url(), SENT, {}, await signInAs(url(), w.users.specialist))).data!.handoversISent.find((n) => n.id === id);
    expect(sent).toMatchObject({ acknowledgedBy: { name: w.users.lead.name }, acknowledgedOnBehalfOf: { name: w.users.coach.name }, escalationOutcome: 'ACKNOWLEDGED_ON_BEHALF' });
    // The other lead's list shows it handled; it has left the unacknowledged list.
    expect((await gql<{ escalatedHandovers: Note[] }>(url(), ESCALATED, {}, await signInAs(url(), w.lead2))).data!.escalatedHandovers.find((n) => n.id === id)).toMatchObject({ escalationOpen: false });
    expect((await gql<{ unacknowledgedHandovers: Array<{ id: string }> }>(url(), UNACKNOWLEDGED, {}, lead)).data!.unacknowledgedHandovers.map((n) => n.id)).not.toContain(id);
  });

  it('refuses whoever is not a service lead of the patient’s PCN, a missing note, an empty note, a note never escalated and one already acknowledged, changing nothing', async () => {
    const w = await world();
    const patient = await patientWithTeam(w);
    const id = await escalatedNote(w, patient.id);
    const [fresh] = await sql<{ id: string }>(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency) values (gen_random_uuid(), ?, ?, 'Pain clinic', 'Routine advice', 'Advice', 'ROUTINE') returning id`,
      [patient.id, w.users.specialist.id],
    );
    const state = () => sql(`select acknowledged_at, acknowledged_by_id, escalated_at, escalation_handled_at, escalation_outcome, escalation_clock_from from handover_note where patient_id = ? order by id`, [patient.id]);
    const leadOf = () => sql<{ user_id: string }>(`select user_id from care_team_member where patient_id = ? and is_lead`, [patient.id]);
    const [stateBefore, leadBefore, seqBefore] = [await state(), await leadOf(), await lastCommittedSeq(em())];
    const note = 'Acting for the lead';

    const coach = await signInAs(url(), w.users.coach);
    const forbidden = await gql(url(), ON_BEHALF, { id, note }, coach);
    expect([errorCode(forbidden), forbidden.errors?.[0].message]).toEqual(['FORBIDDEN', "Only a service lead of the patient's Primary Care Network can act on an escalated handover."]);
    expect(errorCode(await gql(url(), REASSIGN, { id, to: w.users.fcp.id }, coach))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url(), ESCALATED, {}, coach))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url(), UNACKNOWLEDGED, {}, coach))).toBe('FORBIDDEN');

    const other = await signInAs(url(), w.otherLead);
    const hidden = await gql(url(), ON_BEHALF, { id, note }, other);
    const missing = await gql(url(), ON_BEHALF, { id: '00000000-0000-4000-8000-000000000000', note }, other);
    expect([errorCode(hidden), hidden.errors?.[0].message]).toEqual(['NOT_FOUND', missing.errors?.[0].message]);
    expect(errorCode(await gql(url(), REASSIGN, { id, to: w.users.fcp.id }, other))).toBe('NOT_FOUND');
    expect((await gql<{ escalatedHandovers: Note[] }>(url(), ESCALATED, {}, other)).data!.escalatedHandovers.map((n) => n.id)).not.toContain(id);
    expect((await gql<{ unacknowledgedHandovers: Note[] }>(url(), UNACKNOWLEDGED, {}, other)).data!.unacknowledgedHandovers.map((n) => n.id)).not.toContain(id);

    const lead = await signInAs(url(), w.users.lead);
    expect((await gql(url(), ON_BEHALF, { id, note: '   ' }, lead)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const never = await gql(url(), ON_BEHALF, { id: fresh.id, note }, lead);
    expect([errorCode(never), never.errors?.[0].message]).toEqual(['CONFLICT', expect.stringContaining('has not been escalated')]);
    expect(errorCode(await gql(url(), REASSIGN, { id: fresh.id, to: w.users.fcp.id }, lead))).toBe('CONFLICT');
    const notOnTeam = await gql(url(), REASSIGN, { id, to: w.users.pharm.id }, lead);
    expect(notOnTeam.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newLeadId' });
    expect(notOnTeam.errors?.[0].message).toContain(`${w.users.pharm.name} is not on this patient's care team`);
    expect((await gql(url(), REASSIGN, { id, to: w.users.coach.id }, lead)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newLeadId' });

    expect(await state()).toEqual(stateBefore);
    expect(await leadOf()).toEqual(leadBefore);
    expect((await readEventsAfter(em(), seqBefore, 100, { patientId: patient.id })).filter((e) => e.kind !== 'NOTIFICATION')).toEqual([]);

    // The care-team lead acknowledges it first: the escalation is dealt with, and the service lead is too late.
    const acked = await gql<{ acknowledgeHandover: { escalationOutcome: string; escalationOpen: boolean } }>(url(), ACK, { id }, coach);
    expect(acked.data?.acknowledgeHandover).toMatchObject({ escalationOutcome: 'ACKNOWLEDGED', escalationOpen: false });
    const afterAck = await state();
    const late = await gql(url(), ON_BEHALF, { id, note }, lead);
    expect([errorCode(late), late.errors?.[0].message]).toEqual(['CONFLICT', `This handover was already acknowledged by ${w.users.coach.name}.`]);
    expect(errorCode(await gql(url(), REASSIGN, { id, to: w.users.fcp.id }, lead))).toBe('CONFLICT');
    expect(await state()).toEqual(afterAck);
    expect(await leadOf()).toEqual(leadBefore);
    const leadInbox = (await gql<{ myNotifications: Notif[] }>(url(), MY_NOTIFICATIONS, {}, lead)).data!.myNotifications;
    expect(leadInbox).toContainEqual(expect.objectContaining({ kind: 'HANDOVER_ESCALATION_HANDLED', title: expect.stringContaining(`${w.users.coach.name} acknowledged the escalated handover`) }));
  });

  it('reassigns the lead from an escalation: the note awaits the new lead on a fresh clock, and escalates again if they too leave it', async () => {
    const w = await world();
    const patient = await patientWithTeam(w);
    const id = await escalatedNote(w, patient.id);
    const lead = await signInAs(url(), w.users.lead);
    const before = await lastCommittedSeq(em());

    const res = await gql<{ reassignLeadFromEscalation: Note }>(url(), REASSIGN, { id, to: w.users.fcp.id, note: 'Coach on leave until Monday' }, lead);
    expect(res.errors).toBeUndefined();
    expect(res.data!.reassignLeadFromEscalation).toMatchObject({ acknowledgedAt: null, escalationOpen: false, escalationOutcome: 'LEAD_REASSIGNED', escalationNote: 'Coach on leave until Monday' });
    const fcp = await signInAs(url(), w.users.fcp);
    expect((await gql<{ patient: { lead: { user: { id: string } } } }>(url(), LEAD, { id: patient.id }, fcp)).data?.patient.lead.user.id).toBe(w.users.fcp.id);
    expect((await gql<{ handoversAwaitingMyAcknowledgement: Array<{ id: string }> }>(url(), AWAITING, {}, fcp)).data!.handoversAwaitingMyAcknowledgement.map((n) => n.id)).toContain(id);
    expect((await gql<{ myNotifications: Notif[] }>(url(), MY_NOTIFICATIONS, {}, fcp)).data!.myNotifications).toContainEqual(expect.objectContaining({ kind: 'HANDOVER_REROUTED', link: `/patients/${patient.id}/handovers/${id}` }));
    const kinds = (await readEventsAfter(em(), before, 100, { patientId: patient.id })).map((e) => e.kind).filter((k) => k !== 'NOTIFICATION');
    expect(kinds).toEqual(['CARE_TEAM_LEAD_CHANGED', 'HANDOVER_ESCALATION_REROUTED']);
    expect(errorCode(await gql(url(), ON_BEHALF, { id, note: 'x' }, lead))).toBe('CONFLICT');

    // Not yet: the new lead's clock started just now.
    await escalateDueHandovers(em(), rules);
    expect((await gql<{ handover: Note }>(url(), HANDOVER, { id }, lead)).data!.handover).toMatchObject({ escalationOpen: false, escalationOutcome: 'LEAD_REASSIGNED' });
    // Five hours on (the clock moved back, as the trigger allows), still unacknowledged: escalated again, open.
    await sql(`update handover_note set escalation_clock_from = now() - interval '5 hours' where id = ?`, [id]);
    await escalateDueHandovers(em(), rules);
    expect((await gql<{ handover: Note }>(url(), HANDOVER, { id }, lead)).data!.handover).toMatchObject({ escalationOpen: true, escalationOutcome: null, escalationHandledBy: null });
  });

  it('a second service lead and the author see the escalation handled live, over their sockets', async () => {
    const w = await world();
    const patient = await patientWithTeam(w);
    const id = await escalatedNote(w, patient.id);
    const after = String(await lastCommittedSeq(em()));
    const lead2Socket = wsConnect(server().wsUrl, await signInAs(url(), w.lead2));
    const authorSocket = wsConnect(server().wsUrl, await signInAs(url(), w.users.specialist));
    const lead2Stream = liveStream<{ notifications: Notif }>(lead2Socket.client, NOTIFICATIONS, { after });
    const authorStream = liveStream<{ notifications: Notif }>(authorSocket.client, NOTIFICATIONS, { after });
    try {
      await gql(url(), ON_BEHALF, { id, note: 'Done by phone with the GP' }, await signInAs(url(), w.users.lead));
      const [seen] = await lead2Stream.take(1);
      expect(seen.notifications).toMatchObject({ kind: 'HANDOVER_ESCALATION_HANDLED', link: `/patients/${patient.id}/handovers/${id}`, title: expect.stringContaining(w.users.lead.name) });
      const [told] = await authorStream.take(1);
      expect(told.notifications).toMatchObject({ kind: 'HANDOVER_ACKNOWLEDGED', title: expect.stringContaining(`on behalf of ${w.users.coach.name}`) });
      const list = (await gql<{ escalatedHandovers: Note[] }>(url(), ESCALATED, {}, await signInAs(url(), w.lead2))).data!.escalatedHandovers;
      expect(list.find((n) => n.id === id)).toMatchObject({ escalationOpen: false, escalationHandledBy: { name: w.users.lead.name } });
    } finally {
      await lead2Stream.stop();
      await authorStream.stop();
      await lead2Socket.client.dispose();
      await authorSocket.client.dispose();
    }
  });
});
