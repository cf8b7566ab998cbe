import { AddMedicationDocument, ChangeMedicationDocument, type MedicineCatalogueQuery, type PatientMedicationQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { ukToday, unitWords } from './medication-access.js';

type CatalogueEntry = MedicineCatalogueQuery['medicineCatalogue'][number];
type Listed = PatientMedicationQuery['patientMedication']['current'][number];

const classLabels: Record<string, string> = {
  OPIOID: 'Opioids',
  GABAPENTINOID: 'Gabapentinoids',
  NSAID: 'NSAIDs',
  PARACETAMOL: 'Paracetamol',
  ANTIDEPRESSANT: 'Antidepressants used for pain',
  TOPICAL: 'Topical',
  BENZODIAZEPINE: 'Benzodiazepines',
};

/**
 * Recording a medicine the patient takes; the server checks it against the catalogue and works out its OME.
 * With `changing`, it records a new dose of that current entry instead: the medicine stays, the rest starts
 * from what is listed, and the server stops the old entry the day the new one starts, in one change.
 */
export function AddMedicationForm(props: {
  patientId: string;
  catalogue: readonly CatalogueEntry[];
  changing?: Listed;
  /**
   * A begun step of an approved plan to start from: with `changing`, instead of the listed dose; without it,
   * the medicine the plan starts (`medicineCode`) with the step's dose.
   */
  startFrom?: { dose: number; frequency: string; startDate: string; medicineCode?: string } | undefined;
  onAdded(): void;
  onCancel(): void;
}): JSX.Element {
  // Read once: the form starts from the entry it changes, and what is typed then is the user's.
  const from = props.changing;
  const step = props.startFrom;
  const [code, setCode] = createSignal(from?.medicineCode ?? step?.medicineCode ?? props.catalogue[0]?.code ?? '');
  const entry = createMemo(() => props.catalogue.find((c) => c.code === code()));
  const [form, setForm] = createSignal(from?.form ?? entry()?.forms[0] ?? '');
  // A step's new dose may need other tablets: its strength is asked for, not carried over from the old entry.
  const [strength, setStrength] = createSignal(from && step && step.dose !== from.dose ? '' : (from?.strength ?? ''));
  const [dose, setDose] = createSignal(step ? String(step.dose) : from ? String(from.dose) : '');
  const [frequency, setFrequency] = createSignal(step?.frequency ?? from?.frequency ?? '');
  const [startDate, setStartDate] = createSignal(step?.startDate ?? ukToday());
  const [prescriber, setPrescriber] = createSignal(from?.prescriber ?? '');
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [adding, add] = createMutation(AddMedicationDocument);
  const [changingState, change] = createMutation(ChangeMedicationDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const isPatch = () => entry()?.doseUnit === 'microgram/hour';

  const choose = (next: string) => {
    setCode(next);
    setForm(props.catalogue.find((c) => c.code === next)?.forms[0] ?? '');
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const entered = { form: form(), strength: strength(), dose: dose().trim() === '' ? Number.NaN : Number(dose()), frequency: frequency(), startDate: startDate(), prescriber: prescriber() };
    const result = from
      ? await change({ input: { ...entered, medicationId: from.id, reason: reason().trim() || null } })
      : await add({ input: { ...entered, patientId: props.patientId, medicineCode: code() } });
    if (result.error) {
      setProblem(describeError(result.error));
      return;
    }
    setProblem(null);
    props.onAdded();
  };

  const headingId = from ? `change-medication-${from.id}` : 'add-medication-heading';
  const options = () => props.catalogue.map((c) => ({ value: c.code, label: `${c.name} (${classLabels[c.medicineClass] ?? c.medicineClass})` }));

  return (
    <form class="card medication-form" ref={(el) => (from || step) && queueMicrotask(() => el.scrollIntoView({ block: 'nearest' }))} onSubmit={(e) => void submit(e)} aria-labelledby={headingId}>
      <h3 id={headingId}>{from ? `Change the dose of ${from.name}` : 'Record a medicine'}</h3>
      <Show when={from}>
        <p class="muted">
          Now: {from!.dose} {unitWords(from!.doseUnit)} {from!.frequencyWords} ({from!.form}, {from!.strength}). That entry stops the day the new dose starts.
        </p>
      </Show>
      <div class="medication-form__grid">
        <Show when={!from}>
          <Select class="medication-form__wide" label="Medicine" value={code()} options={options()} onChange={choose} />
        </Show>
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
        <TextField label={from ? 'New dose from' : 'Started'} type="date" value={startDate()} onInput={setStartDate} error={fieldError('startDate')} required />
        <TextField label="Prescriber" value={prescriber()} onInput={setPrescriber} error={fieldError('prescriber')} required />
        <Show when={from}>
          <TextField label="Why it changed (optional)" hint="Kept with the old entry, e.g. “taper step 2”." value={reason()} onInput={setReason} error={fieldError('reason')} />
        </Show>
      </div>
      <Show when={problem() && !problem()!.field}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <Show when={problem()?.field === 'medicineCode' || problem()?.field === 'form'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="medication-form__buttons">
        <Button type="submit" busy={adding.fetching || changingState.fetching}>
          {from ? 'Record the new dose' : 'Record medicine'}
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
