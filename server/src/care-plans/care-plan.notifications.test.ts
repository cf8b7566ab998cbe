import { afterAll, describe, expect, it } from 'vitest';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { gql, useTestServer, wsConnect, type TestSocket } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

interface Heard {
  kind: string;
  title: string;
  link: string;
}

/** Notifications the socket's user receives live, until `enough` says so. */
function notificationsUntil(socket: TestSocket, enough: (heard: Heard[]) => boolean): Promise<Heard[]> {
  const heard: Heard[] = [];
  return new Promise((resolve, reject) => {
    socket.client.subscribe<{ notifications: Heard }>(
      { query: 'subscription { notifications { kind title link } }' },
      {
        next: (r) => {
          if (r.errors) return reject(new Error(JSON.stringify(r.errors)));
          heard.push(r.data!.notifications);
          if (enough(heard)) resolve(heard);
        },
        error: reject,
        complete: () => undefined,
      },
    );
  });
}

describe('care-plan news for the care team', () => {
  const server = useTestServer({ carePlanDigestQuietMs: 300, escalationSweepMs: 100 });
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
  });

  it('gathers edits into one digest naming the editors, and tells the team of a sign-off, which joins the timeline', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp, world.users.pharm]);
    const [coach, fcp, pharm] = await Promise.all([world.users.coach, world.users.fcp, world.users.pharm].map((u) => signInAs(server().url, u)));
    const listener = wsConnect(server().wsUrl, pharm);
    await listener.connected;
    closers.push(async () => void (await listener.client.dispose()));
    const named = (heard: Heard[], name: string) => heard.some((h) => h.title.includes(name));
    const digests = notificationsUntil(listener, (heard) => named(heard, world.users.coach.name) && named(heard, world.users.fcp.name));

    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    const b = new PlanEditor(server().wsUrl, fcp, patient.id);
    closers.push(() => a.disconnect(), () => b.disconnect());
    await a.connect();
    await b.connect();
    for (let i = 0; i < 5; i++) {
      a.text().insert(a.text().length, `a${i} `);
      b.text('medication').insert(0, `b${i} `);
    }
    await Promise.all([a.settled(), b.settled()]);

    // Ten stored edits: the digest names both editors, in one notification per quiet period (a slow machine
    // may split the edits over two quiet periods), never one per edit.
    const heard = await digests;
    expect(heard.length).toBeLessThanOrEqual(2);
    for (const edited of heard) expect(edited).toMatchObject({ kind: 'CARE_PLAN_EDITED', link: `/patients/${patient.id}/care-plan` });

    const signedNews = notificationsUntil(listener, (h) => h.length === 1);
    const signed = await gql(server().url, 'mutation($p: ID!) { signOffCarePlan(patientId: $p) { id } }', { p: patient.id }, coach);
    expect(signed.errors).toBeUndefined();
    const [news] = await signedNews;
    expect(news).toMatchObject({ kind: 'CARE_PLAN_SIGNED_OFF', link: `/patients/${patient.id}/care-plan` });
    expect(news.title).toContain(world.users.coach.name);

    const timeline = await gql<{ timeline: { nodes: Array<{ kind: string; actorId: string; payload: { editorIds?: string[] } }> } }>(
      server().url,
      'query($p: ID!) { timeline(patientId: $p, kinds: [CARE_PLAN_SIGNED_OFF, CARE_PLAN_REVISED]) { nodes { kind actorId payload } } }',
      { p: patient.id },
      fcp,
    );
    expect(timeline.errors).toBeUndefined();
    const nodes = timeline.data!.timeline.nodes;
    expect(nodes[0]).toMatchObject({ kind: 'CARE_PLAN_SIGNED_OFF', actorId: world.users.coach.id });
    // Each quiet period of editing is one revision on the timeline, naming its editors.
    const revisions = nodes.filter((n) => n.kind === 'CARE_PLAN_REVISED');
    expect(revisions.length).toBe(heard.filter((h) => h.kind === 'CARE_PLAN_EDITED').length);
    expect(new Set(revisions.flatMap((r) => r.payload.editorIds ?? []))).toEqual(new Set([world.users.coach.id, world.users.fcp.id]));
  });
});
