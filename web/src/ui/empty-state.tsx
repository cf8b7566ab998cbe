import { Match, Show, Switch, type JSX } from 'solid-js';

/** What to show when there is nothing to show: say why, and what to do next. A page made of only this uses level 1. */
export function EmptyState(props: { title: string; children?: JSX.Element; action?: JSX.Element; headingLevel?: 1 | 2 | 3 }): JSX.Element {
  return (
    <div class="empty-state">
      <Switch fallback={<h2 class="empty-state__title">{props.title}</h2>}>
        <Match when={props.headingLevel === 1}>
          <h1 class="empty-state__title">{props.title}</h1>
        </Match>
        <Match when={props.headingLevel === 3}>
          <h3 class="empty-state__title">{props.title}</h3>
        </Match>
      </Switch>
      <Show when={props.children}>
        <div class="empty-state__body">{props.children}</div>
      </Show>
      <Show when={props.action}>
        <div class="empty-state__action">{props.action}</div>
      </Show>
    </div>
  );
}
