import { describe, expect, it } from 'vitest';
import { defaultCadenceSettings, suggestCadence, type CadenceSession, type SelfEfficacyMeasure } from './cadence.js';

const goal = (rating: number) => [{ goalId: 'g1', goalWhat: 'Walk to the allotment', rating }];
const attended = (date: string, rating: number, activationLevel: number | null = 2, extra: Partial<CadenceSession> = {}): CadenceSession => ({
  date, outcome: 'ATTENDED', flareUp: false, activationLevel, goalRatings: goal(rating), ...extra,
});
const pseq = (measuredOn: string, score: number): SelfEfficacyMeasure => ({ instrument: 'PSEQ_10', measuredOn, score });

describe('the cadence rule', () => {
  it('starts weekly and says so when nothing is recorded', () => {
    expect(suggestCadence([], [])).toMatchObject({ interval: 'WEEKLY', direction: 'STAY', previous: null });
  });

  it('steps down from weekly when PSEQ, activation and check-ins improve, and says why in words', () => {
    const sessions = [attended('2026-01-05', 3, 2), attended('2026-01-12', 5, 2), attended('2026-01-19', 6, 3)];
    const result = suggestCadence(sessions, [pseq('2026-01-05', 24), pseq('2026-01-19', 38)]);
    expect(result).toMatchObject({ interval: 'FORTNIGHTLY', previous: 'WEEKLY', direction: 'STEP_DOWN', suggestedDate: '2026-02-02' });
    expect(result.reasons).toEqual(['PSEQ 24 → 38 over 3 sessions.', 'Activation level 2 → 3.', 'Goal check-ins 3 → 6 out of 10 on average.']);
  });

  it('works from activation and check-ins alone before any PSEQ is recorded', () => {
    const result = suggestCadence([attended('2026-01-05', 3, 2), attended('2026-01-12', 6, 3)], []);
    expect(result).toMatchObject({ interval: 'FORTNIGHTLY', direction: 'STEP_DOWN', reasons: ['Activation level 2 → 3.', 'Goal check-ins 3 → 6 out of 10 on average.'] });
  });

  it('stays until enough sessions at the level, and when a signal is flat', () => {
    expect(suggestCadence([attended('2026-01-05', 3)], [])).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    const flat = suggestCadence([attended('2026-01-05', 5, 2), attended('2026-01-12', 5, 2)], []);
    expect(flat).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    expect(flat.reasons[0]).toMatch(/^Not enough improvement yet/);
  });

  it('says why it stays in sentences of their own, none leading into the next', () => {
    // The UX review's patient: activation flat, check-ins up: one sign of two.
    const oneOfTwo = suggestCadence([attended('2026-01-05', 5, 2), attended('2026-01-12', 8, 2)], []);
    expect(oneOfTwo).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    expect(oneOfTwo.reasons).toEqual([
      'Not enough improvement yet to meet less often: 1 sign improved, 2 needed.',
      'Activation level 2 → 2 (no change).',
      'Goal check-ins 5 → 8 out of 10 on average.',
    ]);
    const flat = suggestCadence([attended('2026-01-05', 5, 2), attended('2026-01-12', 5, 2)], []);
    expect(flat.reasons).toEqual(['Not enough improvement yet to meet less often: no sign improved, 2 needed.', 'Activation level 2 → 2 (no change).', 'Goal check-ins 5 → 5 out of 10 on average (a change of 1 point counts).']);
    const worse = suggestCadence([attended('2026-01-05', 3, 2), attended('2026-01-12', 6, 3)], [pseq('2026-01-05', 38), pseq('2026-01-12', 24)]);
    expect(worse.reasons).toEqual(['Not enough improvement yet to meet less often: 1 sign worsened.', 'PSEQ 38 → 24 over 2 sessions.', 'Activation level 2 → 3.', 'Goal check-ins 3 → 6 out of 10 on average.']);
    for (const reason of [...oneOfTwo.reasons, ...flat.reasons, ...worse.reasons]) expect(reason).toMatch(/^[A-Z0-9].*\.$/);
  });

  it('walks down the ladder to discharge review, then steps back up after a flare-up and after a DNA', () => {
    const down = [
      attended('2026-01-05', 2, 1), attended('2026-01-12', 4, 2), // → fortnightly
      attended('2026-01-26', 5, 2), attended('2026-02-09', 6, 3), // → monthly
      attended('2026-03-09', 7, 3), attended('2026-04-06', 8, 4), // → discharge review
    ];
    const levels = down.map((_, i) => suggestCadence(down.slice(0, i + 1), []).interval);
    expect(levels).toEqual(['WEEKLY', 'FORTNIGHTLY', 'FORTNIGHTLY', 'MONTHLY', 'MONTHLY', 'DISCHARGE_REVIEW']);

    const flare = suggestCadence([...down, attended('2026-05-04', 8, 4, { flareUp: true })], []);
    expect(flare).toMatchObject({ interval: 'MONTHLY', previous: 'DISCHARGE_REVIEW', direction: 'STEP_UP', reasons: ['Flare-up reported on 4 May.'] });

    const drop = suggestCadence([...down.slice(0, 4), attended('2026-03-09', 3, 3)], []);
    expect(drop).toMatchObject({ interval: 'FORTNIGHTLY', direction: 'STEP_UP', reasons: ['Check-in for “Walk to the allotment” fell 6 → 3.'] });

    const dna: CadenceSession = { date: '2026-03-09', outcome: 'DNA', flareUp: false, activationLevel: 3, goalRatings: [] };
    expect(suggestCadence([...down.slice(0, 4), dna], [])).toMatchObject({ interval: 'FORTNIGHTLY', direction: 'STEP_UP', reasons: ['Did not attend on 9 Mar.'] });
  });

  it('never steps down while self-efficacy worsens, and stays weekly after a DNA at weekly', () => {
    const worse = suggestCadence([attended('2026-01-05', 3, 2), attended('2026-01-12', 6, 3)], [pseq('2026-01-05', 38), pseq('2026-01-12', 24)]);
    expect(worse).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    expect(worse.reasons).toContain('PSEQ 38 → 24 over 2 sessions.');
    const dna = suggestCadence([{ date: '2026-01-05', outcome: 'DNA', flareUp: false, activationLevel: null, goalRatings: [] }], []);
    expect(dna).toMatchObject({ interval: 'WEEKLY', direction: 'STAY', reasons: ['Did not attend on 5 Jan.', 'Already weekly.'] });
  });

  it('counts again from a setback at weekly: one good session after a flare-up or a DNA does not step down', () => {
    const flare = [attended('2026-01-05', 3, 2), attended('2026-01-12', 3, 2, { flareUp: true }), attended('2026-01-19', 6, 3)];
    const afterFlare = suggestCadence(flare, []);
    expect(afterFlare).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    expect(afterFlare.reasons[0]).toBe('1 session attended so far while meeting weekly; at least 2 before meeting less often.');
    const dna: CadenceSession = { date: '2026-01-12', outcome: 'DNA', flareUp: false, activationLevel: 2, goalRatings: [] };
    const afterDna = suggestCadence([attended('2026-01-05', 3, 2), dna, attended('2026-01-19', 6, 3)], []);
    expect(afterDna).toMatchObject({ interval: 'WEEKLY', direction: 'STAY' });
    // Two good sessions after the setback, as at any other level, and then it steps down.
    expect(suggestCadence([...flare, attended('2026-01-26', 7, 3)], [])).toMatchObject({ interval: 'FORTNIGHTLY', direction: 'STEP_DOWN' });
  });

  it('reads its thresholds from the settings', () => {
    const sessions = [attended('2026-01-05', 3, 2), attended('2026-01-12', 4, 2)];
    expect(suggestCadence(sessions, []).interval).toBe('WEEKLY');
    expect(suggestCadence(sessions, [], { ...defaultCadenceSettings, minImprovingSignals: 1 }).interval).toBe('FORTNIGHTLY');
  });
});
