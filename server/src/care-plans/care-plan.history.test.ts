import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { errorCode, gql, useTestServer, wsConnect } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { goalMap } from './care-plan.doc.js';

const REVISIONS = `query($p: ID!) { carePlanRevisions(patientId: $p) { seq fromSeq authorId authorName updateCount sections signedOff } }`;
const AT = `query($p: ID!, $s: Int!) { carePlanAt(patientId: $p, seq: $s) { seq view { whatMatters goals { id what } } } }`;
const DIFF = `query($p: ID!, $a: Int!, $b: Int!) { carePlanDiff(patientId: $p, fromSeq: $a, toSeq: $b) { section changed before after added removed modified } }`;
const RESTORE = `mutation($p: ID!, $s: Int!, $c: String!) { restoreCarePlanRevision(patientId: $p, seq: $s, clientUpdateId: $c) { seq duplicate } }`;
const SIGN = `mutation($p: ID!, $d: String, $n: String) { signOffCarePlan(patientId: $p, agreedOn: $d, note: $n) { id seq signedById agreedOn note view { whatMatters } } }`;
const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq changedSinceSignOff lastSignOff { id seq } view { whatMatters goals { id } } } }`;

interface Revision {
  seq: number;
  fromSeq: number;
  authorId: string;
  updateCount: number;
  sections: string[];
  signedOff: boolean;
}

describe('care-plan history, sign-off, suggestions, presence and print', () => {
  const server = useTestServer();

  async function setUp() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp, world.users.pharm]);
    const [coach, fcp, pharm] = await Promise.all([world.users.coach, world.users.fcp, world.users.pharm].map((u) => signInAs(server().url, u)));
    return { world, patient, coach, fcp, pharm };
  }

  it('groups updates into attributed revisions, opens, diffs and restores them without rewriting history', async () => {
    const { world, patient, coach, fcp, pharm } = await setUp();
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    const b = new PlanEditor(server().wsUrl, fcp, patient.id);
    await a.connect();
    await b.connect();
    a.text().insert(0, 'Playing with my grandchildren');
    await a.settled();
    a.text().insert(a.text().length, ' on Sundays');
    await a.settled();
    await b.until(() => b.text().length === 'Playing with my grandchildren on Sundays'.length, 'b to catch up');
    b.doc.getArray('goals').push([goalMap({ id: 'g-park', what: 'Walk to the park', why: 'Grandchildren', measure: 'Minutes', targetDate: null, status: 'ACTIVE', checkIns: [] })]);
    await b.settled();

    const revs = (await gql<{ carePlanRevisions: Revision[] }>(server().url, REVISIONS, { p: patient.id }, pharm)).data!.carePlanRevisions;
    expect(revs.map((r) => [r.authorId, r.updateCount, r.sections])).toEqual([
      [world.users.fcp.id, 1, ['GOALS']],
      [world.users.coach.id, 2, ['WHAT_MATTERS']],
    ]);
    const [goalsRev, textRev] = revs;

    const at = await gql<{ carePlanAt: { view: { whatMatters: string; goals: unknown[] } } }>(server().url, AT, { p: patient.id, s: textRev.seq }, pharm);
    expect(at.data?.carePlanAt.view).toEqual({ whatMatters: 'Playing with my grandchildren on Sundays', goals: [] });
    const diff = (await gql<{ carePlanDiff: Array<{ section: string; changed: boolean; added: string[]; after: string }> }>(server().url, DIFF, { p: patient.id, a: textRev.seq, b: goalsRev.seq }, pharm))
      .data!.carePlanDiff;
    expect(diff.filter((d) => d.changed).map((d) => d.section)).toEqual(['GOALS']);
    expect(diff.find((d) => d.section === 'GOALS')).toMatchObject({ added: ['g-park'] });
    expect(diff.find((d) => d.section === 'GOALS')!.after).toContain('Walk to the park');
    expect(errorCode(await gql(server().url, AT, { p: patient.id, s: 999_999_999 }, pharm))).toBe('BAD_USER_INPUT');

    // Restore the text-only revision: a new update by the restorer; the editors see it live.
    const restored = await gql<{ restoreCarePlanRevision: { seq: number; duplicate: boolean } }>(server().url, RESTORE, { p: patient.id, s: textRev.fromSeq, c: 'restore-1' }, pharm);
    expect(restored.data?.restoreCarePlanRevision.duplicate).toBe(false);
    await a.until(() => a.doc.getArray('goals').length === 0 && a.text().toString() === 'Playing with my grandchildren', 'the restore to reach the editor');
    const after = (await gql<{ carePlanRevisions: Revision[] }>(server().url, REVISIONS, { p: patient.id }, pharm)).data!.carePlanRevisions;
    expect(after).toHaveLength(3);
    expect(after[0]).toMatchObject({ authorId: world.users.pharm.id, sections: ['WHAT_MATTERS', 'GOALS'] });
    expect(after.slice(1)).toEqual(revs); // history untouched
    // The old revisions still open as they were.
    expect((await gql<{ carePlanAt: { view: { goals: unknown[] } } }>(server().url, AT, { p: patient.id, s: goalsRev.seq }, pharm)).data?.carePlanAt.view.goals).toHaveLength(1);
    // Restoring to what it already is changes nothing.
    const again = await gql<{ restoreCarePlanRevision: { duplicate: boolean } }>(server().url, RESTORE, { p: patient.id, s: textRev.fromSeq, c: 'restore-2' }, pharm);
    expect(again.data?.restoreCarePlanRevision.duplicate).toBe(true);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('signs off the current revision, keeps sign-offs immutable, and tells when the plan changed since', async () => {
    const { world, patient, coach, fcp } = await setUp();
    expect(errorCode(await gql(server().url, SIGN, { p: patient.id }, coach))).toBe('CONFLICT'); // nothing to agree yet
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    await a.connect();
    a.text().insert(0, 'Being able to cook for the family');
    await a.settled();
    expect((await gql<{ carePlan: { changedSinceSignOff: boolean } }>(server().url, PLAN, { p: patient.id }, fcp)).data?.carePlan.changedSinceSignOff).toBe(true);

    expect(errorCode(await gql(server().url, SIGN, { p: patient.id, d: '2999-01-01' }, fcp))).toBe('BAD_USER_INPUT');
    const signed = await gql<{ signOffCarePlan: { id: string; seq: number; signedById: string; agreedOn: string; view: { whatMatters: string } } }>(
      server().url,
      SIGN,
      { p: patient.id, d: '2026-01-15', n: 'Agreed at the review call' },
      fcp,
    );
    expect(signed.errors).toBeUndefined();
    expect(signed.data?.signOffCarePlan).toMatchObject({ signedById: world.users.fcp.id, agreedOn: '2026-01-15', view: { whatMatters: 'Being able to cook for the family' } });
    expect(errorCode(await gql(server().url, SIGN, { p: patient.id }, fcp))).toBe('CONFLICT'); // same revision twice
    let plan = (await gql<{ carePlan: { changedSinceSignOff: boolean; lastSignOff: { id: string } } }>(server().url, PLAN, { p: patient.id }, coach)).data!.carePlan;
    expect(plan).toMatchObject({ changedSinceSignOff: false, lastSignOff: { id: signed.data?.signOffCarePlan.id } });

    a.text().insert(0, 'Still: ');
    // Formatting: a bold line in a bulleted list (a line's list sits on the newline that ends it).
    a.text().insert(a.text().length, '\n');
    a.text().insert(a.text().length, 'Pacing walks', { bold: true });
    a.text().insert(a.text().length, '\n', { list: 'bullet' });
    await a.settled();
    const runs = await gql<{ carePlan: { view: { whatMattersRuns: Array<{ insert: string; attributes: Record<string, unknown> | null }> } } }>(
      server().url,
      'query($p: ID!) { carePlan(patientId: $p) { view { whatMattersRuns { insert attributes } } } }',
      { p: patient.id },
      coach,
    );
    expect(runs.data!.carePlan.view.whatMattersRuns).toEqual([
      { insert: 'Still: Being able to cook for the family\n', attributes: null },
      { insert: 'Pacing walks', attributes: { bold: true } },
      { insert: '\n', attributes: { list: 'bullet' } },
    ]);
    plan = (await gql<{ carePlan: { changedSinceSignOff: boolean; lastSignOff: { id: string } } }>(server().url, PLAN, { p: patient.id }, coach)).data!.carePlan;
    expect(plan.changedSinceSignOff).toBe(true);
    const revs = (await gql<{ carePlanRevisions: Revision[] }>(server().url, REVISIONS, { p: patient.id }, coach)).data!.carePlanRevisions;
    // The sign-off closes its revision: the coach's later edit starts a new one.
    expect(revs.map((r) => r.signedOff)).toEqual([false, true]);
    expect(revs[1].seq).toBe(signed.data?.signOffCarePlan.seq);
    const list = await gql<{ carePlanSignOffs: Array<{ id: string; note: string }> }>(server().url, `query($p: ID!) { carePlanSignOffs(patientId: $p) { id note } }`, { p: patient.id }, coach);
    expect(list.data?.carePlanSignOffs).toEqual([{ id: signed.data?.signOffCarePlan.id, note: 'Agreed at the review call' }]);
    // Immutable in the database itself.
    await expect(server().orm.em.fork().getConnection().execute(`update care_plan_sign_off set note = 'changed' where patient_id = ?`, [patient.id])).rejects.toThrow(/never changed/);
    await expect(server().orm.em.fork().getConnection().execute(`delete from care_plan_update where patient_id = ?`, [patient.id])).rejects.toThrow(/never changed/);

    // Print: the current plan, a signed one, and nobody else's.
    const print = (query: string, tok: string) => fetch(`${server().url}/patients/${patient.id}/care-plan/print${query}`, { headers: { authorization: `Bearer ${tok}` } });
    const current = await print('', coach);
    expect(current.status).toBe(200);
    const html = await current.text();
    expect(html).toContain('Still: Being able to cook for the family');
    expect(html).toContain('size: A4');
    // The practice by name, and whom to ask for there: the coach leads this patient's care.
    expect(html).toContain(`Your practice: <strong>${world.practice.name}</strong>. Questions about this plan: contact your practice and ask for Coach (Health &amp; wellbeing coach), who leads your care.`);
    expect(html).toContain('<p>Still: Being able to cook for the family</p><ul><li><strong>Pacing walks</strong></li></ul>');
    const signedPage = await (await print(`?signOff=${signed.data?.signOffCarePlan.id}`, coach)).text();
    expect(signedPage).toContain('Agreed on 15 January 2026');
    expect(signedPage).not.toContain('Still:');
    const outsider = await signInAs(server().url, world.users.outsider);
    expect((await print('', outsider)).status).toBe(404);
    expect((await fetch(`${server().url}/patients/${patient.id}/care-plan/print`)).status).toBe(401);
    await a.disconnect();
  });

  it('suggests strategies by activation level', async () => {
    const { coach } = await setUp();
    const q = `query($l: Int!, $c: StrategyCategory) { strategySuggestions(activationLevel: $l, category: $c) { id category what levels } }`;
    const low = (await gql<{ strategySuggestions: Array<{ id: string; levels: number[] }> }>(server().url, q, { l: 1 }, coach)).data!.strategySuggestions;
    const high = (await gql<{ strategySuggestions: Array<{ id: string; levels: number[] }> }>(server().url, q, { l: 4 }, coach)).data!.strategySuggestions;
    expect(low.length).toBeGreaterThan(5);
    expect(low.every((s) => s.levels.includes(1))).toBe(true);
    expect(low.map((s) => s.id)).toContain('pace-timer');
    expect(high.map((s) => s.id)).not.toContain('pace-timer');
    const sleep = (await gql<{ strategySuggestions: Array<{ category: string }> }>(server().url, q, { l: 2, c: 'SLEEP' }, coach)).data!.strategySuggestions;
    expect(sleep.length).toBeGreaterThan(0);
    expect(sleep.every((s) => s.category === 'SLEEP')).toBe(true);
    expect(errorCode(await gql(server().url, q, { l: 5 }, coach))).toBe('BAD_USER_INPUT');
  });

  it('shows who is in which section live, and forgets anyone silent for the TTL', async () => {
    const { world, patient, coach, fcp } = await setUp();
    server().running.services.carePlans.options.presenceTtlMs = 400;
    try {
      const socket = wsConnect(server().wsUrl, fcp);
      await socket.connected;
      const lists: Array<Array<{ userId: string; section: string | null; activity: string }>> = [];
      let wake: () => void = () => undefined;
      const next = (pred: (l: (typeof lists)[number]) => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => (lists.length && pred(lists[lists.length - 1]) ? resolve() : (wake = check));
          check();
        });
      socket.client.subscribe<{ carePlanPresenceChanged: (typeof lists)[number] }>(
        { query: `subscription($p: ID!) { carePlanPresenceChanged(patientId: $p) { userId section activity } }`, variables: { p: patient.id } },
        { next: (r) => (lists.push(r.data!.carePlanPresenceChanged), wake()), error: () => undefined, complete: () => undefined },
      );
      await next((l) => l.length === 0);
      const beat = await gql(server().url, `mutation($p: ID!) { carePlanPresence(patientId: $p, section: GOALS, activity: EDITING, clientId: "tab-1") { userId } }`, { p: patient.id }, coach);
      expect(beat.errors).toBeUndefined();
      await next((l) => l.length === 1 && l[0].userId === world.users.coach.id && l[0].section === 'GOALS' && l[0].activity === 'EDITING');
      const started = Date.now();
      await next((l) => l.length === 0); // no heartbeat: gone
      expect(Date.now() - started).toBeLessThan(3000);
      // Nothing about presence was stored.
      const outsider = await signInAs(server().url, world.users.outsider);
      expect(errorCode(await gql(server().url, `mutation($p: ID!) { carePlanPresence(patientId: $p) { userId } }`, { p: patient.id }, outsider))).toBe('NOT_FOUND');
      await socket.client.dispose();
    } finally {
      server().running.services.carePlans.options.presenceTtlMs = 25_000;
    }
  });

  it('loads a plan with a long history quickly from its snapshot', async () => {
    const { world, patient, coach } = await setUp();
    const store = server().running.services.carePlans;
    const doc = new Y.Doc();
    const initial = await gql<{ carePlan: { state: string } }>(server().url, `query($p: ID!) { carePlan(patientId: $p) { state } }`, { p: patient.id }, coach);
    Y.applyUpdate(doc, Buffer.from(initial.data!.carePlan.state, 'base64'));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('whatMatters');
    for (let i = 0; i < 300; i++) {
      if (i % 7 === 6) text.delete(text.length - 1, 1);
      else text.insert(i % 50 === 0 ? 0 : text.length, String.fromCharCode(97 + (i % 26)));
    }
    const t0 = performance.now();
    for (let i = 0; i < updates.length; i++) await store.apply(patient.id, world.users.coach.id, updates[i], `h-${i}`, 'test');
    const applyMs = performance.now() - t0;
    store.evict(patient.id);
    const t1 = performance.now();
    const state = await store.read(patient.id);
    const loadMs = performance.now() - t1;
    expect(state.view.whatMatters).toBe(text.toString());
    console.log(`care-plan history: ${updates.length} updates applied in ${applyMs.toFixed(0)} ms (${(applyMs / updates.length).toFixed(2)} ms each, durable); cold load ${loadMs.toFixed(1)} ms`);
    expect(loadMs).toBeLessThan(1000);
  }, 180_000);
});
