import { createSignal, Show, type JSX } from 'solid-js';
import { Button } from './button.js';

/**
 * Keyset paging state for one list: the cursors of the pages before this one, which belong to one set of
 * choices (`key`) and are forgotten when it changes.
 */
export function createKeysetPaging(key: () => string) {
  const [paging, setPaging] = createSignal<{ key: string; cursors: string[] }>({ key: key(), cursors: [] });
  const cursors = () => (paging().key === key() ? paging().cursors : []);
  return {
    /** The cursor to ask the server for: the end of the previous page, or null on the first. */
    after: () => cursors().at(-1) ?? null,
    /** 0 on the first page. */
    index: () => cursors().length,
    next: (endCursor: string | null | undefined) => endCursor && setPaging({ key: key(), cursors: [...cursors(), endCursor] }),
    previous: () => setPaging({ key: key(), cursors: cursors().slice(0, -1) }),
  };
}

/** Previous and next page buttons with where you are; shown only when there is more than one page. */
export function Pager(props: { label: string; index: number; hasNext: boolean; busy: boolean; onPrevious(): void; onNext(): void; previousLabel?: string; nextLabel?: string }): JSX.Element {
  return (
    <Show when={props.index > 0 || props.hasNext}>
      <nav class="pager" aria-label={props.label}>
        <Button variant="secondary" onClick={() => props.onPrevious()} disabled={props.index === 0 || props.busy}>
          {props.previousLabel ?? 'Previous page'}
        </Button>
        <span class="pager__where">Page {props.index + 1}</span>
        <Button variant="secondary" onClick={() => props.onNext()} disabled={!props.hasNext || props.busy}>
          {props.nextLabel ?? 'Next page'}
        </Button>
      </nav>
    </Show>
  );
}
