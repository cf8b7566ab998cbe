import type { JSX } from 'solid-js';

/** A busy indicator with words for screen readers (and beside it, for everyone). */
export function Spinner(props: { label: string; inline?: boolean }): JSX.Element {
  return (
    <span class={`spinner ${props.inline ? 'spinner--inline' : ''}`} role="status">
      <span class="spinner__wheel" aria-hidden="true" />
      <span class="spinner__label">{props.label}</span>
    </span>
  );
}
