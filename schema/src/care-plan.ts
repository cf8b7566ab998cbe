import * as Y from 'yjs';

/**
 * The care plan's model, once, for the server (which validates every update against it and refuses a
 * document that left it) and the web app (which edits it). The plan is a Yjs document:
 *
 *   whatMatters  Y.Text (formatting attributes: bold, italic, underline; line attributes: list, header)
 *   goals        Y.Array<Y.Map>  id, what, why, measure (Y.Text or string), targetDate, status, checkIns
 *                                 (Y.Array of plain { date, rating 0–10, note })
 *   strategies   Y.Array<Y.Map>  id, category, what, howOften (Y.Text or string), suggestedBy (string)
 *   flareUp      Y.Map<Y.Text>   warningSigns, whatHelps, whatToAvoid, whoToContact
 *   medication   Y.Text
 *   review       Y.Map           nextReviewDate (YYYY-MM-DD or null), reviewerId (uuid or null)
 */

export const GoalStatus = { ACTIVE: 'ACTIVE', ACHIEVED: 'ACHIEVED', PAUSED: 'PAUSED', DROPPED: 'DROPPED' } as const;
export type GoalStatus = (typeof GoalStatus)[keyof typeof GoalStatus];

export const StrategyCategory = {
  BREATHING: 'BREATHING',
  MINDFULNESS: 'MINDFULNESS',
  ACTIVITY_PACING: 'ACTIVITY_PACING',
  SLEEP: 'SLEEP',
  DIET: 'DIET',
  MEDICATION: 'MEDICATION',
  SOCIAL_WORK: 'SOCIAL_WORK',
  OTHER: 'OTHER',
} as const;
export type StrategyCategory = (typeof StrategyCategory)[keyof typeof StrategyCategory];

/** The plan's sections, as history, presence and diffs name them. */
export const CarePlanSection = {
  WHAT_MATTERS: 'WHAT_MATTERS',
  GOALS: 'GOALS',
  STRATEGIES: 'STRATEGIES',
  FLARE_UP: 'FLARE_UP',
  MEDICATION: 'MEDICATION',
  REVIEW: 'REVIEW',
} as const;
export type CarePlanSection = (typeof CarePlanSection)[keyof typeof CarePlanSection];
export const allSections = Object.values(CarePlanSection);

export const flareUpKeys = ['warningSigns', 'whatHelps', 'whatToAvoid', 'whoToContact'] as const;
export type FlareUpKey = (typeof flareUpKeys)[number];

/** The document's top-level names; nothing else may appear at the top of a plan. */
export const topLevelNames = ['whatMatters', 'goals', 'strategies', 'flareUp', 'medication', 'review'] as const;
export type TopLevelName = (typeof topLevelNames)[number];

/** The top-level name each section is stored under. */
export const topLevelOf: Record<CarePlanSection, TopLevelName> = {
  WHAT_MATTERS: 'whatMatters',
  GOALS: 'goals',
  STRATEGIES: 'strategies',
  FLARE_UP: 'flareUp',
  MEDICATION: 'medication',
  REVIEW: 'review',
};

/** Limits that keep one plan a readable document (and the materialised row small). */
export const planLimits = { textChars: 20_000, shortChars: 500, goals: 50, strategies: 100, checkIns: 300, idChars: 64 } as const;

/** The formatting "what matters to me" may carry. */
export const textAttributes = ['bold', 'italic', 'underline', 'list', 'header'] as const;
export const goalKeys = ['id', 'what', 'why', 'measure', 'targetDate', 'status', 'checkIns'] as const;
export const strategyKeys = ['id', 'category', 'what', 'howOften', 'suggestedBy'] as const;
export const reviewKeys = ['nextReviewDate', 'reviewerId'] as const;

export interface CheckInView {
  date: string;
  rating: number;
  note: string;
}
export interface GoalView {
  id: string;
  what: string;
  why: string;
  measure: string;
  targetDate: string | null;
  status: GoalStatus;
  checkIns: CheckInView[];
}
export interface StrategyView {
  id: string;
  category: StrategyCategory;
  what: string;
  howOften: string;
  suggestedBy: string;
}
export type FlareUpView = Record<FlareUpKey, string>;
export interface ReviewView {
  nextReviewDate: string | null;
  reviewerId: string | null;
}
/** One formatted run of "what matters to me" (a Quill-style delta op; a null attribute clears a format). */
export interface TextRun {
  insert: string;
  attributes?: Record<string, string | number | boolean | null>;
}
/** The typed plan: what lists, reports, search, print and export read, never the Yjs bytes. */
export interface CarePlanView {
  whatMatters: string;
  whatMattersRuns: TextRun[];
  goals: GoalView[];
  strategies: StrategyView[];
  flareUp: FlareUpView;
  medication: string;
  review: ReviewView;
}

/** Fixes each top-level name to its type, so reading before the state arrives never guesses a type and an update cannot re-declare `goals` as a text. */
export function declareTypes(doc: Y.Doc): void {
  doc.getText('whatMatters');
  doc.getArray('goals');
  doc.getArray('strategies');
  doc.getMap('flareUp');
  doc.getText('medication');
  doc.getMap('review');
}

/** The words people read for each part of the plan (the app, the printed plan, history). */
export const sectionLabels: Record<CarePlanSection, string> = {
  WHAT_MATTERS: 'What matters to me',
  GOALS: 'Goals',
  STRATEGIES: 'Self-management strategies',
  FLARE_UP: 'Flare-up plan',
  MEDICATION: 'Medication plan',
  REVIEW: 'Review',
};
export const flareUpLabels: Record<FlareUpKey, string> = {
  warningSigns: 'Early warning signs',
  whatHelps: 'What helps',
  whatToAvoid: 'What to avoid',
  whoToContact: 'Who to contact, and when',
};
export const goalStatusLabels: Record<GoalStatus, string> = { ACTIVE: 'Active', ACHIEVED: 'Achieved', PAUSED: 'Paused', DROPPED: 'Dropped' };
export const categoryLabels: Record<StrategyCategory, string> = {
  BREATHING: 'Breathing',
  MINDFULNESS: 'Mindfulness and relaxation',
  ACTIVITY_PACING: 'Activity and pacing',
  SLEEP: 'Sleep',
  DIET: 'Diet and nutrition',
  MEDICATION: 'Medication',
  SOCIAL_WORK: 'Social and work',
  OTHER: 'Other',
};

/**
 * Whether the plan holds nothing a patient could agree to: no "what matters to me", no goals, no
 * strategies, no flare-up plan and no medication text. A review date alone is not a plan. The server
 * refuses to sign off an empty plan; the web says why before anyone tries.
 */
export function isPlanEmpty(view: CarePlanView): boolean {
  const blank = (s: string) => s.trim() === '';
  return blank(view.whatMatters) && view.goals.length === 0 && view.strategies.length === 0 && flareUpKeys.every((k) => blank(view.flareUp[k])) && blank(view.medication);
}

/** Why an empty plan cannot be signed off, in the words both the server and the web use. */
export const emptyPlanReason = 'There is nothing to agree yet: the plan has no words, goals, strategies, flare-up plan or medication plan.';
