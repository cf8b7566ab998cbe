import { ProposeMedicationChangeDocument, type MedicineCatalogueQuery, type PatientMedicationQuery, type ProposalKind } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { addDays, ADVISES_NEVER_PRESCRIBES, ukToday } from './medication-access.js';
import { isStepProblem, stepsInput, TaperStepsEditor, type StepDraft } from './taper-steps-editor.js';

type Current = PatientMedicationQuery['patientMedication']['current'][number];
type CatalogueEntry = MedicineCatalogueQuery['medicineCatalogue'][number];

const kinds: ReadonlyArray<{ value: ProposalKind; label: string }> = [
  { value: 'REDUCE', label: 'Reduce' },
  { value: 'STOP', label: 'Stop' },
  { value: 'SWITCH', label: 'Switch to another medicine' },
  { value: 'START', label: 'Start a medicine' },
];

/** Proposing a change with its taper schedule, for a GP on the team to approve. */
export function ProposeChangeForm(props: { patientId: string; current: readonly Current[]; catalogue: readonly CatalogueEntry[]; onProposed(): void; onCancel(): void }): JSX.Element {
  // With nothing listed there is nothing to reduce, stop or switch from: only a start can be proposed.
  const offered = () => (props.current.length > 0 ? kinds : kinds.filter((k) => k.value === 'START'));
  const [kind, setKind] = createSignal<ProposalKind>(props.current.length > 0 ? 'REDUCE' : 'START');
  const [medicationId, setMedicationId] = createSignal(props.current[0]?.id ?? '');
  const [medicineCode, setMedicineCode] = createSignal(props.catalogue[0]?.code ?? '');
  const [rationale, setRationale] = createSignal('');
  const from = () => props.current.find((m) => m.id === medicationId());
  const [steps, setSteps] = createSignal<StepDraft[]>([{ startDate: addDays(ukToday(), 1), dose: '', frequency: from()?.frequency ?? '', increase: false }]);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, propose] = createMutation(ProposeMedicationChangeDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const needsFrom = () => kind() !== 'START';
  const needsTarget = () => kind() === 'SWITCH' || kind() === 'START';


  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const result = await propose({
      input: {
        patientId: props.patientId,
        kind: kind(),
        medicationId: needsFrom() ? medicationId() || null : null,
        medicineCode: needsTarget() ? medicineCode() : null,
        rationale: rationale(),
        steps: stepsInput(steps()),
      },
    });
    if (result.error) {
      setProblem(describeError(result.error));
      return;
    }
    setProblem(null);
    props.onProposed();
  };

  return (
    <form class="card medication-form" onSubmit={(e) => void submit(e)} aria-labelledby="propose-heading">
      <h3 id="propose-heading">Propose a change</h3>
      <p class="muted">{ADVISES_NEVER_PRESCRIBES} A GP on the care team approves, amends or declines the proposal; until then it is not part of the plan.</p>
      <div class="medication-form__grid">
        <Select label="Change" value={kind()} options={offered()} onChange={(v) => setKind(v as ProposalKind)} />
        <Show when={needsFrom()}>
          <Select label="Current medicine" value={medicationId()} options={props.current.map((m) => ({ value: m.id, label: `${m.name} ${m.dose} ${m.doseUnit === 'microgram/hour' ? 'µg/h' : m.doseUnit} ${m.frequencyWords}` }))} onChange={setMedicationId} />
        </Show>
        <Show when={needsTarget()}>
          <Select label={kind() === 'SWITCH' ? 'Switch to' : 'Medicine to start'} value={medicineCode()} options={props.catalogue.map((c) => ({ value: c.code, label: c.name }))} onChange={setMedicineCode} />
        </Show>
      </div>
      <TextArea label="Why (agreed with the patient in the review)" rows={3} value={rationale()} onInput={setRationale} error={fieldError('rationale')} required />
      <TaperStepsEditor steps={steps()} onChange={setSteps} problem={problem()} />
      <Show when={problem() && !isStepProblem(problem()) && problem()!.field !== 'rationale'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="medication-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Send to the GP for approval
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
