import { RecordOutcomeDocument, type GpAppointmentSource, type OutcomeInstrumentsQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Index, Show, type JSX } from 'solid-js';
import { formatIsoDate, ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { ItemAnswer } from './item-answer.js';

export type InstrumentDef = OutcomeInstrumentsQuery['outcomeInstruments'][number];

/** The record a correction replaces, as the form starts from it. */
export interface CorrectedRecord {
  id: string;
  measuredOn: string;
  answers: Array<number | null>;
  score: number | null;
  periodFrom: string | null;
  periodTo: string | null;
  gpSource: GpAppointmentSource | null;
}

/**
 * Records one instrument: every item as the patient would see it, the date, and for GP appointments the
 * period and where the count comes from. Unanswered items make a draft (the server says so), but nothing
 * answered is no draft: the form offers no save until one item is answered. A refused
 * answer is shown beside its item. A correction (`corrects`) starts from the record it replaces, its date
 * and every answer, so fixing one item neither re-dates the record (moving the baseline) nor loses the rest.
 */
export function RecordOutcomeForm(props: { patientId: string; instrument: InstrumentDef; corrects?: CorrectedRecord; onSaved(status: string): void; onCancel(): void }): JSX.Element {
  const old = props.corrects;
  const [answers, setAnswers] = createSignal<Array<number | null>>(old ? [...old.answers] : props.instrument.items.map(() => null));
  const [measuredOn, setMeasuredOn] = createSignal(old?.measuredOn ?? ukToday());
  const [periodFrom, setPeriodFrom] = createSignal(old?.periodFrom ?? '');
  const [periodTo, setPeriodTo] = createSignal(old?.periodTo ?? ukToday());
  const [gpSource, setGpSource] = createSignal<GpAppointmentSource>(old?.gpSource ?? 'PATIENT_REPORTED');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, record] = createMutation(RecordOutcomeDocument);
  const isGp = () => props.instrument.code === 'GP_APPOINTMENTS';
  const unanswered = () => answers().filter((a) => a === null).length;
  // Nothing answered is not a draft: the server refuses it, since a stored record can never be removed.
  const nothingAnswered = () => unanswered() === answers().length;
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  // A count is taken at the end of its period unless a correction keeps the later day it was taken on.
  const gpCountedOn = () => (old && old.measuredOn >= periodTo() ? old.measuredOn : null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    if (nothingAnswered()) return;
    const res = await record({
      input: {
        patientId: props.patientId,
        instrument: props.instrument.code,
        answers: answers(),
        measuredOn: isGp() ? gpCountedOn() : measuredOn(),
        periodFrom: isGp() ? periodFrom() : null,
        periodTo: isGp() ? periodTo() : null,
        gpSource: isGp() ? gpSource() : null,
        supersedesId: old?.id ?? null,
      },
    });
    if (res.error) setProblem(describeError(res.error));
    else if (res.data) props.onSaved(res.data.recordOutcome.status);
  };

  return (
    <form class="record-outcome card" onSubmit={submit} aria-labelledby="record-outcome-heading" novalidate>
      <h3 id="record-outcome-heading">
        {old ? 'Correct' : 'Record'} {props.instrument.shortName}
      </h3>
      <Show when={old}>
        {(o) => (
          <p class="record-outcome__corrects" data-testid="corrects">
            Correcting the {props.instrument.shortName} of {formatIsoDate(o().measuredOn)}
            {o().score === null ? ' (a draft)' : ` (score ${o().score})`}. Change what was wrong; the record it replaces is kept, marked as corrected.
          </p>
        )}
      </Show>
      <p class="muted">{props.instrument.instructions}</p>
      <Index each={props.instrument.items}>
        {(item, i) => (
          <ItemAnswer
            item={item()}
            value={answers()[i]}
            onChange={(v) => setAnswers((a) => a.map((x, j) => (j === i ? v : x)))}
            error={fieldError(`answers.${item().number}`)}
          />
        )}
      </Index>
      <Show
        when={isGp()}
        fallback={<TextField label="Date measured" type="date" value={measuredOn()} max={ukToday()} onInput={setMeasuredOn} error={fieldError('measuredOn')} />}
      >
        <div class="record-outcome__period">
          <TextField label="From" type="date" value={periodFrom()} max={ukToday()} onInput={setPeriodFrom} error={fieldError('periodFrom')} />
          <TextField label="To" type="date" value={periodTo()} max={ukToday()} onInput={setPeriodTo} error={fieldError('periodTo')} />
        </div>
        <Select
          label="Where the count comes from"
          value={gpSource()}
          onChange={(v) => setGpSource(v as GpAppointmentSource)}
          options={[
            { value: 'PATIENT_REPORTED', label: 'The patient told us' },
            { value: 'PRACTICE_RECORD', label: 'The practice record' },
          ]}
        />
      </Show>
      <Show when={problem() && !problem()!.field?.startsWith('answers.') && !['measuredOn', 'periodFrom', 'periodTo'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <p class="muted record-outcome__citation">{props.instrument.citation}</p>
      <div class="record-outcome__actions">
        <Show
          when={!nothingAnswered()}
          fallback={
            <p class="muted record-outcome__nothing" data-testid="nothing-answered">
              {props.instrument.items.length === 1
                ? 'Nothing is answered yet. Answer the question to save it: a saved record is kept for good.'
                : 'Nothing is answered yet. Answer at least one question to save this as a draft: a saved record is kept for good.'}
            </p>
          }
        >
          <Button type="submit" busy={state.fetching}>
            {unanswered() > 0 ? `Save as draft (${unanswered()} unanswered)` : `Save ${props.instrument.shortName}`}
          </Button>
        </Show>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
