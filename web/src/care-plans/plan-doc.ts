import {
  allSections,
  categoryLabels,
  declareTypes,
  flareUpKeys,
  goalStatusLabels,
  type CarePlanSection,
  type CarePlanView,
  type CheckInView,
  type FlareUpKey,
  type GoalStatus,
  type GoalView,
  type StrategyCategory,
  type StrategyView,
} from '@cairn/schema/care-plan';
import * as Y from 'yjs';
import { runsOf } from './text-runs.js';

/**
 * Reading and writing the care plan's Yjs document in the browser. Its model (sections, limits, the Yjs
 * names, the words for each part) is `@cairn/schema/care-plan`, which the server validates every update
 * against, so a client that drifts is refused rather than corrupting the plan.
 */
export { categoryLabels, declareTypes, flareUpKeys, goalStatusLabels };
export { flareUpLabels, sectionLabels } from '@cairn/schema/care-plan';
export type { CheckInView as CheckIn, FlareUpKey, GoalView, StrategyView } from '@cairn/schema/care-plan';
export type PlanView = CarePlanView;

export const sections: CarePlanSection[] = allSections;
export const goalStatuses = Object.keys(goalStatusLabels) as GoalStatus[];
export const categories = Object.keys(categoryLabels) as StrategyCategory[];

export const goalsOf = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('goals');
export const strategiesOf = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('strategies');

/** A field that may be a co-editable Y.Text or (written by a simpler client) a plain string. */
export function textOf(value: unknown): string {
  if (value instanceof Y.Text) return value.toString();
  return typeof value === 'string' ? value : '';
}

/** The plan as plain data, in the same shape as the server's materialised view. */
export function readPlan(doc: Y.Doc): PlanView {
  const flareUp = doc.getMap('flareUp');
  const review = doc.getMap('review');
  return {
    whatMatters: doc.getText('whatMatters').toString(),
    whatMattersRuns: runsOf(doc.getText('whatMatters')),
    goals: goalsOf(doc).toArray().map(readGoal),
    strategies: strategiesOf(doc).toArray().map(readStrategy),
    flareUp: Object.fromEntries(flareUpKeys.map((k) => [k, textOf(flareUp.get(k))])) as Record<FlareUpKey, string>,
    medication: doc.getText('medication').toString(),
    review: { nextReviewDate: (review.get('nextReviewDate') as string | null | undefined) || null, reviewerId: (review.get('reviewerId') as string | null | undefined) ?? null },
  };
}

export function readGoal(map: Y.Map<unknown>): GoalView {
  const checkIns = map.get('checkIns');
  return {
    id: String(map.get('id') ?? ''),
    what: textOf(map.get('what')),
    why: textOf(map.get('why')),
    measure: textOf(map.get('measure')),
    targetDate: (map.get('targetDate') as string | null | undefined) || null,
    status: (map.get('status') as GoalStatus | undefined) ?? 'ACTIVE',
    checkIns: checkIns instanceof Y.Array ? (checkIns.toArray() as CheckInView[]).map((c) => ({ date: c.date, rating: c.rating, note: c.note ?? '' })) : [],
  };
}

export function readStrategy(map: Y.Map<unknown>): StrategyView {
  return {
    id: String(map.get('id') ?? ''),
    category: (map.get('category') as StrategyCategory | undefined) ?? 'OTHER',
    what: textOf(map.get('what')),
    howOften: textOf(map.get('howOften')),
    suggestedBy: typeof map.get('suggestedBy') === 'string' ? (map.get('suggestedBy') as string) : '',
  };
}

/** A new goal as Yjs types: texts co-editable, check-ins a list of plain entries. */
export function newGoal(id: string, what: string): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', id],
    ['what', new Y.Text(what)],
    ['why', new Y.Text()],
    ['measure', new Y.Text()],
    ['targetDate', null],
    ['status', 'ACTIVE'],
    ['checkIns', new Y.Array<CheckInView>()],
  ]);
}

export function newStrategy(id: string, s: { category: StrategyCategory; what: string; howOften: string; suggestedBy: string }): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', id],
    ['category', s.category],
    ['what', new Y.Text(s.what)],
    ['howOften', new Y.Text(s.howOften)],
    ['suggestedBy', s.suggestedBy],
  ]);
}

/**
 * Sections whose content differs between two views (for "changed since it was agreed"). JSON with sorted
 * keys and without GraphQL's __typename, so a view from the server compares equal to one read here.
 */
export function changedSections(a: PlanView, b: PlanView): CarePlanSection[] {
  const parts = (v: PlanView): Record<CarePlanSection, unknown> => ({
    WHAT_MATTERS: v.whatMatters,
    GOALS: v.goals,
    STRATEGIES: v.strategies,
    FLARE_UP: v.flareUp,
    MEDICATION: v.medication,
    REVIEW: v.review,
  });
  const pa = parts(a);
  const pb = parts(b);
  return sections.filter((s) => canonical(pa[s]) !== canonical(pb[s]));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (key: string, v: unknown) => {
    if (key.startsWith('__')) return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !k.startsWith('__')).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    return v;
  });
}
