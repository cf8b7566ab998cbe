import { Index, Show, type JSX } from 'solid-js';
import type { Problem } from '../platform/errors.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';
import { addDays, ukToday } from './medication-access.js';

/** A taper step as typed: the dose stays text until sent, so a half-typed number is not lost. */
export interface StepDraft {
  startDate: string;
  dose: string;
  frequency: string;
  increase: boolean;
}

/** The steps as the API takes them; an empty dose is sent as NaN so the server names the step that lacks one. */
export function stepsInput(steps: readonly StepDraft[]): Array<{ startDate: string; dose: number; frequency: string; increase: boolean }> {
  return steps.map((s) => ({ startDate: s.startDate, dose: s.dose.trim() === '' ? Number.NaN : Number(s.dose), frequency: s.frequency, increase: s.increase }));
}

/** The problem belongs to one step's field (shown beside it) rather than to the form as a whole. */
export function isStepProblem(problem: Problem | null): boolean {
  return /^steps\.\d+\./.test(problem?.field ?? '');
}

/**
 * The steps of a taper, one row each (from, dose, how often, whether it increases), with adding and
 * removing; used to propose a change and by the GP to amend one. Errors come from the server by field.
 */
export function TaperStepsEditor(props: { steps: readonly StepDraft[]; onChange(steps: StepDraft[]): void; problem: Problem | null; idPrefix?: string }): JSX.Element {
  const fieldError = (field: string) => (props.problem?.field === field ? props.problem.message : undefined);
  const update = (i: number, patch: Partial<StepDraft>) => props.onChange(props.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const addStep = () => {
    const last = props.steps[props.steps.length - 1];
    props.onChange([...props.steps, { startDate: addDays(last?.startDate || ukToday(), 14), dose: '', frequency: last?.frequency ?? '', increase: false }]);
  };
  return (
    <fieldset class="taper-steps-edit">
      <legend class="field__label">Steps (a dose of 0 stops the medicine)</legend>
      <Index each={props.steps}>
        {(s, i) => (
          <div class="taper-steps-edit__row">
            <TextField label={`Step ${i + 1} from`} type="date" value={s().startDate} onInput={(v) => update(i, { startDate: v })} error={fieldError(`steps.${i}.startDate`)} required />
            <TextField label={`Step ${i + 1} dose`} inputMode="decimal" value={s().dose} onInput={(v) => update(i, { dose: v })} error={fieldError(`steps.${i}.dose`)} required />
            <TextField label={`Step ${i + 1} how often`} value={s().frequency} onInput={(v) => update(i, { frequency: v })} error={fieldError(`steps.${i}.frequency`)} />
            <label class="taper-steps-edit__increase">
              <input type="checkbox" checked={s().increase} onChange={(e) => update(i, { increase: e.currentTarget.checked })} /> Step {i + 1} increases the dose
            </label>
            <Show when={fieldError(`steps.${i}.increase`)}>
              <p class="field__error">{fieldError(`steps.${i}.increase`)}</p>
            </Show>
            <Show when={props.steps.length > 1}>
              <Button variant="quiet" onClick={() => props.onChange(props.steps.filter((_, j) => j !== i))}>
                Remove<span class="visually-hidden"> step {i + 1}</span>
              </Button>
            </Show>
          </div>
        )}
      </Index>
      <Button variant="secondary" onClick={addStep}>
        Add a step
      </Button>
    </fieldset>
  );
}
