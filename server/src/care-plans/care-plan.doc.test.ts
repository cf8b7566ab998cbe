import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { textAttributes } from '@cairn/schema/care-plan';
import { createCarePlanDoc, readFormattedText } from './care-plan.doc.js';

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
