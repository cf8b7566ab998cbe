import { AddPatientOptionsDocument, UpdatePatientDemographicsDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createEffect, createSignal, For, on, Show, type JSX } from 'solid-js';
import { formatIsoDate, ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';

type Patient = PatientWorkspaceQuery['patient'];
const fields = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'practiceId'] as const;
type Field = (typeof fields)[number];
type Details = Record<Field, string>;
const digits = (s: string) => s.replace(/[\s-]/g, '');
const spaced = (d: string) => (/^\d{10}$/.test(d) ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : d);
const sentenceCase = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);
const fieldWords: Record<Field, string> = { nhsNumber: 'NHS number', givenName: 'given name', familyName: 'family name', dateOfBirth: 'date of birth', practiceId: 'GP practice' };

/** The details as the record holds them (the NHS number's digits). */
const recorded = (p: Patient): Details => ({ nhsNumber: p.nhsNumber, givenName: p.givenName, familyName: p.familyName, dateOfBirth: p.dateOfBirth, practiceId: p.practice.id });
/** A field of the form as the record would hold it, to compare with what was seen. */
const asRecorded = (f: Field, value: string) => (f === 'nhsNumber' ? digits(value) : f === 'givenName' || f === 'familyName' ? value.trim() : value);

/**
 * Corrects who the patient is. A new NHS number is shown beside the old one and must be confirmed as
 * checked against the patient's own documents before it is saved (a number from another person's letter
 * would join two people's records). What was typed stays in the form when the server refuses it.
 *
 * The correction is sent with the details the form opened on (`seen`), so a colleague's correction made
 * meanwhile is never put back. When the record changes under the form (the server says so, and the
 * record is read again through `onRecordChanged`), fields not yet edited take the new value; an edited
 * one keeps what was typed, and the form says what the record now holds before it is saved over.
 */
export function EditDetailsForm(props: { patient: Patient; onSaved(): void; onCancel(): void; onRecordChanged(): void }): JSX.Element {
  const [options] = createQuery({ query: AddPatientOptionsDocument });
  const [seen, setSeen] = createSignal<Details>(recorded(props.patient));
  const [draft, setDraft] = createSignal<Details>({ ...seen(), nhsNumber: props.patient.nhsNumberFormatted });
  /** Fields someone else changed while this form was open, which the form still holds an edit of. */
  const [changedMeanwhile, setChangedMeanwhile] = createSignal<Field[]>([]);
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
  createEffect(
    on(
      () => recorded(props.patient),
      (now) => {
        const was = seen();
        const moved = fields.filter((f) => now[f] !== was[f]);
        if (moved.length === 0) return;
        const edited = moved.filter((f) => asRecorded(f, draft()[f]) !== was[f] && asRecorded(f, draft()[f]) !== now[f]);
        const untouched = moved.filter((f) => !edited.includes(f));
        setDraft({ ...draft(), ...Object.fromEntries(untouched.map((f) => [f, f === 'nhsNumber' ? props.patient.nhsNumberFormatted : now[f]])) });
        setSeen(now);
        setChangedMeanwhile([...new Set([...changedMeanwhile(), ...edited])]);
        // The refusal that led here is answered by what the form now shows.
        if (problem()?.code === 'CONFLICT' && problem()?.field === 'seen') setProblem(null);
      },
      { defer: true },
    ),
  );

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (nhsChanged() && !checked()) {
      return setProblem({ code: 'BAD_USER_INPUT', field: 'nhsChecked', message: "Confirm that you have checked the new NHS number against the patient's own documents." });
    }
    const r = await save({ input: { patientId: props.patient.id, ...draft(), seen: seen() } });
    if (r.error) {
      const problem = describeError(r.error);
      if (problem.code === 'CONFLICT' && problem.field === 'seen') props.onRecordChanged();
      return setProblem(problem);
    }
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
        <TextField label="Date of birth" type="date" value={draft().dateOfBirth} onInput={(v) => set({ dateOfBirth: v })} error={fieldError('dateOfBirth')} max={ukToday()} required />
        <Select label="GP practice" value={draft().practiceId} options={practices()} onChange={(v) => set({ practiceId: v })} />
      </div>
      <Show when={fieldError('practiceId')}>{(m) => <p class="field__error">{m()}</p>}</Show>
      <Show when={changedMeanwhile().length > 0}>
        <Alert tone="info">
          <p>Someone else changed these details while you were editing. The record now says:</p>
          <ul>
            <For each={changedMeanwhile()}>
              {(f) => (
                <li>
                  {sentenceCase(fieldWords[f])}: <strong>{f === 'practiceId' ? props.patient.practice.name : f === 'nhsNumber' ? props.patient.nhsNumberFormatted : f === 'dateOfBirth' ? formatIsoDate(seen()[f]) : seen()[f]}</strong>
                </li>
              )}
            </For>
          </ul>
          <p>Saving will replace that with what you have typed.</p>
        </Alert>
      </Show>
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
      <Show when={problem() && !(fields as readonly string[]).includes(problem()!.field ?? '') && problem()!.field !== 'nhsChecked'}>
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
