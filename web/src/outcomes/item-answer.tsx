import { createUniqueId, For, Index, Show, type JSX } from 'solid-js';

/** What the answer input needs of an item (the server's definition of it). */
export interface ItemForAnswer {
  number: number;
  text: string;
  min: number;
  max: number;
  decimals: number;
  minLabel: string;
  maxLabel: string;
  options?: string[] | null;
}

/**
 * One questionnaire item: its wording as the legend, then one radio per point of the scale (the ends
 * named), or named options (PGIC), or a number field for a score with decimals (PAM). Shared by the
 * clinician's form and the patient's link page; `large` gives the patient's page bigger targets.
 */
export function ItemAnswer(props: { item: ItemForAnswer; value: number | null; onChange(value: number | null): void; error?: string | undefined; large?: boolean }): JSX.Element {
  const id = createUniqueId();
  const points = () => Array.from({ length: props.item.max - props.item.min + 1 }, (_, i) => props.item.min + i);
  return (
    <fieldset class={`item-answer ${props.large ? 'item-answer--large' : ''} ${props.error ? 'item-answer--invalid' : ''}`} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend class="item-answer__text">
        <span class="item-answer__number">{props.item.number}.</span> {props.item.text}
      </legend>
      <Show
        when={props.item.decimals === 0}
        fallback={
          <input
            class="field__input item-answer__number-input"
            type="number"
            inputmode="decimal"
            step="0.1"
            min={props.item.min}
            max={props.item.max}
            aria-label={props.item.text}
            value={props.value ?? ''}
            onInput={(e) => props.onChange(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
          />
        }
      >
        <Show
          when={props.item.options}
          fallback={
            <div class="item-answer__scale">
              <span class="item-answer__end" aria-hidden="true">{props.item.minLabel}</span>
              <div class="item-answer__points">
                <Index each={points()}>
                  {(p) => (
                    <label class="item-answer__point">
                      <input type="radio" name={id} value={p()} checked={props.value === p()} onChange={() => props.onChange(p())} />
                      <span>{p()}</span>
                      <span class="visually-hidden">{p() === props.item.min ? ` (${props.item.minLabel})` : p() === props.item.max ? ` (${props.item.maxLabel})` : ''}</span>
                    </label>
                  )}
                </Index>
              </div>
              <span class="item-answer__end" aria-hidden="true">{props.item.maxLabel}</span>
            </div>
          }
        >
          {(options) => (
            <div class="item-answer__options">
              <For each={options()}>
                {(label, i) => (
                  <label class="item-answer__option">
                    <input type="radio" name={id} value={props.item.min + i()} checked={props.value === props.item.min + i()} onChange={() => props.onChange(props.item.min + i())} />
                    <span>{label}</span>
                  </label>
                )}
              </For>
            </div>
          )}
        </Show>
      </Show>
      <Show when={props.error}>
        <p class="field__error" id={`${id}-error`}>
          {props.error}
        </p>
      </Show>
    </fieldset>
  );
}
