import { describe, expect, it } from 'vitest';
import { CairnError } from '../platform/errors.js';
import { CATALOGUE, isOpioid } from './catalogue.js';
import { assessDose, totalOme, type DoseInput } from './ome.js';

/**
 * Worked examples, each computed by hand from the Opioids Aware factors (the comment shows the sum).
 * Every opioid in the catalogue must appear here: a changed factor fails a line below (hazard MED-H1).
 */
const worked: Array<[DoseInput, number, string]> = [
  [{ medicineCode: 'codeine', dose: 30, frequency: 'QDS' }, 12, '30 mg × 4 = 120 mg × 0.1 = 12'],
  [{ medicineCode: 'codeine', dose: 60, frequency: 'four times daily' }, 24, '60 × 4 = 240 × 0.1 = 24'],
  [{ medicineCode: 'dihydrocodeine', dose: 30, frequency: 'every 6 hours' }, 12, '30 × 4 = 120 × 0.1 = 12'],
  [{ medicineCode: 'dihydrocodeine', dose: 120, frequency: 'twice daily' }, 24, '120 × 2 = 240 × 0.1 = 24'],
  [{ medicineCode: 'tramadol', dose: 50, frequency: 'QDS' }, 20, '50 × 4 = 200 × 0.1 = 20'],
  [{ medicineCode: 'tramadol', dose: 100, frequency: 'as needed, max 4 doses a day' }, 40, 'as needed counted at most: 100 × 4 = 400 × 0.1 = 40'],
  [{ medicineCode: 'tapentadol', dose: 50, frequency: 'BD' }, 40, '50 × 2 = 100 × 0.4 = 40'],
  [{ medicineCode: 'tapentadol', dose: 150, frequency: 'twice a day' }, 120, '150 × 2 = 300 × 0.4 = 120'],
  [{ medicineCode: 'morphine', dose: 30, frequency: 'twice daily' }, 60, '30 × 2 = 60 × 1 = 60'],
  [{ medicineCode: 'morphine', dose: 5, frequency: 'every 4 hours' }, 30, '5 × 6 = 30 × 1 = 30'],
  [{ medicineCode: 'oxycodone', dose: 10, frequency: 'twice daily' }, 30, '10 × 2 = 20 × 1.5 = 30'],
  [{ medicineCode: 'oxycodone', dose: 5, frequency: 'prn max 4 times a day' }, 30, '5 × 4 = 20 × 1.5 = 30'],
  [{ medicineCode: 'hydromorphone', dose: 2, frequency: 'every 6 hours' }, 40, '2 × 4 = 8 × 5 = 40'],
  [{ medicineCode: 'hydromorphone', dose: 4, frequency: 'BD' }, 40, '4 × 2 = 8 × 5 = 40'],
  [{ medicineCode: 'buprenorphine-sublingual', dose: 0.2, frequency: 'TDS' }, 24, '0.2 mg × 3 = 0.6 mg × 40 = 24'],
  [{ medicineCode: 'buprenorphine-sublingual', dose: 0.4, frequency: 'three times a day' }, 48, '0.4 × 3 = 1.2 × 40 = 48'],
  [{ medicineCode: 'buprenorphine-patch-7-day', dose: 5, frequency: 'every 7 days' }, 12, '5 µg/h × 2.4 = 12'],
  [{ medicineCode: 'buprenorphine-patch-7-day', dose: 10, frequency: 'weekly' }, 24, '10 × 2.4 = 24'],
  [{ medicineCode: 'buprenorphine-patch-7-day', dose: 20, frequency: 'once a week' }, 48, '20 × 2.4 = 48'],
  [{ medicineCode: 'buprenorphine-patch-high', dose: 35, frequency: 'every 96 hours' }, 84, '35 × 2.4 = 84'],
  [{ medicineCode: 'buprenorphine-patch-high', dose: 52.5, frequency: 'every 72 hours' }, 126, '52.5 × 2.4 = 126'],
  [{ medicineCode: 'buprenorphine-patch-high', dose: 70, frequency: 'every 4 days' }, 168, '70 × 2.4 = 168'],
  [{ medicineCode: 'fentanyl-patch', dose: 12, frequency: 'every 72 hours' }, 30, '"12" delivers 12.5 µg/h × 2.4 = 30'],
  [{ medicineCode: 'fentanyl-patch', dose: 25, frequency: 'every 3 days' }, 60, '25 × 2.4 = 60'],
  [{ medicineCode: 'fentanyl-patch', dose: 37, frequency: 'every 72 hours' }, 90, '12 + 25 patches: 37.5 × 2.4 = 90'],
  [{ medicineCode: 'fentanyl-patch', dose: 50, frequency: 'every 72 hours' }, 120, '50 × 2.4 = 120'],
  [{ medicineCode: 'fentanyl-patch', dose: 100, frequency: 'every 72 hours' }, 240, '100 × 2.4 = 240'],
];

function refusal(input: DoseInput): CairnError {
  try {
    assessDose(input);
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('oral morphine equivalent', () => {
  it.each(worked)('%j comes to %d mg a day (%s)', (input, expected) => {
    expect(assessDose(input).omeMgPerDay).toBe(expected);
  });

  it('has a worked example for every opioid in the catalogue, patches included', () => {
    const covered = new Set(worked.map(([input]) => input.medicineCode));
    const opioids = CATALOGUE.filter(isOpioid).map((e) => e.code);
    expect(opioids.length).toBeGreaterThanOrEqual(11);
    expect(opioids.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('shows the calculation in words a reviewer can check', () => {
    expect(assessDose({ medicineCode: 'oxycodone', dose: 10, frequency: 'twice daily' }).omeWords).toBe(
      'Oxycodone (oral): 10 mg × 2 a day = 20 mg a day × 1.5 = 30 mg oral morphine a day.',
    );
    const patch = assessDose({ medicineCode: 'fentanyl-patch', dose: 12, frequency: 'every 72 hours' });
    expect(patch.omeWords).toContain('12 µg/h (counted as 12.5 µg/h, the rate the patch delivers) × 2.4 = 30 mg oral morphine a day');
    expect(patch.omeWords).toContain('not read as mg');
    expect(patch.patchChangeHours).toBe(72);
    expect(assessDose({ medicineCode: 'buprenorphine-patch-7-day', dose: 5, frequency: 'weekly' }).frequencyWords).toBe('patch changed every 7 days');
  });

  it('adds a patient’s opioids into one total, showing the sum', () => {
    const doses = [
      assessDose({ medicineCode: 'morphine', dose: 30, frequency: 'BD' }),
      assessDose({ medicineCode: 'fentanyl-patch', dose: 25, frequency: 'every 72 hours' }),
      assessDose({ medicineCode: 'paracetamol', dose: 1000, frequency: 'QDS' }),
    ];
    const total = totalOme(doses);
    expect(total.mgPerDay).toBe(120); // 60 + 60; paracetamol adds nothing
    expect(total.words).toBe('Total: 60 (Morphine (oral)) + 60 (Fentanyl 72-hour patch) = 120 mg oral morphine a day.');
    expect(total.source).toContain('Opioids Aware');
    expect(totalOme([doses[2]]).mgPerDay).toBe(0);
  });

  it('gives a medicine that is not an opioid no OME', () => {
    const gabapentin = assessDose({ medicineCode: 'gabapentin', dose: 300, frequency: 'TDS' });
    expect(gabapentin.omeMgPerDay).toBeNull();
    expect(gabapentin.omeWords).toBeNull();
  });
});

describe('a patch is never read as an oral dose', () => {
  it('refuses a patch given a tablet frequency', () => {
    expect(refusal({ medicineCode: 'fentanyl-patch', dose: 25, frequency: 'twice daily' }).message).toMatch(/patch change interval/);
  });
  it('refuses a patch changed at an interval its product does not have', () => {
    expect(refusal({ medicineCode: 'buprenorphine-patch-7-day', dose: 10, frequency: 'every 72 hours' }).message).toBe(
      'This patch is changed every 7 days, not every 72 hours.',
    );
  });
  it('refuses an oral opioid given a patch interval', () => {
    expect(refusal({ medicineCode: 'morphine', dose: 25, frequency: 'every 72 hours' }).field).toBe('frequency');
  });
  it('refuses a fentanyl rate no set of patches makes', () => {
    expect(refusal({ medicineCode: 'fentanyl-patch', dose: 20, frequency: 'every 72 hours' }).message).toMatch(/not a combination/);
  });
});

describe('bad input is refused with a message', () => {
  it('an unknown medicine', () => {
    const e = refusal({ medicineCode: 'unobtainium', dose: 10, frequency: 'BD' });
    expect([e.code, e.field, e.message]).toEqual(['BAD_USER_INPUT', 'medicineCode', '"unobtainium" is not a medicine in Cairn\'s catalogue.']);
  });
  it.each([-10, 0, Number.NaN, Number.POSITIVE_INFINITY])('a dose of %s', (dose) => {
    const e = refusal({ medicineCode: 'morphine', dose, frequency: 'BD' });
    expect([e.field, e.message]).toEqual(['dose', 'The dose of Morphine (oral) must be a positive amount in mg.']);
  });
  it('an absurd single dose', () => {
    expect(refusal({ medicineCode: 'paracetamol', dose: 5000, frequency: 'QDS' }).message).toBe(
      '5000 mg of Paracetamol is above the 1000 mg Cairn accepts for one dose; please check it.',
    );
  });
  it('an absurd daily total', () => {
    expect(refusal({ medicineCode: 'paracetamol', dose: 1000, frequency: 'every 2 hours' }).message).toBe(
      '1000 mg 12 times a day is 12000 mg a day of Paracetamol, above the 4000 mg Cairn accepts; please check it.',
    );
  });
  it('an unparseable frequency', () => {
    expect(refusal({ medicineCode: 'codeine', dose: 30, frequency: 'whenever' }).message).toMatch(/^Cairn cannot read "whenever" as a frequency/);
  });
});
