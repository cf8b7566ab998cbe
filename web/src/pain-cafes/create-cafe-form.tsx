import { CreatePainCafeDocument, PainCafeFacilitatorOptionsDocument, UpdatePainCafeDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { listInWords } from '@cairn/schema/words';
import { createEffect, createSignal, createUniqueId, For, on, Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { instantOf, ukClockOf, ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { TextArea } from '../ui/text-area.js';
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


/** The café as the form last took it in: a change is made against this, so a colleague's change meanwhile is kept. */
function seenOf(cafe: CafeToEdit) {
  const { title, startsAt, endsAt, capacity } = cafe;
  return { title, description: cafe.description ?? null, startsAt, endsAt, venue: cafe.venue ?? null, onlineLink: cafe.onlineLink ?? null, capacity, facilitatorIds: cafe.facilitators.map((f) => f.id) };
}
type Seen = ReturnType<typeof seenOf>;

/**
 * Arranges a café (or, given `editing`, changes one): what, when, where (a venue or an online link), how many
 * places, and who runs it. A change is sent with the café as the form took it in (`seen`); when a colleague
 * has changed the same thing meanwhile the server refuses it, and `onStale` reads the café again. `editing`
 * follows the café as the page reads it: when it changes under the form, what the form's user has not
 * edited takes the new value, their edits stay (facilitators they added or took off stay added or off),
 * and the form names what changed before it is saved over.
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
  const [seen, setSeen] = createSignal<Seen | null>(editing ? seenOf(editing) : null);
  /** What someone else changed while this form was open, in words. */
  const [changedMeanwhile, setChangedMeanwhile] = createSignal<string[]>([]);
  const [createState, create] = createMutation(CreatePainCafeDocument);
  const [updateState, update] = createMutation(UpdatePainCafeDocument);
  const ids = { facilitators: createUniqueId(), where: createUniqueId() };
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const at = (time: string) => instantOf(day(), time);
  createEffect(
    on(
      () => (props.editing ? JSON.stringify(seenOf(props.editing)) : null),
      () => {
        const was = seen();
        if (!was || !props.editing) return;
        const changed = takeInChanges(was, seenOf(props.editing));
        if (changed.length === 0) return;
        setSeen(seenOf(props.editing));
        setChangedMeanwhile([...new Set([...changedMeanwhile(), ...changed])]);
        // The refusal that led here is answered by what the form now shows.
        if (problem()?.field === 'seen') setProblem(null);
      },
      { defer: true },
    ),
  );

  /** Brings `now` into the form where its user has not edited what changed since `was`; says what changed. */
  function takeInChanges(was: Seen, now: Seen): string[] {
    const changed: string[] = [];
    if (now.title !== was.title) {
      changed.push('title');
      if (title() === was.title) setTitle(now.title);
    }
    if (now.description !== was.description) {
      changed.push('description');
      if ((description() || null) === was.description) setDescription(now.description ?? '');
    }
    if (now.startsAt !== was.startsAt || now.endsAt !== was.endsAt) {
      changed.push('time');
      const [before, after] = [new Date(was.startsAt), new Date(now.startsAt)];
      if (day() === ukToday(before) && from() === ukClockOf(before) && to() === ukClockOf(new Date(was.endsAt))) {
        setDay(ukToday(after));
        setFrom(ukClockOf(after));
        setTo(ukClockOf(new Date(now.endsAt)));
      }
    }
    if (now.venue !== was.venue || now.onlineLink !== was.onlineLink) {
      changed.push('place');
      const asSeen = was.onlineLink ? mode() === 'online' && link() === was.onlineLink : mode() === 'venue' && venue() === (was.venue ?? '');
      if (asSeen) {
        setMode(now.onlineLink ? 'online' : 'venue');
        setVenue(now.venue ?? '');
        setLink(now.onlineLink ?? '');
      }
    }
    if (now.capacity !== was.capacity) {
      changed.push('number of places');
      if (capacity() === String(was.capacity)) setCapacity(String(now.capacity));
    }
    if ([...now.facilitatorIds].sort().join() !== [...was.facilitatorIds].sort().join()) {
      changed.push('facilitators');
      const added = chosen().filter((id) => !was.facilitatorIds.includes(id));
      const removed = new Set(was.facilitatorIds.filter((id) => !chosen().includes(id)));
      setChosen([...new Set([...now.facilitatorIds, ...added])].filter((id) => !removed.has(id)));
    }
    return changed;
  }

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
    const r = editing ? await update({ input: { ...input, cafeId: editing.id, seen: seen()! } }) : await create({ input });
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
      <TextArea label="What it is about (optional)" rows={2} value={description()} onInput={setDescription} error={fieldError('description')} />
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
      <Show when={changedMeanwhile().length > 0}>
        <Alert tone="info">
          <p>Someone else changed the café's {listInWords(changedMeanwhile())} while you had this form open. The form now shows their change, except where you had changed the same thing yourself: what you entered is kept, and saving puts it in place of theirs.</p>
        </Alert>
      </Show>
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
