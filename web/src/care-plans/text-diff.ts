/** One replacement that turns the old text into the new: remove `remove` characters at `index`, insert `insert`. */
export interface Splice {
  index: number;
  remove: number;
  insert: string;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * The smallest splice from `before` to `after`, placed where the caret says the edit happened (typing
 * "a" into "aa" at the start inserts at 0, not at 2), so concurrent edits nearby merge where people expect.
 * Never splits a surrogate pair.
 */
export function spliceBetween(before: string, after: string, caret: number): Splice | null {
  if (before === after) return null;
  const maxSuffix = Math.min(before.length, after.length, Math.max(0, after.length - caret));
  let suffix = 0;
  while (suffix < maxSuffix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHigh(after.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLow(after.charCodeAt(after.length - suffix))) suffix--;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** A Yjs text delta, as Y.YTextEvent.delta gives it. */
export type TextDelta = ReadonlyArray<{ retain?: number; insert?: unknown; delete?: number }>;

/**
 * Where a caret at `position` ends up after someone else's edit: text inserted before it pushes it on,
 * text deleted before it pulls it back; text inserted exactly at the caret goes after it.
 */
export function moveThroughDelta(position: number, delta: TextDelta): number {
  let old = 0; // position in the text before the edit
  let moved = position;
  for (const op of delta) {
    if (old >= position) break;
    if (op.retain !== undefined) old += op.retain;
    else if (op.insert !== undefined) moved += typeof op.insert === 'string' ? op.insert.length : 1;
    else if (op.delete !== undefined) {
      moved -= Math.min(op.delete, position - old);
      old += op.delete;
    }
  }
  return Math.max(0, moved);
}
