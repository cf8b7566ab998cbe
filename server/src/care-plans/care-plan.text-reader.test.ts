import { textAttributes } from '@cairn/schema/care-plan';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readFormattedText } from './care-plan.doc.js';
import { KeptTextReader } from './care-plan.text-reader.js';

/** A small deterministic generator, so a failure names the seed that made it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One editor's random change to its copy of the text: typing, pasting, deleting, formatting, clearing. */
function edit(text: Y.Text, next: () => number): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const at = Math.floor(next() * (text.length + 1));
  const roll = next();
  if (roll < 0.45) text.insert(at, pick(['a', 'bc', 'Gardening ', 'é ', '\n', 'x']), next() < 0.2 ? { [pick(textAttributes)]: pick([true, 1, 2, 'x']) } : undefined);
  else if (roll < 0.5) text.insert(next() < 0.5 ? 0 : text.length, 'Walking to the allotment twice a week. '.repeat(1 + Math.floor(next() * 4)));
  else if (roll < 0.75 && text.length > 0) text.delete(Math.min(at, text.length - 1), 1 + Math.floor(next() * 6));
  else if (roll < 0.98 && text.length > 0) text.format(Math.min(at, text.length - 1), 1 + Math.floor(next() * 8), { [pick(textAttributes)]: next() < 0.3 ? null : pick([true, 3, 'y']) });
  else if (text.length > 0) text.delete(0, text.length);
}

/** What a whole walk of the text reads, and what Yjs itself reads. */
function wholeRead(text: Y.Text) {
  return readFormattedText(text, 'whatMatters', 1_000_000);
}

describe('reading a kept text again where it changed', () => {
  it('reads what a whole walk reads after every group of edits, from several editors, in any order of arrival', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const server = new Y.Doc();
      const editors = Array.from({ length: 3 }, () => new Y.Doc());
      const text = server.getText('whatMatters');
      let reader: KeptTextReader | null = null;
      for (let round = 0; round < 120; round++) {
        // Each editor changes its copy, then the server receives what it has not seen from some of them.
        for (const doc of editors) if (next() < 0.7) edit(doc.getText('whatMatters'), next);
        for (const doc of editors) {
          if (next() < 0.6) Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server)));
        }
        // Editors catch up now and then, so their edits interleave with the others'.
        if (round % 7 === 3) for (const doc of editors) Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
        // The reader starts part-way through the text's life, as a plan loaded into memory does.
        if (round === 10) reader = new KeptTextReader(text, () => undefined);
        if (reader && next() < 0.5) {
          const read = reader.read();
          expect(read, `seed ${seed}, round ${round}`).toEqual(wholeRead(text));
          expect(read.text).toBe(text.toString());
        }
      }
    }
  });

  it('walks only the stretch of a long text that an edit reached', () => {
    const doc = new Y.Doc();
    const text = doc.getText('whatMatters');
    const next = random(7);
    // Typed at random places: one item for nearly every character or two.
    for (let i = 0; i < 3000; i++) text.insert(Math.floor(next() * (text.length + 1)), 'ab'.slice(0, 1 + (i % 2)));
    let walked = 0;
    const reader = new KeptTextReader(text, () => void walked++);
    reader.read();
    const items = walked;
    expect(items).toBeGreaterThan(3000);

    walked = 0;
    text.insert(Math.floor(text.length / 2), 'Back to the allotment');
    text.delete(10, 3);
    const read = reader.read();
    expect(read).toEqual(wholeRead(text));
    // Two places changed: at most the two segments holding them (64 items each), plus a split item each.
    expect(walked).toBeGreaterThan(0);
    expect(walked).toBeLessThanOrEqual(2 * 64 + 4);

    walked = 0;
    text.insert(0, 'Sleep: ');
    expect(reader.read()).toEqual(wholeRead(text));
    expect(walked).toBeLessThanOrEqual(64 + 2);
  });

  it('refuses the text when a change put something into it that is not text or a known mark', () => {
    const doc = new Y.Doc();
    const text = doc.getText('whatMatters');
    text.insert(0, 'Walking the dog');
    const refuse = (item: Y.Item) => {
      if (!item.deleted && !(item.content instanceof Y.ContentString) && !(item.content instanceof Y.ContentFormat)) throw new Error('not text');
    };
    const reader = new KeptTextReader(text, refuse);
    expect(reader.read().text).toBe('Walking the dog');
    text.insertEmbed(4, { image: 'x' });
    expect(() => reader.read()).toThrow('not text');
    // Still refused on the next read: the stretch holding it is walked again, not taken as read.
    expect(() => reader.read()).toThrow('not text');
    text.delete(4, 1);
    expect(reader.read().text).toBe('Walking the dog');
  });

  it('reads an empty text, and the text typed into it afterwards', () => {
    const doc = new Y.Doc();
    const text = doc.getText('whatMatters');
    const reader = new KeptTextReader(text, () => undefined);
    expect(reader.read()).toEqual({ text: '', runs: [] });
    text.insert(0, 'Pacing', { bold: true });
    text.insert(6, ' and rest');
    expect(reader.read()).toEqual(wholeRead(text));
    text.delete(0, text.length);
    expect(reader.read()).toEqual({ text: '', runs: [] });
  });
});

describe('when a read in part does not add up', () => {
  it('reads the text whole instead, and counts the slip', () => {
    const doc = new Y.Doc();
    const text = doc.getText('whatMatters');
    for (let i = 0; i < 500; i++) text.insert((i * 7) % (text.length + 1), 'ab');
    const reader = new KeptTextReader(text, () => undefined);
    expect(reader.read()).toEqual(wholeRead(text));
    // A slip of the reader's own bookkeeping, made here by hand: one segment forgets what it holds.
    const kept = reader as unknown as { segments: Array<{ tokens: unknown[] }> };
    kept.segments[1].tokens = [];
    text.insert(0, 'Sleep: ');
    const errors: string[] = [];
    const logged = console.error;
    console.error = (message: string) => void errors.push(message);
    try {
      expect(reader.read()).toEqual(wholeRead(text));
    } finally {
      console.error = logged;
    }
    expect(reader.drifts).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/read whole instead/)]);
  });
});
