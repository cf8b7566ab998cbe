import { MedicineCatalogueDocument, PatientMedicationDocument, StopMedicationDocument, type MedicineCatalogueQuery, type PatientMedicationQuery, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { AddMedicationForm } from './add-medication-form.js';
import { ADVISES_NEVER_PRESCRIBES, formatMg, strengthAndForm, unitWords } from './medication-access.js';
import { PlanFlagActions, type StartToRecord, type StepToRecord } from './plan-flag-actions.js';
import { ProposalCard } from './proposal-card.js';
import { ProposeChangeForm } from './propose-change-form.js';
import { RecordReviewForm } from './record-review-form.js';
import './medications.css';

type Patient = PatientWorkspaceQuery['patient'];
type Summary = PatientMedicationQuery['patientMedication'];
type Med = Summary['current'][number];
type CatalogueEntry = MedicineCatalogueQuery['medicineCatalogue'][number];
/** A current entry whose new dose is being recorded; `startFrom`, a begun taper step's dose. */
type Changing = { id: string; startFrom?: StepToRecord };

/** The patient's analgesia: current medicines with their OME and working, the flags and why, proposed changes. */
export function MedicationTab(props: { patient: Patient }): JSX.Element {
  // The server's policy decides (access/policy.ts); the web shows controls from what it says.
  const abilities = () => ({ canManage: props.patient.viewerCan.manageMedications, canPropose: props.patient.viewerCan.proposeMedicationChange, canDecide: props.patient.viewerCan.decideMedicationChange });
  const [result, refetch] = createQuery({ query: PatientMedicationDocument, variables: () => ({ patientId: props.patient.id }) });
  const [catalogue] = createQuery({ query: MedicineCatalogueDocument });
  const [mode, setMode] = createSignal<'none' | 'add' | 'propose' | 'review'>('none');
  // What "Record a medicine" was opened with: a medicine an approved plan starts, from its flag. Made anew each
  // time it opens, so that a form already open starts again from the flag.
  const [adding, setAdding] = createSignal<{ from?: StartToRecord }>({});
  const openAdd = (from?: StartToRecord) => (setAdding(from ? { from } : {}), setMode('add'));
  const reload = () => refetch({ requestPolicy: 'network-only' });
  followPatientEvents(
    () => props.patient.id,
    (e) => {
      if (e.kind.startsWith('MEDICATION_') || e.kind.startsWith('TAPER_')) reload();
    },
    reload,
  );
  // The medicines shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);
  const summary = () => loaded()?.patientMedication;

  return (
    <div class="medication-tab">
      <p class="medication-disclaimer" role="note">
        {ADVISES_NEVER_PRESCRIBES}
      </p>
      <Show when={(abilities().canManage || abilities().canPropose) && mode() === 'none'}>
        <div class="tab-toolbar medication-toolbar">
          <Show when={abilities().canManage}>
            <Button onClick={() => openAdd()}>Record a medicine</Button>
            <Button variant="secondary" onClick={() => setMode('review')}>
              Record a review
            </Button>
          </Show>
          {/* Offered with no medicines listed too: a plan may start one (the form then offers only a start). */}
          <Show when={abilities().canPropose}>
            <Button variant="secondary" onClick={() => setMode('propose')}>
              Propose a change
            </Button>
          </Show>
        </div>
      </Show>
      <Show when={mode() === 'add' && catalogue.data ? adding() : null} keyed>
        {(opened) => (
          <AddMedicationForm
            patientId={props.patient.id}
            catalogue={catalogue.data!.medicineCatalogue}
            startFrom={opened.from}
            onAdded={() => {
              setMode('none');
              reload();
            }}
            onCancel={() => setMode('none')}
          />
        )}
      </Show>
      <Show when={mode() === 'review'}>
        <RecordReviewForm
          patientId={props.patient.id}
          onRecorded={() => {
            setMode('none');
            reload();
          }}
          onCancel={() => setMode('none')}
        />
      </Show>
      <Show when={mode() === 'propose' && catalogue.data && summary()}>
        <ProposeChangeForm
          patientId={props.patient.id}
          current={summary()!.current}
          catalogue={catalogue.data!.medicineCatalogue}
          onProposed={() => {
            setMode('none');
            reload();
          }}
          onCancel={() => setMode('none')}
        />
      </Show>
      <ListStates
        items={summary() ? [summary()!] : undefined}
        error={result.error}
        retry={reload}
        loadingLabel="Loading medicines…"
        empty={<></>}
      >
        {(items) => <SummaryView summary={items[0]} {...abilities()} catalogue={catalogue.data?.medicineCatalogue ?? []} onChanged={reload} onStart={openAdd} />}
      </ListStates>
      <Show when={catalogue.data}>
        <details class="medication-rules">
          <summary>How Cairn works out OME and flags</summary>
          <h4>Flags</h4>
          <ul>
            <For each={catalogue.data!.medicationFlagRules}>{(r) => <li>{r.rule}</li>}</For>
          </ul>
          <h4>Oral morphine equivalents (Faculty of Pain Medicine, Opioids Aware)</h4>
          <ul>
            <For each={catalogue.data!.medicineCatalogue.filter((c) => c.conversion)}>
              {(c) => (
                <li>
                  {c.name}: {c.conversion}
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
    </div>
  );
}

function SummaryView(props: {
  summary: Summary;
  canManage: boolean;
  canPropose: boolean;
  canDecide: boolean;
  catalogue: readonly CatalogueEntry[];
  onChanged(): void;
  onStart(from: StartToRecord): void;
}): JSX.Element {
  const s = () => props.summary;
  // The current medicine whose new dose is being recorded, from its row or from a taper step's flag.
  const [changing, setChanging] = createSignal<Changing | null>(null);
  const opioidsListed = () => s().current.filter((m) => m.omeMgPerDay !== null && m.omeMgPerDay !== undefined).length;
  return (
    <>
      <section class="ome-total" aria-labelledby="ome-heading">
        {/* A total over nothing recorded would read as a confirmed zero (hazard MED-H13): say nothing is recorded instead. */}
        <Show
          when={s().current.length > 0 || s().stopped.length > 0}
          fallback={
            <>
              <h3 id="ome-heading">No medicines recorded</h3>
              <p>Cairn gives no oral morphine equivalent until the patient's medicines are recorded: this is not a total of 0 mg.</p>
            </>
          }
        >
          <h3 id="ome-heading">
            Total: <span data-testid="ome-total">{formatMg(s().totalOmeMgPerDay)}</span> oral morphine a day
          </h3>
          {/* The heading says the total; the sum is worth showing only over two opioids or more (one shows its working in its row). */}
          <Show when={opioidsListed() !== 1}>
            <p>{opioidsListed() === 0 ? 'No current opioid on the list.' : s().omeWords}</p>
          </Show>
          {/* Mid-switch the list can hold no opioid while the patient takes the new one (hazard MED-H14). */}
          <Show when={s().flags.some((f) => f.code === 'PLAN_AHEAD_OF_LIST')}>
            <p class="ome-total__behind" data-testid="ome-behind">
              <strong>This total is of the list as recorded, which is behind an approved plan</strong> (see Flags): the patient may be taking more or less than it says.
            </p>
          </Show>
        </Show>
        <p class="muted">
          Factors: {s().omeSource}. High dose from {formatMg(s().highDoseThreshold)} a day.
          {s().nextReviewDue ? ` Next medication review due ${formatIsoDate(s().nextReviewDue!)}.` : ''}
        </p>
      </section>
      <section aria-labelledby="flags-heading">
        <h3 id="flags-heading">Flags</h3>
        <Show when={s().flags.length > 0} fallback={<p class="muted">No flags today.</p>}>
          <ul class="medication-flags">
            <For each={s().flags}>
              {(f) => (
                <li class="medication-flag" data-flag={f.code}>
                  <strong>{flagTitles[f.code] ?? f.code}</strong>
                  <span>{f.reason}</span>
                  <Show when={props.canManage}>
                    <PlanFlagActions
                      flag={f}
                      medicineName={(code) => props.catalogue.find((c) => c.code === code)?.name ?? code}
                      listedName={(id) => s().current.find((m) => m.id === id)?.name ?? 'the medicine'}
                      onNewDose={(step) => setChanging({ id: step.medicationId, startFrom: step })}
                      onStart={props.onStart}
                      onStopped={props.onChanged}
                    />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <section aria-labelledby="current-heading">
        <h3 id="current-heading">Current medicines</h3>
        <Show when={s().current.length > 0} fallback={<EmptyState title="No current medicines" headingLevel={3}><p>Medicines recorded by the GP or the pain management practitioner appear here with their oral morphine equivalent.</p></EmptyState>}>
          <MedicationTable medicines={s().current} canStop={props.canManage} catalogue={props.catalogue} patientId={s().patientId} changing={changing()} onChange={setChanging} onChanged={props.onChanged} />
        </Show>
      </section>
      <Show when={s().proposals.length > 0}>
        <section aria-labelledby="proposals-heading">
          <h3 id="proposals-heading">Proposed changes</h3>
          <For each={s().proposals}>{(p) => <ProposalCard proposal={p} canManage={props.canManage} canPropose={props.canPropose} canDecide={props.canDecide} onChanged={props.onChanged} />}</For>
        </section>
      </Show>
      <Show when={s().stopped.length > 0}>
        <details class="medication-history">
          <summary>Stopped medicines ({s().stopped.length})</summary>
          <MedicationTable medicines={s().stopped} stopped canStop={false} catalogue={props.catalogue} patientId={s().patientId} changing={null} onChange={setChanging} onChanged={props.onChanged} />
        </details>
      </Show>
    </>
  );
}

const flagTitles: Record<string, string> = {
  HIGH_DOSE_OPIOID: 'High-dose opioid',
  OPIOID_WITH_GABAPENTINOID: 'Opioid with a gabapentinoid',
  OPIOID_WITH_BENZODIAZEPINE: 'Opioid with a benzodiazepine',
  LONG_TERM_OPIOID: 'Long-term opioid',
  NSAID_OLDER_PATIENT: 'NSAID at 65 or over',
  MORE_THAN_ONE_OPIOID: 'More than one opioid',
  PLAN_AHEAD_OF_LIST: 'The list is behind an approved plan',
};

function MedicationTable(props: {
  medicines: readonly Med[];
  /** Medicines no longer taken: their OME is what it was, in plain type, so it is not read as part of today's total. */
  stopped?: boolean;
  canStop: boolean;
  catalogue: readonly CatalogueEntry[];
  patientId: string;
  changing: Changing | null;
  onChange(c: Changing | null): void;
  onChanged(): void;
}): JSX.Element {
  const [stopping, stop] = createMutation(StopMedicationDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const onStop = async (m: Med) => {
    const r = await stop({ input: { medicationId: m.id, reason: null } });
    if (r.error) return setProblem(describeError(r.error).message);
    setProblem(null);
    props.onChanged();
  };
  return (
    <>
      <Show when={problem()}>
        <Alert tone="error">{problem()}</Alert>
      </Show>
      <ul class="medication-list">
        <For each={props.medicines}>
          {(m) => (
            <li class="medication-item card">
              <div class="medication-item__main">
                <p class="medication-item__name">
                  <strong>{m.name}</strong> {strengthAndForm(m.strength, m.form)}
                </p>
                <p>
                  {m.dose} {unitWords(m.doseUnit)} {m.frequencyWords} · since {formatIsoDate(m.startDate)}
                  {m.stopDate ? ` · stopped ${formatIsoDate(m.stopDate)}${m.stopReason ? ` (${m.stopReason})` : ''}` : ''} · {m.prescriber}
                </p>
                <Show when={m.omeWords}>
                  <p class="muted medication-item__working">{m.omeWords}</p>
                </Show>
              </div>
              <div class="medication-item__side">
                <span>
                  <Show when={m.omeMgPerDay !== null && m.omeMgPerDay !== undefined} fallback={<span class="muted">No OME</span>}>
                    <Show when={props.stopped} fallback={<span class="medication-item__ome">{formatMg(m.omeMgPerDay!)}</span>}>
                      <span class="muted">was {formatMg(m.omeMgPerDay!)}</span>
                    </Show>
                    <span class="muted"> OME/day</span>
                  </Show>
                </span>
                <Show when={props.canStop}>
                  {/* Kept together: on a phone the pair moves to a line of its own rather than leave "Stop" alone on one. */}
                  <span class="medication-item__actions">
                    <Button variant="quiet" onClick={() => props.onChange({ id: m.id })}>
                      Change dose<span class="visually-hidden"> of {m.name}</span>
                    </Button>
                    <Button variant="quiet" busy={stopping.fetching} onClick={() => void onStop(m)}>
                      Stop<span class="visually-hidden"> {m.name}</span>
                    </Button>
                  </span>
                </Show>
              </div>
              <Show when={props.changing?.id === m.id && props.catalogue.length > 0 ? props.changing : null} keyed>
                {(c) => (
                  <div class="medication-item__change">
                    <AddMedicationForm
                      patientId={props.patientId}
                      catalogue={props.catalogue}
                      changing={m}
                      startFrom={c.startFrom}
                      onCancel={() => props.onChange(null)}
                      onAdded={() => (props.onChange(null), props.onChanged())}
                    />
                  </div>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </>
  );
}
