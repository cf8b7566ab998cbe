import { AddMedicationDocument, type MedicineCatalogueQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { ukToday, unitWords } from './medication-access.js';

type CatalogueEntry = MedicineCatalogueQuery['medicineCatalogue'][number];

const classLabels: Record<string, string> = {
  OPIOID: 'Opioids',
  GABAPENTINOID: 'Gabapentinoids',
  NSAID: 'NSAIDs',
  PARACETAMOL: 'Paracetamol',
  ANTIDEPRESSANT: 'Antidepressants used for pain',
  TOPICAL: 'Topical',
  BENZODIAZEPINE: 'Benzodiazepines',
};

/** Recording a medicine the patient takes; the server checks it against the catalogue and works out its OME. */
export function AddMedicationForm(props: { patientId: string; catalogue: readonly CatalogueEntry[]; onAdded(): void; onCancel(): void }): JSX.Element {
  const [code, setCode] = createSignal(props.catalogue[0]?.code ?? '');
  const entry = createMemo(() => props.catalogue.find((c) => c.code === code()));
  const [form, setForm] = createSignal(props.catalogue[0]?.forms[0] ?? '');
  const [strength, setStrength] = createSignal('');
  const [dose, setDose] = createSignal('');
  const [frequency, setFrequency] = createSignal('');
  const [startDate, setStartDate] = createSignal(ukToday());
  const [prescriber, setPrescriber] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, add] = createMutation(AddMedicationDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const isPatch = () => entry()?.doseUnit === 'microgram/hour';

  const choose = (next: string) => {
    setCode(next);
    setForm(props.catalogue.find((c) => c.code === next)?.forms[0] ?? '');
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const amount = Number(dose());
    const result = await add({
      input: { patientId: props.patientId, medicineCode: code(), form: form(), strength: strength(), dose: dose().trim() === '' ? Number.NaN : amount, frequency: frequency(), startDate: startDate(), prescriber: prescriber() },
    });
    if (result.error) {
      setProblem(describeError(result.error));
      return;
    }
    setProblem(null);
    props.onAdded();
  };

  const options = () => props.catalogue.map((c) => ({ value: c.code, label: `${c.name} (${classLabels[c.medicineClass] ?? c.medicineClass})` }));

  return (
    <form class="card medication-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-medication-heading">
      <h3 id="add-medication-heading">Record a medicine</h3>
      <div class="medication-form__grid">
        <Select label="Medicine" value={code()} options={options()} onChange={choose} />
        <Select label="Form" value={form()} options={(entry()?.forms ?? []).map((f) => ({ value: f, label: f }))} onChange={setForm} />
        <TextField label="Strength" hint='As on the prescription, e.g. "30 mg tablets".' value={strength()} onInput={setStrength} error={fieldError('strength')} required />
        <TextField
          label={isPatch() ? 'Dose (µg/h, all patches worn)' : `Dose per time (${unitWords(entry()?.doseUnit ?? 'mg')})`}
          inputMode="decimal"
          value={dose()}
          onInput={setDose}
          error={fieldError('dose')}
          required
        />
        <TextField
          label={isPatch() ? 'Patch changed' : 'How often'}
          hint={isPatch() ? `e.g. "every ${entry()?.patchChangeHours[0] ?? 72} hours"` : 'e.g. "twice daily", "every 6 hours", "QDS", "at night", "as needed, max 4 doses a day"'}
          value={frequency()}
          onInput={setFrequency}
          error={fieldError('frequency')}
          required
        />
        <TextField label="Started" type="date" value={startDate()} onInput={setStartDate} error={fieldError('startDate')} required />
        <TextField label="Prescriber" value={prescriber()} onInput={setPrescriber} error={fieldError('prescriber')} required />
      </div>
      <Show when={problem() && !problem()!.field}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <Show when={problem()?.field === 'medicineCode' || problem()?.field === 'form'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="medication-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Record medicine
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
