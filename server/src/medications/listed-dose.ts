import { findMedicine, isPatch } from './catalogue.js';
import type { Medication } from './medication.entity.js';

/** A listed medicine's dose in words: "Morphine (oral) 60 mg twice a day" (a patch's in µg/h). */
export function doseWords(m: Pick<Medication, 'dose' | 'doseUnit' | 'frequencyWords' | 'name'>): string {
  const unit = m.doseUnit === 'microgram/hour' ? 'µg/h' : m.doseUnit;
  return `${m.name} ${m.dose} ${unit} ${m.frequencyWords}`;
}

/** A listed medicine's daily amount, as a plan's steps are compared with it: mg a day, or a patch's µg/h. */
export function listDaily(m: Pick<Medication, 'medicineCode' | 'dose' | 'dosesPerDay'>): number {
  const entry = findMedicine(m.medicineCode);
  return entry && isPatch(entry) ? m.dose : m.dose * m.dosesPerDay;
}
