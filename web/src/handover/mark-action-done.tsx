import { MarkHandoverActionDoneDocument } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';

/** "Mark done" for one recommended action; the server records who and when, once. */
export function MarkDoneButton(props: { actionId: string; description: string; onDone(): void }): JSX.Element {
  const [state, mark] = createMutation(MarkHandoverActionDoneDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const click = async () => {
    const result = await mark({ actionId: props.actionId });
    setProblem(result.error ? describeError(result.error).message : null);
    // Already done by someone else: show the list as it now stands.
    if (!result.error || describeError(result.error).code === 'CONFLICT') props.onDone();
  };
  return (
    <span class="mark-done">
      <Button variant="secondary" class="mark-done__button" busy={state.fetching} onClick={() => void click()}>
        Mark done<span class="visually-hidden">: {props.description}</span>
      </Button>
      <Show when={problem()}>{(m) => <Alert tone="error">{m()}</Alert>}</Show>
    </span>
  );
}

/** Who marked an action done, and when. */
export function ActionDone(props: { doneAt: string; doneBy: string | null }): JSX.Element {
  return (
    <span class="action-done">
      <span aria-hidden="true">✓ </span>Done{props.doneBy ? ` by ${props.doneBy}` : ''} on <time datetime={props.doneAt}>{formatDateTime(props.doneAt)}</time>
    </span>
  );
}
