import Quill from 'quill/core';
import Bold from 'quill/formats/bold';
import Italic from 'quill/formats/italic';
import List from 'quill/formats/list';
import Underline from 'quill/formats/underline';
import 'quill/dist/quill.core.css';
import { createSignal, createUniqueId, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { bindQuillToYText } from './quill-y-text.js';

Quill.register({ 'formats/bold': Bold, 'formats/italic': Italic, 'formats/underline': Underline, 'formats/list': List }, true);

/**
 * The only formats the editor knows. The server refuses any other attribute or embed on the plan's text,
 * and Quill drops whatever it does not know, also from pasted HTML, so nothing else can be produced.
 */
const formats = ['bold', 'italic', 'underline', 'list'];

/** A toolbar button: the format it toggles and the value it sets. */
interface Mark {
  format: 'bold' | 'italic' | 'underline' | 'list';
  value: true | 'bullet' | 'ordered';
  label: string;
  /** What the button shows (its name is `label`, read out instead). */
  glyph: () => JSX.Element;
  shortcut?: string;
}

const marks: Mark[] = [
  { format: 'bold', value: true, label: 'Bold', glyph: () => 'B', shortcut: 'B' },
  { format: 'italic', value: true, label: 'Italic', glyph: () => 'I', shortcut: 'I' },
  { format: 'underline', value: true, label: 'Underline', glyph: () => 'U', shortcut: 'U' },
  { format: 'list', value: 'bullet', label: 'Bulleted list', glyph: () => <ListIcon marker={(y) => <circle cx="3" cy={y} r="1.6" />} /> },
  { format: 'list', value: 'ordered', label: 'Numbered list', glyph: () => <ListIcon marker={(y, n) => <text x="3" y={y + 2.2} font-size="6.5" font-weight="700" text-anchor="middle">{n}</text>} /> },
];

/** Three lines, each after a marker (a bullet or its number), in the button's text colour. */
function ListIcon(props: { marker: (y: number, n: number) => JSX.Element }): JSX.Element {
  return (
    <svg class="rich-text__icon" viewBox="0 0 20 20" width="20" height="20" fill="currentColor" aria-hidden="true">
      <For each={[4, 10, 16]}>
        {(y, i) => (
          <>
            {props.marker(y, i() + 1)}
            <rect x="7" y={y - 1} width="12" height="2" rx="1" />
          </>
        )}
      </For>
    </svg>
  );
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

const keyboardBindings = {
  // Tab leaves the editor, as it leaves every other field: Quill's Tab would insert a tab or indent (a format
  // the plan does not hold), which traps keyboard users (WCAG 2.1.2).
  tab: false,
  indent: false,
  outdent: false,
  'remove tab': false,
  'indent code-block': false,
  'outdent code-block': false,
  // "- " and "1. " start lists; Quill's "[ ] " checklists are left out, as the plan shows no checkboxes.
  'list autofill': { prefix: /^\s*?(\d+\.|-|\*)$/ },
};

interface RichTextProps {
  text: Y.Text;
  label: string;
  hint?: string;
  maxLength: number;
  /** Hide the label visually (it is still read out). */
  hideLabel?: boolean;
  class?: string;
}

/**
 * A labelled rich-text box bound to a Y.Text: paragraphs, bulleted and numbered lists, bold, italic and
 * underline, co-edited live. Ctrl/Cmd+B, I and U work in the text; the toolbar is one tab stop (arrow
 * keys move along it) and its buttons say whether their format is on where the caret is.
 */
export function RichText(props: RichTextProps): JSX.Element {
  const id = createUniqueId();
  let container!: HTMLDivElement;
  const [quill, setQuill] = createSignal<Quill>();
  const [active, setActive] = createSignal<Record<string, unknown>>({});
  /** Reads the formats where the caret is, for the buttons' pressed state. */
  const follow = () => {
    const editor = quill();
    const range = editor?.getSelection();
    if (editor && range) setActive(editor.getFormat(range));
  };

  onMount(() => {
    const editor = new Quill(container, {
      formats,
      modules: {
        keyboard: { bindings: keyboardBindings },
        // Undo takes back only this clinician's own edits, never a colleague's.
        history: { userOnly: true },
        // Dropped images would become embeds the plan cannot hold.
        uploader: { mimetypes: [] },
      },
    });
    describeEditor(editor.root, id, props.hint !== undefined);
    addCapsLockShortcuts(editor);
    const unbind = bindQuillToYText(editor, props.text, props.maxLength);
    setQuill(editor);
    editor.on('editor-change', follow);
    // Ctrl+B on a caret (no selection) only arms the format for the next letters: no change event says so.
    // This listener runs after Quill's own (added when Quill was made), so the format is already set.
    editor.root.addEventListener('keydown', follow);
    onCleanup(() => {
      editor.off('editor-change', follow);
      editor.root.removeEventListener('keydown', follow);
      unbind();
    });
  });

  return (
    <div class={`field rich-text ${props.class ?? ''}`}>
      <div id={`${id}-label`} class={`field__label ${props.hideLabel ? 'visually-hidden' : ''}`} onClick={() => quill()?.focus()}>
        {props.label}
      </div>
      <Show when={props.hint}>
        <p class="field__hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      </Show>
      <div
        class="rich-text__box"
        // Out of the box, the buttons would show the formats of a caret that is no longer there.
        onFocusOut={(e) => {
          if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setActive({});
        }}
      >
        <Toolbar label={`Formatting for ${props.label}`} controls={id} quill={quill()} active={active()} onFormat={follow} />
        <div class="rich-text__editor" ref={container} />
      </div>
    </div>
  );
}

/** Quill binds Ctrl+b, i, u; with Caps Lock on the key is "B", which Quill would not match. */
function addCapsLockShortcuts(editor: Quill): void {
  for (const mark of marks) {
    if (!mark.shortcut) continue;
    editor.keyboard.addBinding({ key: mark.shortcut, shortKey: true }, (_range: unknown, context: { format: Record<string, unknown> }) => {
      editor.format(mark.format, !context.format[mark.format], 'user');
      return false;
    });
  }
}

/** Quill's editable root, named and described like the text boxes around it. */
function describeEditor(root: HTMLElement, id: string, hasHint: boolean): void {
  root.id = id;
  root.setAttribute('role', 'textbox');
  root.setAttribute('aria-multiline', 'true');
  root.setAttribute('aria-labelledby', `${id}-label`);
  if (hasHint) root.setAttribute('aria-describedby', `${id}-hint`);
}

function Toolbar(props: { label: string; controls: string; quill: Quill | undefined; active: Record<string, unknown>; onFormat(): void }): JSX.Element {
  // One tab stop for the whole toolbar; the arrow keys move between its buttons (the ARIA toolbar pattern).
  const [current, setCurrent] = createSignal(0);
  const buttons: HTMLButtonElement[] = [];
  const isOn = (mark: Mark) => (mark.format === 'list' ? props.active.list === mark.value : props.active[mark.format] === true);
  const toggle = (mark: Mark) => {
    props.quill?.format(mark.format, isOn(mark) ? false : mark.value, 'user');
    props.onFormat();
  };
  const moveTo = (index: number) => {
    const next = (index + marks.length) % marks.length;
    setCurrent(next);
    buttons[next]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step: Record<string, () => number> = { ArrowRight: () => current() + 1, ArrowLeft: () => current() - 1, Home: () => 0, End: () => marks.length - 1 };
    const target = step[e.key];
    if (!target) return;
    e.preventDefault();
    moveTo(target());
  };
  return (
    <div class="rich-text__toolbar" role="toolbar" aria-label={props.label} aria-controls={props.controls} onKeyDown={onKeyDown}>
      <For each={marks}>
        {(mark, i) => (
          <button
            ref={(el) => (buttons[i()] = el)}
            type="button"
            class={`rich-text__button rich-text__button--${mark.format}`}
            tabIndex={current() === i() ? 0 : -1}
            aria-pressed={isOn(mark)}
            aria-keyshortcuts={mark.shortcut ? `${isMac ? 'Meta' : 'Control'}+${mark.shortcut}` : undefined}
            title={mark.shortcut ? `${mark.label} (${isMac ? '⌘' : 'Ctrl+'}${mark.shortcut})` : mark.label}
            disabled={!props.quill}
            // Pressing the button must not take the caret or the selection out of the text it formats.
            onMouseDown={(e) => e.preventDefault()}
            onFocus={() => setCurrent(i())}
            onClick={() => toggle(mark)}
          >
            <span aria-hidden="true">{mark.glyph()}</span>
            <span class="visually-hidden">{mark.label}</span>
          </button>
        )}
      </For>
    </div>
  );
}
