import { addDays } from '../platform/uk-dates.js';

/**
 * The cadence rule: after each recorded session, how often to meet next. One place, pure (no clock, no
 * database: the caller passes the history), thresholds in `CadenceSettings`. Cairn suggests; the coach
 * decides the next booking (hazard SES-H3).
 *
 * Levels, from most to least often: WEEKLY → FORTNIGHTLY → MONTHLY → DISCHARGE_REVIEW, one step at a time.
 * - Back up one step (more often) after a DNA, a flare-up the patient reports, or a goal check-in that
 *   drops by `checkInDropPoints` or more since the goal's previous rating (at weekly it stays weekly).
 * - Down one step (less often) when, since the level last changed or the last setback, the patient has attended at least
 *   `minSessionsAtLevel` sessions, nothing has worsened, and enough of the signals available improved:
 *   self-efficacy (PSEQ-10, or PSEQ-2 without one, from the outcomes domain), the activation level, and
 *   the mean goal check-in rating.
 * - Otherwise stay, saying what is missing.
 */

export const CadenceInterval = { WEEKLY: 'WEEKLY', FORTNIGHTLY: 'FORTNIGHTLY', MONTHLY: 'MONTHLY', DISCHARGE_REVIEW: 'DISCHARGE_REVIEW' } as const;
export type CadenceInterval = (typeof CadenceInterval)[keyof typeof CadenceInterval];
const ladder: readonly CadenceInterval[] = ['WEEKLY', 'FORTNIGHTLY', 'MONTHLY', 'DISCHARGE_REVIEW'];

export const CadenceDirection = { STEP_DOWN: 'STEP_DOWN', STAY: 'STAY', STEP_UP: 'STEP_UP' } as const;
export type CadenceDirection = (typeof CadenceDirection)[keyof typeof CadenceDirection];

export interface CadenceSettings {
  /** Days to the next session at each level. */
  intervalDays: Record<Exclude<CadenceInterval, 'DISCHARGE_REVIEW'>, number>;
  /** Attended sessions at a level before it may step down. */
  minSessionsAtLevel: number;
  /** A PSEQ-10 rise that counts as better self-efficacy: 7 points, ePPOC's clinically significant change (outcome-config.ts). */
  pseq10RisePoints: number;
  /** The same for the PSEQ-2 (0–12), used only when no PSEQ-10 was taken. */
  pseq2RisePoints: number;
  /** A rise in the mean goal check-in rating (0–10) that counts as progress. */
  checkInRisePoints: number;
  /** A drop in one goal's rating since its previous check-in that counts as a flare-up. */
  checkInDropPoints: number;
  /** Of the signals available (PSEQ, activation, check-ins), how many must improve to step down. */
  minImprovingSignals: number;
}

export const defaultCadenceSettings: CadenceSettings = {
  intervalDays: { WEEKLY: 7, FORTNIGHTLY: 14, MONTHLY: 28 },
  minSessionsAtLevel: 2,
  pseq10RisePoints: 7,
  pseq2RisePoints: 2,
  checkInRisePoints: 1,
  checkInDropPoints: 2,
  minImprovingSignals: 2,
};

/** One recorded session (attended or DNA; cancellations are left out), oldest first. */
export interface CadenceSession {
  /** YYYY-MM-DD */
  date: string;
  outcome: 'ATTENDED' | 'DNA';
  flareUp: boolean;
  /** The patient's activation level (1–4) when the session was recorded. */
  activationLevel: number | null;
  goalRatings: ReadonlyArray<{ goalId: string; goalWhat: string; rating: number }>;
}

/** A completed PSEQ score from the outcomes domain. */
export interface SelfEfficacyMeasure {
  instrument: 'PSEQ_10' | 'PSEQ_2';
  /** YYYY-MM-DD */
  measuredOn: string;
  score: number;
}

export interface CadenceResult {
  interval: CadenceInterval;
  /** The level before the last session was judged; null when nothing is recorded. */
  previous: CadenceInterval | null;
  direction: CadenceDirection;
  reasons: string[];
  /** YYYY-MM-DD, from the last session's date; null at DISCHARGE_REVIEW or with no session. */
  suggestedDate: string | null;
}

/** The suggestion after the last of `sessions`, the rule applied to each session in turn from WEEKLY. */
export function suggestCadence(sessions: readonly CadenceSession[], measures: readonly SelfEfficacyMeasure[], settings: CadenceSettings = defaultCadenceSettings): CadenceResult {
  if (sessions.length === 0) return { interval: 'WEEKLY', previous: null, direction: 'STAY', reasons: ['No session recorded yet: weekly to begin with.'], suggestedDate: null };
  let level: CadenceInterval = 'WEEKLY';
  let base = 0;
  let attendedAtLevel = 0;
  let result: CadenceResult | undefined;
  sessions.forEach((session, i) => {
    if (session.outcome === 'ATTENDED') attendedAtLevel++;
    const { setback, ...judged } = judge(level, sessions.slice(0, i + 1), base, attendedAtLevel, measures, settings);
    result = { ...judged, previous: level, suggestedDate: judged.interval === 'DISCHARGE_REVIEW' ? null : addDays(session.date, settings.intervalDays[judged.interval]) };
    // A setback starts the count again even where the level cannot step up (already weekly): the sessions
    // before it are no evidence of progress since.
    if (judged.interval !== level || setback) {
      level = judged.interval;
      base = i;
      attendedAtLevel = 0;
    }
  });
  return result!;
}

type Judgement = Pick<CadenceResult, 'interval' | 'direction' | 'reasons'> & { setback: boolean };

function judge(level: CadenceInterval, history: readonly CadenceSession[], base: number, attendedAtLevel: number, measures: readonly SelfEfficacyMeasure[], s: CadenceSettings): Judgement {
  const worse = setbacks(history, s);
  if (worse.length > 0) {
    const interval = ladder[Math.max(0, ladder.indexOf(level) - 1)]!;
    return { interval, direction: interval === level ? 'STAY' : 'STEP_UP', reasons: interval === level ? [...worse, 'Already weekly.'] : worse, setback: true };
  }
  const window = history.slice(base).filter((x) => x.outcome === 'ATTENDED');
  const signals = [pseqSignal(window, measures, s), activationSignal(window), checkInSignal(window, s)].filter((x): x is Signal => x !== null);
  const words = signals.map((x) => x.words);
  if (level === 'DISCHARGE_REVIEW') return { interval: level, direction: 'STAY', reasons: ['At discharge review: consider discharge with the patient.', ...words], setback: false };
  if (attendedAtLevel < s.minSessionsAtLevel) {
    const n = attendedAtLevel;
    return { interval: level, direction: 'STAY', reasons: [`${n} session${n === 1 ? '' : 's'} attended so far while meeting ${levelWords[level]}; at least ${s.minSessionsAtLevel} before meeting less often.`, ...words], setback: false };
  }
  if (signals.length === 0) return { interval: level, direction: 'STAY', reasons: ['No measures, activation level or goal check-ins to judge progress by yet.'], setback: false };
  const needed = Math.min(s.minImprovingSignals, signals.length);
  const improving = signals.filter((x) => x.trend === 'better').length;
  const worsened = signals.filter((x) => x.trend === 'worse').length;
  if (worsened > 0 || improving < needed) {
    // Each reason is a sentence of its own: the web shows them one a line, so none may lead into the next.
    const why = worsened > 0 ? `${signs(worsened)} worsened` : `${signs(improving)} improved, ${needed} needed`;
    return { interval: level, direction: 'STAY', reasons: [`Not enough improvement yet to meet less often: ${why}.`, ...words], setback: false };
  }
  const interval = ladder[ladder.indexOf(level) + 1]!;
  return { interval, direction: 'STEP_DOWN', reasons: words, setback: false };
}

/** What argues for meeting more often after the last session, in words. */
function setbacks(history: readonly CadenceSession[], s: CadenceSettings): string[] {
  const last = history[history.length - 1]!;
  const reasons: string[] = [];
  if (last.outcome === 'DNA') reasons.push(`Did not attend on ${dayWords(last.date)}.`);
  if (last.flareUp) reasons.push(`Flare-up reported on ${dayWords(last.date)}.`);
  for (const g of last.goalRatings) {
    const before = [...history.slice(0, -1)].reverse().flatMap((x) => x.goalRatings.filter((r) => r.goalId === g.goalId))[0];
    if (before && before.rating - g.rating >= s.checkInDropPoints) reasons.push(`Check-in for “${g.goalWhat}” fell ${before.rating} → ${g.rating}.`);
  }
  return reasons;
}

interface Signal {
  trend: 'better' | 'same' | 'worse';
  words: string;
}

function pseqSignal(window: readonly CadenceSession[], measures: readonly SelfEfficacyMeasure[], s: CadenceSettings): Signal | null {
  if (window.length === 0) return null;
  const from = window[0]!.date;
  const to = window[window.length - 1]!.date;
  for (const instrument of ['PSEQ_10', 'PSEQ_2'] as const) {
    const list = measures.filter((m) => m.instrument === instrument && m.measuredOn <= to).sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
    if (list.length < 2) continue;
    const before = list.filter((m) => m.measuredOn <= from);
    const start = before[before.length - 1] ?? list[0]!;
    const end = list[list.length - 1]!;
    if (start === end) continue;
    const rise = instrument === 'PSEQ_10' ? s.pseq10RisePoints : s.pseq2RisePoints;
    const name = instrument === 'PSEQ_10' ? 'PSEQ' : 'PSEQ-2';
    const diff = end.score - start.score;
    const over = `over ${window.length} session${window.length === 1 ? '' : 's'}`;
    const trend = diff >= rise ? 'better' : diff <= -rise ? 'worse' : 'same';
    return { trend, words: `${name} ${start.score} → ${end.score} ${over}${trend === 'same' ? ` (a change of ${rise} points counts)` : ''}.` };
  }
  return null;
}

function activationSignal(window: readonly CadenceSession[]): Signal | null {
  const levels = window.map((x) => x.activationLevel).filter((x): x is number => x !== null);
  if (levels.length < 2) return null;
  const [first, last] = [levels[0]!, levels[levels.length - 1]!];
  return { trend: last > first ? 'better' : last < first ? 'worse' : 'same', words: `Activation level ${first} → ${last}${last === first ? ' (no change)' : ''}.` };
}

function checkInSignal(window: readonly CadenceSession[], s: CadenceSettings): Signal | null {
  const rated = window.filter((x) => x.goalRatings.length > 0);
  if (rated.length < 2) return null;
  const mean = (x: CadenceSession) => x.goalRatings.reduce((sum, r) => sum + r.rating, 0) / x.goalRatings.length;
  const [first, last] = [mean(rated[0]!), mean(rated[rated.length - 1]!)];
  const diff = last - first;
  const trend = diff >= s.checkInRisePoints ? 'better' : diff <= -s.checkInRisePoints ? 'worse' : 'same';
  const counts = s.checkInRisePoints === 1 ? '1 point' : `${s.checkInRisePoints} points`;
  return { trend, words: `Goal check-ins ${round(first)} → ${round(last)} out of 10 on average${trend === 'same' ? ` (a change of ${counts} counts)` : ''}.` };
}

export const levelWords: Record<CadenceInterval, string> = { WEEKLY: 'weekly', FORTNIGHTLY: 'fortnightly', MONTHLY: 'monthly', DISCHARGE_REVIEW: 'discharge review' };

const round = (n: number) => String(Math.round(n * 10) / 10);

const signs = (n: number) => (n === 0 ? 'no sign' : n === 1 ? '1 sign' : `${n} signs`);

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
function dayWords(isoDay: string): string {
  return dayFormat.format(new Date(`${isoDay}T00:00:00Z`));
}
