import { type CatalogueEntry, MedicineClass } from './catalogue.js';
import { formatNumber } from './ome.js';
import { addDays, addMonths, ageOn, dateInWords } from '../platform/uk-dates.js';
import { listInWords } from '@cairn/schema/words';

/**
 * Every medication risk flag Cairn raises, in one module. Each flag says why in words. The rules are
 * listed in the app (FLAG_RULES), so a reviewer can see what is checked and what is not. Cairn advises and
 * records; it never prescribes: a flag asks for a review, it changes nothing.
 */
export const FlagCode = {
  HIGH_DOSE_OPIOID: 'HIGH_DOSE_OPIOID',
  OPIOID_WITH_GABAPENTINOID: 'OPIOID_WITH_GABAPENTINOID',
  OPIOID_WITH_BENZODIAZEPINE: 'OPIOID_WITH_BENZODIAZEPINE',
  LONG_TERM_OPIOID: 'LONG_TERM_OPIOID',
  NSAID_OLDER_PATIENT: 'NSAID_OLDER_PATIENT',
  MORE_THAN_ONE_OPIOID: 'MORE_THAN_ONE_OPIOID',
  /** Not a risk of the medicines themselves: the list is behind an approved plan, so the flags above may be wrong (`plan-on-list.ts`). */
  PLAN_AHEAD_OF_LIST: 'PLAN_AHEAD_OF_LIST',
} as const;
export type FlagCode = (typeof FlagCode)[keyof typeof FlagCode];

/** The thresholds, with Opioids Aware's defaults; a service may set its own (some national measures use 90 mg). */
export interface FlagSettings {
  /** OME at or above this (mg/day) is high dose. */
  highDoseOmeMgPerDay: number;
  /** Age from which a systemic NSAID is flagged. */
  olderPatientAge: number;
  /** Continuous opioid use for more than this many months is long-term. */
  longTermOpioidMonths: number;
}
export const defaultFlagSettings: FlagSettings = { highDoseOmeMgPerDay: 120, olderPatientAge: 65, longTermOpioidMonths: 3 };

/** What each rule checks, for the list in the app. */
export function flagRules(settings: FlagSettings = defaultFlagSettings): ReadonlyArray<{ code: FlagCode; rule: string }> {
  return [
    { code: FlagCode.HIGH_DOSE_OPIOID, rule: `Total oral morphine equivalent at or above ${settings.highDoseOmeMgPerDay} mg a day (Opioids Aware: above this, harm outweighs benefit for most).` },
    { code: FlagCode.OPIOID_WITH_GABAPENTINOID, rule: 'An opioid taken with gabapentin or pregabalin (together they raise the risk of breathing problems and death).' },
    { code: FlagCode.OPIOID_WITH_BENZODIAZEPINE, rule: 'An opioid taken with a benzodiazepine (MHRA: profound sedation and breathing problems).' },
    { code: FlagCode.LONG_TERM_OPIOID, rule: `Opioids taken without a break of more than ${CONTINUOUS_GAP_DAYS} days for over ${settings.longTermOpioidMonths} months.` },
    { code: FlagCode.NSAID_OLDER_PATIENT, rule: `A systemic NSAID (not a gel) for a patient aged ${settings.olderPatientAge} or over (stomach bleeding, kidney and heart risks).` },
    { code: FlagCode.MORE_THAN_ONE_OPIOID, rule: 'More than one opioid substance at the same time (modified- and immediate-release forms of one substance count once).' },
    {
      code: FlagCode.PLAN_AHEAD_OF_LIST,
      rule: 'A running plan approved by a GP has begun a step the medicine list does not show yet (the old dose still listed, a stopped or switched-from medicine still current, a started or switched-to one missing or at another dose): the total OME and these flags are worked out from the list.',
    },
  ];
}

/** Gaps of up to this many days between opioid prescriptions still count as continuous use. */
export const CONTINUOUS_GAP_DAYS = 7;

/** One medicine in a patient's history, current or stopped. */
export interface HistoryItem {
  entry: CatalogueEntry;
  /** YYYY-MM-DD. */
  startDate: string;
  /** YYYY-MM-DD, the first day not taken; null while current. */
  stopDate: string | null;
}

export interface Flag {
  code: FlagCode;
  reason: string;
  /** PLAN_AHEAD_OF_LIST, the listed entry at another dose: the entry and the begun step's dose, to record it with. */
  stepToRecord?: StepToRecord;
  /** PLAN_AHEAD_OF_LIST, a stopped or switched-from medicine still current: the entry and the day it stopped. */
  stopToRecord?: StopToRecord;
  /** PLAN_AHEAD_OF_LIST, a started or switched-to medicine missing: the medicine and the begun step's dose. */
  startToRecord?: StartToRecord;
}

export interface StopToRecord {
  medicationId: string;
  /** YYYY-MM-DD, the first day not taken. */
  stopDate: string;
  /** Kept with the stopped entry, e.g. "Approved plan, step from 2026-06-01". */
  reason: string;
}

export interface StartToRecord {
  medicineCode: string;
  /** YYYY-MM-DD. */
  startDate: string;
  dose: number;
  /** As the plan gives it, e.g. "twice daily". */
  frequency: string;
}

export interface StepToRecord {
  medicationId: string;
  /** YYYY-MM-DD. */
  startDate: string;
  dose: number;
  /** As the plan gives it, e.g. "twice daily". */
  frequency: string;
}

export interface FlagFacts {
  history: readonly HistoryItem[];
  /** The total daily OME of the current medicines. */
  totalOmeMgPerDay: number;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  /** The day judged, YYYY-MM-DD (the UK date, passed in: no clock is read here). */
  on: string;
}

/** The flags that fire for `facts`, each with its reason. */
export function medicationFlags(facts: FlagFacts, settings: FlagSettings = defaultFlagSettings): Flag[] {
  const current = facts.history.filter((h) => isCurrent(h, facts.on));
  const names = (cls: MedicineClass) => unique(current.filter((h) => h.entry.medicineClass === cls).map((h) => h.entry.name));
  const opioids = names(MedicineClass.OPIOID);
  const flags: Flag[] = [];

  if (opioids.length > 0 && facts.totalOmeMgPerDay >= settings.highDoseOmeMgPerDay) {
    flags.push({
      code: FlagCode.HIGH_DOSE_OPIOID,
      reason: `Total ${formatNumber(facts.totalOmeMgPerDay)} mg oral morphine a day is at or above the ${settings.highDoseOmeMgPerDay} mg high-dose threshold.`,
    });
  }
  const gabapentinoids = names(MedicineClass.GABAPENTINOID);
  if (opioids.length > 0 && gabapentinoids.length > 0) {
    flags.push({ code: FlagCode.OPIOID_WITH_GABAPENTINOID, reason: `${listInWords(opioids)} with ${listInWords(gabapentinoids)}: an opioid with a gabapentinoid.` });
  }
  const benzodiazepines = names(MedicineClass.BENZODIAZEPINE);
  if (opioids.length > 0 && benzodiazepines.length > 0) {
    flags.push({ code: FlagCode.OPIOID_WITH_BENZODIAZEPINE, reason: `${listInWords(opioids)} with ${listInWords(benzodiazepines)}: an opioid with a benzodiazepine.` });
  }
  const since = continuousOpioidSince(facts.history, facts.on);
  if (since !== null && since < addMonths(facts.on, -settings.longTermOpioidMonths)) {
    flags.push({ code: FlagCode.LONG_TERM_OPIOID, reason: `Opioids taken continuously since ${dateInWords(since)}, more than ${settings.longTermOpioidMonths} months.` });
  }
  const nsaids = names(MedicineClass.NSAID);
  const age = ageOn(facts.dateOfBirth, facts.on);
  if (nsaids.length > 0 && age >= settings.olderPatientAge) {
    flags.push({ code: FlagCode.NSAID_OLDER_PATIENT, reason: `${listInWords(nsaids)} for a patient aged ${age} (${settings.olderPatientAge} or over).` });
  }
  const substances = unique(current.filter((h) => h.entry.medicineClass === MedicineClass.OPIOID).map((h) => h.entry.substance));
  if (substances.length > 1) {
    flags.push({ code: FlagCode.MORE_THAN_ONE_OPIOID, reason: `${substances.length} opioids at once: ${listInWords(substances)}.` });
  }
  return flags;
}

export function isCurrent(h: Pick<HistoryItem, 'startDate' | 'stopDate'>, on: string): boolean {
  return h.startDate <= on && (h.stopDate === null || h.stopDate > on);
}

/** The first day of the unbroken run of opioid use that includes `on`; null when none is taken on `on`. */
export function continuousOpioidSince(history: readonly HistoryItem[], on: string): string | null {
  const periods = history
    .filter((h) => h.entry.medicineClass === MedicineClass.OPIOID && h.startDate <= on)
    .map((h) => ({ start: h.startDate, end: h.stopDate === null || h.stopDate > on ? on : h.stopDate }))
    .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0)); // latest first
  if (!history.some((h) => h.entry.medicineClass === MedicineClass.OPIOID && isCurrent(h, on))) return null;
  // Walk back from today, joining any period that ends within the allowed gap of the run's start.
  let since = on;
  let changed = true;
  while (changed) {
    changed = false;
    for (const p of periods) {
      if (p.start < since && p.end >= addDays(since, -CONTINUOUS_GAP_DAYS)) {
        since = p.start;
        changed = true;
      }
    }
  }
  return since;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

