import { describe, expect, it } from 'vitest';
import { CairnError } from '../platform/errors.js';
import { Instrument, instruments } from './instruments.js';
import { activationLevelOf, bandOf, changeFromBaseline, scoreAnswers } from './scoring.js';

/** The error a call throws, to assert on its field and words. */
function refusal(fn: () => unknown): CairnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error('Expected a refusal');
}

describe('PSEQ-10 and its PSEQ-2', () => {
  it('scores a worked example: the sum of the ten items, and items 5 and 9 as the PSEQ-2', () => {
    // 3+4+2+5+1+6+0+3+2+4 = 30; item 5 is 1 and item 9 is 2, so PSEQ-2 = 3.
    expect(scoreAnswers(Instrument.PSEQ_10, [3, 4, 2, 5, 1, 6, 0, 3, 2, 4])).toEqual({ complete: true, score: 30, pseq2: 3 });
    expect(scoreAnswers(Instrument.PSEQ_10, [6, 6, 6, 6, 6, 6, 6, 6, 6, 6])).toEqual({ complete: true, score: 60, pseq2: 12 });
    expect(scoreAnswers(Instrument.PSEQ_10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ complete: true, score: 0, pseq2: 0 });
  });

  it('scores a PSEQ-2 on its own: 0–12', () => {
    expect(scoreAnswers(Instrument.PSEQ_2, [4, 5])).toEqual({ complete: true, score: 9, pseq2: null });
  });

  it('puts every band edge in the right ePPOC band', () => {
    const label = (s: number) => bandOf(Instrument.PSEQ_10, s)?.label;
    expect([0, 19, 20, 30, 31, 40, 41, 60].map(label)).toEqual(['Severe', 'Severe', 'Moderate', 'Moderate', 'Mild', 'Mild', 'Minimal', 'Minimal']);
  });

  it('saves a partial questionnaire as a draft, unscored', () => {
    expect(scoreAnswers(Instrument.PSEQ_10, [3, 4, null, 5, 1, 6, 0, 3, 2, 4])).toEqual({ complete: false, score: null, pseq2: null });
  });

  it('refuses an answer out of range, a fraction and a wrong count, naming the item', () => {
    const high = refusal(() => scoreAnswers(Instrument.PSEQ_10, [3, 4, 2, 5, 1, 6, 7, 3, 2, 4]));
    expect(high.field).toBe('answers.7');
    expect(high.message).toBe('PSEQ-10 item 7 must be a whole number from 0 to 6; 7 is out of range.');
    const fraction = refusal(() => scoreAnswers(Instrument.PSEQ_10, [3, 4, 2.5, 5, 1, 6, 0, 3, 2, 4]));
    expect(fraction.field).toBe('answers.3');
    expect(fraction.message).toBe('PSEQ-10 item 3 must be a whole number from 0 to 6; 2.5 is not.');
    const negative = refusal(() => scoreAnswers(Instrument.PSEQ_2, [-1, 3]));
    expect(negative.field).toBe('answers.1');
    const short = refusal(() => scoreAnswers(Instrument.PSEQ_10, [3, 4, 2]));
    expect(short.field).toBe('answers');
    expect(short.message).toBe('PSEQ-10 has 10 items; 3 answers were given.');
  });
});

describe('PEG-3, confidence, GP appointments and PGIC', () => {
  it('scores the PEG as the mean of its three items', () => {
    // (7 + 5 + 6) / 3 = 6; (7 + 6 + 6) / 3 = 19/3 = 6.33 to two decimals; (0 + 0 + 1) / 3 = 0.33.
    expect(scoreAnswers(Instrument.PEG_3, [7, 5, 6]).score).toBe(6);
    expect(scoreAnswers(Instrument.PEG_3, [7, 6, 6]).score).toBe(6.33);
    expect(scoreAnswers(Instrument.PEG_3, [0, 0, 1]).score).toBe(0.33);
    expect(refusal(() => scoreAnswers(Instrument.PEG_3, [7, 11, 6])).message).toBe('PEG-3 item 2 must be a whole number from 0 to 10; 11 is out of range.');
  });

  it('takes single-item scores as answered, within their range', () => {
    expect(scoreAnswers(Instrument.CONFIDENCE_WITHOUT_MEDICATION, [4]).score).toBe(4);
    expect(scoreAnswers(Instrument.GP_APPOINTMENTS, [0]).score).toBe(0);
    expect(scoreAnswers(Instrument.PGIC, [2]).score).toBe(2);
    expect(refusal(() => scoreAnswers(Instrument.PGIC, [0])).message).toBe('The PGIC answer must be a whole number from 1 to 7; 0 is out of range.');
    expect(instruments.PGIC.items[0].options?.[1]).toBe('Much improved');
  });
});

describe('PAM licensed score and activation level', () => {
  it('derives the level at every band edge', () => {
    const edges: Array<[number, number]> = [[0, 1], [47.0, 1], [47.1, 2], [55.1, 2], [55.2, 3], [72.4, 3], [72.5, 4], [100, 4]];
    for (const [score, level] of edges) expect([score, activationLevelOf(score)]).toEqual([score, level]);
  });

  it('keeps the score to one decimal and refuses two', () => {
    expect(scoreAnswers(Instrument.PAM, [55.2]).score).toBe(55.2);
    const e = refusal(() => scoreAnswers(Instrument.PAM, [55.25]));
    expect(e.field).toBe('answers.1');
    expect(e.message).toBe('The PAM answer must be a number with at most one decimal place from 0 to 100; 55.25 is not.');
    expect(refusal(() => scoreAnswers(Instrument.PAM, [100.1])).message).toContain('out of range');
  });
});

describe('change from baseline and the meaningful-change rule', () => {
  it('a PSEQ rise of 7 points into another band is meaningful (ePPOC)', () => {
    // 18 (severe) → 25 (moderate): +7 points, 7/18 = 38.9 %; 7 < 11.5 so below the MDC.
    expect(changeFromBaseline(Instrument.PSEQ_10, 18, 25)).toEqual({
      points: 7,
      percent: 38.9,
      direction: 'IMPROVED',
      meaningful: true,
      rule: 'ePPOC: at least 7 points and a move into another severity band',
      beyondMinimalDetectableChange: false,
    });
  });

  it('a rise of 7 points within one band is not meaningful, nor is 6 points across bands', () => {
    // 20 → 27: both moderate. 19 → 25: severe → moderate but only 6 points.
    expect(changeFromBaseline(Instrument.PSEQ_10, 20, 27).meaningful).toBe(false);
    expect(changeFromBaseline(Instrument.PSEQ_10, 19, 25).meaningful).toBe(false);
  });

  it('a fall of 12 points into a worse band is a meaningful worsening beyond the MDC', () => {
    // 40 (mild) → 28 (moderate): −12 points, −12/40 = −30 %.
    const c = changeFromBaseline(Instrument.PSEQ_10, 40, 28);
    expect([c.points, c.percent, c.direction, c.meaningful, c.beyondMinimalDetectableChange]).toEqual([-12, -30, 'WORSENED', true, true]);
  });

  it('on the PEG, lower is better and 30 % of the baseline is meaningful', () => {
    // 6 → 4.2: −1.8 points = −30 %: improved, meaningful. 6 → 4.5: −25 %: not.
    const c = changeFromBaseline(Instrument.PEG_3, 6, 4.2);
    expect([c.points, c.percent, c.direction, c.meaningful]).toEqual([-1.8, -30, 'IMPROVED', true]);
    expect(changeFromBaseline(Instrument.PEG_3, 6, 4.5).meaningful).toBe(false);
  });

  it('has no percentage from a zero baseline, and no rule where none is configured', () => {
    const c = changeFromBaseline(Instrument.CONFIDENCE_WITHOUT_MEDICATION, 0, 5);
    expect([c.points, c.percent, c.direction, c.meaningful, c.rule]).toEqual([5, null, 'IMPROVED', null, null]);
    expect(changeFromBaseline(Instrument.PSEQ_2, 6, 6).direction).toBe('UNCHANGED');
  });
});
