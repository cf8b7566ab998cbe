import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PlanEditor, shownSeq } from '../test-support/care-plan-editor.js';
import { errorCode, gql, useTestServer, wsConnect } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { emptyPlanReason } from '@cairn/schema/care-plan';
import { runSql, sql } from '../platform/sql.js';
import { goalMap, strategyMap } from './care-plan.doc.js';
import { groupRevisions, PLAN_CHANGED_WHILE_AGREEING } from './care-plan.history.js';
import { requireAgreedOn } from './care-plan.resolver.js';

const REVISIONS = `query($p: ID!) { carePlanRevisions(patientId: $p) { seq fromSeq authors { id name updateCount } updateCount sections signedOff } }`;
const AT = `query($p: ID!, $s: Int!) { carePlanAt(patientId: $p, seq: $s) { seq view { whatMatters goals { id what } } } }`;
const DIFF = `query($p: ID!, $a: Int!, $b: Int!) { carePlanDiff(patientId: $p, fromSeq: $a, toSeq: $b) { section changed before after added removed modified changes } }`;
const RESTORE = `mutation($p: ID!, $s: Int!, $c: String!) { restoreCarePlanRevision(patientId: $p, seq: $s, clientUpdateId: $c) { seq duplicate } }`;
const SIGN = `mutation($p: ID!, $s: SafeInt!, $d: String, $n: String) { signOffCarePlan(patientId: $p, seq: $s, agreedOn: $d, note: $n) { id seq signedById agreedOn note view { whatMatters } } }`;
const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq changedSinceSignOff lastSignOff { id seq } view { whatMatters goals { id } } } }`;

interface Revision {
  seq: number;
  fromSeq: number;
  authors: Array<{ id: string; name: string; updateCount: number }>;
  updateCount: number;
  sections: string[];
  signedOff: boolean;
}

describe('care-plan history, sign-off, suggestions, presence and print', () => {
  const server = useTestServer();

  /** A sign-off of the revision its sender is shown now (unless `s` names another). */
  const sign = async <T = Record<string, unknown>>(vars: { p: string; s?: number; d?: string; n?: string }, token: string) =>
    gql<T>(server().url, SIGN, { s: await shownSeq(server().url, vars.p, token), ...vars }, token);

  async function setUp() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp, world.users.pharm]);
    const [coach, fcp, pharm] = await Promise.all([world.users.coach, world.users.fcp, world.users.pharm].map((u) => signInAs(server().url, u)));
    return { world, patient, coach, fcp, pharm };
  }

  it('groups a co-editing session into one revision naming every author, opens, diffs and restores it without rewriting history', async () => {
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
    const textSeq = Number((await gql<{ carePlan: { seq: number } }>(server().url, PLAN, { p: patient.id }, pharm)).data!.carePlan.seq);
    b.doc.getArray('goals').push([goalMap({ id: 'g-park', what: 'Walk to the park', why: 'Grandchildren', measure: 'Minutes', targetDate: null, status: 'ACTIVE', checkIns: [] })]);
    await b.settled();

    // Two people editing within minutes of each other: one revision, both named, in the order they began.
    const revs = (await gql<{ carePlanRevisions: Revision[] }>(server().url, REVISIONS, { p: patient.id }, pharm)).data!.carePlanRevisions;
    expect(revs).toHaveLength(1);
    const [session] = revs;
    expect(session.authors).toEqual([
      { id: world.users.coach.id, name: world.users.coach.name, updateCount: 2 },
      { id: world.users.fcp.id, name: world.users.fcp.name, updateCount: 1 },
    ]);
    expect(session).toMatchObject({ updateCount: 3, sections: ['WHAT_MATTERS', 'GOALS'], signedOff: false });

    const at = await gql<{ carePlanAt: { view: { whatMatters: string; goals: unknown[] } } }>(server().url, AT, { p: patient.id, s: textSeq }, pharm);
    expect(at.data?.carePlanAt.view).toEqual({ whatMatters: 'Playing with my grandchildren on Sundays', goals: [] });
    const diff = (await gql<{ carePlanDiff: Array<{ section: string; changed: boolean; added: string[]; after: string; changes: string[] }> }>(server().url, DIFF, { p: patient.id, a: textSeq, b: session.seq }, pharm))
      .data!.carePlanDiff;
    expect(diff.filter((d) => d.changed).map((d) => d.section)).toEqual(['GOALS']);
    expect(diff.find((d) => d.section === 'GOALS')).toMatchObject({ added: ['g-park'], changes: ["Goal 'Walk to the park' added"] });
    expect(diff.find((d) => d.section === 'GOALS')!.after).toContain('Walk to the park: active');
    expect(errorCode(await gql(server().url, AT, { p: patient.id, s: 999_999_999 }, pharm))).toBe('BAD_USER_INPUT');

    // Restore the plan as it was before the goal: a new update by the restorer; the editors see it live.
    const restored = await gql<{ restoreCarePlanRevision: { seq: number; duplicate: boolean } }>(server().url, RESTORE, { p: patient.id, s: session.fromSeq, c: 'restore-1' }, pharm);
    expect(restored.data?.restoreCarePlanRevision.duplicate).toBe(false);
    await a.until(() => a.doc.getArray('goals').length === 0 && a.text().toString() === 'Playing with my grandchildren', 'the restore to reach the editor');
    // Still within the session: it now names the restorer too, and covers every update, none rewritten.
    const after = (await gql<{ carePlanRevisions: Revision[] }>(server().url, REVISIONS, { p: patient.id }, pharm)).data!.carePlanRevisions;
    expect(after).toHaveLength(1);
    expect(after[0].authors.map((x) => x.id)).toEqual([world.users.coach.id, world.users.fcp.id, world.users.pharm.id]);
    expect(after[0]).toMatchObject({ fromSeq: session.fromSeq, updateCount: 4 });
    // The old states still open as they were.
    expect((await gql<{ carePlanAt: { view: { goals: unknown[] } } }>(server().url, AT, { p: patient.id, s: session.seq }, pharm)).data?.carePlanAt.view.goals).toHaveLength(1);
    // Restoring to what it already is changes nothing.
    const again = await gql<{ restoreCarePlanRevision: { duplicate: boolean } }>(server().url, RESTORE, { p: patient.id, s: session.fromSeq, c: 'restore-2' }, pharm);
    expect(again.data?.restoreCarePlanRevision.duplicate).toBe(true);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('tells what changed in words: goal status and target date, strategy names, review and reviewer, never codes or ISO dates', async () => {
    const { world, patient, coach } = await setUp();
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    await a.connect();
    a.doc.getArray('goals').push([goalMap({ id: 'g-allotment', what: 'Walk to the allotment', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] })]);
    await a.settled();
    const before = Number((await gql<{ carePlan: { seq: number } }>(server().url, PLAN, { p: patient.id }, coach)).data!.carePlan.seq);
    const goal = a.doc.getArray<Y.Map<unknown>>('goals').get(0);
    a.doc.transact(() => {
      goal.set('status', 'ACHIEVED');
      goal.set('targetDate', '2027-03-01');
    });
    a.doc.getArray('strategies').push([strategyMap({ id: 's-pace', category: 'ACTIVITY_PACING', what: 'Use a timer and rest before the pain says so', howOften: 'Daily', suggestedBy: '' })]);
    a.doc.getMap('review').set('nextReviewDate', '2027-04-12');
    a.doc.getMap('review').set('reviewerId', world.users.fcp.id);
    await a.settled();
    const after = Number((await gql<{ carePlan: { seq: number } }>(server().url, PLAN, { p: patient.id }, coach)).data!.carePlan.seq);

    const diff = (await gql<{ carePlanDiff: Array<{ section: string; changed: boolean; before: string; after: string; changes: string[] }> }>(server().url, DIFF, { p: patient.id, a: before, b: after }, coach)).data!
      .carePlanDiff;
    const of = (section: string) => diff.find((d) => d.section === section)!;
    expect(of('GOALS').changes).toEqual(["Goal 'Walk to the allotment' marked achieved; target date 1 March 2027"]);
    expect(of('STRATEGIES').changes).toEqual(['Strategy added: Activity and pacing: Use a timer and rest before the pain says so (Daily)']);
    expect(of('REVIEW').changes).toEqual(['Next review set for 12 April 2027', `${world.users.fcp.name} now reviews the plan`]);
    expect(of('WHAT_MATTERS')).toMatchObject({ changed: false, changes: [] });
    const text = diff.map((d) => `${d.before}\n${d.after}`).join('\n');
    expect(text).toContain('Walk to the allotment: achieved, target date 1 March 2027');
    expect(text).not.toMatch(/ACTIVE|ACHIEVED|ACTIVITY_PACING|2027-03-01|\[/);
    expect(text).not.toContain(world.users.fcp.id);
    await a.disconnect();
  });

  it('refuses to sign off a plan that holds nothing, even after edits, and stores nothing', async () => {
    const { patient, coach } = await setUp();
    const refusal = async () => {
      const r = await sign({ p: patient.id }, coach);
      return { code: errorCode(r), message: r.errors?.[0]?.message };
    };
    const empty = { code: 'CONFLICT', message: emptyPlanReason };
    expect(await refusal()).toEqual(empty); // never written
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    await a.connect();
    a.text().insert(0, 'Something');
    await a.settled();
    a.text().delete(0, a.text().length);
    a.text('medication').insert(0, '   ');
    a.doc.getMap('review').set('nextReviewDate', '2027-01-01'); // a review date alone is not a plan
    await a.settled();
    expect(await refusal()).toEqual(empty);
    const signOffs = () => runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from care_plan_sign_off where patient_id = ${patient.id}`);
    expect(await signOffs()).toEqual([{ n: '0' }]);

    // One flare-up line is enough to agree.
    (a.doc.getMap('flareUp').get('whatHelps') as Y.Text).insert(0, 'A warm bath');
    await a.settled();
    const signed = await sign({ p: patient.id }, coach);
    expect(signed.errors).toBeUndefined();
    expect(await signOffs()).toEqual([{ n: '1' }]);
    await a.disconnect();
  });

  it('refuses a sign-off of a revision the plan has moved on from: a colleague edited while the agreement was being recorded', async () => {
    const { patient, coach, fcp } = await setUp();
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    const b = new PlanEditor(server().wsUrl, fcp, patient.id);
    await Promise.all([a.connect(), b.connect()]);
    a.text().insert(0, 'Walking the dog');
    await a.settled();
    const shown = await shownSeq(server().url, patient.id, coach);
    // The physio changes the medication text while the coach records the agreement.
    b.text('medication').insert(0, 'Reduce to 5 mg');
    await b.settled();
    const stale = await sign({ p: patient.id, s: shown }, coach);
    expect([errorCode(stale), stale.errors?.[0].message]).toEqual(['CONFLICT', PLAN_CHANGED_WHILE_AGREEING]);
    const signOffs = () => runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from care_plan_sign_off where patient_id = ${patient.id}`);
    expect(await signOffs()).toEqual([{ n: '0' }]);
    // Read again, the plan as it is now is agreed.
    const current = await sign<{ signOffCarePlan: { seq: number } }>({ p: patient.id }, coach);
    expect(current.errors).toBeUndefined();
    expect(current.data!.signOffCarePlan.seq).toBeGreaterThan(shown);
    expect(await signOffs()).toEqual([{ n: '1' }]);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('takes the day it was agreed: today in the UK by default, never a future day, and refuses one that is not a date', async () => {
    const now = new Date('2026-06-30T23:30:00Z'); // already 1 July in London
    expect(requireAgreedOn(null, now)).toBe('2026-07-01');
    expect(requireAgreedOn('2026-07-01', now)).toBe('2026-07-01');
    expect(() => requireAgreedOn('2026-07-02', now)).toThrow('A plan cannot be agreed on a future date.');
    expect(() => requireAgreedOn('2026-02-30', now)).toThrow(/must be a real date, with a four-digit year/);
    expect(() => requireAgreedOn('1999-12-31', now)).toThrow(/too far in the past/);
  });

  it('closes a revision after a pause of more than five minutes and at every sign-off, whoever edits', () => {
    const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 9, minutes));
    const u = (seq: number, actorId: string, minutes: number, sections: string[]) => ({ seq, actorId, actorName: actorId, sections, at: t(minutes) });
    const revisions = groupRevisions(
      [u(1, 'coach', 0, ['WHAT_MATTERS']), u(2, 'physio', 1, ['GOALS']), u(3, 'coach', 4, ['WHAT_MATTERS']), u(4, 'physio', 10, ['GOALS']), u(5, 'physio', 11, ['REVIEW']), u(6, 'coach', 12, ['GOALS'])],
      new Set([5]),
    );
    expect(revisions.map((r) => [r.fromSeq, r.seq, r.authors.map((a) => a.id), r.sections, r.signedOff])).toEqual([
      [1, 3, ['coach', 'physio'], ['WHAT_MATTERS', 'GOALS'], false],
      [4, 5, ['physio'], ['GOALS', 'REVIEW'], true],
      [6, 6, ['coach'], ['GOALS'], false],
    ]);
    expect(revisions.map((r) => r.beforeSeq)).toEqual([0, 3, 5]);
  });

  it("shows what a revision changed when another plan's edit took the seq just before it", async () => {
    const { patient, coach } = await setUp();
    const other = await setUp();
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    const b = new PlanEditor(server().wsUrl, other.coach, other.patient.id);
    await Promise.all([a.connect(), b.connect()]);
    a.text().insert(0, 'Gardening');
    await a.settled();
    expect((await sign({ p: patient.id }, coach)).errors).toBeUndefined();
    b.text().insert(0, 'Another patient');
    await b.settled();
    a.text().insert(a.text().length, ' in spring');
    await a.settled();

    const REVISIONS_BEFORE = `query($p: ID!) { carePlanRevisions(patientId: $p) { seq fromSeq beforeSeq } }`;
    const [latest, signed] = (await gql<{ carePlanRevisions: Array<{ seq: number; fromSeq: number; beforeSeq: number }> }>(server().url, REVISIONS_BEFORE, { p: patient.id }, coach)).data!.carePlanRevisions;
    const otherSeq = Number((await gql<{ carePlan: { seq: number } }>(server().url, PLAN, { p: other.patient.id }, other.coach)).data!.carePlan.seq);
    // Seqs are shared by all plans: the other plan's edit lies between this plan's two revisions.
    expect(signed.seq < otherSeq && otherSeq < latest.fromSeq).toBe(true);
    expect(latest.beforeSeq).toBe(signed.seq);
    const diff = await gql<{ carePlanDiff: Array<{ section: string; changed: boolean; before: string; after: string }> }>(server().url, DIFF, { p: patient.id, a: latest.beforeSeq, b: latest.seq }, coach);
    expect(diff.data?.carePlanDiff.filter((d) => d.changed)).toMatchObject([{ section: 'WHAT_MATTERS', before: 'Gardening', after: 'Gardening in spring' }]);
    // The seq before the revision's first is not this plan's: asked for, it is refused, as it was.
    expect(errorCode(await gql(server().url, DIFF, { p: patient.id, a: latest.fromSeq - 1, b: latest.seq }, coach))).toBe('BAD_USER_INPUT');
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('signs off the current revision, keeps sign-offs immutable, and tells when the plan changed since', async () => {
    const { world, patient, coach, fcp } = await setUp();
    const a = new PlanEditor(server().wsUrl, coach, patient.id);
    await a.connect();
    a.text().insert(0, 'Being able to cook for the family');
    await a.settled();
    expect((await gql<{ carePlan: { changedSinceSignOff: boolean } }>(server().url, PLAN, { p: patient.id }, fcp)).data?.carePlan.changedSinceSignOff).toBe(true);

    expect(errorCode(await sign({ p: patient.id, d: '2999-01-01' }, fcp))).toBe('BAD_USER_INPUT');
    const signed = await sign<{ signOffCarePlan: { id: string; seq: number; signedById: string; agreedOn: string; view: { whatMatters: string } } }>(
      { p: patient.id, d: '2026-01-15', n: 'Agreed at the review call' },
      fcp,
    );
    expect(signed.errors).toBeUndefined();
    expect(signed.data?.signOffCarePlan).toMatchObject({ signedById: world.users.fcp.id, agreedOn: '2026-01-15', view: { whatMatters: 'Being able to cook for the family' } });
    expect(errorCode(await sign({ p: patient.id }, fcp))).toBe('CONFLICT'); // same revision twice
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
