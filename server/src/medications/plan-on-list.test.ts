import { describe, expect, it } from 'vitest';
import { FlagCode } from './flags.js';
import { Medication } from './medication.entity.js';
import { ProposalKind } from './medication-proposal.entity.js';
import { plansAheadOfList, type RunningPlan } from './plan-on-list.js';

const on = '2026-06-15';

function listed(id: string, medicineCode: string, name: string, dose: number, dosesPerDay: number, frequencyWords: string, doseUnit = 'mg', dates: { startDate?: string; stopDate?: string | null; form?: string } = {}): Medication {
  return Object.assign(new Medication(), { id, medicineCode, name, dose, dosesPerDay, frequencyWords, doseUnit, form: 'tablet', startDate: '2025-01-01', stopDate: null, ...dates });
}
const morphine = listed('m1', 'morphine', 'Morphine (oral)', 60, 2, 'twice a day');
const reduce = (steps: RunningPlan['steps']): RunningPlan => ({ kind: ProposalKind.REDUCE, medicationId: 'm1', medicineCode: 'morphine', medicineName: 'Morphine (oral)', steps });
const step = (startDate: string, dose: number, frequency = 'twice daily', words = `${dose} mg twice a day`) => ({ startDate, dose, frequency, words });

describe('a running plan the medicine list is behind', () => {
  it('a reduction whose step has begun while the list still has the old dose is flagged, with the step and the listed dose in words', () => {
    const flags = plansAheadOfList([reduce([step('2026-06-01', 50), step('2026-06-29', 40)])], [morphine], on);
    expect(flags).toEqual([
      {
        code: FlagCode.PLAN_AHEAD_OF_LIST,
        reason: "Morphine (oral): the approved plan's step from 1 June 2026 (50 mg twice a day) has begun, but the list still records Morphine (oral) 60 mg twice a day. Record what the patient takes now, so the total OME and the flags are right.",
        stepToRecord: { medicationId: 'm1', startDate: '2026-06-01', dose: 50, frequency: 'twice daily' },
      },
    ]);
  });

  it('says nothing before the first step, when the step keeps the listed daily dose, or once the listed entry is stopped', () => {
    expect(plansAheadOfList([reduce([step('2026-06-16', 50)])], [morphine], on)).toEqual([]);
    // 40 mg three times a day is the listed 120 mg a day: the list is not behind.
    expect(plansAheadOfList([reduce([step('2026-06-15', 40, 'three times a day', '40 mg three times a day'), step('2026-07-01', 30)])], [morphine], on)).toEqual([]);
    expect(plansAheadOfList([reduce([step('2026-06-01', 50)])], [listed('m2', 'morphine', 'Morphine (oral)', 50, 2, 'twice a day')], on)).toEqual([]);
  });

  it('follows the plan past its first step: once the old entry is stopped, the dose recorded since is the one compared', () => {
    const plan = reduce([step('2026-06-01', 50), step('2026-06-15', 40)]);
    const stopped = listed('m1', 'morphine', 'Morphine (oral)', 60, 2, 'twice a day', 'mg', { stopDate: '2026-06-01' });
    const stepOne = listed('m2', 'morphine', 'Morphine (oral)', 50, 2, 'twice a day', 'mg', { startDate: '2026-06-01' });
    expect(plansAheadOfList([plan], [stopped, stepOne], on)[0]?.reason).toMatch(/step from 15 June 2026 \(40 mg twice a day\) has begun, but the list still records Morphine \(oral\) 50 mg twice a day\./);
    const stepOneStopped = listed('m2', 'morphine', 'Morphine (oral)', 50, 2, 'twice a day', 'mg', { startDate: '2026-06-01', stopDate: '2026-06-15' });
    const stepTwo = listed('m3', 'morphine', 'Morphine (oral)', 40, 2, 'twice a day', 'mg', { startDate: '2026-06-15' });
    expect(plansAheadOfList([plan], [stopped, stepOneStopped, stepTwo], on)).toEqual([]);
    // Two current entries of that medicine and form: which one the plan changes is not Cairn's guess to make.
    const other = listed('m4', 'morphine', 'Morphine (oral)', 10, 2, 'twice a day', 'mg', { startDate: '2026-06-02' });
    expect(plansAheadOfList([plan], [stopped, stepOne, other], on)).toEqual([]);
    // An immediate-release entry beside it (another form) does not stand for the modified-release one.
    expect(plansAheadOfList([plan], [stopped, listed('m5', 'morphine', 'Morphine (oral)', 10, 6, 'every 4 hours', 'mg', { form: 'oral solution' })], on)).toEqual([]);
  });

  it('a stop begun, a switch begun, and a start begun without its medicine listed are each flagged; a start listed is not', () => {
    const stop: RunningPlan = { ...reduce([step('2026-06-01', 0, '', 'stop Morphine (oral)')]), kind: ProposalKind.STOP };
    expect(plansAheadOfList([stop], [morphine], on)[0]?.reason).toMatch(/the list still records Morphine \(oral\) 60 mg twice a day as taken\./);
    const toOxycodone: RunningPlan = { kind: ProposalKind.SWITCH, medicationId: 'm1', medicineCode: 'oxycodone', medicineName: 'Oxycodone (oral)', steps: [step('2026-06-10', 20, 'twice daily', '20 mg twice a day')] };
    expect(plansAheadOfList([toOxycodone], [morphine], on)[0]?.reason).toMatch(/^Oxycodone \(oral\): the approved plan's step from 10 June 2026 .* the list still records Morphine \(oral\) 60 mg twice a day\./);
    const start: RunningPlan = { kind: ProposalKind.START, medicationId: null, medicineCode: 'paracetamol', medicineName: 'Paracetamol', steps: [step('2026-06-15', 1000, 'four times a day', '1000 mg four times a day')] };
    expect(plansAheadOfList([start], [morphine], on)[0]?.reason).toMatch(/but the list does not have Paracetamol\./);
    expect(plansAheadOfList([start], [morphine, listed('p1', 'paracetamol', 'Paracetamol', 1000, 4, 'four times a day')], on)).toEqual([]);
  });

  it('each flag carries what records its step: a stop on the day it began, a start with the step\'s dose, a new dose of the medicine a switch or a start listed', () => {
    const stop: RunningPlan = { ...reduce([step('2026-06-01', 0, '', 'stop Morphine (oral)')]), kind: ProposalKind.STOP };
    expect(plansAheadOfList([stop], [morphine], on)).toEqual([
      expect.objectContaining({ stopToRecord: { medicationId: 'm1', stopDate: '2026-06-01', reason: 'Approved plan, step from 1 June 2026' } }),
    ]);
    // A reduction's last step to nothing is a stop too.
    expect(plansAheadOfList([reduce([step('2026-06-01', 30), step('2026-06-08', 0)])], [morphine], on)[0]).toMatchObject({ stopToRecord: { medicationId: 'm1', stopDate: '2026-06-08' } });

    // A switch begun: the old medicine stops on the day its first step began, and the new one is missing.
    const toOxycodone: RunningPlan = {
      kind: ProposalKind.SWITCH,
      medicationId: 'm1',
      medicineCode: 'oxycodone',
      medicineName: 'Oxycodone (oral)',
      steps: [step('2026-06-10', 20, 'twice daily', '20 mg twice a day'), step('2026-06-14', 15, 'twice daily', '15 mg twice a day')],
    };
    const both = plansAheadOfList([toOxycodone], [morphine], on);
    expect(both.map((f) => Object.keys(f).filter((k) => k.endsWith('ToRecord')))).toEqual([['stopToRecord'], ['startToRecord']]);
    expect(both[0]!.stopToRecord).toEqual({ medicationId: 'm1', stopDate: '2026-06-10', reason: 'Approved plan, step from 10 June 2026' });
    expect(both[1]!.reason).toMatch(/^Oxycodone \(oral\): the approved plan's step from 14 June 2026 \(15 mg twice a day\) has begun, but the list does not have Oxycodone \(oral\)\./);
    expect(both[1]!.startToRecord).toEqual({ medicineCode: 'oxycodone', startDate: '2026-06-14', dose: 15, frequency: 'twice daily' });

    // The old one stopped and the new one recorded at the first step's dose: the second step is a new dose of it.
    const morphineStopped = listed('m1', 'morphine', 'Morphine (oral)', 60, 2, 'twice a day', 'mg', { stopDate: '2026-06-10' });
    const oxycodone = listed('o1', 'oxycodone', 'Oxycodone (oral)', 20, 2, 'twice a day', 'mg', { startDate: '2026-06-10' });
    const later = plansAheadOfList([toOxycodone], [morphineStopped, oxycodone], on);
    expect(later).toHaveLength(1);
    expect(later[0]!.reason).toMatch(/but the list records Oxycodone \(oral\) 20 mg twice a day\./);
    expect(later[0]!.stepToRecord).toEqual({ medicationId: 'o1', startDate: '2026-06-14', dose: 15, frequency: 'twice daily' });
    const atStepTwo = listed('o2', 'oxycodone', 'Oxycodone (oral)', 15, 2, 'twice a day', 'mg', { startDate: '2026-06-14' });
    expect(plansAheadOfList([toOxycodone], [morphineStopped, { ...oxycodone, stopDate: '2026-06-14' } as Medication, atStepTwo], on)).toEqual([]);

    // A start that goes up in steps (a titration) is followed the same way.
    const titration: RunningPlan = { kind: ProposalKind.START, medicationId: null, medicineCode: 'gabapentin', medicineName: 'Gabapentin', steps: [step('2026-06-01', 300, 'at night', '300 mg at night'), step('2026-06-08', 300, 'twice daily', '300 mg twice a day')] };
    expect(plansAheadOfList([titration], [], on)[0]!.startToRecord).toEqual({ medicineCode: 'gabapentin', startDate: '2026-06-08', dose: 300, frequency: 'twice daily' });
    expect(plansAheadOfList([titration], [listed('g1', 'gabapentin', 'Gabapentin', 300, 1, 'at night', 'mg', { startDate: '2026-06-01' })], on)[0]!.stepToRecord).toEqual({ medicationId: 'g1', startDate: '2026-06-08', dose: 300, frequency: 'twice daily' });
  });

  it('a start or a switch that ends in a stop asks for the stop once that step begins, never a start at dose 0', () => {
    const start: RunningPlan = {
      kind: ProposalKind.START,
      medicationId: null,
      medicineCode: 'paracetamol',
      medicineName: 'Paracetamol',
      steps: [step('2026-06-01', 500, 'twice daily', '500 mg twice a day'), step('2026-06-10', 0, '', 'stop Paracetamol')],
    };
    const paracetamol = (stopDate: string | null) => listed('p1', 'paracetamol', 'Paracetamol', 500, 2, 'twice a day', 'mg', { startDate: '2026-06-01', stopDate });
    expect(plansAheadOfList([start], [paracetamol(null)], on)).toEqual([
      {
        code: FlagCode.PLAN_AHEAD_OF_LIST,
        reason: "Paracetamol: the approved plan's step from 10 June 2026 (stop Paracetamol) has begun, but the list still records Paracetamol 500 mg twice a day as taken. Record what the patient takes now, so the total OME and the flags are right.",
        stopToRecord: { medicationId: 'p1', stopDate: '2026-06-10', reason: 'Approved plan, step from 10 June 2026' },
      },
    ]);
    // Stopped already, or never listed: the list says what the plan does, and there is nothing to record.
    expect(plansAheadOfList([start], [paracetamol('2026-06-10')], on)).toEqual([]);
    expect(plansAheadOfList([start], [], on)).toEqual([]);

    // A switch whose last step stops the medicine switched to is followed the same way.
    const switchThenStop: RunningPlan = {
      kind: ProposalKind.SWITCH,
      medicationId: 'm1',
      medicineCode: 'oxycodone',
      medicineName: 'Oxycodone (oral)',
      steps: [step('2026-06-01', 20, 'twice daily', '20 mg twice a day'), step('2026-06-12', 0, '', 'stop Oxycodone (oral)')],
    };
    const morphineStopped = listed('m1', 'morphine', 'Morphine (oral)', 60, 2, 'twice a day', 'mg', { stopDate: '2026-06-01' });
    const oxycodone = listed('o1', 'oxycodone', 'Oxycodone (oral)', 20, 2, 'twice a day', 'mg', { startDate: '2026-06-01' });
    expect(plansAheadOfList([switchThenStop], [morphineStopped, oxycodone], on).map((f) => f.stopToRecord)).toEqual([{ medicationId: 'o1', stopDate: '2026-06-12', reason: 'Approved plan, step from 12 June 2026' }]);
    expect(plansAheadOfList([switchThenStop], [morphineStopped], on)).toEqual([]);
  });

  it('never offers to record a stop or a new dose before the entry began', () => {
    // The listed entry was recorded after the step's day (a late correction): the earliest it can change is its own start.
    const recordedLate = listed('m2', 'morphine', 'Morphine (oral)', 45, 2, 'twice a day', 'mg', { startDate: '2026-06-05' });
    const stopped = listed('m1', 'morphine', 'Morphine (oral)', 60, 2, 'twice a day', 'mg', { stopDate: '2026-06-05' });
    expect(plansAheadOfList([reduce([step('2026-06-01', 40)])], [stopped, recordedLate], on)[0]!.stepToRecord).toMatchObject({ medicationId: 'm2', startDate: '2026-06-05' });
    expect(plansAheadOfList([reduce([step('2026-06-01', 0)])], [stopped, recordedLate], on)[0]!.stopToRecord).toMatchObject({ medicationId: 'm2', stopDate: '2026-06-05' });
  });

  it('compares a patch by its µg/h, not as an oral dose', () => {
    const patch = listed('f1', 'fentanyl-patch', 'Fentanyl 72-hour patch', 25, 1, 'changed every 72 hours', 'microgram/hour');
    const plan = (dose: number): RunningPlan => ({ kind: ProposalKind.REDUCE, medicationId: 'f1', medicineCode: 'fentanyl-patch', medicineName: 'Fentanyl 72-hour patch', steps: [step('2026-06-01', dose, 'every 72 hours', `${dose} µg/h`)] });
    expect(plansAheadOfList([plan(25)], [patch], on)).toEqual([]);
    expect(plansAheadOfList([plan(12)], [patch], on).map((f) => f.code)).toEqual([FlagCode.PLAN_AHEAD_OF_LIST]);
  });
});
