/**
 * The built-in catalogue of analgesics (and the co-medication the flags look for), in ONE table a service
 * can review line by line. Every opioid carries its oral morphine equivalent (OME) factor from the Faculty
 * of Pain Medicine's "Opioids Aware" dose equivalents
 * (https://fpm.ac.uk/opioids-aware-structured-approach-opioid-prescribing/dose-equivalents-and-changing-opioids):
 *   oral morphine 1; codeine 0.1; dihydrocodeine 0.1; tramadol 0.1; tapentadol 0.4; oxycodone 1.5;
 *   hydromorphone 5; sublingual buprenorphine 40;
 *   transdermal buprenorphine and fentanyl: mg of oral morphine per 24 h = 2.4 × the patch's µg/h
 *   (buprenorphine 5 µg/h ≈ 12 mg, 20 µg/h ≈ 48 mg; fentanyl 12 µg/h ≈ 30 mg, 25 µg/h ≈ 60 mg).
 * Fentanyl's "12" patch delivers 12.5 µg/h (its licence's nominal rate), which is why 12 µg/h reads as 30 mg:
 * rates are counted in whole 12.5 µg/h steps (12 → 12.5, 37 → 37.5).
 * Changing a factor here changes every OME Cairn shows: the hazard log's row MED-H1 says how that is tested.
 */

export const MedicineClass = {
  OPIOID: 'OPIOID',
  GABAPENTINOID: 'GABAPENTINOID',
  NSAID: 'NSAID',
  PARACETAMOL: 'PARACETAMOL',
  ANTIDEPRESSANT: 'ANTIDEPRESSANT',
  TOPICAL: 'TOPICAL',
  BENZODIAZEPINE: 'BENZODIAZEPINE',
} as const;
export type MedicineClass = (typeof MedicineClass)[keyof typeof MedicineClass];

export const MedicineRoute = { ORAL: 'ORAL', SUBLINGUAL: 'SUBLINGUAL', TRANSDERMAL: 'TRANSDERMAL', TOPICAL: 'TOPICAL' } as const;
export type MedicineRoute = (typeof MedicineRoute)[keyof typeof MedicineRoute];

/**
 * What one dose is measured in. A patch's dose is its delivery rate (all patches worn together), never
 * milligrams: the conversion for patches is a different formula, and reading a patch as an oral dose is a
 * recorded hazard (MED-H2).
 */
export const DoseUnit = { MG: 'mg', MICROGRAMS_PER_HOUR: 'microgram/hour', APPLICATION: 'application', PLASTER: 'plaster' } as const;
export type DoseUnit = (typeof DoseUnit)[keyof typeof DoseUnit];

/** How an opioid converts to oral morphine. */
export type OmeConversion =
  /** mg of oral morphine per mg taken. */
  | { kind: 'per-mg'; factor: number }
  /** mg of oral morphine per 24 h = factor × µg/h worn; `rateStep` rounds a nominal label up (fentanyl 12 → 12.5). */
  | { kind: 'per-microgram-hour'; factor: number; rateStep?: number };

export interface CatalogueEntry {
  /** Stable key stored with each medicine. Never reuse one for a different product. */
  code: string;
  name: string;
  /** The active substance; "more than one opioid" counts substances, so MR and IR morphine are one. */
  substance: string;
  medicineClass: MedicineClass;
  route: MedicineRoute;
  forms: readonly string[];
  doseUnit: DoseUnit;
  /** A dose above this is refused as a likely slip (a typo guard, not a prescribing limit). */
  maxDose: number;
  /** Daily total above this is refused for the same reason. */
  maxDailyDose: number;
  ome?: OmeConversion;
  /** Patches: the change intervals their products have, in hours. */
  patchChangeHours?: readonly number[];
  /** Gabapentinoids: one defined daily dose in mg (WHO ATC/DDD, as OpenPrescribing uses). */
  dddMg?: number;
}

const OPIOIDS_AWARE = 'FPM Opioids Aware';
/** Where every factor below comes from; shown beside each calculation. */
export const OME_SOURCE = `${OPIOIDS_AWARE}, dose equivalents and changing opioids`;

const tablet = ['tablet', 'capsule', 'oral solution'] as const;
const withMr = ['tablet', 'capsule', 'modified-release tablet', 'modified-release capsule', 'oral solution'] as const;

/** The catalogue. Sorted by class, then name; factors in one column so a reviewer can check them at a glance. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // ── Opioids ─────────────────────────── factor (mg oral morphine per unit) ──
  { code: 'codeine', name: 'Codeine phosphate', substance: 'codeine', medicineClass: 'OPIOID', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 60, maxDailyDose: 240, ome: { kind: 'per-mg', factor: 0.1 } },
  { code: 'dihydrocodeine', name: 'Dihydrocodeine', substance: 'dihydrocodeine', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 120, maxDailyDose: 240, ome: { kind: 'per-mg', factor: 0.1 } },
  { code: 'tramadol', name: 'Tramadol', substance: 'tramadol', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 400, maxDailyDose: 400, ome: { kind: 'per-mg', factor: 0.1 } },
  { code: 'tapentadol', name: 'Tapentadol', substance: 'tapentadol', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 250, maxDailyDose: 600, ome: { kind: 'per-mg', factor: 0.4 } },
  { code: 'morphine', name: 'Morphine (oral)', substance: 'morphine', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 300, maxDailyDose: 1000, ome: { kind: 'per-mg', factor: 1 } },
  { code: 'oxycodone', name: 'Oxycodone (oral)', substance: 'oxycodone', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 200, maxDailyDose: 600, ome: { kind: 'per-mg', factor: 1.5 } },
  { code: 'hydromorphone', name: 'Hydromorphone (oral)', substance: 'hydromorphone', medicineClass: 'OPIOID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 64, maxDailyDose: 200, ome: { kind: 'per-mg', factor: 5 } },
  { code: 'buprenorphine-sublingual', name: 'Buprenorphine (sublingual)', substance: 'buprenorphine', medicineClass: 'OPIOID', route: 'SUBLINGUAL', forms: ['sublingual tablet'], doseUnit: 'mg', maxDose: 8, maxDailyDose: 32, ome: { kind: 'per-mg', factor: 40 } },
  { code: 'buprenorphine-patch-7-day', name: 'Buprenorphine 7-day patch', substance: 'buprenorphine', medicineClass: 'OPIOID', route: 'TRANSDERMAL', forms: ['transdermal patch'], doseUnit: 'microgram/hour', maxDose: 40, maxDailyDose: 40, ome: { kind: 'per-microgram-hour', factor: 2.4 }, patchChangeHours: [168] },
  { code: 'buprenorphine-patch-high', name: 'Buprenorphine 72/96-hour patch', substance: 'buprenorphine', medicineClass: 'OPIOID', route: 'TRANSDERMAL', forms: ['transdermal patch'], doseUnit: 'microgram/hour', maxDose: 140, maxDailyDose: 140, ome: { kind: 'per-microgram-hour', factor: 2.4 }, patchChangeHours: [72, 96] },
  { code: 'fentanyl-patch', name: 'Fentanyl 72-hour patch', substance: 'fentanyl', medicineClass: 'OPIOID', route: 'TRANSDERMAL', forms: ['transdermal patch'], doseUnit: 'microgram/hour', maxDose: 300, maxDailyDose: 300, ome: { kind: 'per-microgram-hour', factor: 2.4, rateStep: 12.5 }, patchChangeHours: [72] },
  // ── Gabapentinoids ──────────────────────────────────────────────────────────
  { code: 'gabapentin', name: 'Gabapentin', substance: 'gabapentin', medicineClass: 'GABAPENTINOID', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 1200, maxDailyDose: 3600, dddMg: 1800 },
  { code: 'pregabalin', name: 'Pregabalin', substance: 'pregabalin', medicineClass: 'GABAPENTINOID', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 300, maxDailyDose: 600, dddMg: 300 },
  // ── NSAIDs (systemic) ───────────────────────────────────────────────────────
  { code: 'ibuprofen', name: 'Ibuprofen', substance: 'ibuprofen', medicineClass: 'NSAID', route: 'ORAL', forms: withMr, doseUnit: 'mg', maxDose: 800, maxDailyDose: 2400 },
  { code: 'naproxen', name: 'Naproxen', substance: 'naproxen', medicineClass: 'NSAID', route: 'ORAL', forms: ['tablet', 'gastro-resistant tablet'], doseUnit: 'mg', maxDose: 1000, maxDailyDose: 1500 },
  { code: 'diclofenac', name: 'Diclofenac', substance: 'diclofenac', medicineClass: 'NSAID', route: 'ORAL', forms: ['gastro-resistant tablet', 'modified-release tablet'], doseUnit: 'mg', maxDose: 150, maxDailyDose: 150 },
  { code: 'celecoxib', name: 'Celecoxib', substance: 'celecoxib', medicineClass: 'NSAID', route: 'ORAL', forms: ['capsule'], doseUnit: 'mg', maxDose: 400, maxDailyDose: 400 },
  { code: 'etoricoxib', name: 'Etoricoxib', substance: 'etoricoxib', medicineClass: 'NSAID', route: 'ORAL', forms: ['tablet'], doseUnit: 'mg', maxDose: 120, maxDailyDose: 120 },
  // ── Paracetamol ─────────────────────────────────────────────────────────────
  { code: 'paracetamol', name: 'Paracetamol', substance: 'paracetamol', medicineClass: 'PARACETAMOL', route: 'ORAL', forms: ['tablet', 'soluble tablet', 'oral suspension'], doseUnit: 'mg', maxDose: 1000, maxDailyDose: 4000 },
  // ── Antidepressants used for pain ───────────────────────────────────────────
  { code: 'amitriptyline', name: 'Amitriptyline', substance: 'amitriptyline', medicineClass: 'ANTIDEPRESSANT', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 150, maxDailyDose: 150 },
  { code: 'nortriptyline', name: 'Nortriptyline', substance: 'nortriptyline', medicineClass: 'ANTIDEPRESSANT', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 150, maxDailyDose: 150 },
  { code: 'duloxetine', name: 'Duloxetine', substance: 'duloxetine', medicineClass: 'ANTIDEPRESSANT', route: 'ORAL', forms: ['gastro-resistant capsule'], doseUnit: 'mg', maxDose: 120, maxDailyDose: 120 },
  // ── Topical agents ──────────────────────────────────────────────────────────
  { code: 'capsaicin-cream', name: 'Capsaicin cream', substance: 'capsaicin', medicineClass: 'TOPICAL', route: 'TOPICAL', forms: ['cream 0.025%', 'cream 0.075%'], doseUnit: 'application', maxDose: 2, maxDailyDose: 4 },
  { code: 'ibuprofen-gel', name: 'Ibuprofen gel', substance: 'ibuprofen (topical)', medicineClass: 'TOPICAL', route: 'TOPICAL', forms: ['gel 5%', 'gel 10%'], doseUnit: 'application', maxDose: 2, maxDailyDose: 4 },
  { code: 'diclofenac-gel', name: 'Diclofenac gel', substance: 'diclofenac (topical)', medicineClass: 'TOPICAL', route: 'TOPICAL', forms: ['gel 1.16%', 'gel 2.32%'], doseUnit: 'application', maxDose: 2, maxDailyDose: 4 },
  { code: 'lidocaine-plaster', name: 'Lidocaine 5% medicated plaster', substance: 'lidocaine', medicineClass: 'TOPICAL', route: 'TOPICAL', forms: ['medicated plaster'], doseUnit: 'plaster', maxDose: 3, maxDailyDose: 3 },
  // ── Benzodiazepines (co-medication: the opioid + benzodiazepine flag) ───────
  { code: 'diazepam', name: 'Diazepam', substance: 'diazepam', medicineClass: 'BENZODIAZEPINE', route: 'ORAL', forms: tablet, doseUnit: 'mg', maxDose: 30, maxDailyDose: 60 },
  { code: 'lorazepam', name: 'Lorazepam', substance: 'lorazepam', medicineClass: 'BENZODIAZEPINE', route: 'ORAL', forms: ['tablet'], doseUnit: 'mg', maxDose: 4, maxDailyDose: 10 },
  { code: 'temazepam', name: 'Temazepam', substance: 'temazepam', medicineClass: 'BENZODIAZEPINE', route: 'ORAL', forms: ['tablet', 'oral solution'], doseUnit: 'mg', maxDose: 40, maxDailyDose: 40 },
  { code: 'clonazepam', name: 'Clonazepam', substance: 'clonazepam', medicineClass: 'BENZODIAZEPINE', route: 'ORAL', forms: ['tablet'], doseUnit: 'mg', maxDose: 8, maxDailyDose: 20 },
  { code: 'nitrazepam', name: 'Nitrazepam', substance: 'nitrazepam', medicineClass: 'BENZODIAZEPINE', route: 'ORAL', forms: ['tablet'], doseUnit: 'mg', maxDose: 10, maxDailyDose: 10 },
];

const byCode = new Map(CATALOGUE.map((e) => [e.code, e]));

/** The entry for `code`, or undefined: callers refuse unknown medicines with a message. */
export function findMedicine(code: string): CatalogueEntry | undefined {
  return byCode.get(code);
}

export const isOpioid = (e: CatalogueEntry): boolean => e.medicineClass === MedicineClass.OPIOID;
export const isPatch = (e: CatalogueEntry): boolean => e.doseUnit === DoseUnit.MICROGRAMS_PER_HOUR;
