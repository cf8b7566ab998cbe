import { ColleagueSearchDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createMemo, createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { useCareTeam } from '../patients/care-team-context.js';
import { NotOnTeam } from '../patients/not-on-team.js';
import { Button } from '../ui/button.js';

/** Someone who may be @mentioned: a member of the patient's care team. */
export interface Mentionable {
  id: string;
  name: string;
  detail: string;
  /** A colleague beyond the care team: picking them asks whether to add them (NotOnTeam). */
  outsider?: boolean;
}

interface ComposerProps {
  label: string;
  hint?: string;
  submitLabel: string;
  members: readonly Mentionable[];
  initial?: string;
  busy?: boolean;
  error?: string | undefined;
  autofocus?: boolean;
  /** Resolves true when the post was accepted, so the text can be cleared. */
  onSubmit(body: string, mentionIds: string[]): Promise<boolean>;
  onCancel?(): void;
}

/** The care-team members whose "@Name" appears in `text`: those are the people the post mentions. */
export function mentionedIn(text: string, members: readonly Mentionable[]): string[] {
  return members.filter((m) => text.includes(`@${m.name}`)).map((m) => m.id);
}

/**
 * A text area for posts with @mention autocomplete: typing "@" and part of a name offers the care team
 * as a listbox (the combobox pattern: arrows move, Enter or Tab picks, Escape closes), and picking one
 * writes "@Full Name" into the text.
 */
export function PostComposer(props: ComposerProps): JSX.Element {
  const [text, setText] = createSignal(props.initial ?? '');
  const [query, setQuery] = createSignal<{ start: number; term: string } | null>(null);
  const [active, setActive] = createSignal(0);
  const id = createUniqueId();
  const listId = `${id}-mentions`;
  let area: HTMLTextAreaElement | undefined;

  // Colleagues beyond the care team are offered too (after the team), where the patient's team is known.
  const team = useCareTeam();
  const [pending, setPending] = createSignal<Mentionable[]>([]);
  const colleagueTerm = () => (team && (query()?.term.trim().length ?? 0) >= 2 ? query()!.term.trim() : '');
  const [colleagues] = createQuery({ query: ColleagueSearchDocument, variables: () => ({ search: colleagueTerm() }), pause: () => colleagueTerm() === '' });
  const matches = createMemo(() => {
    const q = query();
    if (!q) return [];
    const term = q.term.toLowerCase();
    const members = props.members.filter((m) => m.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(term)) || m.name.toLowerCase().startsWith(term)).slice(0, 8);
    const beyond: Mentionable[] = colleagueTerm()
      ? (colleagues.data?.colleagues ?? [])
          .filter((c) => !props.members.some((m) => m.id === c.id))
          .slice(0, 4)
          .map((c) => ({ id: c.id, name: c.name, detail: `${roleLabel(c.role)} · not on the care team`, outsider: true }))
      : [];
    return [...members, ...beyond];
  });
  /** Outsiders picked whose "@Name" is still in the text and who have not joined the team since. */
  const unanswered = () => pending().filter((p) => text().includes(`@${p.name}`) && !props.members.some((m) => m.id === p.id));
  const open = () => matches().length > 0;

  /** Finds an "@term" being typed just before the caret. */
  const track = (el: HTMLTextAreaElement) => {
    const upto = el.value.slice(0, el.selectionStart);
    const m = /(^|[\s(])@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/.exec(upto);
    if (m) {
      setQuery({ start: upto.length - m[2]!.length - 1, term: m[2]! });
      setActive(0);
    } else setQuery(null);
  };

  const pick = (member: Mentionable) => {
    const q = query();
    if (!q || !area) return;
    const caret = area.selectionStart;
    const before = text().slice(0, q.start);
    const after = text().slice(caret);
    const inserted = `@${member.name} `;
    setText(before + inserted + after);
    if (member.outsider && !pending().some((p) => p.id === member.id)) setPending([...pending(), member]);
    setQuery(null);
    const at = before.length + inserted.length;
    area.value = text();
    area.setSelectionRange(at, at);
    area.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!open()) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((active() + 1) % matches().length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((active() - 1 + matches().length) % matches().length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      pick(matches()[active()]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setQuery(null);
    }
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const accepted = await props.onSubmit(text(), mentionedIn(text(), props.members));
    if (accepted) {
      setText('');
      setPending([]);
    }
  };

  const describedBy = () => [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <form class="composer" onSubmit={(e) => void submit(e)}>
      <div class={`field ${props.error ? 'field--invalid' : ''}`}>
        <label class="field__label" for={id}>
          {props.label}
        </label>
        <Show when={props.hint}>
          <p class="field__hint" id={`${id}-hint`}>
            {props.hint}
          </p>
        </Show>
        <div class="composer__wrap">
          <textarea
            ref={(el) => {
              area = el;
              if (props.autofocus) queueMicrotask(() => el.focus());
            }}
            id={id}
            class="field__input field__textarea composer__input"
            rows={3}
            value={text()}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open()}
            aria-controls={listId}
            aria-activedescendant={open() ? `${listId}-${active()}` : undefined}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={describedBy()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              track(e.currentTarget);
            }}
            onClick={(e) => track(e.currentTarget)}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(() => setQuery(null), 150)}
          />
          <ul id={listId} class="composer__mentions" role="listbox" aria-label="Care-team members to mention" hidden={!open()}>
            <For each={matches()}>
              {(m, i) => (
                <li
                  id={`${listId}-${i()}`}
                  role="option"
                  aria-selected={i() === active()}
                  class="composer__mention"
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(m);
                  }}
                >
                  <span class="composer__mention-name">{m.name}</span>
                  <span class="composer__mention-detail">{m.detail}</span>
                </li>
              )}
            </For>
          </ul>
        </div>
        <Show when={props.error}>
          <p class="field__error" id={`${id}-error`} role="alert">
            {props.error}
          </p>
        </Show>
        <For each={unanswered()}>
          {(p) => <NotOnTeam person={p} purpose="mention" onDismiss={() => setPending(pending().filter((x) => x.id !== p.id))} />}
        </For>
      </div>
      <div class="composer__buttons">
        <Button type="submit" busy={props.busy}>
          {props.submitLabel}
        </Button>
        <Show when={props.onCancel}>
          <Button variant="quiet" onClick={() => props.onCancel?.()}>
            Cancel
          </Button>
        </Show>
      </div>
    </form>
  );
}
