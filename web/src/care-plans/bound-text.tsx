import { createEffect, createUniqueId, onCleanup, Show, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { moveThroughDelta, spliceBetween } from './text-diff.js';

interface BoundTextProps {
  text: Y.Text;
  label: string;
  /** A paragraph box rather than a one-line field. */
  multiline?: boolean;
  /** A box that starts one line high and grows with its text (short entries that may still wrap). */
  compact?: boolean;
  hint?: string;
  maxLength: number;
  /** Hide the label visually (it is still read out), e.g. inside a table row that labels it. */
  hideLabel?: boolean;
  class?: string;
}

/**
 * A labelled text box bound to a Y.Text. Typing becomes the smallest delete/insert on the shared text;
 * someone else's edit updates the box in place and moves the caret with the text around it, so a person
 * typing is never thrown to the end of the box.
 */
export function BoundText(props: BoundTextProps): JSX.Element {
  const id = createUniqueId();
  let box!: HTMLTextAreaElement | HTMLInputElement;
  /** This binding's own transactions, which the observer skips. */
  const origin = {};
  let shown = '';
  let composing = false;

  createEffect(() => {
    const text = props.text;
    shown = text.toString();
    box.value = shown;
    const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === origin) return;
      const next = text.toString();
      if (next === box.value) {
        shown = next;
        return;
      }
      const focused = document.activeElement === box;
      const [start, end, direction] = [box.selectionStart ?? 0, box.selectionEnd ?? 0, box.selectionDirection ?? 'none'];
      const delta = event.delta as Parameters<typeof moveThroughDelta>[1];
      box.value = next;
      shown = next;
      if (focused) box.setSelectionRange(moveThroughDelta(start, delta), moveThroughDelta(end, delta), direction);
    };
    text.observe(observer);
    onCleanup(() => text.unobserve(observer));
  });

  const onInput = () => {
    if (composing) return;
    const text = props.text;
    const value = box.value;
    const splice = spliceBetween(shown, value, box.selectionEnd ?? value.length);
    shown = value;
    if (!splice || !text.doc) return;
    text.doc.transact(() => {
      if (splice.remove > 0) text.delete(splice.index, splice.remove);
      if (splice.insert.length > 0) text.insert(splice.index, splice.insert);
    }, origin);
  };

  const common = {
    id,
    class: `field__input ${props.multiline || props.compact ? 'plan-text' : ''} ${props.compact ? 'plan-text--compact' : ''}`,
    maxLength: props.maxLength,
    'aria-describedby': props.hint ? `${id}-hint` : undefined,
    onInput,
    onCompositionStart: () => (composing = true),
    onCompositionEnd: () => {
      composing = false;
      onInput();
    },
  };

  return (
    <div class={`field ${props.class ?? ''}`}>
      <label class={`field__label ${props.hideLabel ? 'visually-hidden' : ''}`} for={id}>
        {props.label}
      </label>
      <Show when={props.hint}>
        <p class="field__hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      </Show>
      <Show when={props.multiline || props.compact} fallback={<input type="text" {...common} ref={(el) => (box = el)} />}>
        <textarea rows={props.compact ? 1 : 3} {...common} ref={(el) => (box = el)} />
      </Show>
    </div>
  );
}
