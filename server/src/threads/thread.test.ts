import { describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, useTestServer, waitForLockWait, wsConnect } from '../test-support/harness.js';
import { deferred, liveStream } from '../test-support/live.js';
import { runSql, sql } from '../platform/sql.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';

const START = `mutation($input: StartThreadInput!) { startThread(input: $input) { id title topic myFollowState author { id }
  posts { id body bodyHtml mentions { id name } } } }`;
const REPLY = 'mutation($t: ID!, $body: String!, $parent: ID, $mentions: [ID!]) { replyToThread(threadId: $t, body: $body, parentPostId: $parent, mentions: $mentions) { id parentId threadId bodyHtml } }';
const EDIT = 'mutation($p: ID!, $body: String!) { editThreadPost(postId: $p, body: $body) { body bodyHtml editedAt editHistory { body writtenAt replacedAt } } }';
const RESOLVE = 'mutation($t: ID!) { resolveThread(threadId: $t) { resolvedAt resolvedBy { id } } }';
const REOPEN = 'mutation($t: ID!) { reopenThread(threadId: $t) { resolvedAt } }';
const FOLLOW = 'mutation($t: ID!, $s: FollowState!) { setThreadFollowState(threadId: $t, state: $s) }';
const NOTIFICATIONS = 'subscription($after: String) { notifications(after: $after) { kind title link } }';
const MY_NOTIFICATIONS = '{ myNotifications(first: 50) { kind title link } }';
type Started = { startThread: { id: string; myFollowState: string; posts: Array<{ id: string; body: string; bodyHtml: string; mentions: Array<{ id: string; name: string }> }> } };

describe('MDT discussion threads', () => {
  const server = useTestServer();
  let world: World;
  const url = () => server().url;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const start = (token: string, patientId: string, extra: Record<string, unknown> = {}) =>
    gql<Started>(url(), START, { input: { patientId, title: 'Pregabalin taper', topic: 'MEDICATION', body: 'Shall we *start* the taper?', mentions: [], ...extra } }, token);
  const inbox = async (token: string) => (await gql<{ myNotifications: Array<{ kind: string; title: string; link: string }> }>(url(), MY_NOTIFICATIONS, {}, token)).data!.myNotifications;

  it('mentions a care-team member, who is told at once with a link to the discussion', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const gpToken = await signInAs(url(), gp);
    const socket = wsConnect(server().wsUrl, gpToken);
    const live = liveStream<{ notifications: { kind: string; title: string; link: string } }>(socket.client, NOTIFICATIONS, {
      after: String(await lastCommittedSeq(server().orm.em.fork())),
    });
    const res = await start(await signInAs(url(), coach), patient.id, { body: `@${gp.name} could you review the dose?`, mentions: [gp.id] });
    expect(res.errors).toBeUndefined();
    const thread = res.data!.startThread;
    expect(thread.myFollowState).toBe('FOLLOWING');
    expect(thread.posts[0].mentions).toEqual([{ id: gp.id, name: gp.name }]);
    expect(thread.posts[0].bodyHtml).toBe(`<p><span class="mention">@${gp.name}</span> could you review the dose?</p>`);
    const [n] = await live.take(1);
    expect(n.notifications).toEqual({ kind: 'MENTIONED', title: `${coach.name} mentioned you in “Pregabalin taper”`, link: `/patients/${patient.id}/threads/${thread.id}` });
    await socket.client.dispose();
  });

  it('refuses to mention someone outside the care team, naming them, and writes nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const before = await lastCommittedSeq(server().orm.em.fork());
    const res = await start(await signInAs(url(), world.users.coach), patient.id, { mentions: [world.users.outsider.id, world.users.fcp.id] });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('mentions');
    expect(res.errors?.[0].message).toBe(`${world.users.outsider.name} and ${world.users.fcp.name} are not on this patient's care team, so cannot be mentioned.`);
    const em = server().orm.em.fork();
    expect(await em.getConnection().execute('select count(*)::int as n from thread where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
    expect(await readEventsAfter(em, before, 10, { patientId: patient.id })).toEqual([]);
  });

  it('refuses to mention a care-team member whose account is no longer in use, naming them, and writes nothing', async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    await runSql(server().orm.em.fork(), sql`update app_user set active = false where id = ${fcp.id}`);
    const before = await lastCommittedSeq(server().orm.em.fork());
    const res = await start(await signInAs(url(), coach), patient.id, { mentions: [fcp.id] });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('mentions');
    expect(res.errors?.[0].message).toBe(`${fcp.name} no longer has an active account, so cannot be mentioned.`);
    const em = server().orm.em.fork();
    expect(await em.getConnection().execute('select count(*)::int as n from thread where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
    expect(await readEventsAfter(em, before, 10, { patientId: patient.id })).toEqual([]);
  });

  it('checks a mention against the care team as it is when the post commits: a member removed meanwhile is refused, not told', async () => {
    await fresh();
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const coachToken = await signInAs(url(), coach);
    const thread = (await start(coachToken, patient.id)).data!.startThread;
    // A change to the team under way (as removeCareTeamMember makes it): it holds the team's turn.
    const removed = deferred();
    const mayCommit = deferred();
    const removal = server().orm.em.fork().transactional(async (tx) => {
      await runSql(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`care-team:${patient.id}`}, 0))`);
      await runSql(tx, sql`delete from care_team_member where patient_id = ${patient.id} and user_id = ${fcp.id}`);
      removed.resolve();
      await mayCommit.promise;
    });
    await removed.promise;
    const reply = gql(url(), REPLY, { t: thread.id, body: `@${fcp.name} can you see her this week?`, mentions: [fcp.id] }, coachToken);
    await waitForLockWait('pg_advisory_xact_lock');
    mayCommit.resolve();
    await removal;
    const res = await reply;
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toBe(`${fcp.name} is not on this patient's care team, so cannot be mentioned.`);
    expect((await inbox(await signInAs(url(), fcp))).filter((n) => n.kind === 'MENTIONED')).toEqual([]);
  });

  it('keeps every version when two edits of a post arrive at once: the second replaces the first, not the text both began from', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const coachToken = await signInAs(url(), world.users.coach);
    const post = (await start(coachToken, patient.id, { body: 'Dose is 75 mg' })).data!.startThread.posts[0];
    const locked = deferred();
    const release = deferred();
    const holder = server().orm.em.fork().transactional(async (tx) => {
      await runSql(tx, sql`select id from thread_post where id = ${post.id} for update`);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    const edits = ['Dose is 150 mg', 'Dose is 150 mg twice daily'].map((body) => gql<{ editThreadPost: { body: string } }>(url(), EDIT, { p: post.id, body }, coachToken));
    await waitForLockWait('thread_post', 2);
    release.resolve();
    await holder;
    const answers = await Promise.all(edits);
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined]);
    const history = await runSql<{ body: string }>(server().orm.em.fork(), sql`select body from thread_post_revision where post_id = ${post.id} order by written_at, body`);
    const [now] = await runSql<{ body: string }>(server().orm.em.fork(), sql`select body from thread_post where id = ${post.id}`);
    // Whichever committed first is in the history, after the original; the other is the post now.
    expect(history[0]!.body).toBe('Dose is 75 mg');
    expect([history[1]?.body, now!.body].sort()).toEqual(['Dose is 150 mg', 'Dose is 150 mg twice daily']);
    expect(history).toHaveLength(2);
  });

  it('tells followers of replies, never those who muted, and threads replies under their parent', async () => {
    await fresh();
    const { coach, gp, fcp } = world.users;
    const patient = await world.patient([coach, gp, fcp]);
    const [coachToken, gpToken, fcpToken] = [await signInAs(url(), coach), await signInAs(url(), gp), await signInAs(url(), fcp)];
    const thread = (await start(coachToken, patient.id)).data!.startThread;
    expect((await gql(url(), FOLLOW, { t: thread.id, s: 'FOLLOWING' }, fcpToken)).data).toEqual({ setThreadFollowState: 'FOLLOWING' });
    const reply = await gql<{ replyToThread: { id: string; parentId: string; threadId: string } }>(url(), REPLY, { t: thread.id, body: 'Yes, 25 mg steps.', parent: thread.posts[0].id }, gpToken);
    expect(reply.data?.replyToThread).toMatchObject({ parentId: thread.posts[0].id, threadId: thread.id });
    expect((await gql(url(), FOLLOW, { t: thread.id, s: 'MUTED' }, fcpToken)).data).toEqual({ setThreadFollowState: 'MUTED' });
    await gql(url(), REPLY, { t: thread.id, body: 'Agreed, I will tell the patient.' }, gpToken);

    const kinds = (list: Array<{ kind: string; link: string }>) => list.filter((n) => n.link.endsWith(thread.id)).map((n) => n.kind);
    expect(kinds(await inbox(coachToken))).toEqual(['THREAD_REPLY', 'THREAD_REPLY']); // the author follows
    expect(kinds(await inbox(fcpToken))).toEqual(['THREAD_REPLY']); // only the reply before muting
    expect(kinds(await inbox(gpToken))).toEqual([]); // never told of their own replies
    const badParent = await gql(url(), REPLY, { t: thread.id, body: 'x', parent: '00000000-0000-4000-8000-000000000000' }, gpToken);
    expect(badParent.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentPostId' });
  });

  it('lets the author edit within 15 minutes, keeping every earlier version, and no one else', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const coachToken = await signInAs(url(), world.users.coach);
    const post = (await start(coachToken, patient.id, { body: 'Dose is 75 mg' })).data!.startThread.posts[0];
    const first = await gql<{ editThreadPost: { body: string; editedAt: string; editHistory: Array<{ body: string }> } }>(url(), EDIT, { p: post.id, body: 'Dose is **150 mg**' }, coachToken);
    expect(first.errors).toBeUndefined();
    const second = await gql<{ editThreadPost: { bodyHtml: string; editHistory: Array<{ body: string }> } }>(url(), EDIT, { p: post.id, body: 'Dose is **150 mg** twice daily' }, coachToken);
    expect(second.data?.editThreadPost.bodyHtml).toBe('<p>Dose is <strong>150 mg</strong> twice daily</p>');
    expect(second.data?.editThreadPost.editHistory.map((h) => h.body)).toEqual(['Dose is 75 mg', 'Dose is **150 mg**']);
    expect(errorCode(await gql(url(), EDIT, { p: post.id, body: 'Mine now' }, await signInAs(url(), world.users.gp)))).toBe('FORBIDDEN');
    expect((await gql(url(), EDIT, { p: post.id, body: '  ' }, coachToken)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });

    // Sixteen minutes later the window has closed.
    await server().orm.em.fork().getConnection().execute(`update thread_post set created_at = now() - interval '16 minutes' where id = ?`, [post.id]);
    const late = await gql(url(), EDIT, { p: post.id, body: 'Too late' }, coachToken);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(late.errors?.[0].message).toMatch(/15 minutes/);
  });

  it('resolves and reopens; a resolved discussion takes no replies until reopened', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const token = await signInAs(url(), world.users.fcp);
    const thread = (await start(token, patient.id)).data!.startThread;
    const resolved = await gql<{ resolveThread: { resolvedAt: string; resolvedBy: { id: string } } }>(url(), RESOLVE, { t: thread.id }, token);
    expect(resolved.data?.resolveThread.resolvedBy.id).toBe(world.users.fcp.id);
    expect(errorCode(await gql(url(), RESOLVE, { t: thread.id }, token))).toBe('CONFLICT');
    expect(errorCode(await gql(url(), REPLY, { t: thread.id, body: 'One more thing' }, token))).toBe('CONFLICT');
    expect((await gql(url(), REOPEN, { t: thread.id }, token)).data).toEqual({ reopenThread: { resolvedAt: null } });
    expect((await gql(url(), REPLY, { t: thread.id, body: 'One more thing' }, token)).errors).toBeUndefined();
    const kinds = (await readEventsAfter(server().orm.em.fork(), 0, 1000, { patientId: patient.id })).map((e) => e.kind);
    expect(kinds).toEqual(['THREAD_STARTED', 'THREAD_RESOLVED', 'THREAD_REOPENED', 'THREAD_POSTED']);
  });

  it('resolves or reopens once however many ask at the same moment: the rest are CONFLICT, and the timeline has one event each', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const token = await signInAs(url(), world.users.fcp);
    const thread = (await start(token, patient.id)).data!.startThread;
    for (const mutation of [RESOLVE, REOPEN, RESOLVE]) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => gql(url(), mutation, { t: thread.id }, token)));
      expect(answers.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of answers.filter((r) => r.errors)) expect(errorCode(r)).toBe('CONFLICT');
    }
    const kinds = (await readEventsAfter(server().orm.em.fork(), 0, 1000, { patientId: patient.id })).map((e) => e.kind);
    expect(kinds).toEqual(['THREAD_STARTED', 'THREAD_RESOLVED', 'THREAD_REOPENED', 'THREAD_RESOLVED']);
  });

  it('takes no reply once resolved, even one sent at the moment it is resolved: each reply is stored before the resolve, or refused', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const [coach, fcp] = [await signInAs(url(), world.users.coach), await signInAs(url(), world.users.fcp)];
    for (let round = 0; round < 5; round++) {
      const thread = (await start(coach, patient.id)).data!.startThread;
      const [resolve, ...replies] = await Promise.all([
        gql(url(), RESOLVE, { t: thread.id }, fcp),
        ...Array.from({ length: 6 }, (_, i) => gql(url(), REPLY, { t: thread.id, body: `Reply ${i}` }, coach)),
      ]);
      expect(resolve.errors).toBeUndefined();
      for (const r of replies.filter((r) => r.errors)) expect([errorCode(r), r.errors?.[0]?.message]).toEqual(['CONFLICT', 'This discussion is resolved. Reopen it to reply.']);
      const kinds = (await readEventsAfter(server().orm.em.fork(), 0, 10_000, { patientId: patient.id }))
        .filter((e) => (e.payload as { threadId?: string }).threadId === thread.id)
        .map((e) => e.kind);
      expect(kinds.at(-1)).toBe('THREAD_RESOLVED');
      expect(kinds.filter((k) => k === 'THREAD_POSTED')).toHaveLength(replies.filter((r) => !r.errors).length);
    }
  });

  it('refuses bad input on every mutation with BAD_USER_INPUT naming the field, and emits nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(url(), world.users.coach);
    const thread = (await start(token, patient.id)).data!.startThread;
    const before = await lastCommittedSeq(server().orm.em.fork());
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [START, { input: { patientId: patient.id, title: ' ', body: 'x', mentions: [] } }, 'title'],
      [START, { input: { patientId: patient.id, title: 'x'.repeat(201), body: 'x', mentions: [] } }, 'title'],
      [START, { input: { patientId: patient.id, title: 'Plan', body: '', mentions: [] } }, 'body'],
      [REPLY, { t: thread.id, body: ' \n ' }, 'body'],
      [REPLY, { t: thread.id, body: 'x'.repeat(20_001) }, 'body'],
      [REPLY, { t: thread.id, body: 'hi', mentions: [world.users.outsider.id] }, 'mentions'],
      [EDIT, { p: thread.posts[0].id, body: '' }, 'body'],
    ];
    for (const [query, vars, field] of cases) {
      const res = await gql(url(), query, vars, token);
      expect([field, res.errors?.[0].extensions?.code, res.errors?.[0].extensions?.field]).toEqual([field, 'BAD_USER_INPUT', field]);
    }
    expect(await readEventsAfter(server().orm.em.fork(), before, 10, { patientId: patient.id })).toEqual([]);
    expect((await gql<{ thread: { posts: unknown[] } }>(url(), 'query($id: ID!) { thread(id: $id) { posts { id } } }', { id: thread.id }, token)).data?.thread.posts).toHaveLength(1);
  });

  it('lets only the care team discuss: a PCN lead may read, a stranger sees nothing', async () => {
    await fresh();
    const patient = await world.patient([world.users.coach]);
    const thread = (await start(await signInAs(url(), world.users.coach), patient.id)).data!.startThread;
    const leadToken = await signInAs(url(), world.users.lead);
    expect(errorCode(await start(leadToken, patient.id))).toBe('FORBIDDEN');
    expect((await gql<{ patientThreads: Array<{ id: string }> }>(url(), 'query($p: ID!) { patientThreads(patientId: $p) { id } }', { p: patient.id }, leadToken)).data?.patientThreads).toEqual([
      { id: thread.id },
    ]);
    const outsiderToken = await signInAs(url(), world.users.outsider);
    expect(errorCode(await start(outsiderToken, patient.id))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), REPLY, { t: thread.id, body: 'hello' }, outsiderToken))).toBe('NOT_FOUND');
  });

  it('tells people in plain text, never raw markdown: notifications and timeline excerpts', async () => {
    await fresh();
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const [coachToken, gpToken] = [await signInAs(url(), coach), await signInAs(url(), gp)];
    const thread = (await start(coachToken, patient.id)).data!.startThread;
    const body = `@${coach.name} **Pacing** first, then _sleep_: see [the leaflet](https://example.org/leaflet)\n\n- walk *daily*\n- rest`;
    expect((await gql(url(), REPLY, { t: thread.id, body, mentions: [coach.id] }, gpToken)).errors).toBeUndefined();
    const plain = `@${coach.name} Pacing first, then sleep: see the leaflet walk daily rest`;
    const told = await gql<{ myNotifications: Array<{ kind: string; body: string }> }>(url(), '{ myNotifications(first: 50) { kind body } }', {}, coachToken);
    expect(told.data!.myNotifications.map((n) => n.body)).toContain(plain);
    expect(told.data!.myNotifications.every((n) => !/\*\*|\]\(|(^|\s)_\w/.test(n.body))).toBe(true);
    const timeline = await gql<{ timeline: { nodes: Array<{ kind: string; payload: { excerpt?: string } }> } }>(
      url(),
      'query($p: ID!) { timeline(patientId: $p, first: 20) { nodes { kind payload } } }',
      { p: patient.id },
      coachToken,
    );
    expect(timeline.data!.timeline.nodes.filter((n) => n.kind === 'THREAD_POSTED').map((n) => n.payload.excerpt)).toContain(plain);
  });
});
