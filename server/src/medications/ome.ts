import { badInput } from '../platform/errors.js';
import { type CatalogueEntry, findMedicine, isPatch, OME_SOURCE } from './catalogue.js';
import { intervalWords, parseFrequency, parsePatchInterval } from './frequency.js';

/** A medicine as prescribed, before Cairn has checked it. */
export interface DoseInput {
  medicineCode: string;
  /** Per dose, in the catalogue entry's unit (mg; for patches the µg/h of all patches worn together). */
  dose: number;
  /** How often: "twice daily", "every 6 hours"…; for patches the change interval, "every 72 hours". */
  frequency: string;
}

/** A checked dose and what it comes to. */
export interface AssessedDose {
  entry: CatalogueEntry;
  dose: number;
  dosesPerDay: number;
  asNeeded: boolean;
  /** Patches only. */
  patchChangeHours: number | null;
  /** The frequency in Cairn's words. */
  frequencyWords: string;
  /** Oral morphine equivalent in mg a day; null for a medicine that is not an opioid. */
  omeMgPerDay: number | null;
  /** How the OME was reached, in words a reviewer can check by hand; null when not an opioid. */
  omeWords: string | null;
}

/** Checks a medicine against the catalogue and works out its daily OME; refuses what cannot be right. */
export function assessDose(input: DoseInput): AssessedDose {
  const entry = findMedicine(input.medicineCode);
  if (!entry) throw badInput('medicineCode', `"${input.medicineCode}" is not a medicine in Cairn's catalogue.`);
  const unit = unitWords(entry);
  if (typeof input.dose !== 'number' || !Number.isFinite(input.dose) || input.dose <= 0) {
    throw badInput('dose', `The dose of ${entry.name} must be a positive amount in ${unit}.`);
  }
  if (input.dose > entry.maxDose) {
    throw badInput('dose', `${formatNumber(input.dose)} ${unit} of ${entry.name} is above the ${formatNumber(entry.maxDose)} ${unit} Cairn accepts for one dose; please check it.`);
  }

  if (isPatch(entry)) return assessPatch(entry, input, unit);

  const frequency = parseFrequency(input.frequency);
  const daily = input.dose * frequency.dosesPerDay;
  if (daily > entry.maxDailyDose) {
    throw badInput('dose', `${formatNumber(input.dose)} ${unit} ${frequency.words} is ${formatNumber(daily)} ${unit} a day of ${entry.name}, above the ${formatNumber(entry.maxDailyDose)} ${unit} Cairn accepts; please check it.`);
  }
  const base = { entry, dose: input.dose, dosesPerDay: frequency.dosesPerDay, asNeeded: frequency.asNeeded, patchChangeHours: null, frequencyWords: frequency.words };
  if (entry.ome?.kind !== 'per-mg') return { ...base, omeMgPerDay: null, omeWords: null };

  const ome = round1(daily * entry.ome.factor);
  const counted = frequency.asNeeded ? ` (as needed, counted at its most, ${frequency.dosesPerDay} doses)` : '';
  return {
    ...base,
    omeMgPerDay: ome,
    omeWords: `${entry.name}: ${formatNumber(input.dose)} mg × ${frequency.dosesPerDay} a day${counted} = ${formatNumber(daily)} mg a day × ${formatNumber(entry.ome.factor)} = ${formatNumber(ome)} mg oral morphine a day.`,
  };
}

function assessPatch(entry: CatalogueEntry, input: DoseInput, unit: string): AssessedDose {
  if (entry.ome?.kind !== 'per-microgram-hour') throw new Error(`catalogue: patch ${entry.code} has no per-µg/h conversion`);
  const hours = parsePatchInterval(input.frequency, entry.patchChangeHours ?? []);
  const rate = countedRate(entry, input.dose, unit);
  const ome = round1(rate * entry.ome.factor);
  const nominal = rate === input.dose ? '' : ` (counted as ${formatNumber(rate)} µg/h, the rate the patch delivers)`;
  return {
    entry,
    dose: input.dose,
    dosesPerDay: 1,
    asNeeded: false,
    patchChangeHours: hours,
    frequencyWords: `patch changed every ${intervalWords(hours)}`,
    omeMgPerDay: ome,
    omeWords: `${entry.name}: ${formatNumber(input.dose)} µg/h${nominal} × ${formatNumber(entry.ome.factor)} = ${formatNumber(ome)} mg oral morphine a day (a patch: converted from micrograms an hour, not read as mg; changed every ${intervalWords(hours)}).`,
  };
}

/** The rate a patch delivers: fentanyl's labels count in 12.5 µg/h steps ("12" is 12.5, "37" is 37.5). */
function countedRate(entry: CatalogueEntry, rate: number, unit: string): number {
  const step = entry.ome?.kind === 'per-microgram-hour' ? entry.ome.rateStep : undefined;
  if (step === undefined) return rate;
  const steps = Math.round(rate / step);
  const delivered = steps * step;
  if (steps < 1 || (rate !== delivered && rate !== Math.floor(delivered))) {
    throw badInput('dose', `${entry.name} is worn in steps of ${step} ${unit} (patches labelled 12, 25, 50, 75 and 100); ${formatNumber(rate)} ${unit} is not a combination of them.`);
  }
  return delivered;
}

/** A patient's total daily OME over the medicines given, with the sum in words. */
export interface OmeTotal {
  mgPerDay: number;
  words: string;
  source: string;
}

export function totalOme(doses: ReadonlyArray<Pick<AssessedDose, 'entry' | 'omeMgPerDay'>>): OmeTotal {
  const opioids = doses.filter((d): d is typeof d & { omeMgPerDay: number } => d.omeMgPerDay !== null);
  const mgPerDay = round1(opioids.reduce((sum, d) => sum + d.omeMgPerDay, 0));
  const words =
    opioids.length === 0
      ? 'No current opioid: 0 mg oral morphine a day.'
      : opioids.length === 1
        ? `Total: ${formatNumber(mgPerDay)} mg oral morphine a day (${opioids[0].entry.name}).`
        : `Total: ${opioids.map((d) => `${formatNumber(d.omeMgPerDay)} (${d.entry.name})`).join(' + ')} = ${formatNumber(mgPerDay)} mg oral morphine a day.`;
  return { mgPerDay, words, source: OME_SOURCE };
}

/** One decimal place: factors such as 0.1 and 2.4 are not exact in binary. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export function formatNumber(x: number): string {
  return String(round1(x) === x ? x : Number(x.toFixed(3)));
}

function unitWords(entry: CatalogueEntry): string {
  switch (entry.doseUnit) {
    case 'mg':
      return 'mg';
    case 'microgram/hour':
      return 'µg/h';
    case 'application':
      return 'applications';
    case 'plaster':
      return 'plasters';
  }
}
