import { describe, expect, it } from 'vitest';
import { findMedicine, type CatalogueEntry } from './catalogue.js';
import { continuousOpioidSince, defaultFlagSettings, FlagCode, flagRules, medicationFlags, type FlagFacts, type HistoryItem } from './flags.js';
import { addMonths } from '../platform/uk-dates.js';

const on = '2026-06-15';
const adultBorn = '1980-03-01'; // 46 on `on`

function taking(code: string, startDate = '2026-06-01', stopDate: string | null = null): HistoryItem {
  const entry: CatalogueEntry | undefined = findMedicine(code);
  if (!entry) throw new Error(`no ${code} in the catalogue`);
  return { entry, startDate, stopDate };
}

function codesFor(facts: Partial<FlagFacts>, settings = defaultFlagSettings): string[] {
  return medicationFlags({ history: [], totalOmeMgPerDay: 0, dateOfBirth: adultBorn, on, ...facts }, settings).map((f) => f.code);
}

describe('medication flags', () => {
  it('high dose: at the threshold fires, with its reason; just below does not', () => {
    const history = [taking('morphine')];
    const [flag] = medicationFlags({ history, totalOmeMgPerDay: 120, dateOfBirth: adultBorn, on });
    expect(flag).toEqual({ code: FlagCode.HIGH_DOSE_OPIOID, reason: 'Total 120 mg oral morphine a day is at or above the 120 mg high-dose threshold.' });
    expect(codesFor({ history, totalOmeMgPerDay: 119.9 })).toEqual([]);
  });

  it('high dose: the threshold is configurable (90 mg, as some national measures use)', () => {
    const settings = { ...defaultFlagSettings, highDoseOmeMgPerDay: 90 };
    expect(codesFor({ history: [taking('morphine')], totalOmeMgPerDay: 90 }, settings)).toEqual([FlagCode.HIGH_DOSE_OPIOID]);
    expect(codesFor({ history: [taking('morphine')], totalOmeMgPerDay: 90 })).toEqual([]);
  });

  it('opioid with a gabapentinoid fires; a gabapentinoid alone, or a stopped opioid, does not', () => {
    const [flag] = medicationFlags({ history: [taking('tramadol'), taking('pregabalin')], totalOmeMgPerDay: 20, dateOfBirth: adultBorn, on });
    expect(flag).toEqual({ code: FlagCode.OPIOID_WITH_GABAPENTINOID, reason: 'Tramadol with Pregabalin: an opioid with a gabapentinoid.' });
    expect(codesFor({ history: [taking('pregabalin')] })).toEqual([]);
    expect(codesFor({ history: [taking('tramadol', '2026-05-01', '2026-06-10'), taking('gabapentin')] })).toEqual([]);
  });

  it('opioid with a benzodiazepine fires; a benzodiazepine with paracetamol does not', () => {
    const flags = medicationFlags({ history: [taking('codeine'), taking('diazepam')], totalOmeMgPerDay: 12, dateOfBirth: adultBorn, on });
    expect(flags).toEqual([{ code: FlagCode.OPIOID_WITH_BENZODIAZEPINE, reason: 'Codeine phosphate with Diazepam: an opioid with a benzodiazepine.' }]);
    expect(codesFor({ history: [taking('diazepam'), taking('paracetamol')] })).toEqual([]);
  });

  it('long-term opioid: over 3 months fires; exactly 3 months does not', () => {
    const flags = medicationFlags({ history: [taking('codeine', '2026-03-14')], totalOmeMgPerDay: 12, dateOfBirth: adultBorn, on });
    expect(flags).toEqual([{ code: FlagCode.LONG_TERM_OPIOID, reason: 'Opioids taken continuously since 14 March 2026, more than 3 months.' }]);
    expect(codesFor({ history: [taking('codeine', '2026-03-15')] })).toEqual([]);
  });

  it('long-term opioid: a switch between opioids is continuous use; a long break is not', () => {
    const switched = [taking('codeine', '2025-01-10', '2026-06-05'), taking('tramadol', '2026-06-08')];
    expect(continuousOpioidSince(switched, on)).toBe('2025-01-10');
    expect(codesFor({ history: switched })).toEqual([FlagCode.LONG_TERM_OPIOID]);
    const withBreak = [taking('codeine', '2025-01-10', '2026-05-01'), taking('tramadol', '2026-06-08')];
    expect(continuousOpioidSince(withBreak, on)).toBe('2026-06-08');
    expect(codesFor({ history: withBreak })).toEqual([]);
  });

  it('NSAID in an older patient fires at 65; not at 64, and not for a gel', () => {
    const [flag] = medicationFlags({ history: [taking('naproxen')], totalOmeMgPerDay: 0, dateOfBirth: '1961-06-15', on });
    expect(flag).toEqual({ code: FlagCode.NSAID_OLDER_PATIENT, reason: 'Naproxen for a patient aged 65 (65 or over).' });
    expect(codesFor({ history: [taking('naproxen')], dateOfBirth: '1961-06-16' })).toEqual([]);
    expect(codesFor({ history: [taking('ibuprofen-gel')], dateOfBirth: '1940-01-01' })).toEqual([]);
  });

  it('more than one opioid fires for two substances; MR and IR morphine together count once', () => {
    const [flag] = medicationFlags({ history: [taking('morphine'), taking('fentanyl-patch')], totalOmeMgPerDay: 60, dateOfBirth: adultBorn, on });
    expect(flag).toEqual({ code: FlagCode.MORE_THAN_ONE_OPIOID, reason: '2 opioids at once: morphine and fentanyl.' });
    expect(codesFor({ history: [taking('morphine'), taking('morphine')], totalOmeMgPerDay: 60 })).toEqual([]);
  });

  it('lists every rule, in words, with the configured threshold', () => {
    const rules = flagRules({ ...defaultFlagSettings, highDoseOmeMgPerDay: 90 });
    expect(rules.map((r) => r.code).sort()).toEqual(Object.values(FlagCode).sort());
    expect(rules[0].rule).toMatch(/^Total oral morphine equivalent at or above 90 mg a day/);
  });

  it('moves dates by calendar months, clamped to the month’s end', () => {
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonths('2026-06-15', -3)).toBe('2026-03-15');
  });
});
