import { CancelSessionDocument, RecordSessionDocument, SessionPlanItemsDocument, type CadenceFieldsFragment, type Instrument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createEffect, createSignal, createUniqueId, For, on, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { TextField } from '../ui/text-field.js';
import { measureLabels, slot } from './session-words.js';

type Outcome = 'ATTENDED' | 'DNA' | 'CANCELLED';
const outcomes: ReadonlyArray<{ value: Outcome; label: string }> = [
  { value: 'ATTENDED', label: 'Attended' },
  { value: 'DNA', label: 'Did not attend' },
  { value: 'CANCELLED', label: 'Cancelled' },
];
const ratings = Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: `${i} / 10` }));

/**
 * What happened at a session: attended (notes, goals reviewed with a check-in rating that goes on the care
 * plan, strategies practised, next steps, measures taken, a flare-up), did not attend, or cancelled.
 *
 * It says which time it records or cancels, and is sent with that time (`seen`), as the Move form is: a
 * session a colleague moved meanwhile is refused rather than recorded or cancelled at its new time.
 * `session` follows the session as the tab reads it; when its time changes, the form says so and acts at
 * the new time only when sent again.
 */
export function RecordSessionForm(props: {
  patientId: string;
  session: { sessionId: string; startsAt: string; endsAt: string };
  /** Only to cancel it: for whoever may book and move sessions but not record them, and the quick way for all. */
  cancelOnly?: boolean;
  onRecorded(cadence: CadenceFieldsFragment | null, dnaAlert: boolean): void;
  onCancel(): void;
  /** The session changed under the form: the tab reads it again, and `session` brings its new time. */
  onStale?(): void;
}): JSX.Element {
  const [plan] = createQuery({ query: SessionPlanItemsDocument, variables: () => ({ patientId: props.patientId }), requestPolicy: 'network-only', pause: () => props.cancelOnly === true });
  const [outcome, setOutcome] = createSignal<Outcome>(props.cancelOnly ? 'CANCELLED' : 'ATTENDED');
  const [discussed, setDiscussed] = createSignal('');
  const [nextSteps, setNextSteps] = createSignal('');
  const [reviewed, setReviewed] = createSignal<Record<string, string>>({});
  const [notes, setNotes] = createSignal<Record<string, string>>({});
  const [strategies, setStrategies] = createSignal<string[]>([]);
  const [measures, setMeasures] = createSignal<string[]>([]);
  const [flareUp, setFlareUp] = createSignal(false);
  const [cancelledBy, setCancelledBy] = createSignal<'PATIENT' | 'CLINIC'>('PATIENT');
  const [reason, setReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [seen, setSeen] = createSignal({ startsAt: props.session.startsAt, endsAt: props.session.endsAt });
  /**
   * Where a colleague moved the session while this form was open, once the form knows. The form goes on
   * recording the time it showed (and is refused) until its user takes the new time themselves: the patient
   * may have kept the old one, and a DNA recorded at a time they were never asked to come would count against them.
   */
  const [movedTo, setMovedTo] = createSignal<{ startsAt: string; endsAt: string } | null>(null);
  let takeNewTime: HTMLButtonElement | undefined;
  createEffect(
    on(
      () => `${props.session.startsAt}/${props.session.endsAt}`,
      () => {
        const now = props.session;
        setMovedTo(now.startsAt === seen().startsAt && now.endsAt === seen().endsAt ? null : { startsAt: now.startsAt, endsAt: now.endsAt });
      },
      { defer: true },
    ),
  );
  let bookedFor: HTMLParagraphElement | undefined;
  const useNewTime = (to: { startsAt: string; endsAt: string }) => {
    setSeen(to);
    setMovedTo(null);
    // The button pressed goes with the notice: the keyboard goes to the time the form now records.
    queueMicrotask(() => bookedFor?.focus());
    // The refusal that led here is answered by the time the form now shows.
    if (problem()?.code === 'CONFLICT' && problem()?.field === 'seen') setProblem(null);
  };
  const [recording, record] = createMutation(RecordSessionDocument);
  const [cancelling, cancel] = createMutation(CancelSessionDocument);
  const outcomeName = createUniqueId();
  const goals = () => (plan.data?.carePlan.view.goals ?? []).filter((g) => g.status !== 'DROPPED');
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);

  /** The keyboard goes to the new time's button when a refusal is what showed it, not while someone is typing. */
  const shownAfterRefusal = (el: HTMLButtonElement) => {
    takeNewTime = el;
    if (problem()?.code === 'CONFLICT' && problem()?.field === 'seen') queueMicrotask(() => el.focus());
  };
  /** A refusal because the session moved under the form: the tab reads it again, and the form shows where it is now. */
  const refused = (problem: Problem) => {
    if (problem.code === 'CONFLICT' && problem.field === 'seen') {
      props.onStale?.();
      queueMicrotask(() => takeNewTime?.focus());
    }
    setProblem(problem);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (outcome() === 'CANCELLED') {
      const r = await cancel({ input: { sessionId: props.session.sessionId, seen: seen(), cancelledBy: cancelledBy(), reason: reason() } });
      if (r.error) return refused(describeError(r.error));
      return props.onRecorded(null, false);
    }
    const attended = outcome() === 'ATTENDED';
    const r = await record({
      input: {
        sessionId: props.session.sessionId,
        seen: seen(),
        outcome: outcome() as 'ATTENDED' | 'DNA',
        discussed: discussed(),
        nextSteps: nextSteps(),
        goalReviews: attended ? Object.entries(reviewed()).map(([goalId, rating]) => ({ goalId, rating: Number(rating), note: notes()[goalId] ?? '' })) : [],
        strategyIds: attended ? strategies() : [],
        measuresTaken: attended ? (measures() as Instrument[]) : [],
        flareUp: attended && flareUp(),
      },
    });
    if (r.error || !r.data) return refused(r.error ? describeError(r.error) : { code: null, message: 'The session was not recorded. Please try again.' });
    setProblem(null);
    props.onRecorded(r.data.recordSession.cadence, r.data.recordSession.dnaAlert);
  };

  return (
    <form class="card session-form" onSubmit={(e) => void submit(e)} aria-labelledby="record-heading">
      <h3 id="record-heading">{props.cancelOnly ? 'Cancel this session' : 'Record what happened'}</h3>
      <p class="muted" tabIndex={-1} ref={bookedFor}>
        The session booked for <strong>{slot(seen().startsAt, seen().endsAt)}</strong>.
      </p>
      <Show when={movedTo()}>
        {(to) => (
          <Alert tone="info">
            <p>
              Someone else moved this session while you had this form open: it is now <strong>{slot(to().startsAt, to().endsAt)}</strong>. Check with the patient which time they kept.
            </p>
            <p>
              <Button variant="secondary" ref={(el: HTMLButtonElement) => shownAfterRefusal(el)} onClick={() => useNewTime(to())}>
                {outcome() === 'CANCELLED' ? 'Cancel it at the new time' : 'Record it at the new time'}
              </Button>
            </p>
          </Alert>
        )}
      </Show>
      <Show when={!props.cancelOnly}>
        <fieldset class="session-form__choices">
          <legend class="field__label">Outcome</legend>
          <For each={outcomes}>
            {(o) => (
              <label class="choice">
                <input type="radio" name={outcomeName} value={o.value} checked={outcome() === o.value} onChange={() => setOutcome(o.value)} /> {o.label}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <Show
        when={outcome() !== 'CANCELLED'}
        fallback={
          <div class="session-form__grid">
            <Select label="Cancelled by" value={cancelledBy()} options={[{ value: 'PATIENT', label: 'The patient' }, { value: 'CLINIC', label: 'The clinic' }]} onChange={(v) => setCancelledBy(v as 'PATIENT' | 'CLINIC')} />
            <TextField label="Reason" value={reason()} onInput={setReason} required error={fieldError('reason')} />
          </div>
        }
      >
        <TextArea
          label={outcome() === 'ATTENDED' ? 'What was discussed' : 'Note (optional): attempts to contact the patient'}
          rows={3}
          value={discussed()}
          onInput={setDiscussed}
          error={fieldError('discussed')}
          required={outcome() === 'ATTENDED'}
        />
        <Show when={outcome() === 'ATTENDED'}>
          <fieldset class="session-form__goals">
            <legend class="field__label">Goals reviewed: the rating is recorded as a check-in on the care plan goal</legend>
            <Show when={goals().length > 0} fallback={<p class="muted">The care plan has no goals yet.</p>}>
              <For each={goals()}>
                {(g) => {
                  const checked = () => reviewed()[g.id] !== undefined;
                  const last = () => [...g.checkIns].sort((a, b) => b.date.localeCompare(a.date))[0];
                  return (
                    <div class="goal-review">
                      <label class="choice">
                        <input
                          type="checkbox"
                          checked={checked()}
                          onChange={() => {
                            const next = { ...reviewed() };
                            if (checked()) delete next[g.id];
                            else next[g.id] = String(last()?.rating ?? 5);
                            setReviewed(next);
                          }}
                        />{' '}
                        {g.what || 'Untitled goal'}
                        <Show when={last()}>{(l) => <span class="muted"> (last {l().rating}/10)</span>}</Show>
                      </label>
                      <Show when={checked()}>
                        <div class="goal-review__rating">
                          <Select label={`Rating for “${g.what || 'this goal'}”`} value={reviewed()[g.id]!} options={ratings} onChange={(v) => setReviewed({ ...reviewed(), [g.id]: v })} />
                          <TextField label="Check-in note" value={notes()[g.id] ?? ''} onInput={(v) => setNotes({ ...notes(), [g.id]: v })} />
                        </div>
                      </Show>
                    </div>
                  );
                }}
              </For>
            </Show>
            <Show when={fieldError('goalReviews')}>
              <p class="field__error">{fieldError('goalReviews')}</p>
            </Show>
          </fieldset>
          <Show when={(plan.data?.carePlan.view.strategies.length ?? 0) > 0}>
            <fieldset class="session-form__choices session-form__choices--list">
              <legend class="field__label">Strategies practised</legend>
              <For each={plan.data!.carePlan.view.strategies}>
                {(s) => (
                  <label class="choice">
                    <input type="checkbox" checked={strategies().includes(s.id)} onChange={() => setStrategies(toggle(strategies(), s.id))} /> {s.what || 'Untitled strategy'}
                  </label>
                )}
              </For>
            </fieldset>
          </Show>
          <TextArea label="Agreed next steps" rows={2} value={nextSteps()} onInput={setNextSteps} />
          <fieldset class="session-form__choices">
            <legend class="field__label">Outcome measures taken (record the scores on the Measures tab)</legend>
            <For each={measureLabels}>
              {(m) => (
                <label class="choice">
                  <input type="checkbox" checked={measures().includes(m.value)} onChange={() => setMeasures(toggle(measures(), m.value))} /> {m.label}
                </label>
              )}
            </For>
          </fieldset>
          <label class="choice">
            <input type="checkbox" checked={flareUp()} onChange={() => setFlareUp(!flareUp())} /> The patient reports a flare-up since the last session
          </label>
        </Show>
      </Show>
      <Show when={problem() && !['discussed', 'goalReviews', 'reason'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="session-form__buttons">
        <Button type="submit" busy={recording.fetching || cancelling.fetching}>
          {outcome() === 'CANCELLED' ? 'Record cancellation' : 'Record session'}
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Back
        </Button>
      </div>
    </form>
  );
}
