import { afterAll, describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, startTestServer, useTestServer, wsConnect, type TestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { escalateDueHandovers } from './handover-escalation.js';
import { addWorkingDays, bankHolidays } from './working-days.js';

const POST = `mutation($input: PostHandoverInput!) { postHandover(input: $input) {
  id urgency summary sourceService createdAt acknowledgedAt author { id } actions { position description dueDate assignee { id } } } }`;
const HANDOVER = `query($id: ID!) { handover(id: $id) { id summary advice acknowledgedAt acknowledgedBy { name } acknowledgementReply escalatedAt
  addenda { body author { name } } actions { description } } }`;
const ADDENDUM = 'mutation($id: ID!, $body: String!) { addHandoverAddendum(handoverId: $id, body: $body) { id body } }';
const ACK = 'mutation($id: ID!, $reply: String) { acknowledgeHandover(handoverId: $id, reply: $reply) { acknowledgedAt acknowledgedBy { id } acknowledgementReply } }';
const AWAITING = '{ handoversAwaitingMyAcknowledgement { id urgency } }';
const MY_ACTIONS = '{ myHandoverActions { description dueDate handover { id } } }';
const NOTIFICATIONS = 'subscription($after: String) { notifications(after: $after) { seq kind title link patientId } }';
const MY_NOTIFICATIONS = '{ myNotifications(first: 50) { kind title link } }';
type Notif = { notifications: { seq: string; kind: string; title: string; link: string; patientId: string } };

const baseInput = (patientId: string) => ({ patientId, summary: 'Consider tapering pregabalin', advice: 'Reduce by 75 mg every two weeks; review mood.', urgency: 'SOON', actions: [] });

describe('handover notes', () => {
  const server = useTestServer();
  // For the server that escalates after a second and sweeps every 100 ms: on the shared database it would
  // escalate other files' overdue notes while those tests look at them.
  const fastDatabaseUrl = useOwnDatabase('handover_fast');
  let world: World;
  const url = () => server().url;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const extra: TestServer[] = [];
  afterAll(async () => {
    for (const s of extra) await s.stop();
  });

  it('a specialist on the team posts advice with assigned actions; the team hears at once and the service keeps sight of the patient', async () => {
    await fresh();
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp, specialist]);
    const coachToken = await signInAs(url(), coach);
    const socket = wsConnect(server().wsUrl, coachToken);
    const inbox = liveStream<Notif>(socket.client, NOTIFICATIONS, { after: String(await lastCommittedSeq(server().orm.em.fork())) });
    const res = await gql<{ postHandover: { id: string; sourceService: string; createdAt: string; author: { id: string }; actions: Array<{ position: number; dueDate: string; assignee: { id: string } }> } }>(
      url(),
      POST,
      {
        input: {
          ...baseInput(patient.id),
          urgency: 'URGENT',
          actions: [
            { description: 'Book a medication review', assigneeId: gp.id, dueDate: '2030-01-15' },
            { description: 'Discuss pacing at the next session', assigneeId: coach.id },
          ],
        },
      },
      await signInAs(url(), specialist),
    );
    expect(res.errors).toBeUndefined();
    const note = res.data!.postHandover;
    expect(note.sourceService).toBe(world.specialistService.name);
    const [stored] = await server().orm.em.fork().getConnection().execute<Array<{ ms: string }>>(
      'select floor(extract(epoch from created_at) * 1000)::bigint as ms from handover_note where id = ?',
      [note.id],
    );
    expect(Date.parse(note.createdAt)).toBe(Number(stored.ms)); // the time it was stored, to the millisecond
    expect(note.actions.map((a) => [a.position, a.assignee.id, a.dueDate])).toEqual([
      [0, gp.id, '2030-01-15'],
      [1, coach.id, null],
    ]);
    const [n] = await inbox.take(1);
    expect(n.notifications).toMatchObject({ kind: 'HANDOVER_POSTED', patientId: patient.id, link: `/patients/${patient.id}/handovers/${note.id}` });
    expect(n.notifications.title).toMatch(/^Urgent handover for Pat/);
    const links = await server().orm.em.fork().getConnection().execute('select reason from specialist_link where patient_id = ?', [patient.id]);
    expect(links).toEqual([{ reason: 'HANDOVER' }]);
    // The author is not notified of their own note.
    expect((await gql<{ myNotifications: unknown[] }>(url(), MY_NOTIFICATIONS, {}, await signInAs(url(), specialist))).data?.myNotifications).toEqual([]);
    // Lists: the GP has the review to book; the lead and the GP both see it awaiting acknowledgement; the physio does not.
    const gpToken = await signInAs(url(), gp);
    expect((await gql<{ myHandoverActions: Array<{ description: string; handover: { id: string } }> }>(url(), MY_ACTIONS, {}, gpToken)).data?.myHandoverActions).toEqual([
      { description: 'Book a medication review', dueDate: '2030-01-15', handover: { id: note.id } },
    ]);
    for (const token of [coachToken, gpToken]) {
      expect((await gql<{ handoversAwaitingMyAcknowledgement: Array<{ id: string }> }>(url(), AWAITING, {}, token)).data?.handoversAwaitingMyAcknowledgement).toContainEqual({ id: note.id, urgency: 'URGENT' });
    }
    await socket.client.dispose();
  });

  it('cannot be changed once posted: there is no update path, the database refuses, and an addendum carries the correction', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const token = await signInAs(url(), world.users.fcp);
    const id = (await gql<{ postHandover: { id: string } }>(url(), POST, { input: baseInput(patient.id) }, token)).data!.postHandover.id;
    const mutations = await gql<{ __schema: { mutationType: { fields: Array<{ name: string }> } } }>(url(), '{ __schema { mutationType { fields { name } } } }');
    expect(mutations.data!.__schema.mutationType.fields.map((f) => f.name).filter((n) => /handover/i.test(n)).sort()).toEqual([
      'acknowledgeHandover',
      'acknowledgeHandoverOnBehalf', // a PCN service lead's acknowledgement of an escalated note (escalation-handling.test.ts)
      'addHandoverAddendum',
      'markHandoverActionDone', // an action's one change: done, once (see handover-actions.test.ts)
      'postHandover',
    ]);
    await expect(server().orm.em.fork().getConnection().execute(`update handover_note set summary = 'changed' where id = ?`, [id])).rejects.toThrow(/cannot be changed/);
    const added = await gql(url(), ADDENDUM, { id, body: 'Correction: 50 mg steps, not 75 mg.' }, token);
    expect(added.errors).toBeUndefined();
    const read = await gql<{ handover: { summary: string; addenda: Array<{ body: string; author: { name: string } }> } }>(url(), HANDOVER, { id }, token);
    expect(read.data?.handover.summary).toBe('Consider tapering pregabalin');
    expect(read.data?.handover.addenda).toEqual([{ body: 'Correction: 50 mg steps, not 75 mg.', author: { name: world.users.fcp.name } }]);
  });

  it('is acknowledged once, by the lead or a GP on the team, with who, when and the reply; the author is told', async () => {
    await fresh();
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([coach, gp, fcp]);
    const fcpToken = await signInAs(url(), fcp);
    const id = (await gql<{ postHandover: { id: string } }>(url(), POST, { input: baseInput(patient.id) }, fcpToken)).data!.postHandover.id;
    expect(errorCode(await gql(url(), ACK, { id }, fcpToken))).toBe('FORBIDDEN');
    const outsider = await gql(url(), ACK, { id }, await signInAs(url(), world.users.outsider));
    expect(errorCode(outsider)).toBe('NOT_FOUND');

    const coachToken = await signInAs(url(), coach);
    const ack = await gql<{ acknowledgeHandover: { acknowledgedAt: string; acknowledgedBy: { id: string }; acknowledgementReply: string } }>(
      url(),
      ACK,
      { id, reply: 'Thanks — will raise at the MDT on Thursday.' },
      coachToken,
    );
    expect(ack.errors).toBeUndefined();
    expect(ack.data?.acknowledgeHandover).toMatchObject({ acknowledgedBy: { id: coach.id }, acknowledgementReply: 'Thanks — will raise at the MDT on Thursday.' });
    expect(Date.now() - Date.parse(ack.data!.acknowledgeHandover.acknowledgedAt)).toBeLessThan(60_000);

    const again = await gql(url(), ACK, { id }, await signInAs(url(), gp));
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors?.[0].message).toContain(coach.name);
    expect((await gql<{ handoversAwaitingMyAcknowledgement: Array<{ id: string }> }>(url(), AWAITING, {}, coachToken)).data?.handoversAwaitingMyAcknowledgement).not.toContainEqual(
      expect.objectContaining({ id }),
    );
    const authorInbox = await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), MY_NOTIFICATIONS, {}, fcpToken);
    expect(authorInbox.data?.myNotifications[0]).toMatchObject({ kind: 'HANDOVER_ACKNOWLEDGED', title: expect.stringContaining(coach.name) });
  });

  it("is never acknowledged by its own author, though a GP on the team: it waits for the lead, and only on the lead's list", async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const gpToken = await signInAs(url(), gp);
    const id = (await gql<{ postHandover: { id: string } }>(url(), POST, { input: baseInput(patient.id) }, gpToken)).data!.postHandover.id;
    const own = await gql(url(), ACK, { id }, gpToken);
    expect([errorCode(own), own.errors?.[0].message]).toEqual(['FORBIDDEN', "You wrote this handover: the care team's lead, or another GP on the team, acknowledges it."]);
    const awaiting = async (token: string) => (await gql<{ handoversAwaitingMyAcknowledgement: Array<{ id: string }> }>(url(), AWAITING, {}, token)).data!.handoversAwaitingMyAcknowledgement.map((n) => n.id);
    expect(await awaiting(gpToken)).not.toContain(id);
    const coachToken = await signInAs(url(), coach);
    expect(await awaiting(coachToken)).toContain(id);
    const refusals = await auditRows(server().orm, "action = 'handover.acknowledge' and outcome = 'DENIED' and actor_id = ?", [gp.id]);
    expect(refusals.map((r) => [r.patient_id, r.detail?.handoverId, r.detail?.reason])).toEqual([[patient.id, id, 'own note']]);
    expect((await gql(url(), ACK, { id }, coachToken)).errors).toBeUndefined();
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, writing nothing and emitting no event', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const token = await signInAs(url(), world.users.coach);
    const before = await lastCommittedSeq(server().orm.em.fork());
    const cases: Array<[Record<string, unknown>, string, RegExp?]> = [
      [{ summary: '   ' }, 'summary'],
      [{ advice: 'x'.repeat(10_001) }, 'advice'],
      [{ actions: [{ description: '' }] }, 'actions.0.description'],
      [{ actions: [{ description: 'Review', dueDate: '2030-02-30' }] }, 'actions.0.dueDate'],
      [{ actions: [{ description: 'Review' }, { description: 'Refer', assigneeId: world.users.outsider.id }] }, 'actions.1.assigneeId', new RegExp(world.users.outsider.name)],
    ];
    for (const [change, field, message] of cases) {
      const res = await gql(url(), POST, { input: { ...baseInput(patient.id), ...change } }, token);
      expect([field, errorCode(res), res.errors?.[0].extensions?.field]).toEqual([field, 'BAD_USER_INPUT', field]);
      if (message) expect(res.errors?.[0].message).toMatch(message);
    }
    const id = (await gql<{ postHandover: { id: string } }>(url(), POST, { input: baseInput(patient.id) }, token)).data!.postHandover.id;
    const afterPost = await lastCommittedSeq(server().orm.em.fork());
    expect((await gql(url(), ADDENDUM, { id, body: ' ' }, token)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect((await gql(url(), ACK, { id, reply: 'r'.repeat(4001) }, await signInAs(url(), world.users.gp))).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reply' });
    const em = server().orm.em.fork();
    expect(await em.getConnection().execute('select count(*)::int as n from handover_note where patient_id = ?', [patient.id])).toEqual([{ n: 1 }]);
    expect((await gql<{ handover: { acknowledgedAt: null; addenda: unknown[] } }>(url(), HANDOVER, { id }, token)).data?.handover).toMatchObject({ acknowledgedAt: null, addenda: [] });
    const events = await readEventsAfter(em, before, 100, { patientId: patient.id });
    expect(events.map((e) => e.kind)).toEqual(['HANDOVER_POSTED']);
    expect(events[0].seq).toBeLessThanOrEqual(afterPost);
  });

  it('knows the bank holidays of England and Wales, substitute days included', () => {
    // As published on gov.uk for 2025–2027.
    expect([...bankHolidays(2025)].sort()).toEqual(['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26']);
    expect([...bankHolidays(2026)].sort()).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    expect([...bankHolidays(2027)].sort()).toEqual(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']);
    // A note marked SOON on the Thursday before Easter is due on the Wednesday after it.
    expect(addWorkingDays(new Date('2026-04-02T10:00:00Z'), 2).toISOString()).toBe('2026-04-08T10:00:00.000Z');
  });

  it('counts working days for SOON notes, skipping weekends', () => {
    const friday = new Date('2030-01-04T10:00:00Z');
    expect(addWorkingDays(friday, 2).toISOString()).toBe('2030-01-08T10:00:00.000Z');
    expect(addWorkingDays(new Date('2030-01-05T10:00:00Z'), 2).toISOString()).toBe('2030-01-08T10:00:00.000Z'); // Saturday
    expect(addWorkingDays(new Date('2030-01-07T10:00:00Z'), 2).toISOString()).toBe('2030-01-09T10:00:00.000Z'); // Monday
  });

  it('escalates a SOON note after two working days, once, to the PCN service lead', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const em = server().orm.em.fork();
    const insert = (ago: string) =>
      em.getConnection().execute<Array<{ id: string }>>(
        `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
         values (gen_random_uuid(), ?, ?, 'Pain clinic', 'Old advice', 'Advice', 'SOON', now() - ?::interval) returning id`,
        [patient.id, world.users.coach.id, ago],
      );
    const [[old], [recent]] = [await insert('5 days'), await insert('1 day')];
    const rules = { urgentEscalationSeconds: 4 * 3600, soonEscalationWorkingDays: 2 };
    // Two sweeps at once. Every other test server on this shared database sweeps too (at its start and each
    // minute), so one of theirs may escalate the note first: what must hold is the outcome, once.
    await Promise.all([escalateDueHandovers(server().orm.em.fork(), rules), escalateDueHandovers(server().orm.em.fork(), rules)]);
    const rows = await em.getConnection().execute<Array<{ id: string; escalated: boolean }>>('select id, escalated_at is not null as escalated from handover_note where patient_id = ?', [patient.id]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.escalated]))).toEqual({ [old.id]: true, [recent.id]: false });
    const leadInbox = await gql<{ myNotifications: Array<{ kind: string; link: string }> }>(url(), MY_NOTIFICATIONS, {}, await signInAs(url(), world.users.lead));
    expect(leadInbox.data?.myNotifications.filter((n) => n.link.endsWith(old.id))).toEqual([{ kind: 'HANDOVER_ESCALATED', title: expect.stringContaining('not yet acknowledged'), link: `/patients/${patient.id}/handovers/${old.id}` }]);
    // A later sweep leaves these notes as they are (it may escalate other files' overdue notes meanwhile).
    const noteRows = () => em.getConnection().execute('select id, escalated_at from handover_note where patient_id = ? order by id', [patient.id]);
    const escalated = await noteRows();
    await escalateDueHandovers(server().orm.em.fork(), rules);
    expect(await noteRows()).toEqual(escalated);
  });

  it('escalates an URGENT note left unacknowledged past the configured time to the service lead, live', async () => {
    const fast = await startTestServer({ databaseUrl: fastDatabaseUrl, handoverUrgentEscalationSeconds: 1, escalationSweepMs: 100 });
    extra.push(fast);
    world = await makeWorld(fast.orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const leadSocket = wsConnect(fast.wsUrl, await signInAs(fast.url, world.users.lead));
    const leadInbox = liveStream<Notif>(leadSocket.client, NOTIFICATIONS, { after: String(await lastCommittedSeq(fast.orm.em.fork())) });
    const token = await signInAs(fast.url, world.users.fcp);
    const posted = Date.now();
    const urgent = (await gql<{ postHandover: { id: string } }>(fast.url, POST, { input: { ...baseInput(patient.id), urgency: 'URGENT' } }, token)).data!.postHandover.id;
    const routine = (await gql<{ postHandover: { id: string } }>(fast.url, POST, { input: { ...baseInput(patient.id), urgency: 'ROUTINE' } }, token)).data!.postHandover.id;
    const [n] = await leadInbox.take(1);
    expect(Date.now() - posted).toBeGreaterThanOrEqual(1000);
    expect(n.notifications).toMatchObject({ kind: 'HANDOVER_ESCALATED', link: `/patients/${patient.id}/handovers/${urgent}` });
    const read = (id: string) => gql<{ handover: { escalatedAt: string | null } }>(fast.url, HANDOVER, { id }, token);
    expect((await read(urgent)).data?.handover.escalatedAt).not.toBeNull();
    expect((await read(routine)).data?.handover.escalatedAt).toBeNull();
    await leadSocket.client.dispose();
  });
});
