import { findMedicine, isPatch } from './catalogue.js';
import { FlagCode, isCurrent, type Flag, type StepToRecord } from './flags.js';
import type { Medication } from './medication.entity.js';
import { ProposalKind } from './medication-proposal.entity.js';
import { doseWords, listDaily } from './listed-dose.js';
import { assessDose } from './ome.js';

/** A GP-approved plan that is running (not paused), with its steps in order. */
export interface RunningPlan {
  kind: ProposalKind;
  medicationId: string | null;
  medicineCode: string;
  medicineName: string;
  steps: ReadonlyArray<{ startDate: string; dose: number; frequency: string; words: string }>;
}

/**
 * The running plans whose latest begun step the medicine list does not show yet. Cairn works out the total OME
 * and every flag from the list, and approving a plan changes nothing on it (the prescription is the
 * prescriber's), so until someone records the dose now taken the total is the old one: too high for a
 * reduction, too low for a start or a switch to another opioid. Only a plan with a step begun by `on` counts.
 * `history` is every entry on the list, current and stopped.
 */
export function plansAheadOfList(plans: readonly RunningPlan[], history: readonly Medication[], on: string): Flag[] {
  const flags: Flag[] = [];
  for (const plan of plans) {
    const begun = plan.steps.filter((s) => s.startDate <= on).at(-1);
    if (!begun) continue;
    const step = `the approved plan's step from ${begun.startDate} (${begun.words})`;
    const flag = (whatTheListSays: string, stepToRecord?: StepToRecord) =>
      flags.push({
        code: FlagCode.PLAN_AHEAD_OF_LIST,
        reason: `${plan.medicineName}: ${step} has begun, but ${whatTheListSays}. Record what the patient takes now, so the total OME and the flags are right.`,
        ...(stepToRecord ? { stepToRecord } : {}),
      });

    if (plan.kind === ProposalKind.START) {
      if (!history.some((m) => m.medicineCode === plan.medicineCode && isCurrent(m, on))) flag(`the list does not have ${plan.medicineName}`);
      continue;
    }
    const original = history.find((m) => m.id === plan.medicationId);
    if (plan.kind === ProposalKind.SWITCH) {
      if (original && isCurrent(original, on)) flag(`the list still records ${doseWords(original)}`);
      continue;
    }
    const listed = original && entryNowFor(original, history, on);
    if (!listed) continue;
    if (begun.dose === 0) flag(`the list still records ${doseWords(listed)} as taken`);
    else if (stepDaily(plan.medicineCode, begun) !== listDaily(listed)) {
      flag(`the list still records ${doseWords(listed)}`, { medicationId: listed.id, startDate: begun.startDate, dose: begun.dose, frequency: begun.frequency });
    }
  }
  return flags;
}

/**
 * The entry that stands now for the one a reduction changes: itself while current; once it is stopped, the one
 * current entry of the same medicine and form started since (the dose recorded at an earlier step). None when
 * there is none, or more than one to choose between.
 */
function entryNowFor(original: Medication, history: readonly Medication[], on: string): Medication | null {
  if (isCurrent(original, on)) return original;
  const since = history.filter((m) => isCurrent(m, on) && m.medicineCode === original.medicineCode && m.form === original.form && m.startDate >= original.startDate);
  return since.length === 1 ? since[0]! : null;
}

/** A step's daily amount: mg a day, or a patch's µg/h (as the plan's steps were checked). */
function stepDaily(medicineCode: string, s: RunningPlan['steps'][number]): number {
  const entry = findMedicine(medicineCode);
  return entry && isPatch(entry) ? s.dose : s.dose * assessDose({ medicineCode, dose: s.dose, frequency: s.frequency }).dosesPerDay;
}
