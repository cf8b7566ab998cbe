import { afterAll, describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, startTestServer, useTestServer, wsConnect, type TestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { notifyCarePlanSignedOff, recordCarePlanEdit, sendDueCarePlanDigests } from './care-plan-digest.js';
import { notify } from './notification.service.js';

const ADD = 'mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { id } }';
const REMOVE = 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }';
const LIST = 'query($unread: Boolean) { myNotifications(first: 50, unreadOnly: $unread) { id kind title body link patientId readAt seq } }';
const COUNT = '{ unreadNotificationCount }';
const READ = 'mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }';
const READ_ALL = 'mutation { markAllNotificationsRead }';
const LIVE = 'subscription($after: String) { notifications(after: $after) { seq kind title link patientId } }';
type N = { id: string; kind: string; title: string; link: string; patientId: string; readAt: string | null; seq: string };
type Live = { notifications: { seq: string; kind: string; title: string; link: string; patientId: string } };

describe('notifications', () => {
  // A database of this file's own: it sends every due digest (and a server of its own sweeps them on short
  // timings), which would take other files' digests from under them.
  const databaseUrl = useOwnDatabase('notifications');
  const server = useTestServer({ databaseUrl });
  let world: World;
  const url = () => server().url;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const list = async (token: string, unread = false) => (await gql<{ myNotifications: N[] }>(url(), LIST, { unread }, token)).data!.myNotifications;
  const count = async (token: string) => (await gql<{ unreadNotificationCount: number }>(url(), COUNT, {}, token)).data!.unreadNotificationCount;
  const extra: TestServer[] = [];
  afterAll(async () => {
    for (const s of extra) await s.stop();
  });

  it('tells people they were added to or removed from a care team; unread count, mark read and mark all read', async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const [p1, p2] = [await world.patient([coach]), await world.patient([coach])];
    const coachToken = await signInAs(url(), coach);
    const fcpToken = await signInAs(url(), fcp);
    await gql(url(), ADD, { p: p1.id, u: fcp.id }, coachToken);
    await gql(url(), ADD, { p: p2.id, u: fcp.id }, coachToken);
    await gql(url(), REMOVE, { p: p1.id, u: fcp.id }, coachToken);
    const all = await list(fcpToken);
    expect(all.map((n) => [n.kind, n.patientId, n.link])).toEqual([
      ['CARE_TEAM_REMOVED', p1.id, '/patients'],
      ['CARE_TEAM_ADDED', p2.id, `/patients/${p2.id}`],
      ['CARE_TEAM_ADDED', p1.id, `/patients/${p1.id}`],
    ]);
    expect(all[1].title).toBe(`${coach.name} added you to Pat ${p2.familyName}'s care team`);
    expect(await count(fcpToken)).toBe(3);
    const older = await gql<{ myNotifications: N[] }>(url(), 'query($b: String) { myNotifications(first: 1, before: $b) { id } }', { b: all[0].seq }, fcpToken);
    expect(older.data?.myNotifications.map((n) => n.id)).toEqual([all[1].id]); // pages back from a seq
    expect(await count(coachToken)).toBe(0); // never told of their own actions

    const read = await gql<{ markNotificationRead: { readAt: string } }>(url(), READ, { id: all[2].id }, fcpToken);
    expect(read.data?.markNotificationRead.readAt).toBeTruthy();
    expect(await count(fcpToken)).toBe(2);
    expect((await list(fcpToken, true)).map((n) => n.id)).toEqual([all[0].id, all[1].id]);
    // Someone else's notification is simply not found; nonsense is not an id at all.
    expect(errorCode(await gql(url(), READ, { id: all[0].id }, coachToken))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), READ, { id: 'not-an-id' }, fcpToken))).toBe('BAD_USER_INPUT');
    expect((await gql(url(), READ_ALL, {}, fcpToken)).data).toEqual({ markAllNotificationsRead: 2 });
    expect(await count(fcpToken)).toBe(0);
    expect(errorCode(await gql(url(), COUNT))).toBe('UNAUTHENTICATED');
  });

  it('resumes the live stream from a cursor: every missed notification once, in order, and only my own', async () => {
    await fresh();
    const { coach, fcp, gp } = world.users;
    const patients = [await world.patient([coach]), await world.patient([coach]), await world.patient([coach])];
    const coachToken = await signInAs(url(), coach);
    const fcpToken = await signInAs(url(), fcp);
    const socket = wsConnect(server().wsUrl, fcpToken);
    const stream = liveStream<Live>(socket.client, LIVE, { after: String(await lastCommittedSeq(server().orm.em.fork())) });
    await gql(url(), ADD, { p: patients[0].id, u: fcp.id }, coachToken);
    const [first] = await stream.take(1);
    expect(first.notifications).toMatchObject({ kind: 'CARE_TEAM_ADDED', patientId: patients[0].id });
    await socket.client.dispose();

    // While away: two for the physio, interleaved with one for the GP that must never reach them.
    await gql(url(), ADD, { p: patients[1].id, u: fcp.id }, coachToken);
    await gql(url(), ADD, { p: patients[1].id, u: gp.id }, coachToken);
    await gql(url(), REMOVE, { p: patients[0].id, u: fcp.id }, coachToken);
    const again = wsConnect(server().wsUrl, fcpToken);
    const resumed = liveStream<Live>(again.client, LIVE, { after: first.notifications.seq });
    const missed = await resumed.take(2);
    expect(missed.map((m) => [m.notifications.kind, m.notifications.patientId])).toEqual([
      ['CARE_TEAM_ADDED', patients[1].id],
      ['CARE_TEAM_REMOVED', patients[0].id],
    ]);
    await gql(url(), ADD, { p: patients[2].id, u: fcp.id }, coachToken);
    const [live] = await resumed.take(1);
    expect(live.notifications.patientId).toBe(patients[2].id);
    const seqs = [first, ...missed, live].map((m) => Number(m.notifications.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await again.client.dispose();
  });

  it('gathers care-plan edits into one notification per plan after a quiet period, naming the other editors', async () => {
    await fresh();
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([coach, gp, fcp]);
    const em = server().orm.em;
    for (const editor of [coach, gp, coach, coach, gp]) await recordCarePlanEdit(em.fork(), patient.id, editor.id);
    const titles = async (user: typeof coach) => (await list(await signInAs(url(), user))).filter((n) => n.kind === 'CARE_PLAN_EDITED').map((n) => [n.title, n.link]);
    const link = `/patients/${patient.id}/care-plan`;
    // Still inside the quiet period: nothing yet for this plan (this file's other tests' digests may go out
    // in the same sweep).
    await sendDueCarePlanDigests(em.fork(), 60_000);
    expect(await titles(fcp)).toEqual([]);
    expect(await sendDueCarePlanDigests(em.fork(), 0)).toBeGreaterThanOrEqual(1);
    expect(await titles(fcp)).toEqual([[`Pat ${patient.familyName}'s care plan was edited by ${coach.name} and ${gp.name}`, link]]);
    expect(await titles(coach)).toEqual([[`Pat ${patient.familyName}'s care plan was edited by ${gp.name}`, link]]);
    expect(await titles(gp)).toEqual([[`Pat ${patient.familyName}'s care plan was edited by ${coach.name}`, link]]);
    await sendDueCarePlanDigests(em.fork(), 0);
    expect(await titles(fcp)).toHaveLength(1); // sent once
  });

  it('sends the digest on its own timer once edits stop', async () => {
    const fast = await startTestServer({ databaseUrl, carePlanDigestQuietMs: 300, escalationSweepMs: 100 });
    extra.push(fast);
    world = await makeWorld(fast.orm.em.fork());
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const socket = wsConnect(fast.wsUrl, await signInAs(fast.url, fcp));
    const stream = liveStream<Live>(socket.client, LIVE, { after: String(await lastCommittedSeq(fast.orm.em.fork())) });
    const lastEdit = { at: 0 };
    for (let i = 0; i < 5; i++) {
      await recordCarePlanEdit(fast.orm.em.fork(), patient.id, coach.id);
      lastEdit.at = Date.now();
    }
    const [n] = await stream.take(1);
    expect(Date.now() - lastEdit.at).toBeGreaterThanOrEqual(250);
    expect(n.notifications).toMatchObject({ kind: 'CARE_PLAN_EDITED', title: `Pat ${patient.familyName}'s care plan was edited by ${coach.name}` });
    await socket.client.dispose();
  });

  it('tells the team when a care plan is signed off, and puts it on the timeline', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const before = await lastCommittedSeq(server().orm.em.fork());
    await notifyCarePlanSignedOff(server().orm.em.fork(), { patientId: patient.id, carePlanId: patient.id, signedOffBy: { id: gp.id, name: gp.name } });
    expect((await list(await signInAs(url(), coach))).map((n) => [n.kind, n.title])).toEqual([['CARE_PLAN_SIGNED_OFF', `${gp.name} signed off Pat ${patient.familyName}'s care plan`]]);
    expect(await list(await signInAs(url(), gp))).toEqual([]);
    expect((await readEventsAfter(server().orm.em.fork(), before, 10, { patientId: patient.id })).map((e) => e.kind)).toEqual(['CARE_PLAN_SIGNED_OFF']);
  });

  it('notifies a whole team in one go: one row and one private event each, deduplicated, never the actor, all or nothing', async () => {
    await fresh();
    const { coach, gp, fcp, pharm } = world.users;
    const patient = await world.patient([coach, gp, fcp, pharm]);
    const em = server().orm.em;
    const before = await lastCommittedSeq(em.fork());
    const n = { kind: 'HANDOVER_POSTED' as const, patientId: patient.id, title: 'New handover', body: "Pacing 'plan' — review", link: '/x', actorId: coach.id };
    await expect(
      em.fork().transactional(async (tx) => {
        await notify(tx, [gp.id, fcp.id], n);
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    await em.fork().transactional((tx) => notify(tx, [gp.id, fcp.id, coach.id, gp.id, pharm.id], n));

    const rows = await em
      .fork()
      .getConnection()
      .execute<Array<{ id: string; recipient_id: string; seq: string; body: string }>>(
        'select id, recipient_id, seq, body from notification where patient_id = ? order by seq',
        [patient.id],
      );
    expect(rows.map((r) => [r.recipient_id, r.body])).toEqual([gp.id, fcp.id, pharm.id].map((id) => [id, n.body]));
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs[0]).toBeGreaterThan(before);
    expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]); // the rolled-back attempt left no gap
    for (const r of rows) {
      const [event] = await readEventsAfter(em.fork(), Number(r.seq) - 1, 1, { recipientId: r.recipient_id });
      expect([event.seq, event.kind, event.actorId, event.payload.notificationId, event.payload.title]).toEqual([Number(r.seq), 'NOTIFICATION', coach.id, r.id, n.title]);
    }
    await em.fork().transactional((tx) => notify(tx, [coach.id], n)); // only the actor: nothing to write
    expect(await readEventsAfter(em.fork(), seqs[2], 10, { recipientId: coach.id })).toEqual([]);
  });

  it('refuses malformed paging and cursors with BAD_USER_INPUT naming the argument', async () => {
    await fresh();
    const token = await signInAs(url(), world.users.coach);
    expect((await gql(url(), '{ myNotifications(first: 0) { id } }', {}, token)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await gql(url(), '{ myNotifications(before: "abc") { id } }', {}, token)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    const socket = wsConnect(server().wsUrl, token);
    const bad = await liveStream<Live>(socket.client, LIVE, { after: '-1' }).next();
    expect('errors' in bad && bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    await socket.client.dispose();
  });
});
