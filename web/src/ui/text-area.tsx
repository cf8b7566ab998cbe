import { createUniqueId, splitProps, type JSX } from 'solid-js';
import { fieldDescription, FieldFrame } from './field-frame.js';
import { createFreshError } from './fresh-error.js';

type TextAreaProps = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'onInput'> & {
  label: string;
  /** Shown under the label: what to write, or who will read it. */
  hint?: string;
  /** Shown under the box and announced; marks the box invalid until its text is changed. */
  error?: string | undefined;
  value: string;
  onInput(value: string): void;
};

/** A labelled box for a few lines of text, whose hint and error are tied to it for screen readers (as `TextField`). */
export function TextArea(props: TextAreaProps): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'hint', 'error', 'value', 'onInput', 'id', 'class']);
  const id = local.id ?? createUniqueId();
  const error = createFreshError(() => local.error, () => local.value);
  return (
    <FieldFrame id={id} label={local.label} hint={local.hint} error={error()} class={local.class}>
      <textarea
        class="field__input field__textarea"
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
