import { createUniqueId, For, type JSX } from 'solid-js';
import { fieldDescription, FieldFrame } from './field-frame.js';
import { createFreshError } from './fresh-error.js';

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
  /** Shown under the field and announced; marks the field invalid until another option is chosen. */
  error?: string | undefined;
}

/** A labelled native select: keyboard and screen-reader behaviour come from the browser. */
export function Select(props: SelectProps): JSX.Element {
  const id = props.id ?? createUniqueId();
  const error = createFreshError(() => props.error, () => props.value);
  return (
    <FieldFrame id={id} label={props.label} error={error()} class={props.class}>
      <select
        class="field__input field__select"
        id={id}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={fieldDescription(id, undefined, error())}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={props.options}>{(o) => <option value={o.value} selected={o.value === props.value}>{o.label}</option>}</For>
      </select>
    </FieldFrame>
  );
}
