import { Show, type JSX } from 'solid-js';

/** What to show when there is nothing to show: say why, and what to do next. */
export function EmptyState(props: { title: string; children?: JSX.Element; action?: JSX.Element; headingLevel?: 2 | 3 }): JSX.Element {
  return (
    <div class="empty-state">
      {props.headingLevel === 3 ? <h3 class="empty-state__title">{props.title}</h3> : <h2 class="empty-state__title">{props.title}</h2>}
      <Show when={props.children}>
        <div class="empty-state__body">{props.children}</div>
      </Show>
      <Show when={props.action}>
        <div class="empty-state__action">{props.action}</div>
      </Show>
    </div>
  );
}
