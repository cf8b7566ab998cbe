import { OutcomeInstrumentsDocument, OutcomeRecordDetailDocument, PatientMeasuresDocument, type Instrument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { describeError } from '../platform/errors.js';
import { formatIsoDate } from '../platform/dates.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { Spinner } from '../ui/spinner.js';
import { MeasureCard, scoreWords } from './measure-card.js';
import { RecordOutcomeForm, type InstrumentDef } from './record-outcome-form.js';
import { SendQuestionnaire } from './send-questionnaire.js';
import './outcomes.css';

/**
 * The patient's outcome measures: a card per instrument with its trend from baseline, a form to record
 * one, and every record, whose items open in place. Kept live: a measure recorded elsewhere (or by the
 * patient from their link) appears without a reload.
 */
export function MeasuresTab(props: { patientId: string; canRecord: boolean }): JSX.Element {
  const [defs] = createQuery({ query: OutcomeInstrumentsDocument });
  const [measures, refetch] = createQuery({ query: PatientMeasuresDocument, variables: () => ({ patientId: props.patientId }) });
  const [recording, setRecording] = createSignal<Instrument | null>(null);
  const [choice, setChoice] = createSignal<Instrument>('PSEQ_10');
  const [saved, setSaved] = createSignal<string | null>(null);
  const [opened, setOpened] = createSignal<string | null>(null);
  const [sending, setSending] = createSignal(false);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const canRecord = () => props.canRecord;
  const defOf = createMemo(() => new Map((defs.data?.outcomeInstruments ?? []).map((d) => [d.code, d] as const)));
  followPatientEvents(
    () => props.patientId,
    (e) => {
      if (e.kind === 'OUTCOME_RECORDED') reload();
    },
    reload,
  );
  const shownScore = (instrument: Instrument, score: number | null) => {
    const def = defOf().get(instrument);
    return score === null ? '—' : def ? scoreWords(def, score) : String(score);
  };
  const start = (code: Instrument) => {
    setSaved(null);
    setRecording(code);
  };

  return (
    <div class="measures-tab">
      <Show when={defs.error ?? measures.error}>{(e) => <Alert tone="error">{describeError(e()).message}</Alert>}</Show>
      <Show when={defs.data && measures.data} fallback={<Show when={!defs.error && !measures.error}><Spinner label="Loading measures…" /></Show>}>
        <div class="tab-toolbar">
          <p class="muted tab-toolbar__lede">Scores over this episode of care. The first score of each measure is its baseline; corrections replace a record without erasing it.</p>
          <Show when={canRecord() && !recording()}>
            <div class="measures-tab__record">
              <Select label="Measure" value={choice()} onChange={(v) => setChoice(v as Instrument)} options={(defs.data?.outcomeInstruments ?? []).map((d) => ({ value: d.code, label: d.shortName }))} />
              <Button onClick={() => start(choice())}>Record a measure</Button>
              <Show when={!sending()}>
                <Button variant="secondary" onClick={() => setSending(true)}>
                  Send a questionnaire link
                </Button>
              </Show>
            </div>
          </Show>
        </div>
        <Show when={sending()}>
          <SendQuestionnaire patientId={props.patientId} instruments={defs.data!.outcomeInstruments} onClose={() => setSending(false)} />
        </Show>
        <Show when={saved()}>{(s) => <Alert tone="success">{s()}</Alert>}</Show>
        <Show when={recording() && defOf().get(recording()!)}>
          {(def) => (
            <RecordOutcomeForm
              patientId={props.patientId}
              instrument={def()}
              onCancel={() => setRecording(null)}
              onSaved={(status) => {
                setSaved(status === 'DRAFT' ? `${def().shortName} saved as a draft: it is not scored until every item is answered.` : `${def().shortName} recorded.`);
                setRecording(null);
                reload();
              }}
            />
          )}
        </Show>
        <div class="measures-tab__cards">
          <For each={measures.data!.patientOutcomes.filter((s) => s.points.length > 0)}>
            {(series) => (
              <Show when={defOf().get(series.instrument)}>
                {(def) => <MeasureCard def={def()} series={series} onRecord={canRecord() ? () => start(series.instrument) : undefined} />}
              </Show>
            )}
          </For>
        </div>
        <Show when={measures.data!.patientOutcomes.every((s) => s.points.length === 0)}>
          <p class="muted">No completed measures yet.</p>
        </Show>
        <h3>Records</h3>
        <Show when={measures.data!.outcomeRecords.length > 0} fallback={<p class="muted">Nothing recorded yet.</p>}>
          <ul class="measures-tab__records">
            <For each={measures.data!.outcomeRecords}>
              {(r) => (
                <li>
                  <button type="button" class="measures-tab__record-row" aria-expanded={opened() === r.id} onClick={() => setOpened(opened() === r.id ? null : r.id)}>
                    <span>{formatIsoDate(r.measuredOn)}</span>
                    <strong>{defOf().get(r.instrument)?.shortName ?? r.instrument}</strong>
                    <span>{shownScore(r.instrument, r.score)}</span>
                    <span>
                      <Show when={r.status === 'DRAFT'}>
                        <Badge tone="muted">Draft</Badge>
                      </Show>
                      <Show when={r.completedBy === 'PATIENT'}>
                        <Badge tone="info">Completed by the patient</Badge>
                      </Show>
                      <Show when={r.supersedesId}>
                        <Badge tone="neutral">Correction</Badge>
                      </Show>
                    </span>
                  </button>
                  <Show when={opened() === r.id}>
                    <RecordDetail id={r.id} def={defOf().get(r.instrument)} canCorrect={canRecord()} onCorrect={() => setOpened(null)} patientId={props.patientId} onSaved={reload} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </div>
  );
}

/** The items of one record with the answers given, and who recorded it; a correction starts here. */
function RecordDetail(props: { id: string; def: InstrumentDef | undefined; canCorrect: boolean; patientId: string; onCorrect(): void; onSaved(): void }): JSX.Element {
  const [detail] = createQuery({ query: OutcomeRecordDetailDocument, variables: () => ({ id: props.id }) });
  const [correcting, setCorrecting] = createSignal(false);
  return (
    <div class="record-detail">
      <Show when={detail.data?.outcomeRecord} fallback={<Spinner label="Loading record…" />}>
        {(r) => (
          <>
            <p class="muted">{recordSummary(r(), props.def)}</p>
            <ol class="record-detail__items">
              <For each={r().items}>
                {(item) => (
                  <li value={item.number}>
                    <span>{item.text}</span> <strong>{item.answer === null ? 'Not answered' : (item.answerLabel ?? item.answer)}</strong>
                  </li>
                )}
              </For>
            </ol>
            <Show when={props.canCorrect && props.def && !correcting()}>
              <Button variant="secondary" onClick={() => setCorrecting(true)}>
                Correct this record
              </Button>
            </Show>
            <Show when={correcting() && props.def}>
              <RecordOutcomeForm
                patientId={props.patientId}
                instrument={props.def!}
                corrects={{
                  id: r().id,
                  measuredOn: r().measuredOn,
                  answers: r().items.map((item) => item.answer),
                  score: r().score,
                  periodFrom: r().periodFrom,
                  periodTo: r().periodTo,
                  gpSource: r().gpSource,
                }}
                onCancel={() => setCorrecting(false)}
                onSaved={() => {
                  setCorrecting(false);
                  props.onCorrect();
                  props.onSaved();
                }}
              />
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

/** Who answered and who wrote it down: a clinician who corrected the patient's answers is named too. */
/**
 * Who recorded it and what the score means, in sentences: "Recorded by Sam Okafor. Severity band: moderate.
 * PSEQ-2 (items 5 and 9): 4 of 12."
 */
function recordSummary(
  r: { completedBy: string; recordedBy?: { name: string } | null; periodFrom?: string | null; periodTo?: string | null; gpSource?: string | null; pseq2: number | null; band?: string | null },
  def: InstrumentDef | undefined,
): string {
  const source = r.gpSource === 'PRACTICE_RECORD' ? 'from the practice record' : 'as the patient reported them';
  const sentences = [
    recordedByWords(r),
    r.periodFrom && r.periodTo ? `GP appointments from ${formatIsoDate(r.periodFrom)} to ${formatIsoDate(r.periodTo)}, ${source}` : null,
    r.band ? `${def?.code === 'PAM' ? 'Activation' : 'Severity band'}: ${r.band.toLowerCase()}` : null,
    r.pseq2 !== null ? `PSEQ-2 (items 5 and 9): ${r.pseq2} of 12` : null,
  ];
  return sentences.filter((x): x is string => x !== null).map((x) => `${x}.`).join(' ');
}

function recordedByWords(r: { completedBy: string; recordedBy?: { name: string } | null }): string {
  if (r.completedBy !== 'PATIENT') return `Recorded by ${r.recordedBy?.name ?? 'a clinician'}`;
  return r.recordedBy ? `Completed by the patient from their link; corrected by ${r.recordedBy.name}` : 'Completed by the patient from their link';
}
