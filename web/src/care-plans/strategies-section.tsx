import { StrategySuggestionsDocument, type StrategyCategory } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, createSignal, createUniqueId, For, on, Show, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { activationLevelLabels } from '../patients/activation-level.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { randomId } from './base64.js';
import { BoundText } from './bound-text.js';
import { live, PlanSection, usePlan } from './plan-context.js';
import { categories, categoryLabels, newStrategy, readStrategy, strategiesOf } from './plan-doc.js';
import { shortText } from './plan-sections.js';

export function StrategiesSection(): JSX.Element {
  const { sync, me } = usePlan();
  const strategies = strategiesOf(sync.doc);
  // Rows are keyed by their Y.Map, so a row (and the box being typed in) survives every change.
  const all = live(() => strategies.toArray());
  const inCategory = (c: StrategyCategory) => all().filter((map) => readStrategy(map).category === c);
  const [category, setCategory] = createSignal<StrategyCategory>('ACTIVITY_PACING');
  const [what, setWhat] = createSignal('');
  const [howOften, setHowOften] = createSignal('');
  const [picking, setPicking] = createSignal(false);
  const add = (e: Event) => {
    e.preventDefault();
    if (!what().trim()) return;
    strategies.push([newStrategy(randomId(), { category: category(), what: what().trim(), howOften: howOften().trim(), suggestedBy: me.name })]);
    setWhat('');
    setHowOften('');
  };
  return (
    <PlanSection
      section="STRATEGIES"
      actions={
        <Button variant="secondary" class="plan-section__action" aria-expanded={picking()} aria-controls="strategy-suggestions" onClick={() => setPicking(!picking())}>
          {picking() ? 'Hide suggestions' : 'Suggestions'}
        </Button>
      }
    >
      <Show when={picking()}>
        <SuggestionPicker existing={all().map((map) => readStrategy(map).what)} />
      </Show>
      <Show when={all().length === 0}>
        <p class="muted">No strategies yet. Add one below, or pick from the suggestions.</p>
      </Show>
      <For each={categories.filter((c) => inCategory(c).length > 0)}>
        {(c) => (
          <div class="strategy-group">
            <h4>{categoryLabels[c]}</h4>
            <ul class="strategy-list">
              <For each={inCategory(c)}>{(map) => <StrategyEditor map={map} />}</For>
            </ul>
          </div>
        )}
      </For>
      <form class="plan-add plan-add--strategy" onSubmit={add}>
        <div class="field">
          <label class="field__label" for="new-strategy-category">
            Category
          </label>
          <select id="new-strategy-category" class="field__input field__select" onChange={(e) => setCategory(e.currentTarget.value as StrategyCategory)}>
            <For each={categories}>{(c) => <option value={c} selected={c === category()}>{categoryLabels[c]}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="new-strategy-what">
            New strategy
          </label>
          <input id="new-strategy-what" class="field__input" maxLength={shortText} value={what()} onInput={(e) => setWhat(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label class="field__label" for="new-strategy-often">
            How often
          </label>
          <input id="new-strategy-often" class="field__input" maxLength={shortText} value={howOften()} onInput={(e) => setHowOften(e.currentTarget.value)} />
        </div>
        <Button type="submit" variant="secondary" disabled={!what().trim()}>
          Add strategy
        </Button>
      </form>
    </PlanSection>
  );
}

function StrategyEditor(props: { map: Y.Map<unknown> }): JSX.Element {
  const { sync } = usePlan();
  const map = props.map;
  const view = live(() => readStrategy(map));
  const what = live(() => map.get('what'));
  const howOften = live(() => map.get('howOften'));
  const id = createUniqueId();
  const remove = () => {
    const list = strategiesOf(sync.doc);
    const index = list.toArray().indexOf(map);
    if (index >= 0) list.delete(index, 1);
  };
  return (
    <li class="strategy">
      <div class="strategy__fields">
        <Show when={what() instanceof Y.Text} fallback={<p>{view().what}</p>}>
          <BoundText text={what() as Y.Text} label="What to do" maxLength={shortText} compact />
        </Show>
        <Show when={howOften() instanceof Y.Text} fallback={<p>{view().howOften}</p>}>
          <BoundText text={howOften() as Y.Text} label="How often" maxLength={shortText} compact />
        </Show>
        <div class="field">
          <label class="field__label" for={`${id}-category`}>
            Category
          </label>
          <select id={`${id}-category`} class="field__input field__select" onChange={(e) => map.set('category', e.currentTarget.value)}>
            <For each={categories}>{(c) => <option value={c} selected={c === view().category}>{categoryLabels[c]}</option>}</For>
          </select>
        </div>
      </div>
      <div class="strategy__foot">
        <span class="muted">{view().suggestedBy ? `Suggested by ${view().suggestedBy}` : ''}</span>
        <Button variant="quiet" onClick={remove} aria-label={`Remove strategy “${view().what}”`}>
          Remove
        </Button>
      </div>
    </li>
  );
}

/** The built-in library, filtered by the patient's activation level: lower levels get smaller, concrete steps. */
function SuggestionPicker(props: { existing: string[] }): JSX.Element {
  const { sync, me, activationLevel } = usePlan();
  const [level, setLevel] = createSignal(activationLevel() ?? 2);
  // When the care team records a new assessment, the suggestions follow it.
  createEffect(on(activationLevel, (assessed) => assessed && setLevel(assessed), { defer: true }));
  const [category, setCategory] = createSignal<StrategyCategory | ''>('');
  const [result] = createQuery({ query: StrategySuggestionsDocument, variables: () => ({ activationLevel: level(), category: category() || null }) });
  const insert = (s: { category: StrategyCategory; what: string; howOften: string }) =>
    strategiesOf(sync.doc).push([newStrategy(randomId(), { ...s, suggestedBy: `${me.name} (from the Cairn library)` })]);
  return (
    <div id="strategy-suggestions" class="suggestions" role="region" aria-label="Strategy suggestions">
      <div class="plan-grid plan-grid--narrow">
        <div class="field">
          <label class="field__label" for="suggest-level">
            Patient activation level
          </label>
          <select id="suggest-level" class="field__input field__select" aria-describedby="suggest-level-hint" onChange={(e) => setLevel(Number(e.currentTarget.value))}>
            <For each={[1, 2, 3, 4]}>{(l) => <option value={String(l)} selected={l === level()}>{activationLevelLabels[l]}</option>}</For>
          </select>
          <span id="suggest-level-hint" class="field__hint muted">
            {activationLevel() ? `The patient's assessed level is ${activationLevel()}.` : 'Not assessed yet: record it with the patient’s details above.'}
          </span>
        </div>
        <div class="field">
          <label class="field__label" for="suggest-category">
            Category
          </label>
          <select id="suggest-category" class="field__input field__select" onChange={(e) => setCategory(e.currentTarget.value as StrategyCategory | '')}>
            <option value="">All categories</option>
            <For each={categories}>{(c) => <option value={c}>{categoryLabels[c]}</option>}</For>
          </select>
        </div>
      </div>
      <Show when={result.error}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
        </Alert>
      </Show>
      <Show when={result.data} fallback={<Spinner label="Loading suggestions…" />}>
        <ul class="suggestions__list">
          <For each={result.data!.strategySuggestions}>
            {(s) => {
              const added = () => props.existing.includes(s.what);
              return (
                <li class="suggestion">
                  <div>
                    <span class="badge badge--neutral">{categoryLabels[s.category]}</span> <strong>{s.what}</strong>
                    <div class="muted">{s.howOften}</div>
                  </div>
                  <Button variant="secondary" disabled={added()} onClick={() => insert(s)} aria-label={added() ? `“${s.what}” is in the plan` : `Add “${s.what}” to the plan`}>
                    {added() ? 'In the plan' : 'Add to plan'}
                  </Button>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </div>
  );
}
