import type { CombinedError } from '@urql/core';
import { Match, Switch, type JSX } from 'solid-js';
import { describeError } from '../platform/errors.js';
import { Alert } from './alert.js';
import { Button } from './button.js';
import { Spinner } from './spinner.js';

/**
 * The states a list of a patient's record passes through, in one place: it failed to load (say why, offer
 * a retry), it is loading, it is empty (say why and what happens next), or here are its items. A list
 * already shown stays shown when a later reload fails.
 */
export function ListStates<T>(props: {
  items: readonly T[] | undefined;
  error: CombinedError | undefined;
  retry(): void;
  loadingLabel: string;
  empty: JSX.Element;
  children(items: readonly T[]): JSX.Element;
}): JSX.Element {
  return (
    <Switch>
      <Match when={props.error && !props.items}>
        <Alert tone="error">
          <p>{describeError(props.error!).message}</p>
          <Button variant="secondary" onClick={() => props.retry()}>
            Try again
          </Button>
        </Alert>
      </Match>
      <Match when={!props.items}>
        <Spinner label={props.loadingLabel} />
      </Match>
      <Match when={props.items!.length === 0}>{props.empty}</Match>
      <Match when={props.items}>{(items) => props.children(items())}</Match>
    </Switch>
  );
}
