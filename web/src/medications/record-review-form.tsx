import { RecordMedicationReviewDocument, type Readiness } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { TextField } from '../ui/text-field.js';
import { addDays, ukToday } from './medication-access.js';

const questions: ReadonlyArray<{ key: 'howTaken' | 'effectOnPainAndFunction' | 'sideEffects' | 'whatMatters'; label: string }> = [
  { key: 'howTaken', label: 'What the patient takes, and how' },
  { key: 'effectOnPainAndFunction', label: 'Effect on pain and on daily life' },
  { key: 'sideEffects', label: 'Side effects' },
  { key: 'whatMatters', label: 'What matters to them' },
];
const readiness: ReadonlyArray<{ value: Readiness; label: string }> = [
  { value: 'NOT_READY', label: 'Not ready to change' },
  { value: 'UNSURE', label: 'Unsure' },
  { value: 'READY', label: 'Ready to change' },
];

/** A person-centred medication review, and when the next one is due. */
export function RecordReviewForm(props: { patientId: string; onRecorded(): void; onCancel(): void }): JSX.Element {
  const [answers, setAnswers] = createSignal({ howTaken: '', effectOnPainAndFunction: '', sideEffects: '', whatMatters: '' });
  const [ready, setReady] = createSignal<Readiness>('UNSURE');
  const [nextDue, setNextDue] = createSignal(addDays(ukToday(), 91));
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, record] = createMutation(RecordMedicationReviewDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await record({ input: { patientId: props.patientId, ...answers(), readiness: ready(), nextReviewDue: nextDue() } });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    props.onRecorded();
  };

  return (
    <form class="card medication-form" onSubmit={(e) => void submit(e)} aria-labelledby="review-heading">
      <h3 id="review-heading">Record a medication review</h3>
      <For each={questions}>
        {(q) => <TextArea label={q.label} rows={2} value={answers()[q.key]} onInput={(v) => setAnswers({ ...answers(), [q.key]: v })} error={fieldError(q.key)} required />}
      </For>
      <div class="medication-form__grid">
        <Select label="Readiness to change" value={ready()} options={readiness} onChange={(v) => setReady(v as Readiness)} />
        <TextField label="Next review due" type="date" value={nextDue()} onInput={setNextDue} error={fieldError('nextReviewDue')} required />
      </div>
      <Show when={problem() && !questions.some((q) => q.key === problem()!.field) && problem()!.field !== 'nextReviewDue'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="medication-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Record review
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
