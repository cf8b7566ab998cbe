import { createUniqueId, splitProps, type JSX } from 'solid-js';
import { fieldDescription, FieldFrame } from './field-frame.js';
import { createFreshError } from './fresh-error.js';

type TextFieldProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> & {
  label: string;
  /** Shown under the label, e.g. an example of the expected format. */
  hint?: string;
  /** The hint answers what is typed (how many found): read out as it changes, not only on focus. */
  hintLive?: boolean;
  /** Shown under the field and announced; marks the field invalid until the value is changed. */
  error?: string | undefined;
  value: string;
  onInput(value: string): void;
};

/** A labelled input whose hint and error are tied to it for screen readers. */
export function TextField(props: TextFieldProps): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'hint', 'hintLive', 'error', 'value', 'onInput', 'id', 'class']);
  const id = local.id ?? createUniqueId();
  const error = createFreshError(() => local.error, () => local.value);
  return (
    <FieldFrame id={id} label={local.label} hint={local.hint} hintLive={local.hintLive} error={error()} class={local.class}>
      <input
        class="field__input"
        id={id}
        value={local.value}
        onInput={(e) => local.onInput(e.currentTarget.value)}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={fieldDescription(id, local.hint, error())}
        {...rest}
      />
    </FieldFrame>
  );
}
