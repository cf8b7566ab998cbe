import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { APPLY, b64, PlanEditor, UPDATES } from '../test-support/care-plan-editor.js';
import { errorCode, gql, startTestServer, useTestServer, wsConnect, wsRequest } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { StrategyCategory } from '@cairn/schema/care-plan';
import { goalMap, strategyMap } from './care-plan.doc.js';

const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq state stateVector updatedAt changedSinceSignOff
  view { whatMatters medication goals { id what status checkIns { date rating } } strategies { id category what } flareUp { warningSigns whatHelps } review { nextReviewDate } } } }`;

interface PlanResult {
  carePlan: { seq: number; state: string; stateVector: string; view: { whatMatters: string; medication: string; goals: Array<{ id: string; status: string }> } };
}

describe('live care plans', () => {
  const server = useTestServer();
  let world: World;
  const editors: PlanEditor[] = [];
  afterEach(async () => {
    await Promise.all(editors.splice(0).map((e) => e.disconnect()));
  });

  async function setUp(team: Array<keyof World['users']> = ['coach', 'fcp', 'pharm']) {
    world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient(team.map((k) => world.users[k]));
    const tokens = Object.fromEntries(await Promise.all(team.map(async (k) => [k, await signInAs(server().url, world.users[k])] as const)));
    return { patient, tokens: tokens as Record<string, string> };
  }

  async function editor(token: string, patientId: string, wsUrl = server().wsUrl): Promise<PlanEditor> {
    const e = new PlanEditor(wsUrl, token, patientId);
    editors.push(e);
    await e.connect();
    return e;
  }

  async function plan(patientId: string, token: string) {
    const res = await gql<PlanResult>(server().url, PLAN, { p: patientId }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.carePlan;
  }

  it('two editors typing into the same paragraph at once converge to the same text, stored durably', async () => {
    const { patient, tokens } = await setUp();
    const a = await editor(tokens.coach, patient.id);
    const b = await editor(tokens.fcp, patient.id);
    a.text().insert(0, 'Walking my dog. ');
    await a.settled();
    await b.until(() => b.text().toString() === 'Walking my dog. ', 'the first sentence');
    // Interleaved: both insert in the same paragraph before seeing each other's keystrokes.
    for (let i = 0; i < 25; i++) {
      a.text().insert(Math.min(8, a.text().length), 'a');
      b.text().insert(Math.min(8, b.text().length), 'b');
    }
    await Promise.all([a.settled(), b.settled()]);
    const same = () => a.text().toString() === b.text().toString() && a.text().length === 16 + 50;
    await Promise.all([a.until(same, 'convergence'), b.until(same, 'convergence')]);
    expect(a.text().toString().match(/a/g)?.length).toBe(25 + 1); // plus the one in 'Walking'
    const stored = await plan(patient.id, tokens.pharm);
    expect(stored.view.whatMatters).toBe(a.text().toString());
    // Each acknowledged update carries a distinct seq.
    const seqs = [...a.acks, ...b.acks].map((x) => x.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('keeps every edit, and the same document, when a hot plan renews its document from each new snapshot', async () => {
    const { patient, tokens } = await setUp();
    const store = server().running.services.carePlans;
    const usual = store.options.compactEvery;
    store.options.compactEvery = 4; // a snapshot, and a renewed document, every few updates
    try {
      const a = await editor(tokens.coach, patient.id);
      const b = await editor(tokens.fcp, patient.id);
      for (let i = 0; i < 12; i++) {
        // Both type before seeing each other's last keystrokes, across several renewals.
        a.text().insert(0, `a${i} `);
        b.text().insert(b.text().length, `b${i} `);
        a.text().format(0, 2, { bold: true });
        await Promise.all([a.settled(), b.settled()]);
      }
      const same = () => a.text().toString() === b.text().toString() && a.text().length === 2 * (10 * 3 + 2 * 4);
      await Promise.all([a.until(same, 'convergence'), b.until(same, 'convergence')]);
      const served = await plan(patient.id, tokens.pharm);
      expect(served.view.whatMatters).toBe(a.text().toString());
      // The server's document is the editors' document: nothing they hold is missing from it, or extra.
      const held = new Y.Doc();
      Y.applyUpdate(held, Buffer.from(served.state, 'base64'));
      expect(Y.encodeStateVector(held)).toEqual(Y.encodeStateVector(a.doc));
      expect(held.getText('whatMatters').toDelta()).toEqual(a.text().toDelta());
      const [row] = await server().orm.em.fork().getConnection().execute('select snapshot_seq from care_plan where patient_id = ?', [patient.id]);
      expect(Number(row.snapshot_seq)).toBeGreaterThan(20);
    } finally {
      store.options.compactEvery = usual;
    }
  });

  it('three editors, one offline for a while, converge; the returning one receives only what it missed', async () => {
    const { patient, tokens } = await setUp();
    const a = await editor(tokens.coach, patient.id);
    const b = await editor(tokens.fcp, patient.id);
    const c = await editor(tokens.pharm, patient.id);
    a.text('medication').insert(0, 'Paracetamol 1g up to four times a day.');
    await a.settled();
    await c.until(() => c.text('medication').length > 0, 'c to see the medication');

    await c.disconnect();
    b.text().insert(0, 'Getting back to the allotment.');
    a.text('medication').insert(a.text('medication').length, ' Amitriptyline 10mg at night.');
    c.text('medication').insert(0, '[Reviewed] '); // offline edit
    c.text().insert(0, 'Sleeping through. ');
    await Promise.all([a.settled(), b.settled()]);

    const before = c.events.length;
    await c.connect();
    await c.settled();
    const sync = c.events[before];
    expect(sync.kind).toBe('SYNC');
    // The catch-up holds only the others' new edits, nothing c already had.
    const missed = Y.decodeUpdate(Buffer.from(sync.update, 'base64'));
    const authors = new Set(missed.structs.map((s) => s.id.client));
    expect(authors.has(c.doc.clientID)).toBe(false);
    expect([...authors].sort()).toEqual([a.doc.clientID, b.doc.clientID].sort());

    const all = [a, b, c];
    const converged = () => all.every((e) => e.text().toString() === a.text().toString() && e.text('medication').toString() === a.text('medication').toString());
    await Promise.all(all.map((e) => e.until(() => converged() && e.text().length === 'Sleeping through. Getting back to the allotment.'.length, 'three-way convergence')));
    expect(a.text('medication').toString()).toBe('[Reviewed] Paracetamol 1g up to four times a day. Amitriptyline 10mg at night.');
    expect((await plan(patient.id, tokens.coach)).view.medication).toBe(a.text('medication').toString());
  });

  it('a retried update (same clientUpdateId) is stored once and answers with the original acknowledgement', async () => {
    const { patient, tokens } = await setUp();
    const base = await plan(patient.id, tokens.coach);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(base.state, 'base64'));
    const sv = Y.encodeStateVector(doc);
    doc.getText('whatMatters').insert(0, 'Gardening');
    const update = b64(Y.encodeStateAsUpdate(doc, sv));
    const id = `retry-${randomUUID()}`;
    const first = await gql<{ applyCarePlanUpdate: { seq: number; duplicate: boolean } }>(server().url, APPLY, { p: patient.id, u: update, c: id }, tokens.coach);
    const again = await gql<{ applyCarePlanUpdate: { seq: number; duplicate: boolean } }>(server().url, APPLY, { p: patient.id, u: update, c: id }, tokens.coach);
    expect(first.data?.applyCarePlanUpdate.duplicate).toBe(false);
    expect(again.data?.applyCarePlanUpdate.seq).toBe(first.data?.applyCarePlanUpdate.seq);
    expect(again.data?.applyCarePlanUpdate.duplicate).toBe(true);
    const rows = await server().orm.em.fork().getConnection().execute('select count(*)::int as n from care_plan_update where patient_id = ?', [patient.id]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses malformed base64, non-Yjs bytes, oversized and shape-breaking updates with BAD_USER_INPUT, leaving the plan unchanged', async () => {
    const { patient, tokens } = await setUp();
    const a = await editor(tokens.coach, patient.id);
    a.text().insert(0, 'Swimming again');
    await a.settled();
    const before = await plan(patient.id, tokens.coach);

    const fromState = (edit: (doc: Y.Doc) => void) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Buffer.from(before.state, 'base64'));
      const sv = Y.encodeStateVector(doc);
      edit(doc);
      return b64(Y.encodeStateAsUpdate(doc, sv));
    };
    const bad: Record<string, string> = {
      malformedBase64: 'this is not base64!',
      nonYjs: Buffer.from('{"json":"not a Yjs update at all"}').toString('base64'),
      randomBytes: Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)).toString('base64'),
      oversized: fromState((d) => d.getText('medication').insert(0, 'x'.repeat(260 * 1024))),
      badRating: fromState((d) =>
        d.getArray('goals').push([goalMap({ id: 'g1', what: 'Walk', why: '', measure: '', targetDate: '2026-05-01', status: 'ACTIVE', checkIns: [{ date: '2026-04-01', rating: 11, note: '' }] })]),
      ),
      unknownSection: fromState((d) => d.getMap('secrets').set('x', 1)),
      flareUpTextReplaced: fromState((d) => d.getMap('flareUp').set('warningSigns', 'plain string')),
      badDate: fromState((d) => d.getMap('review').set('nextReviewDate', '2026-02-30')),
      embedInText: fromState((d) => d.getText('whatMatters').insertEmbed(0, { image: 'x' })),
      // Inside text already stored (the check looks only at what an edit adds, so these must be seen too).
      embedMidText: fromState((d) => d.getText('whatMatters').insertEmbed(5, { image: 'x' })),
      unknownFormatting: fromState((d) => d.getText('whatMatters').format(2, 4, { color: 'red' })),
    };
    // A valid goal, then flip the status to nonsense in the same update.
    bad.badStatus = fromState((d) => {
      const g = goalMap({ id: 'g1', what: 'Walk', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] });
      d.getArray('goals').push([g]);
      g.set('status', 'FINISHED');
    });

    for (const [name, update] of Object.entries(bad)) {
      const res = await gql(server().url, APPLY, { p: patient.id, u: update, c: `bad-${name}` }, tokens.coach);
      expect(errorCode(res), name).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.field, name).toBe('update');
    }
    const after = await plan(patient.id, tokens.coach);
    expect(after.seq).toBe(before.seq);
    expect(after.state).toBe(before.state);
    expect(after.view).toEqual(before.view);
    // The editor that is still connected keeps working on the unchanged plan.
    a.text().insert(a.text().length, ' twice a week');
    await a.settled();
    expect((await plan(patient.id, tokens.coach)).view.whatMatters).toBe('Swimming again twice a week');
  });

  it('keeps the plan from anyone outside the care team: NOT_FOUND for query, mutation and subscription, on HTTP and WebSocket', async () => {
    const { patient } = await setUp(['coach']);
    const outsider = await signInAs(server().url, world.users.outsider);
    const update = b64(Y.encodeStateAsUpdate(new Y.Doc()));
    expect(errorCode(await gql(server().url, PLAN, { p: patient.id }, outsider))).toBe('NOT_FOUND');
    expect(errorCode(await gql(server().url, APPLY, { p: patient.id, u: update, c: 'x1' }, outsider))).toBe('NOT_FOUND');
    const socket = wsConnect(server().wsUrl, outsider);
    await socket.connected;
    expect(errorCode(await wsRequest(socket.client, PLAN, { p: patient.id }))).toBe('NOT_FOUND');
    expect(errorCode(await wsRequest(socket.client, APPLY, { p: patient.id, u: update, c: 'x2' }))).toBe('NOT_FOUND');
    expect(errorCode(await wsRequest(socket.client, UPDATES, { p: patient.id }))).toBe('NOT_FOUND');
    await socket.client.dispose();
  });

  it('lets a read-only role watch but not edit', async () => {
    const { patient, tokens } = await setUp(['coach']);
    const lead = await signInAs(server().url, world.users.lead); // PCN service lead: may read, is not on the team
    const watcher = await editor(lead, patient.id);
    const a = await editor(tokens.coach, patient.id);
    a.text().insert(0, 'Back to work part-time');
    await watcher.until(() => watcher.text().toString() === 'Back to work part-time', 'the watcher to see the edit');
    const res = await wsRequest(watcher.client, APPLY, { p: patient.id, u: b64(Y.encodeStateAsUpdate(watcher.doc)), c: 'lead-1' });
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  it('stops streaming to a member removed from the care team', async () => {
    const { patient, tokens } = await setUp(['coach', 'fcp']);
    const a = await editor(tokens.coach, patient.id);
    const removed = await editor(tokens.fcp, patient.id);
    a.text().insert(0, 'one');
    await removed.until(() => removed.text().toString() === 'one', 'the first edit');
    const res = await gql(server().url, 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: world.users.fcp.id }, tokens.coach);
    expect(res.errors).toBeUndefined();
    a.text().insert(3, ' two');
    await a.settled();
    await removed.until(() => removed.errors.length > 0, 'the stream to end with NOT_FOUND');
    expect(JSON.stringify(removed.errors[0])).toContain('NOT_FOUND');
    expect(removed.text().toString()).toBe('one');
  });

  it('reconnecting with a state vector brings only the missing updates', async () => {
    const { patient, tokens } = await setUp(['coach', 'fcp']);
    const a = await editor(tokens.coach, patient.id);
    a.text().insert(0, 'Morning stretches');
    await a.settled();
    const state = Buffer.from((await plan(patient.id, tokens.fcp)).state, 'base64');
    const local = new Y.Doc();
    Y.applyUpdate(local, state);
    a.text().insert(a.text().length, ', ten minutes');
    a.text('medication').insert(0, 'Naproxen');
    await a.settled();

    const socket = wsConnect(server().wsUrl, tokens.fcp);
    await socket.connected;
    const first = await new Promise<{ kind: string; update: string }>((resolve) => {
      const stop = socket.client.subscribe<{ carePlanUpdates: { kind: string; update: string } }>(
        { query: UPDATES, variables: { p: patient.id, sv: b64(Y.encodeStateVector(local)) } },
        { next: (r) => (stop(), resolve(r.data!.carePlanUpdates)), error: () => undefined, complete: () => undefined },
      );
    });
    expect(first.kind).toBe('SYNC');
    const missing = Buffer.from(first.update, 'base64');
    const full = Buffer.from((await plan(patient.id, tokens.fcp)).state, 'base64');
    expect(missing.byteLength).toBeLessThan(full.byteLength / 2);
    // Only items after what the client had: none of the initial structure or the first sentence.
    const had = Y.decodeStateVector(Y.encodeStateVector(local));
    for (const s of Y.decodeUpdate(missing).structs) expect(s.id.clock).toBeGreaterThanOrEqual(had.get(s.id.client) ?? 0);
    Y.applyUpdate(local, missing);
    expect(local.getText('whatMatters').toString()).toBe('Morning stretches, ten minutes');
    expect(local.getText('medication').toString()).toBe('Naproxen');
    await socket.client.dispose();
  });

  it("stores each part of the view in the plan row's columns, as the view itself holds it", async () => {
    // Characters JSON and SQL literals escape, and some outside ASCII (one of them a surrogate pair).
    const WHAT_MATTERS = 'Walking the dog "Bramble" again \\ every day,\n\tto the café {and back} 🐕 ŵ';
    const { patient, tokens } = await setUp(['coach']);
    const a = await editor(tokens.coach, patient.id);
    a.doc.transact(() => {
      a.text().insert(0, WHAT_MATTERS);
      // Formatted in three runs: the row's plain text is the runs' text joined, in order.
      a.text().format(8, 3, { bold: true });
      a.doc.getText('medication').insert(0, 'Paracetamol 1 g up to four times a day');
      a.doc.getArray('goals').push([goalMap({ id: 'g-1', what: 'Walk to the park', why: 'Bramble', measure: 'Minutes', targetDate: '2026-09-01', status: 'ACTIVE', checkIns: [] })]);
      a.doc.getArray('goals').push([goalMap({ id: 'g-2', what: 'Swim', why: 'Fitness', measure: 'Lengths', targetDate: null, status: 'DROPPED', checkIns: [] })]);
      a.doc.getArray('strategies').push([strategyMap({ id: 's-1', category: StrategyCategory.ACTIVITY_PACING, what: 'Break the walk into two', howOften: 'Daily', suggestedBy: 'coach' })]);
      (a.doc.getMap('flareUp').get('whatHelps') as Y.Text).insert(0, 'Heat pad, then a short walk');
      a.doc.getMap('review').set('nextReviewDate', '2026-04-01');
      a.doc.getMap('review').set('reviewerId', world.users.coach.id);
    });
    await a.settled();
    const [row] = await server().orm.em.fork().getConnection().execute(
      `select view, what_matters, goals, strategies, flare_up, medication, to_char(next_review_date, 'YYYY-MM-DD') as next_review_date, reviewer_id, active_goal_count
         from care_plan where patient_id = ?`,
      [patient.id],
    );
    expect(row.view.whatMatters).toBe(WHAT_MATTERS);
    expect(row.view.whatMattersRuns).toEqual([{ insert: 'Walking ' }, { insert: 'the', attributes: { bold: true } }, { insert: WHAT_MATTERS.slice(11) }]);
    expect(row.what_matters).toBe(row.view.whatMatters);
    expect(row.medication).toBe('Paracetamol 1 g up to four times a day');
    expect(row.goals).toEqual(row.view.goals);
    expect(row.goals.map((g: { id: string }) => g.id)).toEqual(['g-1', 'g-2']);
    expect(row.strategies).toEqual(row.view.strategies);
    expect(row.strategies[0].what).toBe('Break the walk into two');
    expect(row.flare_up).toEqual(row.view.flareUp);
    expect(row.flare_up.whatHelps).toBe('Heat pad, then a short walk');
    expect(row.next_review_date).toBe('2026-04-01');
    expect(row.reviewer_id).toBe(world.users.coach.id);
    expect(row.active_goal_count).toBe(1);
    expect((await plan(patient.id, tokens.coach)).view.whatMatters).toBe(row.what_matters);
    await a.disconnect();
  });

  it('survives a restart, loading from a compacted snapshot plus the updates after it', async () => {
    const { patient, tokens } = await setUp(['coach']);
    const second = await startTestServer();
    try {
      second.running.services.carePlans.options.compactEvery = 5;
      const a = await editor(tokens.coach, patient.id, second.wsUrl);
      for (let i = 0; i < 13; i++) {
        a.text().insert(a.text().length, `${i} `);
        await a.settled();
      }
      a.doc.getArray('goals').push([goalMap({ id: 'g-walk', what: 'Walk to the shop', why: 'Independence', measure: 'Minutes walked', targetDate: '2026-09-01', status: 'ACTIVE', checkIns: [{ date: '2026-03-01', rating: 4, note: 'Slow start' }] })]);
      await a.settled();
      const [row] = await second.orm.em.fork().getConnection().execute('select snapshot_seq, last_seq, active_goal_count, goals from care_plan where patient_id = ?', [patient.id]);
      expect(Number(row.snapshot_seq)).toBeGreaterThan(0);
      expect(Number(row.snapshot_seq)).toBeLessThan(Number(row.last_seq));
      expect(row.active_goal_count).toBe(1);
      expect(row.goals[0].checkIns[0].rating).toBe(4);
      await a.disconnect();
    } finally {
      await second.stop();
    }
    // The file's server never held this plan in memory; it loads snapshot + tail from PostgreSQL.
    const restarted = await plan(patient.id, tokens.coach);
    expect(restarted.view.whatMatters).toBe(Array.from({ length: 13 }, (_, i) => `${i} `).join(''));
    expect(restarted.view.goals).toEqual([{ id: 'g-walk', what: 'Walk to the shop', status: 'ACTIVE', checkIns: [{ date: '2026-03-01', rating: 4 }] }]);
  });
});
