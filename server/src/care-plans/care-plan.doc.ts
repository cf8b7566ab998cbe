import {
  allSections,
  declareTypes,
  flareUpKeys,
  goalKeys as goalKeyList,
  GoalStatus,
  planLimits,
  reviewKeys as reviewKeyList,
  StrategyCategory,
  strategyKeys as strategyKeyList,
  textAttributes as textAttributeList,
  topLevelNames as topLevel,
  topLevelOf,
  type CarePlanSection,
  type CarePlanView,
  type CheckInView,
  type FlareUpView,
  type GoalView,
  type ReviewView,
  type StrategyView,
  type TextRun,
  type TopLevelName,
} from '@cairn/schema/care-plan';
import * as Y from 'yjs';
import { KeptTextReader, runsOf, textTokens } from './care-plan.text-reader.js';

/**
 * The server's reading of the care plan's model (`@cairn/schema/care-plan`, shared with the web app):
 * `materialise` turns a document into the typed view and refuses any document that left the model.
 */

const textAttributes = new Set<string>(textAttributeList);
const goalKeys = new Set<string>(goalKeyList);
const strategyKeys = new Set<string>(strategyKeyList);
const reviewKeys = new Set<string>(reviewKeyList);

/** The document left the plan's shape; `path` says where ("goals[1].status"). */
export class CarePlanShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'CarePlanShapeError';
  }
}

/**
 * Fixed client id of the initial structure. Every instance builds byte-identical initial state, so two
 * servers creating the same plan at once produce the same Yjs items, never two competing flare-up texts.
 */
const INITIAL_CLIENT_ID = 0x0ca1;

/**
 * A new, empty care-plan document with a fresh random client id. Its guid is fixed: Yjs would otherwise
 * draw a random uuid for it (31 calls to the system's random source, 120–150 µs a document here), and the
 * server makes a document at every cold load, every compaction and every history read, while a guid only
 * names sub-documents, which a care plan has none of.
 */
function newCarePlanDoc(): Y.Doc {
  return new Y.Doc({ guid: 'care-plan' });
}

function buildInitialUpdate(): Uint8Array {
  const doc = newCarePlanDoc();
  doc.clientID = INITIAL_CLIENT_ID;
  doc.transact(() => {
    const flareUp = doc.getMap('flareUp');
    for (const key of flareUpKeys) flareUp.set(key, new Y.Text());
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** The state every new plan starts from (seq 0). Clients start from the server's state, never an empty doc. */
export const initialCarePlanUpdate: Uint8Array = buildInitialUpdate();

/** A document with the plan's top-level types declared, holding `updates` applied in order. */
export function createCarePlanDoc(...updates: Uint8Array[]): Y.Doc {
  const doc = newCarePlanDoc();
  declareTypes(doc);
  if (updates.length === 0) updates = [initialCarePlanUpdate];
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

/** The typed view of `doc`, or CarePlanShapeError naming the first thing out of shape. */
export function materialise(doc: Y.Doc, since?: { view: CarePlanView; touched: ReadonlySet<string> }): CarePlanView {
  checkTopLevel(doc);
  const view = (since ? { ...since.view } : {}) as CarePlanView;
  for (const name of topLevel) if (!since || since.touched.has(name)) Object.assign(view, readPart[name](doc, since !== undefined));
  return view;
}

/**
 * Throws CarePlanShapeError unless the document still has the plan's shape after a change, looking only
 * into the top-level types in `touched` (the ones the change reached), and into the long text only at the
 * items the change `added`: the text's other items were checked as they were added. (Walking the whole
 * text on every edit cost about 5 % of the server's time at 250 editors.)
 */
export function checkShape(doc: Y.Doc, touched: ReadonlySet<string>, added: readonly Y.Item[]): void {
  checkTopLevel(doc);
  for (const name of topLevel) {
    if (!touched.has(name)) continue;
    if (name === 'whatMatters') checkAddedText(doc.getText('whatMatters'), added, 'whatMatters', planLimits.textChars);
    else readPart[name](doc, false);
  }
}

/** The sections stored under these top-level names. */
export function sectionsOf(touched: ReadonlySet<string>): CarePlanSection[] {
  return allSections.filter((s) => touched.has(topLevelOf[s]));
}

function checkTopLevel(doc: Y.Doc): void {
  for (const name of doc.share.keys()) {
    if (!(topLevel as readonly string[]).includes(name)) throw new CarePlanShapeError(name, 'is not a section of a care plan');
  }
  if (doc.store.pendingStructs || doc.store.pendingDs) {
    throw new CarePlanShapeError('update', 'depends on edits the server has not received');
  }
}

/**
 * Reading a section costs time in proportion to its length, so after a change only the sections the
 * change touched are read again (`materialise(doc, { view, touched })`); the rest of the view is reused.
 * A document read that way is kept in memory, and its long text is read again only where it changed.
 */
const readPart: Record<TopLevelName, (doc: Y.Doc, kept: boolean) => Partial<CarePlanView>> = {
  whatMatters: (doc, kept) => {
    const { text, runs } = (kept ? readKeptText : readFormattedText)(doc.getText('whatMatters'), 'whatMatters', planLimits.textChars);
    return { whatMatters: text, whatMattersRuns: runs };
  },
  goals: (doc) => ({ goals: readGoals(doc.getArray('goals')) }),
  strategies: (doc) => ({ strategies: readStrategies(doc.getArray('strategies')) }),
  flareUp: (doc) => ({ flareUp: readFlareUp(doc.getMap('flareUp')) }),
  medication: (doc) => ({ medication: readText(doc.getText('medication'), 'medication', planLimits.textChars) }),
  review: (doc) => ({ review: readReview(doc.getMap('review')) }),
};

/**
 * Keeps `touched` filled with the top-level names each transaction on `doc` changes (a change deep inside
 * a goal counts for `goals`); the caller clears it before the change it wants to know about.
 */
export function trackTouched(doc: Y.Doc, touched: Set<string>): void {
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const type of tr.changed.keys()) {
      let root = type;
      while (root._item !== null) root = root._item.parent as typeof type;
      for (const [name, shared] of doc.share) if (shared === root) touched.add(name);
    }
  });
}

function readGoals(goals: Y.Array<unknown>): GoalView[] {
  checkList(goals, 'goals', planLimits.goals);
  const seen = new Set<string>();
  return goals.toArray().map((item, i) => {
    const path = `goals[${i}]`;
    const map = requireMap(item, path, goalKeys);
    const id = requireId(map.get('id'), `${path}.id`, seen);
    const status = map.get('status');
    if (typeof status !== 'string' || !Object.hasOwn(GoalStatus, status)) {
      throw new CarePlanShapeError(`${path}.status`, `must be one of ${Object.keys(GoalStatus).join(', ')}`);
    }
    return {
      id,
      what: readTextLike(map.get('what'), `${path}.what`, planLimits.shortChars),
      why: readTextLike(map.get('why'), `${path}.why`, planLimits.textChars),
      measure: readTextLike(map.get('measure'), `${path}.measure`, planLimits.shortChars),
      targetDate: optionalDate(map.get('targetDate'), `${path}.targetDate`),
      status: status as GoalStatus,
      checkIns: readCheckIns(map.get('checkIns'), `${path}.checkIns`),
    };
  });
}

function readCheckIns(value: unknown, path: string): CheckInView[] {
  if (value === undefined) return [];
  if (!(value instanceof Y.Array)) throw new CarePlanShapeError(path, 'must be a list');
  checkList(value, path, planLimits.checkIns);
  return value.toArray().map((c: unknown, i) => {
    const p = `${path}[${i}]`;
    if (typeof c !== 'object' || c === null || c instanceof Y.AbstractType || Array.isArray(c)) throw new CarePlanShapeError(p, 'must be { date, rating, note }');
    const { date, rating, note, ...rest } = c as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new CarePlanShapeError(p, `has unknown fields (${Object.keys(rest).join(', ')})`);
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 0 || rating > 10) {
      throw new CarePlanShapeError(`${p}.rating`, 'must be a whole number from 0 to 10');
    }
    const checkedDate = optionalDate(date, `${p}.date`);
    if (!checkedDate) throw new CarePlanShapeError(`${p}.date`, 'is required');
    return { date: checkedDate, rating, note: optionalString(note, `${p}.note`, planLimits.shortChars) };
  });
}

function readStrategies(strategies: Y.Array<unknown>): StrategyView[] {
  checkList(strategies, 'strategies', planLimits.strategies);
  const seen = new Set<string>();
  return strategies.toArray().map((item, i) => {
    const path = `strategies[${i}]`;
    const map = requireMap(item, path, strategyKeys);
    const id = requireId(map.get('id'), `${path}.id`, seen);
    const category = map.get('category');
    if (typeof category !== 'string' || !Object.hasOwn(StrategyCategory, category)) {
      throw new CarePlanShapeError(`${path}.category`, `must be one of ${Object.keys(StrategyCategory).join(', ')}`);
    }
    return {
      id,
      category: category as StrategyCategory,
      what: readTextLike(map.get('what'), `${path}.what`, planLimits.shortChars),
      howOften: readTextLike(map.get('howOften'), `${path}.howOften`, planLimits.shortChars),
      suggestedBy: optionalString(map.get('suggestedBy'), `${path}.suggestedBy`, planLimits.shortChars),
    };
  });
}

function readFlareUp(map: Y.Map<unknown>): FlareUpView {
  if (map._start !== null) throw new CarePlanShapeError('flareUp', 'must be a set of named texts');
  for (const key of map.keys()) {
    if (!(flareUpKeys as readonly string[]).includes(key)) throw new CarePlanShapeError(`flareUp.${key}`, 'is not part of a flare-up plan');
  }
  const view = {} as FlareUpView;
  for (const key of flareUpKeys) {
    const text = map.get(key);
    if (!(text instanceof Y.Text)) throw new CarePlanShapeError(`flareUp.${key}`, 'must stay a text');
    view[key] = readText(text, `flareUp.${key}`, planLimits.textChars);
  }
  return view;
}

function readReview(map: Y.Map<unknown>): ReviewView {
  if (map._start !== null) throw new CarePlanShapeError('review', 'must be a set of named values');
  for (const key of map.keys()) if (!reviewKeys.has(key)) throw new CarePlanShapeError(`review.${key}`, 'is not part of a review');
  const reviewerId = map.get('reviewerId');
  if (reviewerId !== undefined && reviewerId !== null && (typeof reviewerId !== 'string' || !uuidPattern.test(reviewerId))) {
    throw new CarePlanShapeError('review.reviewerId', 'must be the id of a person');
  }
  return { nextReviewDate: optionalDate(map.get('nextReviewDate'), 'review.nextReviewDate'), reviewerId: (reviewerId as string | undefined) ?? null };
}

function requireMap(item: unknown, path: string, keys: Set<string>): Y.Map<unknown> {
  if (!(item instanceof Y.Map)) throw new CarePlanShapeError(path, 'must be a map of fields');
  if (item._start !== null) throw new CarePlanShapeError(path, 'must be a map of fields');
  for (const key of item.keys()) if (!keys.has(key)) throw new CarePlanShapeError(`${path}.${key}`, 'is not a known field');
  return item as Y.Map<unknown>;
}

function requireId(value: unknown, path: string, seen: Set<string>): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > planLimits.idChars) throw new CarePlanShapeError(path, 'must be a short text id');
  if (seen.has(value)) throw new CarePlanShapeError(path, `repeats the id "${value}"`);
  seen.add(value);
  return value;
}

function checkList(list: Y.Array<unknown>, path: string, max: number): void {
  if (list._map.size > 0) throw new CarePlanShapeError(path, 'must be a list');
  if (list.length > max) throw new CarePlanShapeError(path, `has more than ${max} entries`);
}

function readTextLike(value: unknown, path: string, max: number): string {
  if (value instanceof Y.Text) return readText(value, path, max);
  return optionalString(value, path, max);
}

function readText(text: Y.Text, path: string, max: number): string {
  checkText(text, path, max);
  return text.toString();
}

/** Only characters and the known formatting marks; no embeds, nested types or attributes on the text itself. */
function checkText(text: Y.Text, path: string, max: number): void {
  checkTextAttributes(text, path, max);
  for (let item = text._start; item !== null; item = item.right) checkTextItem(item, path);
}

/** `checkText` for a text whose items other than `added` were checked already. */
function checkAddedText(text: Y.Text, added: readonly Y.Item[], path: string, max: number): void {
  checkTextAttributes(text, path, max);
  for (const item of added) if (item.parent === text) checkTextItem(item, path);
}

function checkTextAttributes(text: Y.Text, path: string, max: number): void {
  if (text._map.size > 0) throw new CarePlanShapeError(path, 'must be plain or formatted text');
  if (text.length > max) throw new CarePlanShapeError(path, `is longer than ${max} characters`);
}

function checkTextItem(item: Y.Item, path: string): void {
  if (item.deleted) return;
  const c = item.content;
  if (c instanceof Y.ContentString) return;
  if (c instanceof Y.ContentFormat && textAttributes.has(c.key)) return;
  throw new CarePlanShapeError(path, 'may hold only text and bold/italic/underline/list/heading formatting');
}

function optionalString(value: unknown, path: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new CarePlanShapeError(path, 'must be text');
  if (value.length > max) throw new CarePlanShapeError(path, `is longer than ${max} characters`);
  return value;
}

function optionalDate(value: unknown, path: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !isIsoDate(value)) throw new CarePlanShapeError(path, 'must be a date written YYYY-MM-DD');
  return value;
}

export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * A formatted text, checked, as its characters and as runs of characters sharing their formatting: in one
 * walk of its items, with the runs Yjs's `toDelta` gives (a run ends at every formatting mark). Read for
 * every plan an edit group touches: `toDelta`, written for any content and for snapshots, took 70 µs for a
 * text of 1,000 characters in 670 items, where the server's time per edit is under a millisecond.
 */
export function readFormattedText(text: Y.Text, path: string, max: number): { text: string; runs: TextRun[] } {
  checkTextAttributes(text, path, max);
  return runsOf([textTokens(text._start, null, (item) => checkTextItem(item, path)).tokens]);
}

/** Readers of the long texts of documents kept in memory (see `materialise(doc, since)`). */
const keptReaders = new WeakMap<Y.Text, KeptTextReader>();

/** `readFormattedText` of a text in a document kept in memory, walking only what changed since the last read. */
function readKeptText(text: Y.Text, path: string, max: number): { text: string; runs: TextRun[] } {
  checkTextAttributes(text, path, max);
  let reader = keptReaders.get(text);
  if (!reader) keptReaders.set(text, (reader = new KeptTextReader(text, (item) => checkTextItem(item, path))));
  return reader.read();
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The top-level name each section is stored under. */
/** The sections whose content differs between two views. */
export function changedSections(before: CarePlanView, after: CarePlanView): CarePlanSection[] {
  const part = (v: CarePlanView, s: CarePlanSection): unknown => (s === 'WHAT_MATTERS' ? v.whatMattersRuns : v[topLevelOf[s]]);
  return allSections.filter((s) => canonicalJson(part(before, s)) !== canonicalJson(part(after, s)));
}

/** JSON with object keys sorted: a view read back from jsonb (which reorders keys) compares equal to the original. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

/**
 * Edits `doc` so its content equals `target`, section by section, leaving unchanged sections untouched.
 * Used by restore: the edits become a new update, so history is never rewritten.
 *
 * Every edit is as small as the difference: a goal or strategy kept by id keeps its Y.Map and only its
 * differing fields are set, and a text keeps what is the same at both ends. Yjs drops whatever a colleague
 * adds concurrently under an item this update deletes (a check-in or words typed offline into a goal), so
 * deleting and re-inserting whole lists or texts would lose their acknowledged edits.
 */
export function writeView(doc: Y.Doc, target: CarePlanView): void {
  const current = materialise(doc);
  const changed = new Set(changedSections(current, target));
  doc.transact(() => {
    if (changed.has('WHAT_MATTERS')) spliceRuns(doc.getText('whatMatters'), current.whatMattersRuns, target.whatMattersRuns);
    if (changed.has('MEDICATION')) splicePlainText(doc.getText('medication'), current.medication, target.medication);
    if (changed.has('FLARE_UP')) {
      const flareUp = doc.getMap('flareUp');
      for (const key of flareUpKeys) splicePlainText(flareUp.get(key) as Y.Text, current.flareUp[key], target.flareUp[key]);
    }
    if (changed.has('GOALS')) writeList(doc.getArray('goals'), current.goals, target.goals, goalMap, writeGoalFields);
    if (changed.has('STRATEGIES')) writeList(doc.getArray('strategies'), current.strategies, target.strategies, strategyMap, writeStrategyFields);
    if (changed.has('REVIEW')) writeReviewFields(doc.getMap('review'), current.review, target.review);
  });
}

/** Where two sequences differ: `before`'s units [start, beforeEnd) give way to `after`'s [start, afterEnd). */
interface ChangedMiddle {
  start: number;
  beforeEnd: number;
  afterEnd: number;
}

/** The middle left once the longest common start and then the longest common end are set aside. */
function changedMiddle(beforeLength: number, afterLength: number, same: (beforeIndex: number, afterIndex: number) => boolean): ChangedMiddle {
  const shorter = Math.min(beforeLength, afterLength);
  let start = 0;
  while (start < shorter && same(start, start)) start++;
  let end = 0;
  while (end < shorter - start && same(beforeLength - 1 - end, afterLength - 1 - end)) end++;
  return { start, beforeEnd: beforeLength - end, afterEnd: afterLength - end };
}

/** A text as one entry per UTF-16 unit: its characters, and each unit's formatting as canonical JSON. */
interface StyledUnits {
  chars: string;
  styles: string[];
}

function styledUnits(runs: readonly TextRun[]): StyledUnits {
  const styles: string[] = [];
  for (const run of runs) {
    const style = canonicalJson(run.attributes ?? {});
    for (let i = 0; i < run.insert.length; i++) styles.push(style);
  }
  return { chars: runs.map((r) => r.insert).join(''), styles };
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The changed middle of a text, widened to whole characters: Yjs turns both halves of a surrogate pair it
 * is made to cut into U+FFFD (an emoji in a plan would come back as two replacement marks).
 */
function changedTextMiddle(before: StyledUnits, after: StyledUnits): ChangedMiddle {
  const middle = changedMiddle(
    before.chars.length,
    after.chars.length,
    (i, j) => before.chars.charCodeAt(i) === after.chars.charCodeAt(j) && before.styles[i] === after.styles[j],
  );
  while (middle.start > 0 && isHighSurrogate(before.chars.charCodeAt(middle.start - 1))) middle.start--;
  while (middle.beforeEnd < before.chars.length && isLowSurrogate(before.chars.charCodeAt(middle.beforeEnd))) {
    middle.beforeEnd++;
    middle.afterEnd++;
  }
  return middle;
}

/** The runs covering units [start, end) of the text `runs` make up. */
function runsBetween(runs: readonly TextRun[], start: number, end: number): TextRun[] {
  const slices: TextRun[] = [];
  let at = 0;
  for (const run of runs) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + run.insert.length);
    if (from < to) slices.push({ insert: run.insert.slice(from - at, to - at), attributes: run.attributes });
    at += run.insert.length;
  }
  return slices;
}

/** Makes a formatted text read `after` (it reads `before`), replacing only the middle where they differ. */
function spliceRuns(text: Y.Text, before: readonly TextRun[], after: readonly TextRun[]): void {
  const middle = changedTextMiddle(styledUnits(before), styledUnits(after));
  if (middle.beforeEnd > middle.start) text.delete(middle.start, middle.beforeEnd - middle.start);
  let at = middle.start;
  for (const run of runsBetween(after, middle.start, middle.afterEnd)) {
    // Explicit formatting (none is `{}`): without it Yjs would give the new words the formatting beside them.
    text.insert(at, run.insert, { ...run.attributes });
    at += run.insert.length;
  }
}

function splicePlainText(text: Y.Text, before: string, after: string): void {
  if (before !== after) spliceRuns(text, [{ insert: before }], [{ insert: after }]);
}

/**
 * Ids in both lists whose items can stay where they are: the most of them found in the same order in both.
 * Yjs cannot move an item, so any other id in both is deleted and inserted again at its new place.
 */
function idsKeptInPlace(before: readonly { id: string }[], after: readonly { id: string }[]): Set<string> {
  const afterIndex = new Map(after.map((item, i) => [item.id, i]));
  const places = before.flatMap((item) => afterIndex.get(item.id) ?? []); // in `before`'s order
  const longest = longestIncreasing(places);
  return new Set(longest.map((place) => after[place].id));
}

/** The longest strictly increasing subsequence of `values` (lists here hold at most 100 items). */
function longestIncreasing(values: readonly number[]): number[] {
  const lengthEndingAt = values.map(() => 1);
  const previous = values.map(() => -1);
  let last = -1;
  values.forEach((value, i) => {
    for (let j = 0; j < i; j++) {
      if (values[j] < value && lengthEndingAt[j] + 1 > lengthEndingAt[i]) {
        lengthEndingAt[i] = lengthEndingAt[j] + 1;
        previous[i] = j;
      }
    }
    if (last < 0 || lengthEndingAt[i] > lengthEndingAt[last]) last = i;
  });
  const sequence: number[] = [];
  for (let i = last; i >= 0; i = previous[i]) sequence.unshift(values[i]);
  return sequence;
}

/**
 * Makes `list` (whose items read as `before`, one for one) hold `after`: items whose id is in both keep
 * their Y.Map and get only their differing fields written; the rest are deleted or inserted in place.
 */
function writeList<V extends { id: string }>(
  list: Y.Array<unknown>,
  before: readonly V[],
  after: readonly V[],
  newMap: (view: V) => Y.Map<unknown>,
  writeFields: (map: Y.Map<unknown>, before: V, after: V) => void,
): void {
  const kept = idsKeptInPlace(before, after);
  for (let i = before.length - 1; i >= 0; i--) if (!kept.has(before[i].id)) list.delete(i, 1);
  const keptBefore = new Map(before.filter((item) => kept.has(item.id)).map((item) => [item.id, item]));
  after.forEach((item, i) => {
    // The kept items are now in `after`'s order, so the i-th place holds this one if it was kept.
    const previous = keptBefore.get(item.id);
    if (previous) writeFields(list.get(i) as Y.Map<unknown>, previous, item);
    else list.insert(i, [newMap(item)]);
  });
}

/** A co-editable text field of a goal or strategy: spliced, or made a text if it was stored as a plain string. */
function writeTextField(map: Y.Map<unknown>, key: string, before: string, after: string): void {
  if (before === after) return;
  const value = map.get(key);
  if (value instanceof Y.Text) splicePlainText(value, before, after);
  else map.set(key, textOf(after));
}

function writeValueField(map: Y.Map<unknown>, key: string, before: unknown, after: unknown): void {
  if (before !== after) map.set(key, after);
}

function writeGoalFields(map: Y.Map<unknown>, before: GoalView, after: GoalView): void {
  for (const key of ['what', 'why', 'measure'] as const) writeTextField(map, key, before[key], after[key]);
  writeValueField(map, 'targetDate', before.targetDate, after.targetDate);
  writeValueField(map, 'status', before.status, after.status);
  writeCheckIns(map, before.checkIns, after.checkIns);
}

/** Check-ins have no ids: the list keeps those the same at both ends, so one a colleague adds meanwhile stays. */
function writeCheckIns(goal: Y.Map<unknown>, before: readonly CheckInView[], after: readonly CheckInView[]): void {
  const beforeJson = before.map(canonicalJson);
  const afterJson = after.map(canonicalJson);
  const middle = changedMiddle(before.length, after.length, (i, j) => beforeJson[i] === afterJson[j]);
  if (middle.start === middle.beforeEnd && middle.start === middle.afterEnd) return;
  const list = goal.get('checkIns');
  if (!(list instanceof Y.Array)) {
    goal.set('checkIns', checkInList(after));
    return;
  }
  if (middle.beforeEnd > middle.start) list.delete(middle.start, middle.beforeEnd - middle.start);
  list.insert(middle.start, after.slice(middle.start, middle.afterEnd).map((c) => ({ ...c })));
}

function writeStrategyFields(map: Y.Map<unknown>, before: StrategyView, after: StrategyView): void {
  writeValueField(map, 'category', before.category, after.category);
  writeTextField(map, 'what', before.what, after.what);
  writeTextField(map, 'howOften', before.howOften, after.howOften);
  writeValueField(map, 'suggestedBy', before.suggestedBy, after.suggestedBy);
}

function writeReviewFields(review: Y.Map<unknown>, before: ReviewView, after: ReviewView): void {
  for (const key of reviewKeyList) writeValueField(review, key, before[key], after[key]);
}

function textOf(s: string): Y.Text {
  return new Y.Text(s);
}

/** A goal as Yjs types (texts co-editable, check-ins a list). Exported for clients and tests that add goals. */
export function goalMap(goal: GoalView): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', goal.id],
    ['what', textOf(goal.what)],
    ['why', textOf(goal.why)],
    ['measure', textOf(goal.measure)],
    ['targetDate', goal.targetDate],
    ['status', goal.status],
    ['checkIns', checkInList(goal.checkIns)],
  ]);
}

function checkInList(checkIns: readonly CheckInView[]): Y.Array<CheckInView> {
  const list = new Y.Array<CheckInView>();
  list.insert(0, checkIns.map((c) => ({ ...c })));
  return list;
}

export function strategyMap(s: StrategyView): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', s.id],
    ['category', s.category],
    ['what', textOf(s.what)],
    ['howOften', textOf(s.howOften)],
    ['suggestedBy', s.suggestedBy],
  ]);
}
