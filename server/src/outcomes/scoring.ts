import { badInput } from '../platform/errors.js';
import { Instrument, instruments, PSEQ2_ITEMS_OF_PSEQ10, type InstrumentDefinition, type ItemDefinition } from './instruments.js';
import { outcomeConfig, type Band, type MeaningfulChangeRule } from './outcome-config.js';

/**
 * Scoring, on the server only: validation of each answer, the score, its band, the activation level and
 * the change from baseline. Pure functions, so every rule is tested on worked examples.
 */

/** An answer per item, in item order; null where the item was not answered (a draft). */
export type Answers = ReadonlyArray<number | null>;

export interface Scored {
  /** False when any item is unanswered: a draft, saved but not scored. */
  complete: boolean;
  score: number | null;
  /** The PSEQ-2 a PSEQ-10 yields (items 5 and 9); null for every other instrument. */
  pseq2: number | null;
}

/**
 * Checks every answer against its item (range, whole number or tenths, count) and scores a complete set.
 * A wrong answer is BAD_USER_INPUT naming the item (`field` is `answers.<n>`); unanswered items make a draft.
 */
export function scoreAnswers(instrument: Instrument, answers: Answers): Scored {
  const def = instruments[instrument];
  if (answers.length !== def.items.length) {
    throw badInput('answers', `${def.shortName} has ${def.items.length} item${def.items.length === 1 ? '' : 's'}; ${answers.length} answer${answers.length === 1 ? ' was' : 's were'} given.`);
  }
  def.items.forEach((item, i) => checkAnswer(def, item, answers[i]));
  if (answers.some((a) => a === null)) return { complete: false, score: null, pseq2: null };
  const values = answers as number[];
  return { complete: true, score: totalOf(instrument, values), pseq2: instrument === Instrument.PSEQ_10 ? pseq2Of(values) : null };
}

function checkAnswer(def: InstrumentDefinition, item: ItemDefinition, answer: number | null): void {
  if (answer === null) return;
  const field = `answers.${item.number}`;
  const name = def.items.length === 1 ? `The ${def.shortName} answer` : `${def.shortName} item ${item.number}`;
  const kind = item.decimals === 0 ? 'a whole number' : 'a number with at most one decimal place';
  const wanted = `${kind} from ${item.min} to ${item.max}`;
  if (!Number.isFinite(answer)) throw badInput(field, `${name} must be ${wanted}.`);
  const scaled = answer * 10 ** item.decimals;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-9) throw badInput(field, `${name} must be ${wanted}; ${answer} is not.`);
  if (answer < item.min || answer > item.max) throw badInput(field, `${name} must be ${wanted}; ${answer} is out of range.`);
}

function totalOf(instrument: Instrument, values: number[]): number {
  switch (instrument) {
    case Instrument.PSEQ_10:
    case Instrument.PSEQ_2:
      return sum(values);
    case Instrument.PEG_3:
      // Krebs 2009: the PEG score is the mean of its three items. Kept to two decimals (e.g. 19/3 → 6.33).
      return round(sum(values) / 3, 2);
    case Instrument.CONFIDENCE_WITHOUT_MEDICATION:
    case Instrument.GP_APPOINTMENTS:
    case Instrument.PGIC:
      return values[0];
    case Instrument.PAM:
      return round(values[0], 1);
  }
}

/** The PSEQ-2 within a complete PSEQ-10: items 5 and 9. */
export function pseq2Of(pseq10Answers: readonly number[]): number {
  return sum(PSEQ2_ITEMS_OF_PSEQ10.map((n) => pseq10Answers[n - 1]));
}

/** The band a score falls in; null for instruments without bands. */
export function bandOf(instrument: Instrument, score: number): Band | null {
  const bands = outcomeConfig[instrument].bands;
  // Compare in tenths so 47.0/47.1 and the like are exact however the score was computed.
  const tenths = Math.round(score * 10);
  return bands.find((b) => tenths >= Math.round(b.from * 10) && tenths <= Math.round(b.to * 10)) ?? null;
}

/**
 * The activation level (1–4) of a licensed PAM score: 1 ≤ 47.0, 2 47.1–55.1, 3 55.2–72.4, 4 ≥ 72.5
 * (outcome-config.ts). The score has one decimal place.
 */
export function activationLevelOf(pamScore: number): 1 | 2 | 3 | 4 {
  const band = bandOf(Instrument.PAM, pamScore);
  const index = band ? outcomeConfig.PAM.bands.indexOf(band) : -1;
  if (index < 0) throw badInput('answers.1', `A PAM score must be from 0 to 100; ${pamScore} is not.`);
  return (index + 1) as 1 | 2 | 3 | 4;
}

export const ChangeDirection = { IMPROVED: 'IMPROVED', WORSENED: 'WORSENED', UNCHANGED: 'UNCHANGED' } as const;
export type ChangeDirection = (typeof ChangeDirection)[keyof typeof ChangeDirection];

export interface Change {
  /** Current minus baseline, in the instrument's points. */
  points: number;
  /** Points as a percentage of the baseline, one decimal; null when the baseline is 0. */
  percent: number | null;
  direction: ChangeDirection;
  /** Whether the instrument's rule calls it clinically meaningful; null when it has no rule. */
  meaningful: boolean | null;
  /** The rule that decided `meaningful`, in words. */
  rule: string | null;
  /** Whether the change reaches the minimal detectable change, where one is configured. */
  beyondMinimalDetectableChange: boolean | null;
}

/** The change from `baseline` to `current`, and whether it is meaningful by the instrument's rule. */
export function changeFromBaseline(instrument: Instrument, baseline: number, current: number): Change {
  const { meaningfulChange, minimalDetectableChange } = outcomeConfig[instrument];
  const points = round(current - baseline, 2);
  const percent = baseline === 0 ? null : round((points / baseline) * 100, 1);
  const better = instruments[instrument].higherIsBetter ? points > 0 : points < 0;
  const direction = points === 0 ? ChangeDirection.UNCHANGED : better ? ChangeDirection.IMPROVED : ChangeDirection.WORSENED;
  return {
    points,
    percent,
    direction,
    meaningful: meaningfulChange ? isMeaningful(instrument, meaningfulChange, baseline, current, points, percent) : null,
    rule: meaningfulChange?.description ?? null,
    beyondMinimalDetectableChange: minimalDetectableChange === null ? null : Math.abs(points) >= minimalDetectableChange,
  };
}

function isMeaningful(instrument: Instrument, rule: MeaningfulChangeRule, baseline: number, current: number, points: number, percent: number | null): boolean {
  switch (rule.kind) {
    case 'POINTS_AND_BAND':
      return Math.abs(points) >= rule.minPoints && (!rule.requireBandChange || bandOf(instrument, baseline)?.label !== bandOf(instrument, current)?.label);
    case 'PERCENT':
      return percent !== null && Math.abs(percent) >= rule.minPercent;
  }
}

/** True when the change is a meaningful worsening: the care-team lead is told. */
export function isMeaningfulWorsening(change: Change): boolean {
  return change.meaningful === true && change.direction === ChangeDirection.WORSENED;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
