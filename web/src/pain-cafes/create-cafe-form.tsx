import { CreatePainCafeDocument, PainCafeFacilitatorOptionsDocument, UpdatePainCafeDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { instantOf, ukClockOf, ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';

const fieldsShown = ['title', 'description', 'startsAt', 'endsAt', 'venue', 'onlineLink', 'capacity', 'facilitatorIds'];

/** A week from today (YYYY-MM-DD, the UK's calendar): the usual notice for a café. */
function nextWeek(): string {
  return ukToday(new Date(Date.now() + 7 * 86_400_000));
}

/** A café being changed, as the form starts from it. */
export interface CafeToEdit {
  id: string;
  title: string;
  description?: string | null;
  startsAt: string;
  endsAt: string;
  venue?: string | null;
  onlineLink?: string | null;
  capacity: number;
  facilitators: ReadonlyArray<{ id: string }>;
}


/** The café as the form opened on it: a change is made against this, so a colleague's change meanwhile is kept. */
function seenOf(cafe: CafeToEdit) {
  const { title, startsAt, endsAt, capacity } = cafe;
  return { title, description: cafe.description ?? null, startsAt, endsAt, venue: cafe.venue ?? null, onlineLink: cafe.onlineLink ?? null, capacity, facilitatorIds: cafe.facilitators.map((f) => f.id) };
}

/**
 * Arranges a café (or, given `editing`, changes one): what, when, where (a venue or an online link), how many
 * places, and who runs it. A change is sent with the café as the form opened on it; when a colleague has
 * changed the same thing meanwhile the server refuses it, and `onStale` shows the café as it is now.
 */
export function CreateCafeForm(props: { editing?: CafeToEdit; onCreated(id: string): void; onCancel(): void; onStale?(): void }): JSX.Element {
  const start = props.editing ? new Date(props.editing.startsAt) : null;
  const end = props.editing ? new Date(props.editing.endsAt) : null;
  const session = useSession();
  const me = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user : undefined;
  };
  const [options] = createQuery({ query: PainCafeFacilitatorOptionsDocument });
  const editing = props.editing;
  const [title, setTitle] = createSignal(editing?.title ?? '');
  const [description, setDescription] = createSignal(editing?.description ?? '');
  const [day, setDay] = createSignal(start ? ukToday(start) : nextWeek());
  const [from, setFrom] = createSignal(start ? ukClockOf(start) : '14:00');
  const [to, setTo] = createSignal(end ? ukClockOf(end) : '15:30');
  const [mode, setMode] = createSignal<'venue' | 'online'>(editing?.onlineLink ? 'online' : 'venue');
  const [venue, setVenue] = createSignal(editing?.venue ?? '');
  const [link, setLink] = createSignal(editing?.onlineLink ?? '');
  const [capacity, setCapacity] = createSignal(String(editing?.capacity ?? 12));
  const [chosen, setChosen] = createSignal<string[]>(editing ? editing.facilitators.map((f) => f.id) : me()?.role === 'COACH' ? [me()!.id] : []);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [createState, create] = createMutation(CreatePainCafeDocument);
  const [updateState, update] = createMutation(UpdatePainCafeDocument);
  const ids = { description: createUniqueId(), facilitators: createUniqueId(), where: createUniqueId() };
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const at = (time: string) => instantOf(day(), time);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const starts = at(from());
    const ends = at(to());
    if (!starts || !ends) return setProblem({ code: null, field: 'startsAt', message: 'Please give the date and both times.' });
    const input = {
      title: title(),
      description: description() || null,
      startsAt: starts.toISOString(),
      endsAt: ends.toISOString(),
      venue: mode() === 'venue' ? venue() : null,
      onlineLink: mode() === 'online' ? link() : null,
      capacity: Number.parseInt(capacity(), 10) || 0,
      facilitatorIds: chosen(),
    };
    const r = editing ? await update({ input: { ...input, cafeId: editing.id, seen: seenOf(editing) } }) : await create({ input });
    const id = r.data ? ('updatePainCafe' in r.data ? r.data.updatePainCafe.id : r.data.createPainCafe.id) : null;
    if (r.error && describeError(r.error).field === 'seen') props.onStale?.();
    if (r.error || !id) return setProblem(r.error ? describeError(r.error) : { code: null, message: 'The café was not saved. Please try again.' });
    setProblem(null);
    props.onCreated(id);
  };

  return (
    <form class="card cafe-form" onSubmit={(e) => void submit(e)} aria-labelledby="cafe-form-heading">
      <h2 id="cafe-form-heading">{editing ? 'Change the café' : 'Arrange a Pain Café'}</h2>
      <TextField label="Title" value={title()} onInput={setTitle} error={fieldError('title')} required maxLength={120} />
      <div class="field">
        <label class="field__label" for={ids.description}>
          What it is about (optional)
        </label>
        <textarea class="field__input field__textarea" id={ids.description} rows={2} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />
      </div>
      <div class="cafe-form__grid">
        <TextField label="Date" type="date" value={day()} onInput={setDay} error={fieldError('startsAt')} required />
        <TextField label="Starts" type="time" value={from()} onInput={setFrom} required />
        <TextField label="Ends" type="time" value={to()} onInput={setTo} error={fieldError('endsAt')} required />
        <TextField label="Places" type="number" inputMode="numeric" value={capacity()} onInput={setCapacity} error={fieldError('capacity')} required />
      </div>
      <fieldset class="cafe-form__where">
        <legend class="field__label">Where it meets</legend>
        <label class="cafe-form__choice">
          <input type="radio" name={ids.where} checked={mode() === 'venue'} onChange={() => setMode('venue')} /> At a venue
        </label>
        <label class="cafe-form__choice">
          <input type="radio" name={ids.where} checked={mode() === 'online'} onChange={() => setMode('online')} /> Online
        </label>
        <Show
          when={mode() === 'venue'}
          fallback={<TextField label="Link to join" hint="A secure link, starting https://" type="url" value={link()} onInput={setLink} error={fieldError('onlineLink') ?? fieldError('venue')} required />}
        >
          <TextField label="Venue" hint="Name and address, as patients will read it" value={venue()} onInput={setVenue} error={fieldError('venue')} required />
        </Show>
      </fieldset>
      <fieldset class="cafe-form__facilitators" aria-describedby={fieldError('facilitatorIds') ? ids.facilitators : undefined}>
        <legend class="field__label">Facilitators</legend>
        <For each={options.data?.painCafeFacilitatorOptions ?? []} fallback={<p class="muted">Loading the PCN's coaches…</p>}>
          {(u) => (
            <label class="cafe-form__choice">
              <input
                type="checkbox"
                checked={chosen().includes(u.id)}
                onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen(), u.id] : chosen().filter((id) => id !== u.id))}
              />{' '}
              {u.name}
            </label>
          )}
        </For>
        <Show when={fieldError('facilitatorIds')}>
          <p class="field__error" id={ids.facilitators}>
            {fieldError('facilitatorIds')}
          </p>
        </Show>
      </fieldset>
      <Show when={problem() && !fieldsShown.includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="cafe-form__buttons">
        <Button type="submit" busy={createState.fetching || updateState.fetching}>
          {editing ? 'Save changes' : 'Arrange café'}
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
