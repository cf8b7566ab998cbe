import { SetPatientStatusDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { TextArea } from '../ui/text-area.js';
import { statusLabel } from './patient-status.js';

type Patient = PatientWorkspaceQuery['patient'];

/**
 * Changes the patient's status by hand, with the reason the timeline shows. The server says which
 * statuses the patient may be moved to now (statusChanges), and for the others why not and which of the
 * programme's own steps makes that change: those are shown, not offered.
 */
export function StatusForm(props: { patient: Patient; onSaved(): void; onCancel(): void }): JSX.Element {
  const allowed = () => props.patient.statusChanges.filter((c) => c.allowed);
  const notNow = () => props.patient.statusChanges.filter((c) => !c.allowed);
  const [to, setTo] = createSignal<string>(allowed().length === 1 ? allowed()[0]!.to : '');
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, save] = createMutation(SetPatientStatusDocument);
  const id = createUniqueId();
  const fieldError = (f: string) => (problem()?.field === f ? problem()!.message : undefined);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const chosen = allowed().find((c) => c.to === to());
    if (!chosen) return setProblem({ code: 'BAD_USER_INPUT', field: 'status', message: 'Choose the new status.' });
    const r = await save({ patientId: props.patient.id, status: chosen.to, reason: reason() });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    props.onSaved();
  };

  return (
    <form class="status-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="details-form__heading">
        Change {props.patient.name}'s status
      </h2>
      <p>
        Now: <strong>{statusLabel(props.patient.status)}</strong>
      </p>
      <Show when={allowed().length > 0} fallback={<p>The status cannot be changed by hand just now.</p>}>
        <fieldset class={`status-form__choices ${fieldError('status') ? 'field--invalid' : ''}`} aria-describedby={fieldError('status') ? `${id}-status-error` : undefined}>
          <legend class="field__label">New status</legend>
          <For each={allowed()}>
            {(c) => (
              <label class="check">
                <input type="radio" name={`${id}-status`} value={c.to} checked={to() === c.to} onChange={() => setTo(c.to)} />
                {c.label}
              </label>
            )}
          </For>
          <Show when={fieldError('status')}>
            {(m) => (
              <p class="field__error" id={`${id}-status-error`}>
                {m()}
              </p>
            )}
          </Show>
        </fieldset>
        <TextArea
          label="Reason"
          hint="Shown on the patient's timeline to everyone on the care team."
          rows={3}
          maxLength={500}
          value={reason()}
          onInput={setReason}
          error={fieldError('reason')}
          required
        />
      </Show>
      <Show when={notNow().length > 0}>
        <ul class="status-form__not-now">
          <For each={notNow()}>
            {(c) => (
              <li>
                <strong>{c.label}:</strong> {c.why}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={problem() && problem()!.field !== 'status' && problem()!.field !== 'reason'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="details-form__buttons">
        <Show when={allowed().length > 0}>
          <Button type="submit" busy={state.fetching}>
            Change status
          </Button>
        </Show>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          {allowed().length > 0 ? 'Cancel' : 'Close'}
        </Button>
      </div>
    </form>
  );
}
