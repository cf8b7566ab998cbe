import { CancelPainCafeDocument, CancelPainCafePlaceDocument, PainCafeDocument, RecordPainCafeAttendanceDocument, type PainCafeAttendance, type PainCafeQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';
import { formatDateTime } from '../notifications/when.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { FillBar } from '../ui/fill-bar.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { attendanceSummary, cafeKinds, cafeWhen } from './cafe-words.js';
import { CreateCafeForm } from './create-cafe-form.js';
import { RegisterPatient } from './register-patient.js';
import './pain-cafes.css';

type Cafe = NonNullable<PainCafeQuery['painCafe']>;
type Place = Cafe['places'][number];

/** One café: when and where, how full, who holds a place, the waiting list in order, and attendance afterwards. */
export function CafePage(props: { cafeId: string }): JSX.Element {
  const [result, refetch] = createQuery({ query: PainCafeDocument, variables: () => ({ id: props.cafeId }), requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  // A colleague's registration, cancellation or attendance reaches the café's team as a notification: a
  // place is never offered from a stale page (hazard CAFE-H7).
  refreshOnNotifications(cafeKinds, reload, (n) => n.link === `/pain-cafes/${props.cafeId}`);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal(false);
  return (
    <div class="pain-cafes">
      <p class="back-link">
        <Link href="/pain-cafes">← All Pain Cafés</Link>
      </p>
      <Show when={result.error && !result.data}>
        <Show when={describeError(result.error!).code === 'NOT_FOUND'} fallback={<Alert tone="error">{describeError(result.error!).message}</Alert>}>
          <EmptyState headingLevel={1} title="No such Pain Café" action={<Link href="/pain-cafes">See your PCN's cafés</Link>}>
            <p>It does not exist, or it belongs to another PCN.</p>
          </EmptyState>
        </Show>
      </Show>
      <Show when={result.data?.painCafe} fallback={<Show when={!result.error}><Spinner label="Loading the café…" /></Show>}>
        {(c) => {
          document.title = `${c().title} – Pain Cafés – Cairn`;
          const started = () => new Date(c().startsAt).getTime() <= Date.now();
          const open = () => c().status === 'SCHEDULED' && !started();
          const held = () => c().places.filter((p) => p.status === 'REGISTERED');
          const waiting = () => c().places.filter((p) => p.status === 'WAITLISTED');
          const invited = () => c().places.filter((p) => p.status === 'INVITED');
          const cancelled = () => c().places.filter((p) => p.status === 'CANCELLED');
          return (
            <>
              <div class="page-heading">
                <h1>{c().title}</h1>
                <Show when={c().status === 'CANCELLED'}>
                  <Badge tone="muted">Cancelled</Badge>
                </Show>
              </div>
              <div class="cafe-summary card">
                <p class="cafe-summary__when">{cafeWhen(c().startsAt, c().endsAt)}</p>
                <p>
                  <Show when={c().onlineLink} fallback={<>At {c().venue}</>}>
                    Online:{' '}
                    <a href={c().onlineLink!} rel="noopener noreferrer" target="_blank">
                      {c().onlineLink}
                    </a>
                  </Show>
                </p>
                <p class="muted">Run by {c().facilitators.map((f) => f.name).join(', ')}</p>
                <Show when={c().description}>
                  <p>{c().description}</p>
                </Show>
                <Show when={c().cancelReason}>
                  <p>Cancelled: {c().cancelReason}</p>
                </Show>
                {/* Once it has started, what happened rather than what is left to book. */}
                <Show when={open()}>
                  <FillBar taken={c().registeredCount} capacity={c().capacity} label="Places taken" overflow={c().waitlistCount} overflowLabel="on the waiting list" />
                </Show>
                <Show when={c().status === 'SCHEDULED' && started()}>
                  <p class="cafe-summary__attendance">{attendanceSummary(c())}</p>
                </Show>
              </div>
              <Show when={notice()}>
                <Alert tone="success">{notice()!}</Alert>
              </Show>
              <div class="cafe-columns">
                <section aria-labelledby="places-heading" class="cafe-section">
                  <h2 id="places-heading">
                    <Show when={started()} fallback={<>Places ({c().registeredCount} of {c().capacity})</>}>
                      Places held ({c().registeredCount})
                    </Show>
                  </h2>
                  <Show when={held().length > 0} fallback={<p class="muted">{started() ? 'Nobody held a place.' : 'Nobody holds a place yet.'}</p>}>
                    <ul class="place-list">
                      <For each={held()}>{(p) => <PlaceRow place={p} open={open()} started={started() && c().status === 'SCHEDULED'} onChanged={(n) => { setNotice(n); reload(); }} />}</For>
                    </ul>
                  </Show>
                </section>
                {/* The waiting list and invitations are booking: a café that has started shows them only if anyone was left on them. */}
                <Show when={!started() || waiting().length > 0 || invited().length > 0}>
                  <section aria-labelledby="waiting-heading" class="cafe-section">
                    <h2 id="waiting-heading">{started() ? `Still waiting when it began (${c().waitlistCount})` : `Waiting list (${c().waitlistCount})`}</h2>
                    <Show when={waiting().length > 0} fallback={<p class="muted">{started() ? 'Nobody was waiting.' : 'Nobody is waiting. When the café is full, people registered join this list in order and take freed places automatically.'}</p>}>
                      <ol class="place-list place-list--waiting">
                        <For each={waiting()}>{(p) => <PlaceRow place={p} open={open()} started={false} onChanged={(n) => { setNotice(n); reload(); }} />}</For>
                      </ol>
                    </Show>
                    <Show when={invited().length > 0}>
                      <h3>{started() ? 'Invited, never registered' : 'Invited, not yet registered'}</h3>
                      <ul class="place-list">
                        <For each={invited()}>{(p) => <PlaceRow place={p} open={open()} started={false} onChanged={(n) => { setNotice(n); reload(); }} />}</For>
                      </ul>
                    </Show>
                  </section>
                </Show>
              </div>
              <Show when={open()}>
                <RegisterPatient cafeId={c().id} full={c().placesLeft === 0} onRegistered={(n) => { setNotice(n); reload(); }} />
              </Show>
              <Show when={cancelled().length > 0}>
                <details class="cafe-section">
                  <summary>Cancelled places ({cancelled().length})</summary>
                  <ul class="place-list">
                    <For each={cancelled()}>
                      {(p) => (
                        <li class="place">
                          <PatientName place={p} /> <span class="muted">cancelled {p.cancelledAt ? formatDateTime(p.cancelledAt) : ''}{p.cancelReason ? `: ${p.cancelReason}` : ''}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </details>
              </Show>
              <Show when={open() && c().viewerCanManage}>
                <Show when={editing()} fallback={<div><Button variant="secondary" onClick={() => { setNotice(null); setEditing(true); }}>Change the café…</Button></div>}>
                  <CreateCafeForm
                    editing={c()}
                    onCreated={() => {
                      setEditing(false);
                      setNotice('The café is changed. If there are more places, the waiting list has filled them in order.');
                      reload();
                    }}
                    onCancel={() => setEditing(false)}
                    onStale={reload}
                  />
                </Show>
                <CancelCafe cafeId={c().id} onCancelled={() => { setNotice('The café is cancelled; every place on it has ended and the patients’ coaches are told.'); reload(); }} />
              </Show>
            </>
          );
        }}
      </Show>
    </div>
  );
}

function PatientName(props: { place: Place }): JSX.Element {
  return (
    <Show when={props.place.patient} fallback={<span class="muted">A patient not on your caseload</span>}>
      {(p) => (
        <span>
          <Link href={`/patients/${encodeURIComponent(p().id)}`}>{p().name}</Link> · <span class="nhs-number muted">NHS {p().nhsNumberFormatted}</span>
        </span>
      )}
    </Show>
  );
}

const attendanceWords: Record<PainCafeAttendance, string> = { ATTENDED: 'Attended', DID_NOT_ATTEND: 'Did not attend' };

/** One place: the patient (if you may read them), and what you may do with it now. */
function PlaceRow(props: { place: Place; open: boolean; started: boolean; onChanged(notice: string): void }): JSX.Element {
  const [cancelState, cancel] = createMutation(CancelPainCafePlaceDocument);
  const [attendState, attend] = createMutation(RecordPainCafeAttendanceDocument);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const may = () => props.place.patient?.viewerCan.manageCafePlaces ?? false;
  const name = () => props.place.patient?.name ?? 'The patient';
  // Said as what it ends: an invitation, a place (which passes on), or a turn on the waiting list.
  const ending = () =>
    props.place.status === 'INVITED'
      ? { button: 'Cancel invitation', ask: 'Cancel the invitation?' }
      : props.place.status === 'WAITLISTED'
        ? { button: 'Take off the waiting list', ask: 'Take them off the waiting list?' }
        : { button: 'Cancel place', ask: 'Give up the place? The next on the waiting list takes it.' };
  const doCancel = async () => {
    const r = await cancel({ registrationId: props.place.id, reason: null });
    if (r.error) return setProblem(describeError(r.error));
    props.onChanged(props.place.status === 'REGISTERED' ? `${name()}'s place is cancelled; the first on the waiting list, if any, has it now.` : `${name()} is off the list.`);
  };
  const record = async (attendance: PainCafeAttendance) => {
    const r = await attend({ input: { registrationId: props.place.id, attendance } });
    if (r.error) return setProblem(describeError(r.error));
    props.onChanged(`${name()}: ${attendanceWords[attendance].toLowerCase()}, on their timeline.`);
  };
  return (
    <li class="place">
      <div class="place__who">
        <Show when={props.place.waitlistPosition}>
          <span class="place__position" aria-label={`Number ${props.place.waitlistPosition} on the waiting list`}>
            {props.place.waitlistPosition}
          </span>
        </Show>
        <span class="place__name">
          <PatientName place={props.place} />
          <Show when={props.place.offeredPlaceAt}>
            <Badge tone="info">From the waiting list</Badge>
          </Show>
          <Show when={props.place.attendance}>
            <Badge tone={props.place.attendance === 'ATTENDED' ? 'success' : 'lead'}>{attendanceWords[props.place.attendance!]}</Badge>
          </Show>
        </span>
      </div>
      <Show when={may()}>
        <div class="place__actions">
          <Show when={props.open}>
            {/* A freed place passes at once to the next in line: the coach confirms first (hazard CAFE-H3). */}
            <Show
              when={confirming()}
              fallback={
                <Button variant="quiet" onClick={() => setConfirming(true)} aria-label={`${ending().button}: ${name()}`}>
                  {ending().button}
                </Button>
              }
            >
              <span class="place__confirm" role="group" aria-label={`Confirm for ${name()}: ${ending().button.toLowerCase()}`}>
                <span>{ending().ask}</span>
                <Button busy={cancelState.fetching} onClick={() => void doCancel()}>
                  {props.place.status === 'WAITLISTED' ? 'Yes, take them off' : 'Yes, cancel'}
                </Button>
                <Button variant="secondary" onClick={() => setConfirming(false)}>
                  Keep
                </Button>
              </span>
            </Show>
          </Show>
          <Show when={props.started}>
            <div class="place__attendance" role="group" aria-label={`Attendance of ${name()}`}>
              <Button variant={props.place.attendance === 'ATTENDED' ? 'primary' : 'secondary'} busy={attendState.fetching} aria-pressed={props.place.attendance === 'ATTENDED'} onClick={() => void record('ATTENDED')}>
                Attended
              </Button>
              <Button variant={props.place.attendance === 'DID_NOT_ATTEND' ? 'primary' : 'secondary'} busy={attendState.fetching} aria-pressed={props.place.attendance === 'DID_NOT_ATTEND'} onClick={() => void record('DID_NOT_ATTEND')}>
                Did not attend
              </Button>
            </div>
          </Show>
        </div>
      </Show>
      <Show when={problem()}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
    </li>
  );
}

function CancelCafe(props: { cafeId: string; onCancelled(): void }): JSX.Element {
  const [asking, setAsking] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, cancel] = createMutation(CancelPainCafeDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await cancel({ cafeId: props.cafeId, reason: reason() });
    if (r.error) return setProblem(describeError(r.error));
    setAsking(false);
    props.onCancelled();
  };
  return (
    <section class="cafe-section" aria-labelledby="cancel-cafe-heading">
      <h2 id="cancel-cafe-heading" class="visually-hidden">
        Cancel the café
      </h2>
      <Show when={asking()} fallback={<Button variant="secondary" onClick={() => setAsking(true)}>Cancel this café…</Button>}>
        <form class="card cafe-form" onSubmit={(e) => void submit(e)}>
          <TextField label="Why is it cancelled?" hint="The patients' coaches are told, with this reason." value={reason()} onInput={setReason} error={problem()?.message} required />
          <div class="cafe-form__buttons">
            <Button type="submit" busy={state.fetching}>
              Cancel the café
            </Button>
            <Button variant="secondary" onClick={() => setAsking(false)}>
              Keep it
            </Button>
          </div>
        </form>
      </Show>
    </section>
  );
}
