import { findMedicine, isPatch } from './catalogue.js';
import { FlagCode, type Flag } from './flags.js';
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
 */
export function plansAheadOfList(plans: readonly RunningPlan[], current: readonly Medication[], on: string): Flag[] {
  const flags: Flag[] = [];
  for (const plan of plans) {
    const begun = plan.steps.filter((s) => s.startDate <= on).at(-1);
    if (!begun) continue;
    const step = `the approved plan's step from ${begun.startDate} (${begun.words})`;
    const flag = (whatTheListSays: string) =>
      flags.push({ code: FlagCode.PLAN_AHEAD_OF_LIST, reason: `${plan.medicineName}: ${step} has begun, but ${whatTheListSays}. Record what the patient takes now, so the total OME and the flags are right.` });

    if (plan.kind === ProposalKind.START) {
      if (!current.some((m) => m.medicineCode === plan.medicineCode)) flag(`the list does not have ${plan.medicineName}`);
      continue;
    }
    const from = current.find((m) => m.id === plan.medicationId);
    if (!from) continue; // the entry the plan changes was stopped: the list has moved on
    if (plan.kind === ProposalKind.SWITCH) flag(`the list still records ${doseWords(from)}`);
    else if (begun.dose === 0) flag(`the list still records ${doseWords(from)} as taken`);
    else if (stepDaily(plan.medicineCode, begun) !== listDaily(from)) flag(`the list still records ${doseWords(from)}`);
  }
  return flags;
}

/** A step's daily amount: mg a day, or a patch's µg/h (as the plan's steps were checked). */
function stepDaily(medicineCode: string, s: RunningPlan['steps'][number]): number {
  const entry = findMedicine(medicineCode);
  return entry && isPatch(entry) ? s.dose : s.dose * assessDose({ medicineCode, dose: s.dose, frequency: s.frequency }).dosesPerDay;
}
