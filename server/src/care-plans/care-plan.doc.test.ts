import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { textAttributes, type CarePlanView, type GoalView, type TextRun } from '@cairn/schema/care-plan';
import { canonicalJson, createCarePlanDoc, materialise, readFormattedText, writeView } from './care-plan.doc.js';

/** A small deterministic generator, so a failure names the seed that made it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The runs as Yjs itself reads them (what the plan's view held before the single-pass reader). */
function deltaRuns(text: Y.Text) {
  return (text.toDelta() as Array<{ insert: string; attributes?: Record<string, unknown> }>).map((op) =>
    op.attributes && Object.keys(op.attributes).length > 0 ? { insert: op.insert, attributes: op.attributes } : { insert: op.insert },
  );
}

/** Several editors typing, deleting and formatting into one text concurrently, then merged. */
function editedText(seed: number): Y.Text {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const docs = Array.from({ length: 3 }, () => new Y.Doc());
  for (let round = 0; round < 40; round++) {
    for (const doc of docs) {
      const text = doc.getText('t');
      const at = Math.floor(next() * (text.length + 1));
      const roll = next();
      if (roll < 0.5) text.insert(at, pick(['a', 'bc', 'Gardening ', 'é ', '\n']), next() < 0.3 ? { [pick(textAttributes)]: pick([true, 1, 2, 'x']) } : undefined);
      else if (roll < 0.7 && text.length > 0) text.delete(Math.min(at, text.length - 1), 1 + Math.floor(next() * 3));
      else if (text.length > 0) text.format(Math.min(at, text.length - 1), 1 + Math.floor(next() * 6), { [pick(textAttributes)]: next() < 0.3 ? null : pick([true, 3, 'y']) });
    }
    if (round % 5 === 4) for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  }
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  return docs[0].getText('t');
}

describe('reading a formatted text of the plan', () => {
  it('gives the characters and the runs Yjs gives, for texts typed, deleted and formatted by several editors at once', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = editedText(seed);
      const read = readFormattedText(text, 'whatMatters', 100_000);
      expect(read.text, `seed ${seed}`).toBe(text.toString());
      expect(read.runs, `seed ${seed}`).toEqual(deltaRuns(text));
    }
  });

  it('refuses an embed or an unknown mark anywhere in the text', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'Back to the allotment');
    text.insertEmbed(4, { image: 'x' });
    expect(() => readFormattedText(text, 'whatMatters', 1000)).toThrow(/only text/);
    const other = new Y.Doc().getText('t');
    other.insert(0, 'Walking');
    other.format(1, 2, { color: 'red' });
    expect(() => readFormattedText(other, 'whatMatters', 1000)).toThrow(/only text/);
  });
});

describe('making a care-plan document', () => {
  it('gives each document its own client id, and all of them one guid rather than a random uuid each', () => {
    const docs = Array.from({ length: 20 }, () => createCarePlanDoc());
    expect(new Set(docs.map((d) => d.clientID)).size).toBe(docs.length);
    expect(new Set(docs.map((d) => d.guid)).size).toBe(1);
    docs.forEach((d) => d.destroy());
  });
});

/** Two copies of one plan holding `view`, as two clinicians' editors hold it. */
function twoCopies(view: CarePlanView): [Y.Doc, Y.Doc] {
  const a = createCarePlanDoc();
  writeView(a, view);
  return [a, createCarePlanDoc(Y.encodeStateAsUpdate(a))];
}

/** Each copy receives what the other has and it lacks, as the server relays edits made offline. */
function mergeBothWays(a: Y.Doc, b: Y.Doc): void {
  const fromA = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  Y.applyUpdate(b, fromA);
}

function goal(id: string, what: string, why: string): GoalView {
  return { id, what, why, measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] };
}

function planWith(part: Partial<CarePlanView>): CarePlanView {
  const base = materialise(createCarePlanDoc());
  return { ...base, ...part, whatMatters: part.whatMattersRuns?.map((r) => r.insert).join('') ?? base.whatMatters };
}

function goalMapAt(doc: Y.Doc, index: number): Y.Map<unknown> {
  return doc.getArray('goals').get(index) as Y.Map<unknown>;
}

describe('writing a view into a plan (restore)', () => {
  it("changes only the goal fields that differ, so a colleague's concurrent edit to another goal is kept", () => {
    const [a, b] = twoCopies(planWith({ goals: [goal('g-walk', 'Walk to the allotment', 'To grow vegetables'), goal('g-cook', 'Cook Sunday lunch', 'For the family')] }));
    // Offline, B adds to goal 1's "why" and records a check-in on it.
    const why = goalMapAt(b, 0).get('why') as Y.Text;
    why.insert(why.length, ' again');
    (goalMapAt(b, 0).get('checkIns') as Y.Array<unknown>).push([{ date: '2026-03-02', rating: 6, note: 'Walked to the gate' }]);
    // Meanwhile A writes a view (a restore) in which only goal 2's status differs.
    const target = materialise(a);
    writeView(a, { ...target, goals: [target.goals[0], { ...target.goals[1], status: 'ACHIEVED' }] });
    mergeBothWays(a, b);

    for (const doc of [a, b]) {
      const { goals } = materialise(doc);
      expect(goals.map((g) => g.id)).toEqual(['g-walk', 'g-cook']);
      expect(goals[0]).toMatchObject({ why: 'To grow vegetables again', checkIns: [{ date: '2026-03-02', rating: 6, note: 'Walked to the gate' }] });
      expect(goals[1]).toMatchObject({ status: 'ACHIEVED', why: 'For the family' });
    }
  });

  it("splices a text, keeping what is the same at both ends: a colleague's insertion in its middle survives a write that changes only its end", () => {
    const [a, b] = twoCopies(
      planWith({
        whatMattersRuns: [{ insert: 'Gardening', attributes: { bold: true } }, { insert: ' with my grandchildren' }],
        medication: 'Paracetamol when needed',
        flareUp: { warningSigns: '', whatHelps: 'Heat pack, then a short walk', whatToAvoid: '', whoToContact: '' },
        goals: [goal('g-walk', 'Walk to the allotment', 'To grow vegetables')],
      }),
    );
    b.getText('whatMatters').insert('Gardening with my'.length, ' two');
    b.getText('medication').insert('Paracetamol'.length, ' 1 g');
    (b.getMap('flareUp').get('whatHelps') as Y.Text).insert('Heat pack'.length, ' on my back');
    (goalMapAt(b, 0).get('why') as Y.Text).insert('To grow'.length, ' our own');

    const target = materialise(a);
    writeView(a, {
      ...target,
      whatMatters: 'Gardening with my grandchildren every week',
      whatMattersRuns: [{ insert: 'Gardening', attributes: { bold: true } }, { insert: ' with my grandchildren every week' }],
      medication: 'Paracetamol when needed, up to four times a day',
      flareUp: { ...target.flareUp, whatHelps: 'Heat pack, then a short walk round the block' },
      goals: [{ ...target.goals[0], why: 'To grow vegetables for the family' }],
    });
    mergeBothWays(a, b);

    for (const doc of [a, b]) {
      const view = materialise(doc);
      expect(view.whatMattersRuns).toEqual([{ insert: 'Gardening', attributes: { bold: true } }, { insert: ' with my two grandchildren every week' }]);
      expect(view.medication).toBe('Paracetamol 1 g when needed, up to four times a day');
      expect(view.flareUp.whatHelps).toBe('Heat pack on my back, then a short walk round the block');
      expect(view.goals[0].why).toBe('To grow our own vegetables for the family');
    }
  });

  it('writes any view exactly, formatting and whole emoji included, and changes nothing when nothing differs', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const before = canonicalView(randomView(next));
      const after = canonicalView(mutatedView(next, before));
      const doc = createCarePlanDoc();
      writeView(doc, before);
      writeView(doc, after);
      expect(canonicalJson(materialise(doc)), `seed ${seed}`).toBe(canonicalJson(after));
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      writeView(doc, after);
      expect(updates, `seed ${seed}`).toEqual([]);
      doc.destroy();
    }
  });
});

/** A view as the plan reads it back (runs merged as Yjs merges them), so two views compare as JSON. */
function canonicalView(view: CarePlanView): CarePlanView {
  const doc = createCarePlanDoc();
  writeView(doc, view);
  const read = materialise(doc);
  doc.destroy();
  return read;
}

const units = ['a', 'b', ' ', '\n', 'é', '😀', '😁'];
const formats: Array<TextRun['attributes']> = [undefined, undefined, { bold: true }, { italic: true, bold: true }, { list: 'bullet' }, { header: 2 }];

function pickFrom<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)];
}

function randomString(next: () => number, max: number): string {
  return Array.from({ length: Math.floor(next() * max) }, () => pickFrom(next, units)).join('');
}

/** A slice by characters, never between the halves of an emoji. */
function sliceChars(s: string, start: number, end?: number): string {
  return Array.from(s).slice(start, end).join('');
}

function randomRuns(next: () => number): TextRun[] {
  return Array.from({ length: Math.floor(next() * 5) }, () => {
    const attributes = pickFrom(next, formats);
    return attributes ? { insert: randomString(next, 6) || 'x', attributes } : { insert: randomString(next, 6) || 'x' };
  });
}

/** Changes the text in one place: a range replaced by new characters and formatting, anywhere in it. */
function mutatedRuns(next: () => number, runs: TextRun[]): TextRun[] {
  const cut = Math.floor(next() * (runs.length + 1));
  const removed = Math.floor(next() * 2);
  const split = runs.map((r) => (next() < 0.3 && r.insert.length > 2 ? [{ ...r, insert: sliceChars(r.insert, 0, 1) }, { ...r, insert: sliceChars(r.insert, 1) }] : [r])).flat();
  return [...split.slice(0, cut), ...randomRuns(next).slice(0, 2), ...split.slice(cut + removed)];
}

function randomGoal(next: () => number, id: string): GoalView {
  return {
    id,
    what: randomString(next, 8),
    why: randomString(next, 8),
    measure: randomString(next, 4),
    targetDate: next() < 0.5 ? null : '2026-05-01',
    status: pickFrom(next, ['ACTIVE', 'ACHIEVED', 'PAUSED', 'DROPPED'] as const),
    checkIns: Array.from({ length: Math.floor(next() * 3) }, (_, i) => ({ date: `2026-01-0${i + 1}`, rating: Math.floor(next() * 11), note: randomString(next, 3) })),
  };
}

function randomView(next: () => number): CarePlanView {
  const whatMattersRuns = randomRuns(next);
  return planWith({
    whatMattersRuns,
    goals: ['g1', 'g2', 'g3', 'g4', 'g5'].filter(() => next() < 0.6).map((id) => randomGoal(next, id)),
    strategies: ['s1', 's2', 's3'].filter(() => next() < 0.6).map((id) => ({ id, category: 'ACTIVITY_PACING', what: randomString(next, 6), howOften: randomString(next, 4), suggestedBy: '' })),
    flareUp: { warningSigns: randomString(next, 8), whatHelps: randomString(next, 8), whatToAvoid: '', whoToContact: randomString(next, 3) },
    medication: randomString(next, 10),
    review: { nextReviewDate: next() < 0.5 ? null : '2026-06-01', reviewerId: null },
  });
}

/** `view` changed as a restore may change it: goals and strategies removed, added, reordered and edited; texts edited in one place. */
function mutatedView(next: () => number, view: CarePlanView): CarePlanView {
  const goals = view.goals.filter(() => next() < 0.8).map((g) => (next() < 0.4 ? { ...randomGoal(next, g.id), why: g.why + randomString(next, 2) } : g));
  if (next() < 0.3) goals.reverse();
  if (next() < 0.5) goals.splice(Math.floor(next() * (goals.length + 1)), 0, randomGoal(next, 'g-new'));
  const strategies = view.strategies.filter(() => next() < 0.8).map((s) => (next() < 0.4 ? { ...s, what: randomString(next, 6) + s.what, category: 'SLEEP' as const } : s));
  return planWith({
    whatMattersRuns: mutatedRuns(next, view.whatMattersRuns),
    goals,
    strategies: next() < 0.3 ? strategies.reverse() : strategies,
    flareUp: { ...view.flareUp, warningSigns: sliceChars(view.flareUp.warningSigns, 0, Math.floor(next() * 4)) + randomString(next, 3) + sliceChars(view.flareUp.warningSigns, 4) },
    medication: next() < 0.5 ? view.medication : randomString(next, 2) + view.medication + randomString(next, 2),
    review: next() < 0.5 ? view.review : { nextReviewDate: '2026-09-01', reviewerId: null },
  });
}
