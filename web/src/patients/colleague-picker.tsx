import { ColleagueSearchDocument, type ColleagueSearchQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { describeError } from '../platform/errors.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';

export type Colleague = ColleagueSearchQuery['colleagues'][number];

/**
 * Finds a colleague (an active clinician of my PCN, or of a specialist pain service) by name or email and
 * hands the one chosen back. `note` marks people in the list, e.g. "on the care team".
 */
export function ColleaguePicker(props: {
  label: string;
  hint?: string;
  chooseLabel?: string;
  note?: (c: Colleague) => string | undefined;
  disabled?: (c: Colleague) => boolean;
  error?: string | undefined;
  autofocus?: boolean;
  onChoose(c: Colleague): void;
}): JSX.Element {
  const [term, setTerm] = createSignal('');
  const [searched, setSearched] = createSignal('');
  const [found] = createQuery({ query: ColleagueSearchDocument, variables: () => ({ search: searched() }), pause: () => searched().length < 2 });
  const listId = createUniqueId();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const type = (v: string) => {
    setTerm(v);
    clearTimeout(timer);
    // Looked up as they type, a moment after they pause.
    timer = setTimeout(() => setSearched(v.trim()), 250);
  };
  return (
    <div class="colleague-picker">
      <TextField
        label={props.label}
        hint={props.hint ?? 'Type at least two letters of their name or email.'}
        value={term()}
        onInput={type}
        error={props.error}
        autocomplete="off"
        ref={(el: HTMLInputElement) => {
          if (props.autofocus) queueMicrotask(() => el.focus());
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            clearTimeout(timer);
            setSearched(term().trim());
          }
        }}
      />
      <Show when={searched().length >= 2}>
        <Show when={!found.error} fallback={<p class="field__error">{describeError(found.error!).message}</p>}>
          <Show when={found.data && !found.fetching} fallback={<p class="muted" aria-live="polite">Searching…</p>}>
            <ul class="colleague-picker__results" id={listId} aria-label={`Colleagues matching “${searched()}”`}>
              <For each={found.data!.colleagues} fallback={<li class="muted">No colleague matches “{searched()}”.</li>}>
                {(c) => (
                  <li class="colleague-picker__result">
                    <span class="colleague-picker__who">
                      <strong>{c.name}</strong>
                      <span class="muted">
                        {' '}
                        {roleLabel(c.role)}, {c.organisation.name}
                      </span>
                      <Show when={props.note?.(c)}>{(n) => <span class="colleague-picker__note">{n()}</span>}</Show>
                    </span>
                    <Button variant="secondary" disabled={props.disabled?.(c)} onClick={() => props.onChoose(c)}>
                      {props.chooseLabel ?? 'Choose'}
                      <span class="visually-hidden"> {c.name}</span>
                    </Button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </Show>
    </div>
  );
}
