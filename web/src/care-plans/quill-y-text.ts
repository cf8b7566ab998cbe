import type Quill from 'quill/core';
import { Delta, type EmitterSource, type Op } from 'quill/core';
import * as Y from 'yjs';

/**
 * Keeps a Quill editor and a Y.Text equal, both ways, and stops the text at `maxLength` characters.
 *
 * Quill's document always ends with a newline the Y.Text does not hold (the text a server or another client
 * wrote need not end with one), so the binding keeps one rule: Quill = Y.Text + "\n". Then every index is
 * the same on both sides and remote deltas apply to Quill unchanged. (y-quill mirrors the two as they come,
 * so the two sides can differ by that newline and a later edit lands one character off; it also has no
 * place to enforce the length the server allows.)
 *
 * Only Quill's `user` changes (typing, paste, undo, the toolbar, shortcuts) are written to the Y.Text; what
 * the binding itself writes into Quill uses `api`, so it is never echoed back.
 *
 * Returns the function that unbinds them.
 */
export function bindQuillToYText(quill: Quill, text: Y.Text, maxLength: number): () => void {
  const doc = text.doc;
  if (!doc) throw new Error('The text must belong to a document before an editor can be bound to it');
  /** This binding's own transactions, which the observer skips. */
  const origin = {};

  quill.setContents(new Delta(text.toDelta() as Op[]).insert('\n'), 'api');
  quill.history.clear();

  const onTextChange = (delta: Delta, before: Delta, source: EmitterSource) => {
    if (source !== 'user') return;
    const kept = withinLimit(delta, text.length, maxLength);
    doc.transact(() => text.applyDelta(kept.ops), origin);
    if (kept !== delta) quill.updateContents(quill.getContents().diff(before.compose(kept)), 'api');
    restoreTrailingNewline(quill, text);
  };
  const onRemoteChange = (event: Y.YTextEvent, transaction: Y.Transaction) => {
    if (transaction.origin === origin) return;
    applyRemote(quill, new Delta(event.delta as Op[]));
  };

  quill.on('text-change', onTextChange);
  text.observe(onRemoteChange);
  return () => {
    quill.off('text-change', onTextChange);
    text.unobserve(onRemoteChange);
  };
}

/**
 * Formatting Quill's last line formats a newline the Y.Text does not have yet, and Yjs writes one in
 * (formatText past the end inserts newlines, for Quill): the Y.Text grew by one, so Quill gets the
 * newline that keeps it one longer (an empty paragraph after, e.g., the list just made).
 */
function restoreTrailingNewline(quill: Quill, text: Y.Text): void {
  const missing = text.length + 1 - quill.getLength();
  if (missing > 0) quill.updateContents(new Delta().retain(quill.getLength()).insert('\n'.repeat(missing)), 'api');
}

/**
 * Applies someone else's change. Quill moves a selection that lies in the editor with the change, but it
 * does so by setting the selection, which focuses the editor: when the clinician is elsewhere (in the
 * toolbar, another field) the caret Quill remembers is moved by hand instead, so focus stays put.
 */
function applyRemote(quill: Quill, delta: Delta): void {
  if (quill.hasFocus()) {
    quill.updateContents(delta, 'api');
    return;
  }
  const saved = quill.selection.savedRange;
  const native = document.getSelection();
  if (native && native.rangeCount > 0 && quill.root.contains(native.anchorNode)) native.removeAllRanges();
  quill.updateContents(delta, 'api');
  const start = delta.transformPosition(saved.index, true);
  const end = delta.transformPosition(saved.index + saved.length, true);
  quill.selection.savedRange = { index: start, length: Math.max(0, end - start) };
}

/**
 * `delta`, or the same change with its inserted text cut short so the text stays within `maxLength`
 * (the textarea's maxLength did the same: characters past the limit are not taken). If cutting inserts
 * is not enough, no change at all.
 */
export function withinLimit(delta: Delta, length: number, maxLength: number): Delta {
  const room = maxLength - length;
  const growth = growthOf(delta, length);
  if (growth <= room) return delta;
  const trimmed = trimInserts(delta, growth - room);
  return growthOf(trimmed, length) <= room ? trimmed : new Delta();
}

/** How many characters `delta` adds to a text of `length` (formatting past the end adds newlines). */
function growthOf(delta: Delta, length: number): number {
  let position = 0;
  let growth = 0;
  for (const op of delta.ops) {
    if (typeof op.insert === 'string') growth += op.insert.length;
    else if (typeof op.delete === 'number') {
      growth -= op.delete;
      position += op.delete;
    } else if (typeof op.retain === 'number') position += op.retain;
  }
  return growth + Math.max(0, position - length);
}

/** `delta` with `excess` characters taken off its inserts, the last inserted first. */
function trimInserts(delta: Delta, excess: number): Delta {
  const ops = delta.ops.map((op) => ({ ...op }));
  for (let i = ops.length - 1; i >= 0 && excess > 0; i--) {
    const inserted = ops[i].insert;
    if (typeof inserted !== 'string') continue;
    const cut = Math.min(excess, inserted.length);
    ops[i].insert = inserted.slice(0, inserted.length - cut);
    excess -= cut;
  }
  return new Delta(ops.filter((op) => op.insert !== ''));
}
