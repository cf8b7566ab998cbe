import type { TextRun } from '@cairn/schema/care-plan';
import * as Y from 'yjs';

/**
 * Reading a formatted Y.Text (characters and runs of formatting), whole or again after a change.
 *
 * A plan's text is a linked list of Yjs items, one or more per stretch typed in one go, so a text typed at
 * many places holds thousands of them, and reading it walks every one. `KeptTextReader` reads a text that
 * stays in memory again after each change, walking only the stretches of the list the change reached:
 * the list is cut into segments of `segmentItems` items whose content is kept as tokens (text and marks),
 * and a change marks the segments it touched to be walked again. (At 250 editors, `npm run bench --
 * care-plans`, reading the text whole after every group was 5.5 % of the server's CPU, `perf`.)
 */

/** What a stretch of the list reads as: characters, or a mark (bold on, bold off…) that applies from here. */
export type TextToken = string | { key: string; value: unknown };

/** Checks an item the reader is about to read (it throws to refuse the text). */
export type ItemCheck = (item: Y.Item) => void;

/**
 * The tokens of the items from `from` up to, not including, `to` (null: the end), read after `check`.
 * Deleted items read as nothing. At most `limit` items are walked; the item after the last one walked is
 * returned as `next` (null at the end or at `to`).
 */
export function textTokens(from: Y.Item | null, to: Y.Item | null, check: ItemCheck, limit = Infinity): { tokens: TextToken[]; next: Y.Item | null } {
  const tokens: TextToken[] = [];
  // Joined, not concatenated: a token is kept and read many times, so it is made a flat string once.
  let chars: string[] = [];
  const endChars = () => {
    if (chars.length > 0) tokens.push(chars.length === 1 ? chars[0] : chars.join(''));
    chars = [];
  };
  let walked = 0;
  let item = from;
  for (; item !== null && item !== to && walked < limit; item = item.right, walked++) {
    check(item);
    if (item.deleted) continue;
    const c = item.content;
    if (c instanceof Y.ContentString) chars.push(c.str);
    else if (c instanceof Y.ContentFormat) {
      endChars();
      tokens.push({ key: c.key, value: c.value });
    }
  }
  endChars();
  return { tokens, next: item === to ? null : item };
}

/** The characters and the runs of formatting the token lists read as, in order. */
export function runsOf(tokenLists: ReadonlyArray<readonly TextToken[]>): { text: string; runs: TextRun[] } {
  const runs: TextRun[] = [];
  const attributes = new Map<string, TextAttributeValue>();
  let run: string[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    const insert = run.length === 1 ? run[0] : run.join('');
    runs.push(attributes.size > 0 ? { insert, attributes: Object.fromEntries(attributes) } : { insert });
    run = [];
  };
  for (const tokens of tokenLists) {
    for (const token of tokens) {
      if (typeof token === 'string') {
        run.push(token);
        continue;
      }
      endRun();
      if (token.value === null) attributes.delete(token.key);
      else attributes.set(token.key, token.value as TextAttributeValue);
    }
  }
  endRun();
  return { text: runs.length === 1 ? runs[0].insert : runs.map((r) => r.insert).join(''), runs };
}

type TextAttributeValue = NonNullable<TextRun['attributes']>[string];

/** Items per segment: a change re-reads at most this many items per place it touched. */
const segmentItems = 64;

interface Segment {
  /** The segment's first item; the segment runs up to the next segment's first. */
  first: Y.Item;
  tokens: TextToken[];
  stale: boolean;
}

/**
 * Reads one text of a document kept in memory, again after every change, walking only the segments the
 * document's transactions touched since the last read. It must be created before the changes it is to
 * see (it listens to the document from then on); `read` gives what a whole walk would.
 */
export class KeptTextReader {
  private segments: Segment[] = [];
  /** Segments by their first item, to find the segment an item lies in by walking left. */
  private byFirst = new Map<Y.Item, Segment>();
  /** Nothing is known of the list: the next read walks it all. */
  private unread = true;
  /** Reads that had to be read whole again because the part read did not add up (see `read`). */
  drifts = 0;

  constructor(
    private readonly text: Y.Text,
    private readonly check: ItemCheck,
  ) {
    text.doc?.on('afterTransaction', this.noteChanges);
  }

  read(): { text: string; runs: TextRun[] } {
    if (this.unread) this.readWhole();
    else this.readStale();
    const read = runsOf(this.segments.map((s) => s.tokens));
    if (read.text.length === this.text.length) return read;
    // Yjs keeps the text's length itself: a read that disagrees has lost or repeated a stretch. The view is
    // what lists, print and reports show, so it is read whole instead, and the slip is reported.
    this.drifts++;
    console.error(`A care-plan text read in part came to ${read.text.length} characters, not ${this.text.length}: read whole instead`);
    this.readWhole();
    return runsOf(this.segments.map((s) => s.tokens));
  }

  private readWhole(): void {
    this.segments = this.cut(this.text._start, null);
    this.byFirst = new Map(this.segments.map((s) => [s.first, s]));
    this.unread = false;
  }

  /** Marks the segments of the items a transaction added to or deleted from this text. */
  private noteChanges = (tr: Y.Transaction): void => {
    const changed: ReadonlyMap<unknown, unknown> = tr.changed;
    if (this.unread || !changed.has(this.text)) return;
    tr.afterState.forEach((clock, client) => {
      const before = tr.beforeState.get(client) ?? 0;
      if (clock === before) return;
      const structs = tr.doc.store.clients.get(client) ?? [];
      for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) this.noteItem(structs[i]);
    });
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => this.noteItem(s));
  };

  private noteItem(struct: Y.AbstractStruct): void {
    if (!(struct instanceof Y.Item) || struct.parent !== this.text) return;
    for (let item: Y.Item | null = struct; item !== null; item = item.left) {
      const segment = this.byFirst.get(item);
      if (segment) {
        segment.stale = true;
        return;
      }
    }
    // Before the first segment's first item: the first segment is read from the text's start.
    if (this.segments.length > 0) this.segments[0].stale = true;
    else this.unread = true;
  }

  /**
   * Re-reads each run of stale segments, from its first item (the text's start for the first segment) up to
   * the next fresh segment's first item. A segment whose first item is gone from the list (Yjs merged it into
   * the item before, which lies in the previous segment) is read again together with that previous one.
   */
  private readStale(): void {
    const segments = this.segments;
    for (let i = segments.length - 1; i > 0; i--) {
      if (!this.isLinked(segments[i].first)) segments[i].stale = segments[i - 1].stale = true;
    }
    const renewed: Segment[] = [];
    for (let i = 0; i < segments.length; ) {
      if (!segments[i].stale) {
        renewed.push(segments[i++]);
        continue;
      }
      const from = i === 0 ? this.text._start : segments[i].first;
      for (; i < segments.length && segments[i].stale; i++) this.byFirst.delete(segments[i].first);
      for (const segment of this.cut(from, i < segments.length ? segments[i].first : null)) {
        this.byFirst.set(segment.first, segment);
        renewed.push(segment);
      }
    }
    this.segments = renewed;
  }

  /**
   * Fresh segments for the items from `from` up to, not including, `to`, of equal length: a segment that
   * grew past `segmentItems` is cut in two halves, never into a full one and a sliver, so the list does not
   * crumble into ever more segments as it is typed into.
   */
  private cut(from: Y.Item | null, to: Y.Item | null): Segment[] {
    let items = 0;
    for (let item = from; item !== null && item !== to; item = item.right) items++;
    const length = Math.ceil(items / Math.max(1, Math.ceil(items / segmentItems)));
    const cut: Segment[] = [];
    for (let first = from; first !== null; ) {
      const { tokens, next } = textTokens(first, to, this.check, length);
      cut.push({ first, tokens, stale: false });
      first = next;
    }
    return cut;
  }

  private isLinked(item: Y.Item): boolean {
    return item.left === null ? this.text._start === item : item.left.right === item;
  }
}
