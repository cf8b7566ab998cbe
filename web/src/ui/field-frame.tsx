import { Show, type JSX } from 'solid-js';

interface FieldFrameProps {
  /** The control's id: its label points at it, and its hint and error take their ids from it. */
  id: string;
  label: string;
  hint?: string | undefined;
  /** The hint answers what is typed (how many found): read out as it changes, not only on focus. */
  hintLive?: boolean | undefined;
  error?: string | undefined;
  class?: string | undefined;
  children: JSX.Element;
}

/** A field's label and hint above its control and its error below, as every form in Cairn lays them out. */
export function FieldFrame(props: FieldFrameProps): JSX.Element {
  return (
    <div class={`field ${props.error ? 'field--invalid' : ''} ${props.class ?? ''}`}>
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
      <Show when={props.hint}>
        <p class="field__hint" id={`${props.id}-hint`} aria-live={props.hintLive ? 'polite' : undefined}>
          {props.hint}
        </p>
      </Show>
      {props.children}
      <Show when={props.error}>
        <p class="field__error" id={`${props.id}-error`}>
          {props.error}
        </p>
      </Show>
    </div>
  );
}

/** What the control's `aria-describedby` names: its hint and its error, where it has them, so a screen reader reads both on it. */
export function fieldDescription(id: string, hint: string | undefined, error: string | undefined): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}
