import type { EntityManager } from '@mikro-orm/postgresql';
import {
  allSections,
  categoryLabels,
  flareUpKeys,
  flareUpLabels,
  sectionLabels,
  type CarePlanSection,
  type CarePlanView,
  type GoalStatus,
  type GoalView,
  type StrategyView,
} from '@cairn/schema/care-plan';
import { runSql, sql } from '../platform/sql.js';
import { dateInWords } from '../platform/uk-dates.js';
import { canonicalJson, changedSections } from './care-plan.doc.js';

export interface SectionDiff {
  section: CarePlanSection;
  changed: boolean;
  before: string;
  after: string;
  added: string[];
  removed: string[];
  modified: string[];
  /** What changed, in sentences a clinician reads ("Goal 'Walk to the allotment' marked achieved"). */
  changes: string[];
}

/** Names of the people a view refers to (the reviewer), by user id. */
export type PeopleNames = ReadonlyMap<string, string>;

/** Section by section: readable text of each side, which goals or strategies came, went or changed, and the changes in words. */
export function diffViews(before: CarePlanView, after: CarePlanView, names: PeopleNames = new Map()): SectionDiff[] {
  const changed = new Set(changedSections(before, after));
  return allSections.map((section) => {
    const a = new Map(itemsOf(before, section).map((i) => [i.id, canonicalJson(i)]));
    const b = new Map(itemsOf(after, section).map((i) => [i.id, canonicalJson(i)]));
    return {
      section,
      changed: changed.has(section),
      before: sectionText(before, section, names),
      after: sectionText(after, section, names),
      added: [...b.keys()].filter((id) => !a.has(id)),
      removed: [...a.keys()].filter((id) => !b.has(id)),
      modified: [...b.keys()].filter((id) => a.has(id) && a.get(id) !== b.get(id)),
      changes: changed.has(section) ? describeSectionChanges(before, after, section, names) : [],
    };
  });
}

/** The names of the reviewers either view names, read once for a diff. */
export async function reviewerNames(em: EntityManager, views: CarePlanView[]): Promise<PeopleNames> {
  const ids = [...new Set(views.map((v) => v.review.reviewerId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await runSql<{ id: string; name: string }>(em, sql`select id, name from app_user where id = any(${ids}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r.name]));
}

function itemsOf(view: CarePlanView, section: CarePlanSection): Array<{ id: string }> {
  return section === 'GOALS' ? view.goals : section === 'STRATEGIES' ? view.strategies : [];
}

const goalStatusWords: Record<GoalStatus, string> = { ACTIVE: 'active', ACHIEVED: 'achieved', PAUSED: 'paused', DROPPED: 'dropped' };
const statusChangeWords: Record<GoalStatus, string> = { ACTIVE: 'made active again', ACHIEVED: 'marked achieved', PAUSED: 'paused', DROPPED: 'dropped' };

/** A section as plain readable text, in words (no codes, ISO dates or ids), for the word-by-word diff. */
export function sectionText(view: CarePlanView, section: CarePlanSection, names: PeopleNames = new Map()): string {
  switch (section) {
    case 'WHAT_MATTERS':
      return view.whatMatters;
    case 'GOALS':
      return view.goals.map(goalText).join('\n');
    case 'STRATEGIES':
      return view.strategies.map((s) => `• ${strategyText(s)}`).join('\n');
    case 'FLARE_UP':
      return flareUpKeys.map((k) => `${flareUpLabels[k]}: ${view.flareUp[k]}`).join('\n');
    case 'MEDICATION':
      return view.medication;
    case 'REVIEW':
      return `Next review: ${view.review.nextReviewDate ? dateInWords(view.review.nextReviewDate) : 'not set'}. Who reviews: ${personName(view.review.reviewerId, names)}.`;
  }
}

function goalText(g: GoalView): string {
  return [
    `• ${g.what}: ${goalStatusWords[g.status]}${g.targetDate ? `, target date ${dateInWords(g.targetDate)}` : ''}`,
    g.why && `  Why: ${g.why}`,
    g.measure && `  Measure: ${g.measure}`,
    ...g.checkIns.map((c) => `  ${dateInWords(c.date)}: ${c.rating} out of 10${c.note ? `, ${c.note}` : ''}`),
  ]
    .filter(Boolean)
    .join('\n');
}

function strategyText(s: StrategyView): string {
  return `${categoryLabels[s.category]}: ${s.what}${s.howOften ? ` (${s.howOften})` : ''}${s.suggestedBy ? `, suggested by ${s.suggestedBy}` : ''}`;
}

function personName(id: string | null, names: PeopleNames): string {
  return id === null ? 'not decided yet' : (names.get(id) ?? 'a former member of the team');
}

/** The changes to one section, in sentences. */
export function describeSectionChanges(before: CarePlanView, after: CarePlanView, section: CarePlanSection, names: PeopleNames = new Map()): string[] {
  switch (section) {
    case 'GOALS':
      return describeListChanges(before.goals, after.goals, goalAdded, (g) => `Goal '${g.what}' removed`, goalChanged);
    case 'STRATEGIES':
      return describeListChanges(before.strategies, after.strategies, (s) => `Strategy added: ${strategyText(s)}`, (s) => `Strategy removed: ${strategyText(s)}`, strategyChanged);
    case 'FLARE_UP':
      return flareUpKeys.filter((k) => before.flareUp[k] !== after.flareUp[k]).map((k) => textChange(flareUpLabels[k], before.flareUp[k], after.flareUp[k]));
    case 'WHAT_MATTERS':
      return [textChange(sectionLabels.WHAT_MATTERS, before.whatMatters, after.whatMatters)];
    case 'MEDICATION':
      return [textChange(sectionLabels.MEDICATION, before.medication, after.medication)];
    case 'REVIEW':
      return reviewChanged(before, after, names);
  }
}

function describeListChanges<T extends { id: string }>(before: T[], after: T[], added: (t: T) => string, removed: (t: T) => string, changed: (a: T, b: T) => string | null): string[] {
  const old = new Map(before.map((i) => [i.id, i]));
  const kept = new Set(after.map((i) => i.id));
  const sentences = after.map((i) => {
    const was = old.get(i.id);
    return was ? changed(was, i) : added(i);
  });
  return [...sentences, ...before.filter((i) => !kept.has(i.id)).map(removed)].filter((s): s is string => s !== null);
}

function goalAdded(g: GoalView): string {
  const added = `Goal '${g.what}' added${g.status === 'ACTIVE' ? '' : `, ${statusChangeWords[g.status]}`}`;
  return [added, g.targetDate && `target date ${dateInWords(g.targetDate)}`].filter(Boolean).join('; ');
}

function goalChanged(a: GoalView, b: GoalView): string | null {
  const same = (x: unknown, y: unknown) => canonicalJson(x) === canonicalJson(y);
  const newCheckIns = b.checkIns.filter((c) => !a.checkIns.some((o) => same(o, c)));
  const goneCheckIns = a.checkIns.filter((o) => !b.checkIns.some((c) => same(o, c)));
  const parts = [
    a.what !== b.what && `renamed from '${a.what}'`,
    a.status !== b.status && statusChangeWords[b.status],
    a.targetDate !== b.targetDate && (b.targetDate ? `target date ${dateInWords(b.targetDate)}` : 'target date removed'),
    a.why !== b.why && (b.why ? `why: '${b.why}'` : 'why removed'),
    a.measure !== b.measure && (b.measure ? `measure: '${b.measure}'` : 'measure removed'),
    ...newCheckIns.map((c) => `check-in on ${dateInWords(c.date)}: ${c.rating} out of 10${c.note ? ` ('${c.note}')` : ''}`),
    ...goneCheckIns.map((c) => `check-in on ${dateInWords(c.date)} removed`),
  ].filter((p): p is string => typeof p === 'string');
  return parts.length === 0 ? null : `Goal '${b.what}' ${parts.join('; ')}`;
}

function strategyChanged(a: StrategyView, b: StrategyView): string | null {
  const parts = [
    a.what !== b.what && `renamed from '${a.what}'`,
    a.category !== b.category && `moved from ${categoryLabels[a.category]} to ${categoryLabels[b.category]}`,
    a.howOften !== b.howOften && (b.howOften ? `how often: '${b.howOften}'` : 'how often removed'),
    a.suggestedBy !== b.suggestedBy && (b.suggestedBy ? `suggested by ${b.suggestedBy}` : 'who suggested it removed'),
  ].filter((p): p is string => typeof p === 'string');
  return parts.length === 0 ? null : `Strategy '${b.what}' ${parts.join('; ')}`;
}

function textChange(label: string, before: string, after: string): string {
  if (before.trim() === '') return `${label} written`;
  if (after.trim() === '') return `${label} cleared`;
  return before === after ? `${label} reformatted` : `${label} edited`;
}

function reviewChanged(before: CarePlanView, after: CarePlanView, names: PeopleNames): string[] {
  const [a, b] = [before.review, after.review];
  return [
    a.nextReviewDate !== b.nextReviewDate && (b.nextReviewDate ? `Next review set for ${dateInWords(b.nextReviewDate)}` : 'Next review date removed'),
    a.reviewerId !== b.reviewerId && (b.reviewerId ? `${personName(b.reviewerId, names)} now reviews the plan` : 'Who reviews the plan is no longer decided'),
  ].filter((p): p is string => typeof p === 'string');
}
