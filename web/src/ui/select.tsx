import { createUniqueId, For, Show, type JSX } from 'solid-js';

export interface SelectOption {
  value: string;
  label: string;
}

interface SelectProps {
  label: string;
  value: string;
  options: readonly SelectOption[];
  onChange(value: string): void;
  id?: string;
  disabled?: boolean;
  class?: string;
  /** Shown under the field and announced; marks the field invalid. */
  error?: string | undefined;
}

/** A labelled native select: keyboard and screen-reader behaviour come from the browser. */
export function Select(props: SelectProps): JSX.Element {
  const id = props.id ?? createUniqueId();
  return (
    <div class={`field ${props.error ? 'field--invalid' : ''} ${props.class ?? ''}`}>
      <label class="field__label" for={id}>
        {props.label}
      </label>
      <select
        class="field__input field__select"
        id={id}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={props.options}>{(o) => <option value={o.value} selected={o.value === props.value}>{o.label}</option>}</For>
      </select>
      <Show when={props.error}>
        <p class="field__error" id={`${id}-error`}>
          {props.error}
        </p>
      </Show>
    </div>
  );
}
