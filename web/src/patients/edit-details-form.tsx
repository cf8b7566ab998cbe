import { AddPatientOptionsDocument, UpdatePatientDemographicsDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';

type Patient = PatientWorkspaceQuery['patient'];
const fields = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'practiceId'];
const digits = (s: string) => s.replace(/[\s-]/g, '');
const spaced = (d: string) => (/^\d{10}$/.test(d) ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : d);

/**
 * Corrects who the patient is. A new NHS number is shown beside the old one and must be confirmed as
 * checked against the patient's own documents before it is saved (a number from another person's letter
 * would join two people's records). What was typed stays in the form when the server refuses it.
 */
export function EditDetailsForm(props: { patient: Patient; onSaved(): void; onCancel(): void }): JSX.Element {
  const [options] = createQuery({ query: AddPatientOptionsDocument });
  const [draft, setDraft] = createSignal({
    nhsNumber: props.patient.nhsNumberFormatted,
    givenName: props.patient.givenName,
    familyName: props.patient.familyName,
    dateOfBirth: props.patient.dateOfBirth,
    practiceId: props.patient.practice.id,
  });
  const [checked, setChecked] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, save] = createMutation(UpdatePatientDemographicsDocument);
  const set = (patch: Partial<ReturnType<typeof draft>>) => setDraft({ ...draft(), ...patch });
  const fieldError = (f: string) => (problem()?.field === f ? problem()!.message : undefined);
  const practices = () => {
    const listed = (options.data?.organisations ?? []).filter((o) => o.kind === 'GP_PRACTICE').map((o) => ({ value: o.id, label: o.name }));
    // The patient's own practice is always offered, even when it is not one of mine.
    return listed.some((o) => o.value === props.patient.practice.id) ? listed : [{ value: props.patient.practice.id, label: props.patient.practice.name }, ...listed];
  };
  const nhsChanged = () => digits(draft().nhsNumber) !== props.patient.nhsNumber;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (nhsChanged() && !checked()) {
      return setProblem({ code: 'BAD_USER_INPUT', field: 'nhsChecked', message: "Confirm that you have checked the new NHS number against the patient's own documents." });
    }
    const r = await save({ input: { patientId: props.patient.id, ...draft() } });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    props.onSaved();
  };

  return (
    <form class="details-form" onSubmit={(e) => void submit(e)} aria-labelledby="details-form-heading">
      <h2 id="details-form-heading" class="details-form__heading">
        Correct {props.patient.name}'s details
      </h2>
      <p class="muted">Every correction is kept in the audit trail, and the timeline says which details changed.</p>
      <div class="details-form__grid">
        <TextField label="NHS number" inputMode="numeric" value={draft().nhsNumber} onInput={(v) => set({ nhsNumber: v })} error={fieldError('nhsNumber')} required autocomplete="off" />
        <TextField label="Given name" value={draft().givenName} onInput={(v) => set({ givenName: v })} error={fieldError('givenName')} required maxLength={100} />
        <TextField label="Family name" value={draft().familyName} onInput={(v) => set({ familyName: v })} error={fieldError('familyName')} required maxLength={100} />
        <TextField label="Date of birth" type="date" value={draft().dateOfBirth} onInput={(v) => set({ dateOfBirth: v })} error={fieldError('dateOfBirth')} required />
        <Select label="GP practice" value={draft().practiceId} options={practices()} onChange={(v) => set({ practiceId: v })} />
      </div>
      <Show when={fieldError('practiceId')}>{(m) => <p class="field__error">{m()}</p>}</Show>
      <Show when={nhsChanged()}>
        <div class={`details-form__nhs-check ${fieldError('nhsChecked') ? 'field--invalid' : ''}`}>
          <p>
            You are changing the NHS number from <strong class="nhs-number">{props.patient.nhsNumberFormatted}</strong> to{' '}
            <strong class="nhs-number">{spaced(digits(draft().nhsNumber))}</strong>.
          </p>
          <label class="check">
            <input
              type="checkbox"
              checked={checked()}
              onChange={(e) => setChecked(e.currentTarget.checked)}
              aria-invalid={fieldError('nhsChecked') ? 'true' : undefined}
              aria-describedby={fieldError('nhsChecked') ? 'nhs-check-error' : undefined}
            />
            I have checked the new NHS number against the patient's own documents
          </label>
          <Show when={fieldError('nhsChecked')}>
            {(m) => (
              <p class="field__error" id="nhs-check-error">
                {m()}
              </p>
            )}
          </Show>
        </div>
      </Show>
      <Show when={problem() && !fields.includes(problem()!.field ?? '') && problem()!.field !== 'nhsChecked'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="details-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Save details
        </Button>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
