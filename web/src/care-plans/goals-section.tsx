import type { GoalStatus } from '@cairn/schema/operations';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { dayOfField, formatIsoDate, LATEST_DAY } from '../platform/dates.js';
import { Button } from '../ui/button.js';
import { randomId } from './base64.js';
import { BoundText } from './bound-text.js';
import { live, PlanSection, usePlan } from './plan-context.js';
import { goalsOf, goalStatuses, goalStatusLabels, newGoal, readGoal, textOf, type CheckIn } from './plan-doc.js';
import { longText, shortText } from './plan-sections.js';
import { ProgressChart } from './progress-chart.js';

const today = () => new Date().toISOString().slice(0, 10);

export function GoalsSection(): JSX.Element {
  const { sync } = usePlan();
  const goals = goalsOf(sync.doc);
  const list = live(() => goals.toArray());
  const [what, setWhat] = createSignal('');
  const add = (e: Event) => {
    e.preventDefault();
    const text = what().trim();
    if (!text) return;
    goals.push([newGoal(randomId(), text)]);
    setWhat('');
  };
  return (
    <PlanSection section="GOALS">
      <Show when={list().length === 0}>
        <p class="muted">No goals yet. Add what the patient wants to be able to do.</p>
      </Show>
      <ol class="goal-list">
        <For each={list()}>{(goal, i) => <GoalEditor goal={goal} number={i() + 1} />}</For>
      </ol>
      <form class="plan-add" onSubmit={add}>
        <div class="field">
          <label class="field__label" for="new-goal">
            New goal
          </label>
          <input id="new-goal" class="field__input" maxLength={shortText} placeholder="What do you want to be able to do?" value={what()} onInput={(e) => setWhat(e.currentTarget.value)} />
        </div>
        <Button type="submit" variant="secondary" disabled={!what().trim()}>
          Add goal
        </Button>
      </form>
    </PlanSection>
  );
}

function GoalEditor(props: { goal: Y.Map<unknown>; number: number }): JSX.Element {
  const { sync } = usePlan();
  const goal = props.goal;
  const view = live(() => readGoal(goal));
  const id = createUniqueId();
  const remove = () => {
    const goals = goalsOf(sync.doc);
    const index = goals.toArray().indexOf(goal);
    if (index >= 0 && window.confirm(`Remove the goal “${view().what || 'untitled'}” from the plan? It stays in the plan's history.`)) goals.delete(index, 1);
  };
  return (
    <li class="goal">
      <div class="goal__head">
        <h4>Goal {props.number}</h4>
        <span class={`badge ${statusTone(view().status)}`}>{goalStatusLabels[view().status]}</span>
        <Button variant="quiet" class="goal__remove" onClick={remove} aria-label={`Remove goal ${props.number}`}>
          Remove
        </Button>
      </div>
      <div class="goal__fields">
        <GoalText goal={goal} field="what" label="What I want to do" maxLength={shortText} />
        <GoalText goal={goal} field="why" label="Why it matters to me" maxLength={longText} multiline />
        <GoalText goal={goal} field="measure" label="How we will know" maxLength={shortText} />
        <div class="plan-grid plan-grid--narrow">
          <div class="field">
            <label class="field__label" for={`${id}-date`}>
              Target date
            </label>
            <input
              id={`${id}-date`}
              class="field__input"
              type="date"
              max={LATEST_DAY}
              value={view().targetDate ?? ''}
              onChange={(e) => {
                const day = dayOfField(e.currentTarget.value);
                if (day === undefined) e.currentTarget.value = view().targetDate ?? '';
                else goal.set('targetDate', day);
              }}
            />
          </div>
          <div class="field">
            <label class="field__label" for={`${id}-status`}>
              Status
            </label>
            <select id={`${id}-status`} class="field__input field__select" onChange={(e) => goal.set('status', e.currentTarget.value as GoalStatus)}>
              <For each={goalStatuses}>
                {(s) => (
                  <option value={s} selected={view().status === s}>
                    {goalStatusLabels[s]}
                  </option>
                )}
              </For>
            </select>
          </div>
        </div>
      </div>
      <CheckIns goal={goal} checkIns={view().checkIns} what={view().what} />
    </li>
  );
}

/** A goal's text field: co-edited when it is a Y.Text, a plain value otherwise (written by a simpler client). */
function GoalText(props: { goal: Y.Map<unknown>; field: string; label: string; maxLength: number; multiline?: boolean }): JSX.Element {
  const value = live(() => props.goal.get(props.field));
  const id = createUniqueId();
  return (
    <Show
      when={value() instanceof Y.Text ? (value() as Y.Text) : null}
      fallback={
        <div class="field">
          <label class="field__label" for={id}>
            {props.label}
          </label>
          <textarea
            id={id}
            class={`field__input plan-text ${props.multiline ? '' : 'plan-text--compact'}`}
            rows={props.multiline ? 3 : 1}
            maxLength={props.maxLength}
            value={textOf(value())}
            onChange={(e) => props.goal.set(props.field, new Y.Text(e.currentTarget.value))}
          />
        </div>
      }
    >
      {/* A short field still grows onto more lines as it fills: a one-line box cut a goal off on a phone. */}
      {(text) => <BoundText text={text()} label={props.label} maxLength={props.maxLength} multiline={props.multiline} compact={!props.multiline} />}
    </Show>
  );
}

function CheckIns(props: { goal: Y.Map<unknown>; checkIns: CheckIn[]; what: string }): JSX.Element {
  const id = createUniqueId();
  const [date, setDate] = createSignal(today());
  const [rating, setRating] = createSignal('5');
  const [note, setNote] = createSignal('');
  const sorted = () => [...props.checkIns].sort((a, b) => b.date.localeCompare(a.date));
  const add = (e: Event) => {
    e.preventDefault();
    if (!date()) return;
    let list = props.goal.get('checkIns');
    if (!(list instanceof Y.Array)) {
      list = new Y.Array<CheckIn>();
      props.goal.set('checkIns', list);
    }
    (list as Y.Array<CheckIn>).push([{ date: date(), rating: Number(rating()), note: note().trim() }]);
    setNote('');
  };
  return (
    <div class="check-ins">
      <h5 class="check-ins__title">Progress check-ins</h5>
      <div class="check-ins__body">
        <ProgressChart checkIns={props.checkIns} goal={props.what} />
        <Show when={props.checkIns.length > 0} fallback={<p class="muted">No check-ins yet.</p>}>
          <ul class="check-ins__list">
            <For each={sorted()}>
              {(c) => (
                <li>
                  <span class="check-ins__date">{formatIsoDate(c.date)}</span> <strong>{c.rating}/10</strong>
                  {c.note ? <span class="muted"> – {c.note}</span> : null}
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
      <form class="check-ins__add" onSubmit={add} aria-label={`Add a check-in to “${props.what || 'this goal'}”`}>
        <div class="field">
          <label class="field__label" for={`${id}-date`}>
            Date
          </label>
          <input id={`${id}-date`} class="field__input" type="date" required max={today()} value={date()} onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label class="field__label" for={`${id}-rating`}>
            Rating (0–10)
          </label>
          <select id={`${id}-rating`} class="field__input field__select" value={rating()} onChange={(e) => setRating(e.currentTarget.value)}>
            <For each={[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}>{(r) => <option value={String(r)} selected={rating() === String(r)}>{r}</option>}</For>
          </select>
        </div>
        <div class="field check-ins__note">
          <label class="field__label" for={`${id}-note`}>
            Note
          </label>
          <input id={`${id}-note`} class="field__input" maxLength={shortText} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
        <Button type="submit" variant="secondary">
          Add check-in
        </Button>
      </form>
    </div>
  );
}

function statusTone(status: GoalStatus): string {
  switch (status) {
    case 'ACTIVE':
      return 'badge--info';
    case 'ACHIEVED':
      return 'badge--success';
    case 'PAUSED':
      return 'badge--warning';
    case 'DROPPED':
      return 'badge--muted';
  }
}
