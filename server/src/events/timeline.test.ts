import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const TIMELINE = `query($p: ID!, $kinds: [EventKind!], $first: Int, $before: String) {
  timeline(patientId: $p, kinds: $kinds, first: $first, before: $before) { nodes { seq kind actorName payload } pageInfo { endCursor hasNextPage } } }`;
type Page = { timeline: { nodes: Array<{ seq: string; kind: string; actorName: string; payload: Record<string, unknown> }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };

describe('the patient timeline', () => {
  const server = useTestServer();

  it('pages a patient’s history newest first, filters by kind, and never shows private notifications', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp } = world.users;
    const patient = await world.patient([coach]);
    const url = server().url;
    const token = await signInAs(url, coach);
    await gql(url, 'mutation($p: ID!, $u: ID!) { addCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: gp.id }, token);
    await gql(url, 'mutation($i: PostHandoverInput!) { postHandover(input: $i) { id } }', { i: { patientId: patient.id, summary: 'Taper', advice: 'Slowly', urgency: 'ROUTINE' } }, token);
    const thread = await gql<{ startThread: { id: string } }>(url, 'mutation($i: StartThreadInput!) { startThread(input: $i) { id } }', {
      i: { patientId: patient.id, title: 'Sleep', topic: 'PLAN_REVIEW', body: 'Ideas?', mentions: [gp.id] },
    }, token);
    await gql(url, 'mutation($t: ID!) { resolveThread(threadId: $t) { id } }', { t: thread.data!.startThread.id }, token);

    const first = await gql<Page>(url, TIMELINE, { p: patient.id, first: 2 }, token);
    expect(first.data?.timeline.nodes.map((n) => n.kind)).toEqual(['THREAD_RESOLVED', 'THREAD_STARTED']);
    expect(first.data?.timeline.pageInfo.hasNextPage).toBe(true);
    const second = await gql<Page>(url, TIMELINE, { p: patient.id, first: 2, before: first.data!.timeline.pageInfo.endCursor }, token);
    expect(second.data?.timeline.nodes.map((n) => n.kind)).toEqual(['HANDOVER_POSTED', 'CARE_TEAM_MEMBER_ADDED']);
    expect(second.data?.timeline.pageInfo.hasNextPage).toBe(false);
    expect(second.data?.timeline.nodes[0]).toMatchObject({ actorName: coach.name, payload: { summary: 'Taper', urgency: 'ROUTINE' } });

    const onlyThreads = await gql<Page>(url, TIMELINE, { p: patient.id, kinds: ['THREAD_STARTED', 'THREAD_RESOLVED'] }, token);
    expect(onlyThreads.data?.timeline.nodes.map((n) => n.kind)).toEqual(['THREAD_RESOLVED', 'THREAD_STARTED']);
    // The GP was notified (mentioned, added) but those private events are not history.
    const all = await gql<Page>(url, TIMELINE, { p: patient.id, first: 100 }, token);
    expect(all.data?.timeline.nodes.map((n) => n.kind)).not.toContain('NOTIFICATION');
    expect(all.data?.timeline.nodes).toHaveLength(4);
  });

  it('is shown only to those who may read the patient, and refuses bad paging naming the argument', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const url = server().url;
    expect(errorCode(await gql(url, TIMELINE, { p: patient.id }, await signInAs(url, world.users.outsider)))).toBe('NOT_FOUND');
    expect((await gql<Page>(url, TIMELINE, { p: patient.id }, await signInAs(url, world.users.lead))).data?.timeline.nodes).toEqual([]);
    const token = await signInAs(url, world.users.coach);
    for (const [vars, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ before: 'yesterday' }, 'before'],
    ] as const) {
      expect((await gql(url, TIMELINE, { p: patient.id, ...vars }, token)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
