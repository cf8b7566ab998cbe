import { afterAll, describe, expect, it } from 'vitest';
import { PlanEditor, shownSeq } from '../test-support/care-plan-editor.js';
import { gql, startTestServer, useTestServer, wsConnect, type TestSocket } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { readConfig } from '../platform/config.js';
import { goalMap } from './care-plan.doc.js';
import { timelineTiming } from './care-plan.timeline.js';
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
  // A database of this file's own: its sweeps, on short timings, would otherwise send other files' digests
  // and put their edits on the timeline while those tests look.
  const databaseUrl = useOwnDatabase('care_plan_news');
  const server = useTestServer({ databaseUrl, carePlanDigestQuietMs: 300, carePlanTimelineQuietMs: 300, escalationSweepMs: 100 });
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
  });

  it('gathers edits into one digest naming the editors, puts them on the timeline naming the sections, and tells the team of a sign-off', async () => {
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
    const signed = await gql(server().url, 'mutation($p: ID!, $s: SafeInt!) { signOffCarePlan(patientId: $p, seq: $s) { id } }', { p: patient.id, s: await shownSeq(server().url, patient.id, coach) }, coach);
    expect(signed.errors).toBeUndefined();
    const [news] = await signedNews;
    expect(news).toMatchObject({ kind: 'CARE_PLAN_SIGNED_OFF', link: `/patients/${patient.id}/care-plan` });
    expect(news.title).toContain(world.users.coach.name);

    const timeline = await gql<{ timeline: { nodes: Array<{ kind: string; actorId: string; payload: { editorIds?: string[]; sections?: string[] } }> } }>(
      server().url,
      'query($p: ID!) { timeline(patientId: $p, kinds: [CARE_PLAN_SIGNED_OFF, CARE_PLAN_REVISED]) { nodes { kind actorId payload } } }',
      { p: patient.id },
      fcp,
    );
    expect(timeline.errors).toBeUndefined();
    const nodes = timeline.data!.timeline.nodes;
    expect(nodes[0]).toMatchObject({ kind: 'CARE_PLAN_SIGNED_OFF', actorId: world.users.coach.id });
    // The sign-off closed the open spell of editing: its entry is on the timeline before the sign-off, not
    // after it when the quiet period ends. Each spell is one entry (a slow machine may make two), naming its
    // editors and sections.
    const revisions = nodes.filter((n) => n.kind === 'CARE_PLAN_REVISED');
    expect(revisions.length).toBeGreaterThanOrEqual(1);
    expect(revisions.length).toBeLessThanOrEqual(2);
    expect(new Set(revisions.flatMap((r) => r.payload.editorIds ?? []))).toEqual(new Set([world.users.coach.id, world.users.fcp.id]));
    expect(new Set(revisions.flatMap((r) => r.payload.sections ?? []))).toEqual(new Set(['WHAT_MATTERS', 'MEDICATION']));
  });

  it('puts a spell of editing on the timeline soon after it goes quiet, naming the sections, and does not wait for a busy spell to end', async () => {
    // By default an entry comes 20 s after the last edit, or 40 s into a busy spell: within a minute either way.
    expect(timelineTiming(readConfig({}))).toEqual({ quietMs: 20_000, maxWaitMs: 40_000 });
    // The digest waits ten minutes as in production; the timeline's quiet period is 300 ms here.
    const timelineFirst = await startTestServer({ databaseUrl, carePlanTimelineQuietMs: 300 });
    closers.push(() => timelineFirst.stop());
    const world = await makeWorld(timelineFirst.orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const [coach, fcp] = await Promise.all([world.users.coach, world.users.fcp].map((u) => signInAs(timelineFirst.url, u)));
    const socket = wsConnect(timelineFirst.wsUrl, fcp);
    await socket.connected;
    closers.push(async () => void (await socket.client.dispose()));
    const revised: Array<{ at: number; payload: { revision: number; fromRevision: number; editorIds: string[]; sections: string[] } }> = [];
    let wake = () => undefined as void;
    socket.client.subscribe<{ patientEvents: { kind: string; payload: (typeof revised)[number]['payload'] } }>(
      { query: 'subscription($p: ID!) { patientEvents(patientId: $p) { kind payload } }', variables: { p: patient.id } },
      {
        next: (r) => {
          if (r.data?.patientEvents.kind === 'CARE_PLAN_REVISED') revised.push({ at: Date.now(), payload: r.data.patientEvents.payload });
          wake();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    const entries = (n: number) => new Promise<void>((resolve) => (wake = () => void (revised.length >= n && resolve())));

    // A busy spell: an edit every 100 ms for 1.5 s never goes quiet, yet an entry comes during it.
    const editor = new PlanEditor(timelineFirst.wsUrl, coach, patient.id);
    closers.push(() => editor.disconnect());
    await editor.connect();
    const first = entries(1);
    const started = Date.now();
    for (let i = 0; i < 15; i++) {
      editor.text('medication').insert(editor.text('medication').length, `m${i} `);
      await editor.settled();
      await new Promise((r) => setTimeout(r, 100));
    }
    await first;
    expect(revised[0].at - started).toBeLessThan(1500);
    expect(revised[0].payload).toMatchObject({ editorIds: [world.users.coach.id], sections: ['MEDICATION'] });
    await Promise.race([entries(2), new Promise((r) => setTimeout(r, 3000))]);

    // Goals then what matters: one entry for the spell, sections in the plan's order.
    const before = revised.length;
    const next = entries(before + 1);
    editor.doc.getArray('goals').push([goalMap({ id: 'g-1', what: 'Swim', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] })]);
    editor.text().insert(0, 'Family');
    await editor.settled();
    const quietFrom = Date.now();
    await next;
    expect(revised.at(-1)!.at - quietFrom).toBeLessThan(2000);
    const last = revised.at(-1)!.payload;
    expect(last.sections).toEqual(['WHAT_MATTERS', 'GOALS']);
    const plan = await gql<{ carePlan: { seq: number } }>(timelineFirst.url, 'query($p: ID!) { carePlan(patientId: $p) { seq } }', { p: patient.id }, fcp);
    expect(last.revision).toBe(Number(plan.data!.carePlan.seq));
    expect(last.fromRevision).toBeGreaterThan(revised[before - 1].payload.revision);
  });
});
