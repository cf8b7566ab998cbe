import { badInput, CairnError } from '../platform/errors.js';
import { dateInWords } from '../platform/uk-dates.js';
import { requireIsoDate } from '../platform/validate.js';
import { findMedicine, isPatch } from './catalogue.js';
import { assessDose, formatNumber } from './ome.js';

/** A taper step as proposed: from `startDate`, `dose` `frequency`; dose 0 stops the medicine. */
export interface StepInput {
  startDate: string;
  dose: number;
  frequency: string;
  /** The proposer's explicit statement that this step raises the daily dose. */
  increase: boolean;
}

export interface CheckedStep {
  position: number;
  startDate: string;
  dose: number;
  frequency: string;
  words: string;
  omeMgPerDay: number;
  increases: boolean;
}

export const MAX_TAPER_STEPS = 52;

/**
 * Checks a schedule of steps in `medicineCode` and works out each step's OME. `fromDaily` is the daily amount
 * taken before the first step (null for a start or a switch, where the first step has nothing to compare
 * with). A step that raises the daily amount is refused unless it says so (`increase`), and one that says
 * so without raising it is refused too: the record must say what the schedule does.
 */
export function checkTaperSteps(medicineCode: string, fromDaily: number | null, steps: readonly StepInput[]): CheckedStep[] {
  const entry = findMedicine(medicineCode);
  if (!entry) throw badInput('medicineCode', `"${medicineCode}" is not a medicine in Cairn's catalogue.`);
  if (steps.length === 0) throw badInput('steps', 'A proposal needs at least one step (a date and a dose).');
  if (steps.length > MAX_TAPER_STEPS) throw badInput('steps', `At most ${MAX_TAPER_STEPS} steps in one schedule.`);
  const unit = isPatch(entry) ? 'µg/h' : entry.doseUnit;

  let previous = fromDaily;
  let previousDate: string | null = null;
  return steps.map((s, i) => {
    const field = `steps.${i}`;
    const n = i + 1;
    const startDate = requireIsoDate(`${field}.startDate`, s.startDate);
    if (previousDate !== null && startDate <= previousDate) throw badInput(`${field}.startDate`, `Step ${n} must start after step ${n - 1} (${dateInWords(previousDate)}).`);
    if (previous === 0) throw badInput(field, `Step ${n} comes after the medicine has stopped; end the schedule at the stop.`);
    if (typeof s.dose !== 'number' || !Number.isFinite(s.dose) || s.dose < 0) throw badInput(`${field}.dose`, `Step ${n}: the dose must be 0 (stop) or a positive amount in ${unit}.`);

    let daily = 0;
    let words = `stop ${entry.name}`;
    let ome = 0;
    let frequency = s.frequency.trim();
    if (s.dose > 0) {
      const assessed = withStep(n, field, () => assessDose({ medicineCode, dose: s.dose, frequency: s.frequency }));
      daily = isPatch(entry) ? s.dose : s.dose * assessed.dosesPerDay;
      words = `${formatNumber(s.dose)} ${unit} ${assessed.frequencyWords}`;
      ome = assessed.omeMgPerDay ?? 0;
    } else {
      frequency = '';
    }
    const increases = previous !== null && daily > previous;
    if (increases && !s.increase) {
      throw badInput(`${field}.increase`, `Step ${n} raises the daily dose from ${formatNumber(previous!)} to ${formatNumber(daily)} ${unit}; say so explicitly (mark it as an increase) or correct it.`);
    }
    if (s.increase && !increases) throw badInput(`${field}.increase`, `Step ${n} is marked as an increase but does not raise the daily dose.`);
    previous = daily;
    previousDate = startDate;
    return { position: i, startDate, dose: s.dose, frequency, words, omeMgPerDay: ome, increases };
  });
}

/** Prefixes a refusal with the step it is about. */
function withStep<T>(n: number, field: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CairnError) throw badInput(`${field}.${e.field ?? 'dose'}`, `Step ${n}: ${e.message}`);
    throw e;
  }
}
