import { BookSessionDocument, RebookSessionDocument, type SessionMode } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createEffect, createSignal, on, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { TextField } from '../ui/text-field.js';
import { instantOf, ukClockOf } from '../platform/dates.js';
import { modeLabels, slot, ukDateOf } from './session-words.js';

const lengths = [15, 30, 45, 60, 90].map((m) => ({ value: String(m), label: `${m} minutes` }));
const modes = (Object.keys(modeLabels) as SessionMode[]).map((m) => ({ value: m, label: modeLabels[m] }));

/**
 * Books a session, or (with `rebook`) moves one, keeping its previous time. The server checks everything
 * (a time to come, a sensible length, a coach who can see the patient, no clash) and says what is wrong.
 *
 * A move is sent with the time the form opened on (`seen`), so a colleague's move meanwhile is refused
 * rather than undone. `rebook` follows the session as the tab reads it: when its time changes under the
 * form, a start (date and time together) or length not yet edited takes the new value, an edited one keeps
 * what was typed, and the form says where the session now is before it is moved from there.
 */
export function BookSessionForm(props: {
  patientId: string;
  coaches: ReadonlyArray<{ id: string; name: string }>;
  suggestedDate: string | null;
  rebook?: { sessionId: string; startsAt: string; endsAt: string };
  onDone(): void;
  onCancel(): void;
  /** The session changed under the form: the tab reads it again, and `rebook` brings its new time. */
  onStale?(): void;
}): JSX.Element {
  const [seen, setSeen] = createSignal(props.rebook ? { startsAt: props.rebook.startsAt, endsAt: props.rebook.endsAt } : null);
  const seenFields = seen() ? slotFields(seen()!) : null;
  const [day, setDay] = createSignal(seenFields?.day ?? props.suggestedDate ?? ukDateOf(new Date(Date.now() + 86_400_000)));
  const [time, setTime] = createSignal(seenFields?.time ?? '10:00');
  const [length, setLength] = createSignal(seenFields?.length ?? '45');
  /** Where a colleague moved the session while this form was open, once the form knows. */
  const [movedMeanwhile, setMovedMeanwhile] = createSignal<string | null>(null);
  const [mode, setMode] = createSignal<SessionMode>('PHONE');
  const [location, setLocation] = createSignal('');
  const [coachId, setCoachId] = createSignal(props.coaches[0]?.id ?? '');
  const [purpose, setPurpose] = createSignal('');
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [booking, book] = createMutation(BookSessionDocument);
  const [moving, move] = createMutation(RebookSessionDocument);
  const fieldError = (...fields: string[]) => (problem() && fields.includes(problem()!.field ?? '') ? problem()!.message : undefined);
  const lengthOptions = () => (lengths.some((l) => l.value === length()) ? lengths : [...lengths, { value: length(), label: `${length()} minutes` }]);
  createEffect(
    on(
      () => (props.rebook ? `${props.rebook.startsAt}/${props.rebook.endsAt}` : null),
      () => {
        const was = seen();
        const now = props.rebook;
        if (!was || !now || (now.startsAt === was.startsAt && now.endsAt === was.endsAt)) return;
        const [before, after] = [slotFields(was), slotFields(now)];
        // The date and start are one choice (as the server judges them): taken in together, or kept together.
        if (day() === before.day && time() === before.time) {
          setDay(after.day);
          setTime(after.time);
        }
        if (length() === before.length) setLength(after.length);
        setSeen({ startsAt: now.startsAt, endsAt: now.endsAt });
        setMovedMeanwhile(slot(now.startsAt, now.endsAt));
        // The refusal that led here is answered by what the form now shows.
        if (problem()?.code === 'CONFLICT' && problem()?.field === 'seen') setProblem(null);
      },
      { defer: true },
    ),
  );

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const start = instantOf(day(), time());
    if (!start) return setProblem({ code: 'BAD_USER_INPUT', message: 'Please give the date and time the session starts.', field: 'startsAt' });
    const end = new Date(start.getTime() + Number(length()) * 60_000);
    const r = props.rebook
      ? await move({ input: { sessionId: props.rebook.sessionId, startsAt: start.toISOString(), endsAt: end.toISOString(), reason: reason(), seen: seen()! } })
      : await book({ input: { patientId: props.patientId, coachId: coachId(), startsAt: start.toISOString(), endsAt: end.toISOString(), mode: mode(), location: location() || null, purpose: purpose() } });
    if (r.error) {
      const problem = describeError(r.error);
      if (problem.code === 'CONFLICT' && problem.field === 'seen') props.onStale?.();
      return setProblem(problem);
    }
    setProblem(null);
    props.onDone();
  };

  return (
    <form class="card session-form" onSubmit={(e) => void submit(e)} aria-labelledby="book-heading">
      <h3 id="book-heading">{props.rebook ? 'Move this session' : 'Book a session'}</h3>
      <Show when={movedMeanwhile()}>
        {(now) => (
          <Alert tone="info">
            <p>
              Someone else moved this session while you had this form open: it is now <strong>{now()}</strong>. Check that time with the patient.
            </p>
            <p>Moving it will change it from there to the time below.</p>
          </Alert>
        )}
      </Show>
      <div class="session-form__grid">
        <TextField label="Date" type="date" value={day()} onInput={setDay} required error={fieldError('startsAt')} />
        <TextField label="Start time" type="time" value={time()} onInput={setTime} required />
        <Select label="Length" value={length()} options={lengthOptions()} onChange={setLength} />
        <Show when={!props.rebook}>
          <Select label="How" value={mode()} options={modes} onChange={(v) => setMode(v as SessionMode)} />
          <Select label="Coach" value={coachId()} options={props.coaches.map((c) => ({ value: c.id, label: c.name }))} onChange={setCoachId} />
        </Show>
      </div>
      <Show when={fieldError('endsAt', 'coachId')}>
        <p class="field__error">{fieldError('endsAt', 'coachId')}</p>
      </Show>
      <Show when={!props.rebook && mode() === 'IN_PERSON'}>
        <TextField label="Where" hint="The room and building the patient should come to." value={location()} onInput={setLocation} required error={fieldError('location')} />
      </Show>
      <Show
        when={!props.rebook}
        fallback={<TextField label="Why it is moving" value={reason()} onInput={setReason} required error={fieldError('reason')} />}
      >
        <TextArea label="Purpose" rows={2} value={purpose()} onInput={setPurpose} error={fieldError('purpose')} required />
      </Show>
      <Show when={problem() && !['startsAt', 'endsAt', 'coachId', 'location', 'purpose', 'reason'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="session-form__buttons">
        <Button type="submit" busy={booking.fetching || moving.fetching}>
          {props.rebook ? 'Move session' : 'Book session'}
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** A session's time as the form's fields hold it: its UK day and clock, and its length in minutes. */
function slotFields(s: { startsAt: string; endsAt: string }): { day: string; time: string; length: string } {
  const start = new Date(s.startsAt);
  return { day: ukDateOf(start), time: ukClockOf(start), length: String(Math.round((Date.parse(s.endsAt) - start.getTime()) / 60_000)) };
}
