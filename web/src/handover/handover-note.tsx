import { AcknowledgeHandoverDocument, AddHandoverAddendumDocument, type HandoverNoteFieldsFragment } from '@cairn/schema/operations';
import { ActionDone, MarkDoneButton } from './mark-action-done.js';
import { createMutation } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { formatDateTime, formatDueDate, timeAgo } from '../notifications/when.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { TextArea } from '../ui/text-area.js';
import { UrgencyBadge } from './urgency.js';

interface HandoverNoteProps {
  note: HandoverNoteFieldsFragment;
  canAcknowledge: boolean;
  canAddAddendum: boolean;
  /** Whether I may mark done an action assigned to this person (or to nobody). */
  canMarkDone(assigneeId: string | null): boolean;
  /** This note was linked to (from a notification): draw the eye to it. */
  highlighted?: boolean;
  onChanged(): void;
}

/** One handover note as posted (never edited), its recommended actions, addenda and acknowledgement. */
export function HandoverNoteCard(props: HandoverNoteProps): JSX.Element {
  const n = () => props.note;
  const headingId = createUniqueId();
  return (
    <article
      class={`handover-note handover-note--${n().urgency.toLowerCase()} ${props.highlighted ? 'handover-note--highlighted' : ''}`}
      aria-labelledby={headingId}
      id={`handover-${n().id}`}
      tabindex={props.highlighted ? -1 : undefined}
    >
      <header class="handover-note__head">
        <UrgencyBadge urgency={n().urgency} />
        <h3 id={headingId} class="handover-note__summary">
          {n().summary}
        </h3>
        <Show when={n().acknowledgedAt} fallback={<Badge tone="warning">Awaiting acknowledgement</Badge>}>
          <Badge tone="success">Acknowledged</Badge>
        </Show>
        <Show when={n().escalatedAt}>
          <Badge tone="info">Escalated to service lead</Badge>
        </Show>
        <Show when={allActionsDone(n())}>
          <Badge tone="success">All actions done</Badge>
        </Show>
      </header>
      <p class="handover-note__meta">
        From {n().author.name}, {n().sourceService} · <time datetime={n().createdAt} title={formatDateTime(n().createdAt)}>{timeAgo(n().createdAt)}</time>
      </p>
      <div class="handover-note__advice">
        <h4 class="visually-hidden">Advice</h4>
        <For each={paragraphs(n().advice)}>{(p) => <p>{p}</p>}</For>
      </div>
      <Show when={n().actions.length > 0}>
        <h4 class="handover-note__subhead">
          Recommended actions
          <Show when={allActionsDone(n())}>
            <span class="handover-note__all-done"> — all done</span>
          </Show>
        </h4>
        <ol class="handover-note__actions">
          <For each={n().actions}>
            {(a) => (
              <li class={a.doneAt ? 'handover-note__action--done' : ''}>
                <span class="handover-note__action-what">{a.description}</span>
                <span class="handover-note__action-meta">
                  {a.assignee ? `For ${a.assignee.name}` : 'Not assigned'}
                  {a.dueDate ? ` · due ${formatDueDate(a.dueDate)}` : ''}
                </span>
                <Show when={a.doneAt} fallback={<Show when={props.canMarkDone(a.assignee?.id ?? null)}><MarkDoneButton actionId={a.id} description={a.description} onDone={props.onChanged} /></Show>}>
                  <ActionDone doneAt={a.doneAt!} doneBy={a.doneBy?.name ?? null} />
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={n().addenda.length > 0}>
        <h4 class="handover-note__subhead">Addenda</h4>
        <ul class="handover-note__addenda">
          <For each={n().addenda}>
            {(a) => (
              <li>
                <For each={paragraphs(a.body)}>{(p) => <p>{p}</p>}</For>
                <p class="handover-note__meta">
                  {a.author.name} · <time datetime={a.createdAt}>{formatDateTime(a.createdAt)}</time>
                </p>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={n().acknowledgedAt}>
        <div class="handover-note__ack">
          <p>
            <strong>Acknowledged</strong> by {n().acknowledgedBy?.name ?? 'the care team'}
            {n().acknowledgedOnBehalfOf ? ` (service lead) on behalf of ${n().acknowledgedOnBehalfOf!.name}` : ''} on {formatDateTime(n().acknowledgedAt!)}.
          </p>
          <Show when={n().acknowledgementReply}>
            <blockquote class="handover-note__reply">
              <For each={paragraphs(n().acknowledgementReply!)}>{(p) => <p>{p}</p>}</For>
            </blockquote>
          </Show>
        </div>
      </Show>
      <div class="handover-note__forms">
        <Show when={!n().acknowledgedAt && props.canAcknowledge}>
          <AcknowledgeForm note={n()} onDone={props.onChanged} />
        </Show>
        <Show when={props.canAddAddendum}>
          <AddendumForm note={n()} onDone={props.onChanged} />
        </Show>
      </div>
    </article>
  );
}

/** A note whose recommended actions (it has some) are every one done. */
function allActionsDone(note: HandoverNoteFieldsFragment): boolean {
  return note.actions.length > 0 && note.actions.every((a) => a.doneAt);
}

/** Plain text as paragraphs: the text is shown as text, never as HTML. */
export function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
}

function AcknowledgeForm(props: { note: HandoverNoteFieldsFragment; onDone(): void }): JSX.Element {
  const [reply, setReply] = createSignal('');
  const [state, acknowledge] = createMutation(AcknowledgeHandoverDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const result = await acknowledge({ handoverId: props.note.id, reply: reply().trim() || null });
    if (result.error) return setProblem(describeError(result.error).message);
    setProblem(null);
    props.onDone();
  };
  return (
    <form class="handover-form handover-form--ack" onSubmit={(e) => void submit(e)}>
      <TextArea label={`Reply to ${props.note.author.name} (optional)`} rows={2} value={reply()} onInput={setReply} />
      <Show when={problem()}>{(m) => <Alert tone="error">{m()}</Alert>}</Show>
      <Button type="submit" busy={state.fetching}>
        Acknowledge handover
      </Button>
    </form>
  );
}

function AddendumForm(props: { note: HandoverNoteFieldsFragment; onDone(): void }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [body, setBody] = createSignal('');
  const [state, add] = createMutation(AddHandoverAddendumDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const id = createUniqueId();
  let field: HTMLTextAreaElement | undefined;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const result = await add({ handoverId: props.note.id, body: body() });
    if (result.error) return setProblem(describeError(result.error).message);
    setProblem(null);
    setBody('');
    setOpen(false);
    props.onDone();
  };
  return (
    <Show
      when={open()}
      fallback={
        <Button
          variant="secondary"
          onClick={() => {
            setOpen(true);
            field?.focus();
          }}
        >
          Add an addendum
        </Button>
      }
    >
      <form class="handover-form" onSubmit={(e) => void submit(e)}>
        <div class={`field ${problem() ? 'field--invalid' : ''}`}>
          <label class="field__label" for={id}>
            Addendum
          </label>
          <p class="field__hint" id={`${id}-hint`}>
            A posted handover never changes; an addendum corrects or adds to it, with your name and the time.
          </p>
          <textarea
            ref={(el) => {
              field = el;
              queueMicrotask(() => el.focus());
            }}
            class="field__input field__textarea"
            id={id}
            rows={3}
            value={body()}
            aria-describedby={`${id}-hint`}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
        </div>
        <Show when={problem()}>{(m) => <Alert tone="error">{m()}</Alert>}</Show>
        <div class="handover-form__buttons">
          <Button type="submit" busy={state.fetching}>
            Add addendum
          </Button>
          <Button variant="quiet" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </div>
      </form>
    </Show>
  );
}
