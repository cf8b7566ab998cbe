import { dateInWords } from '../platform/uk-dates.js';
import { findMedicine, isPatch } from './catalogue.js';
import { FlagCode, isCurrent, type Flag } from './flags.js';
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
 * `history` is every entry on the list, current and stopped. Each flag carries what would record the step:
 * a new dose of a listed entry, a stop, or a start.
 */
export function plansAheadOfList(plans: readonly RunningPlan[], history: readonly Medication[], on: string): Flag[] {
  const flags: Flag[] = [];
  for (const plan of plans) {
    const begun = plan.steps.filter((s) => s.startDate <= on).at(-1);
    if (!begun) continue;
    const step = `the approved plan's step from ${dateInWords(begun.startDate)} (${begun.words})`;
    const flag = (whatTheListSays: string, toRecord: Pick<Flag, 'stepToRecord' | 'stopToRecord' | 'startToRecord'>) =>
      flags.push({
        code: FlagCode.PLAN_AHEAD_OF_LIST,
        reason: `${plan.medicineName}: ${step} has begun, but ${whatTheListSays}. Record what the patient takes now, so the total OME and the flags are right.`,
        ...toRecord,
      });
    const newDose = (listed: Medication) => ({ stepToRecord: { medicationId: listed.id, startDate: laterOf(begun.startDate, listed.startDate), dose: begun.dose, frequency: begun.frequency } });
    const stop = (listed: Medication, from: string) => ({ stopToRecord: { medicationId: listed.id, stopDate: laterOf(from, listed.startDate), reason: `Approved plan, step from ${dateInWords(from)}` } });

    const original = history.find((m) => m.id === plan.medicationId);
    if (plan.kind === ProposalKind.START || plan.kind === ProposalKind.SWITCH) {
      // A switch stops the old medicine as its first step begins, and starts the one it names.
      const firstStep = plan.steps[0]!.startDate;
      if (plan.kind === ProposalKind.SWITCH && original && isCurrent(original, on)) flag(`the list still records ${doseWords(original)}`, stop(original, firstStep));
      const started = history.filter((m) => m.medicineCode === plan.medicineCode && isCurrent(m, on));
      if (begun.dose === 0) {
        // The plan has reached its stop: the one entry still listed is to be stopped; with none, the list already agrees.
        if (started.length === 1) flag(`the list still records ${doseWords(started[0]!)} as taken`, stop(started[0]!, begun.startDate));
      } else if (started.length === 0) {
        flag(`the list does not have ${plan.medicineName}`, { startToRecord: { medicineCode: plan.medicineCode, startDate: begun.startDate, dose: begun.dose, frequency: begun.frequency } });
      } else if (started.length === 1 && stepDaily(plan.medicineCode, begun) !== listDaily(started[0]!)) {
        flag(`the list records ${doseWords(started[0]!)}`, newDose(started[0]!));
      }
      continue;
    }
    const listed = original && entryNowFor(original, history, on);
    if (!listed) continue;
    if (begun.dose === 0) flag(`the list still records ${doseWords(listed)} as taken`, stop(listed, begun.startDate));
    else if (stepDaily(plan.medicineCode, begun) !== listDaily(listed)) flag(`the list still records ${doseWords(listed)}`, newDose(listed));
  }
  return flags;
}

/** Of two YYYY-MM-DD dates, the later: a stop or a new dose cannot be recorded before its entry began. */
function laterOf(a: string, b: string): string {
  return a > b ? a : b;
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

/** A step's daily amount: mg a day, or a patch's µg/h (as the plan's steps were checked); a stop is none. */
function stepDaily(medicineCode: string, s: RunningPlan['steps'][number]): number {
  // A stop has no frequency to read (`checkTaperSteps` stores none), and assessDose refuses a dose of 0.
  if (s.dose === 0) return 0;
  const entry = findMedicine(medicineCode);
  return entry && isPatch(entry) ? s.dose : s.dose * assessDose({ medicineCode, dose: s.dose, frequency: s.frequency }).dosesPerDay;
}
