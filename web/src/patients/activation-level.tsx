import { SetPatientActivationLevelDocument } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { formatUkDayOf } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';

/** How each activation level reads to a clinician choosing it. */
export const activationLevelLabels: Record<number, string> = {
  1: 'Level 1 (least confident)',
  2: 'Level 2',
  3: 'Level 3',
  4: 'Level 4 (most confident)',
};

const options = [{ value: '', label: 'Not assessed' }, ...[1, 2, 3, 4].map((l) => ({ value: String(l), label: activationLevelLabels[l] }))];

/**
 * The patient's activation level: the care team sets it here (the strategy suggestions follow it);
 * anyone else who can open the record reads it.
 */
export function ActivationLevel(props: { patientId: string; level: number | null; setAt: string | null; canEdit: boolean; onChanged(): void }): JSX.Element {
  const [state, save] = createMutation(SetPatientActivationLevelDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const change = async (value: string) => {
    const result = await save({ patientId: props.patientId, level: value === '' ? null : Number(value) });
    setProblem(result.error ? describeError(result.error).message : null);
    if (!result.error) props.onChanged();
    else if (select) select.value = props.level ? String(props.level) : ''; // show what is recorded, not what failed
  };
  const assessed = () => (props.setAt ? ` Set ${formatUkDayOf(props.setAt)}` : '');
  const id = createUniqueId();
  let select: HTMLSelectElement | undefined;
  return (
    <div class="activation-level">
      <dt>
        <Show when={props.canEdit} fallback="Activation level">
          <label for={id}>Activation level</label>
        </Show>
      </dt>
      <dd>
        <Show when={props.canEdit} fallback={props.level ? activationLevelLabels[props.level] : <span class="muted">Not assessed</span>}>
          <select ref={select} id={id} class="field__input field__select activation-level__select" disabled={state.fetching} onChange={(e) => void change(e.currentTarget.value)}>
            <For each={options}>{(o) => <option value={o.value} selected={o.value === (props.level ? String(props.level) : '')}>{o.label}</option>}</For>
          </select>
          <span class="muted activation-level__when" aria-live="polite">
            {state.fetching ? ' Saving…' : assessed()}
          </span>
          <Show when={problem()}>{(m) => <Alert tone="error">{m()}</Alert>}</Show>
        </Show>
      </dd>
    </div>
  );
}
