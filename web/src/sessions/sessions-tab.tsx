import { AddSessionAddendumDocument, PatientSessionsDocument, type CadenceFieldsFragment, type PatientSessionsQuery, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { PatientCafes } from '../pain-cafes/patient-cafes.js';
import { TextField } from '../ui/text-field.js';
import { BookSessionForm } from './book-session-form.js';
import { DischargePanel } from './discharge-panel.js';
import { RecordSessionForm } from './record-session-form.js';
import { intervalLabels, measureLabels, modeLabels, slot, statusLabels } from './session-words.js';
import './sessions.css';

type Patient = PatientWorkspaceQuery['patient'];
type Detail = PatientSessionsQuery['patientSessions'][number];
type Mode = { kind: 'none' } | { kind: 'book' } | { kind: 'rebook'; detail: Detail } | { kind: 'record'; session: Detail['session']; cancelOnly: boolean } | { kind: 'discharge' };

/** The patient's coaching: the suggested cadence and why, sessions to come, what happened at each, discharge. */
export function SessionsTab(props: { patient: Patient; onPatientChanged(): void }): JSX.Element {
  const can = () => props.patient.viewerCan;
  const [result, refetch] = createQuery({ query: PatientSessionsDocument, variables: () => ({ patientId: props.patient.id }) });
  const [mode, setMode] = createSignal<Mode>({ kind: 'none' });
  const [justRecorded, setJustRecorded] = createSignal<{ cadence: CadenceFieldsFragment | null; dnaAlert: boolean } | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  followPatientEvents(() => props.patient.id, (e) => (e.kind.startsWith('SESSION_') || e.kind === 'PATIENT_DISCHARGED' ? reload() : undefined), reload);
  // The sessions shown stay while a refresh cannot reach the server, said above them.
  const data = lastGood(result);
  const upcoming = () => (data()?.patientSessions ?? []).filter((d) => d.session.status === 'BOOKED').reverse();
  const past = () => (data()?.patientSessions ?? []).filter((d) => d.session.status !== 'BOOKED');
  const discharged = () => props.patient.status === 'DISCHARGED';
  /** A session as the tab last read it (the Move and Record forms follow a colleague's move through this). */
  const asNow = (opened: Detail['session']) => {
    const s = data()?.patientSessions.find((d) => d.session.id === opened.id)?.session ?? opened;
    return { sessionId: s.id, startsAt: s.startsAt, endsAt: s.endsAt };
  };

  return (
    <div class="sessions-tab">
      <Show when={mode().kind === 'none'}>
        <div class="tab-toolbar sessions-toolbar">
          <Show when={can().bookSession && !discharged()}>
            <Button onClick={() => setMode({ kind: 'book' })}>Book a session</Button>
          </Show>
          <Show when={can().dischargePatient && !discharged()}>
            <Button variant="secondary" onClick={() => setMode({ kind: 'discharge' })}>
              Discharge…
            </Button>
          </Show>
          <Show when={(data()?.patientDischarges.length ?? 0) > 0}>
            <a class="button button--quiet" href={`/patients/${encodeURIComponent(props.patient.id)}/discharge-letter/print`} target="_blank" rel="noopener">
              Print discharge letter
            </a>
          </Show>
        </div>
      </Show>
      <Show when={justRecorded()}>
        {(r) => (
          <Alert tone={r().dnaAlert ? 'error' : 'success'}>
            <p>{r().cadence ? 'Session recorded.' : 'Cancellation recorded.'}</p>
            <Show when={r().dnaAlert}>
              <p>This is the second missed session in a row: the coach and the care-team lead have been told.</p>
            </Show>
          </Alert>
        )}
      </Show>
      <Show when={mode().kind === 'book' && data()}>
        <BookSessionForm patientId={props.patient.id} coaches={data()!.bookableCoaches} suggestedDate={data()!.sessionCadence.suggestedDate} onDone={() => { setMode({ kind: 'none' }); reload(); }} onCancel={() => setMode({ kind: 'none' })} />
      </Show>
      <Show when={(() => { const m = mode(); return m.kind === 'rebook' ? m.detail : undefined; })()}>
        {(d) => (
          <BookSessionForm
            patientId={props.patient.id}
            coaches={data()?.bookableCoaches ?? []}
            suggestedDate={null}
            rebook={asNow(d().session)}
            onDone={() => { setMode({ kind: 'none' }); reload(); }}
            onStale={reload}
            onCancel={() => setMode({ kind: 'none' })}
          />
        )}
      </Show>
      <Show when={(() => { const m = mode(); return m.kind === 'record' ? m : undefined; })()}>
        {(m) => (
          <RecordSessionForm
            patientId={props.patient.id}
            session={asNow(m().session)}
            cancelOnly={m().cancelOnly}
            onStale={reload}
            onRecorded={(cadence, dnaAlert) => {
              setJustRecorded({ cadence, dnaAlert });
              setMode({ kind: 'none' });
              reload();
            }}
            onCancel={() => setMode({ kind: 'none' })}
          />
        )}
      </Show>
      <Show when={mode().kind === 'discharge'}>
        <DischargePanel patientId={props.patient.id} onDischarged={() => { setMode({ kind: 'none' }); reload(); props.onPatientChanged(); }} onCancel={() => setMode({ kind: 'none' })} />
      </Show>

      <Show when={data()?.patientDischarges[0]}>
        {(d) => (
          <section class="card discharge-card" aria-labelledby="discharged-heading">
            <h3 id="discharged-heading">Discharged {formatDateTime(d().signedAt)}</h3>
            <p class="muted">Signed by {d().signedBy.name}.</p>
            <pre class="discharge-card__summary">{d().summary}</pre>
          </section>
        )}
      </Show>

      {/* While a discharge is drafted, a suggested next session would contradict it. */}
      <Show when={mode().kind !== 'discharge' && data()?.sessionCadence}>{(c) => <CadenceCard cadence={c()} />}</Show>

      <section aria-labelledby="upcoming-heading">
        <h3 id="upcoming-heading">Booked</h3>
        <ListStates items={data() ? upcoming() : undefined} error={result.error} retry={reload} loadingLabel="Loading sessions…" empty={<p class="muted">No session booked.</p>}>
          {(items) => (
            <ul class="session-list">
              <For each={items}>
                {(d) => (
                  <li class="session-item">
                    <SessionHeading detail={d} />
                    <div class="session-item__actions">
                      <Show when={can().recordSession}>
                        <Button onClick={() => { setJustRecorded(null); setMode({ kind: 'record', session: d.session, cancelOnly: false }); }}>Record</Button>
                      </Show>
                      <Show when={can().bookSession}>
                        <Button variant="secondary" onClick={() => setMode({ kind: 'rebook', detail: d })}>
                          Move
                        </Button>
                        <Button variant="secondary" onClick={() => { setJustRecorded(null); setMode({ kind: 'record', session: d.session, cancelOnly: true }); }}>
                          Cancel…
                        </Button>
                      </Show>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          )}
        </ListStates>
      </section>

      <section aria-labelledby="history-heading">
        <h3 id="history-heading">History</h3>
        <Show when={data()}>
          <Show when={past().length > 0} fallback={<p class="muted">No sessions held yet. Sessions held, missed or cancelled appear here with their notes.</p>}>
            <ul class="session-list">
              <For each={past()}>{(d) => <SessionRecord detail={d} canAmend={can().recordSession} onAmended={reload} />}</For>
            </ul>
          </Show>
        </Show>
      </section>

      <PatientCafes patientId={props.patient.id} />
    </div>
  );
}

function CadenceCard(props: { cadence: CadenceFieldsFragment }): JSX.Element {
  // "Weekly (as now)", "Fortnightly (less often than weekly)": the level it was is named only when it changes.
  const change = () => {
    const was = props.cadence.previous ? intervalLabels[props.cadence.previous].toLowerCase() : null;
    if (props.cadence.direction === 'STEP_DOWN') return was ? `less often than ${was}` : 'less often';
    if (props.cadence.direction === 'STEP_UP') return props.cadence.previous === 'DISCHARGE_REVIEW' ? 'more often, back from discharge review' : was ? `more often than ${was}` : 'more often';
    return was ? 'as now' : null;
  };
  return (
    <section class={`card cadence cadence--${props.cadence.direction.toLowerCase()}`} aria-labelledby="cadence-heading">
      <h3 id="cadence-heading">
        Suggested next: {intervalLabels[props.cadence.interval]}
        <Show when={change()}>{(c) => <span class="muted"> ({c()})</span>}</Show>
      </h3>
      {/* One sentence a line, as the server writes them. */}
      <ul class="cadence__why">
        <For each={props.cadence.reasons}>{(reason) => <li>{reason}</li>}</For>
      </ul>
      <p class="muted">
        {props.cadence.suggestedDate ? `Around ${formatIsoDate(props.cadence.suggestedDate)}. ` : ''}Cairn suggests; you decide the next booking with the patient.
      </p>
    </section>
  );
}

function SessionHeading(props: { detail: Detail }): JSX.Element {
  const s = () => props.detail.session;
  return (
    <div class="session-item__heading">
      <p class="session-item__when">
        <strong>{slot(s().startsAt, s().endsAt)}</strong> <Badge tone={statusLabels[s().status].tone}>{statusLabels[s().status].label}</Badge>
      </p>
      <p class="muted">
        {modeLabels[s().mode]}
        {s().location ? ` at ${s().location}` : ''} with {s().coach.name} · {s().purpose}
      </p>
    </div>
  );
}

function SessionRecord(props: { detail: Detail; canAmend: boolean; onAmended(): void }): JSX.Element {
  const d = () => props.detail;
  const [adding, setAdding] = createSignal(false);
  const [body, setBody] = createSignal('');
  const [state, add] = createMutation(AddSessionAddendumDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const recorded = () => d().session.status === 'ATTENDED' || d().session.status === 'DNA';
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await add({ sessionId: d().session.id, body: body() });
    if (r.error) return setProblem(describeError(r.error).message);
    setAdding(false);
    setBody('');
    props.onAmended();
  };
  return (
    <li class="session-item session-item--record">
      <SessionHeading detail={d()} />
      <Show when={d().session.cancelReason}>
        <p>Reason: {d().session.cancelReason}</p>
      </Show>
      <Show when={d().session.discussed}>
        <p><strong>Discussed:</strong> {d().session.discussed}</p>
      </Show>
      <Show when={d().goalReviews.length > 0}>
        <p><strong>Goals reviewed:</strong> {d().goalReviews.map((g) => `${g.goalWhat} ${g.rating}/10${g.note ? ` (${g.note})` : ''}`).join('; ')}</p>
      </Show>
      <Show when={d().strategiesPractised.length > 0}>
        <p><strong>Strategies practised:</strong> {d().strategiesPractised.map((s) => s.strategyWhat).join('; ')}</p>
      </Show>
      <Show when={d().session.nextSteps}>
        <p><strong>Next steps:</strong> {d().session.nextSteps}</p>
      </Show>
      <Show when={d().session.measuresTaken.length > 0}>
        <p><strong>Measures taken:</strong> {d().session.measuresTaken.map((m) => measureLabels.find((l) => l.value === m)?.label ?? m).join(', ')} (scores on the Measures tab)</p>
      </Show>
      <Show when={d().session.flareUp}>
        <p><Badge tone="warning">Flare-up reported</Badge></p>
      </Show>
      <Show when={d().changes.some((c) => c.kind === 'REBOOKED')}>
        <p class="muted">Moved from {d().changes.filter((c) => c.kind === 'REBOOKED').map((c) => `${slot(c.previousStartsAt, c.previousEndsAt)} (${c.reason})`).join('; ')}</p>
      </Show>
      <Show when={recorded()}>
        <p class="muted">Recorded by {d().session.recordedBy?.name ?? 'someone'}{d().session.recordedAt ? `, ${formatDateTime(d().session.recordedAt!)}` : ''}.</p>
      </Show>
      <For each={d().addenda}>
        {(a) => (
          <div class="session-addendum">
            <p><strong>Addendum</strong> by {a.author.name}, {formatDateTime(a.createdAt)}</p>
            <p>{a.body}</p>
          </div>
        )}
      </For>
      <Show when={props.canAmend && recorded()}>
        <Show when={adding()} fallback={<Button variant="quiet" onClick={() => setAdding(true)}>Add an addendum</Button>}>
          <form class="session-addendum-form" onSubmit={(e) => void submit(e)}>
            <TextField label="Addendum (the notes above stay as they are)" value={body()} onInput={setBody} required error={problem() ?? undefined} />
            <div class="session-form__buttons">
              <Button type="submit" busy={state.fetching}>Add addendum</Button>
              <Button variant="secondary" onClick={() => setAdding(false)}>Cancel</Button>
            </div>
          </form>
        </Show>
      </Show>
    </li>
  );
}
