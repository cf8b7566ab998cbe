import { CoachCapacitiesDocument, SetCoachCapacityDocument, type CoachCapacitiesQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createEffect, createSignal, For, Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { describeError } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { dayTitle } from './session-words.js';
import './sessions.css';

type Row = CoachCapacitiesQuery['coachCapacities'][number];

/** Each coach's capacity against their active caseload and the sessions of this week and next; a service lead sees every coach of the PCN. */
export function CapacityPage(): JSX.Element {
  const session = useSession();
  const me = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user : undefined;
  };
  const [result, refetch] = createQuery({ query: CoachCapacitiesDocument, requestPolicy: 'cache-and-network' });
  const rows = () => result.data?.coachCapacities;
  createEffect(() => (document.title = 'Capacity – Cairn'));
  const mine = () => rows()?.find((r) => r.coach.id === me()?.id);

  return (
    <div class="capacity-page">
      <h1>Capacity</h1>
      <Show when={rows()?.[0]}>{(r) => <p class="muted">Week of {dayTitle(r().weekStart)}. Sessions booked or held count; cancellations do not. Active caseload: patients on the programme (status Active) whose care the coach leads.</p>}</Show>
      <Show when={result.error}>
        <Alert tone="error">{describeError(result.error!).message}</Alert>
      </Show>
      <Show when={rows()} fallback={<Show when={!result.error}><Spinner label="Loading capacity…" /></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">No coaches in this PCN yet.</p>}>
            <ul class="capacity-list">
              <For each={list()}>{(row) => <CapacityCard row={row} />}</For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={mine()}>{(row) => <SetCapacityForm row={row()} onSaved={() => refetch({ requestPolicy: 'network-only' })} />}</Show>
    </div>
  );
}

function CapacityCard(props: { row: Row }): JSX.Element {
  const r = () => props.row;
  return (
    <li class="card capacity-card">
      <h2 class="capacity-card__name">
        <Link href={`/diary?coach=${encodeURIComponent(r().coach.id)}`}>{r().coach.name}</Link>
      </h2>
      <Meter label="Active caseload" value={r().activeCaseload} of={r().caseloadSize} unit="patients" />
      <Meter label="Sessions this week" value={r().sessionsThisWeek} of={r().sessionsPerWeek} unit="sessions" />
      <Meter label="Sessions next week" value={r().sessionsNextWeek} of={r().sessionsPerWeek} unit="sessions" />
      <p class="capacity-card__cafes">
        Pain Cafés facilitated: {cafes(r().cafesThisWeek)} this week, {cafes(r().cafesNextWeek)} next
      </p>
    </li>
  );
}

const cafes = (n: number) => (n === 0 ? 'none' : String(n));

/** A figure against its capacity, as words and a bar; over capacity shows in the error colour, and says so. */
function Meter(props: { label: string; value: number; of: number | null; unit: string }): JSX.Element {
  const pct = () => (props.of ? Math.min(100, Math.round((props.value / props.of) * 100)) : 0);
  const over = () => props.of !== null && props.value > props.of;
  return (
    <div class="meter">
      <div class="meter__words">
        <span>{props.label}</span>
        <strong>
          {props.value}
          {props.of !== null ? ` of ${props.of}` : ''} {props.unit}
          {over() ? ' (over capacity)' : ''}
        </strong>
      </div>
      <Show when={props.of !== null} fallback={<p class="muted meter__unset">Capacity not set yet.</p>}>
        <div class="meter__track" aria-hidden="true">
          <div class={`meter__bar ${over() ? 'meter__bar--over' : ''}`} style={{ width: `${pct()}%` }} />
        </div>
      </Show>
    </div>
  );
}

function SetCapacityForm(props: { row: Row; onSaved(): void }): JSX.Element {
  const [sessions, setSessions] = createSignal(String(props.row.sessionsPerWeek ?? 20));
  const [caseload, setCaseload] = createSignal(String(props.row.caseloadSize ?? 30));
  const [problem, setProblem] = createSignal<{ field?: string; message: string } | null>(null);
  const [saved, setSaved] = createSignal(false);
  const [state, save] = createMutation(SetCoachCapacityDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await save({ input: { coachId: props.row.coach.id, sessionsPerWeek: Number(sessions()), caseloadSize: Number(caseload()) } });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    setSaved(true);
    props.onSaved();
  };
  const err = (f: string) => (problem()?.field === f ? problem()!.message : undefined);
  return (
    <form class="card session-form capacity-form" onSubmit={(e) => void submit(e)} aria-labelledby="my-capacity">
      <h2 id="my-capacity">My capacity</h2>
      <div class="session-form__grid">
        <TextField label="Sessions a week" type="number" min="0" max="80" value={sessions()} onInput={(v) => { setSaved(false); setSessions(v); }} error={err('sessionsPerWeek')} required />
        <TextField label="Caseload size (patients I can lead)" type="number" min="0" max="500" value={caseload()} onInput={(v) => { setSaved(false); setCaseload(v); }} error={err('caseloadSize')} required />
      </div>
      <Show when={problem() && !problem()!.field}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="session-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Save capacity
        </Button>
        <Show when={saved()}>
          <span role="status">Saved.</span>
        </Show>
      </div>
    </form>
  );
}
