import type { CombinedError } from '@urql/core';
import { createMemo, Match, Show, Switch, type Accessor, type JSX } from 'solid-js';
import { describeError, retryCanHelp, type Problem } from '../platform/errors.js';
import { Alert } from './alert.js';
import { Button } from './button.js';
import { Spinner } from './spinner.js';

/**
 * The states a list of a patient's record passes through, in one place: it failed to load (say why, offer
 * a retry), it is loading, it is empty (say why and what happens next), or here are its items. A list
 * already shown stays shown when a later reload fails (give `items` through `lastGood`), with the failure
 * said above it.
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
    <>
      <Show when={props.items && props.error}>{(error) => <LoadFailed stale error={error()} retry={() => props.retry()} />}</Show>
      <Switch>
        <Match when={!props.items && props.error}>{(error) => <LoadFailed error={error()} retry={() => props.retry()} />}</Match>
        <Match when={!props.items}>
          <Spinner label={props.loadingLabel} />
        </Match>
        <Match when={props.items!.length === 0}>{props.empty}</Match>
        {/* Keyed: a list kept through a failed reload is replaced by a new one when a reload succeeds again. */}
        <Match when={props.items} keyed>
          {(items) => props.children(items)}
        </Match>
      </Switch>
    </>
  );
}

/**
 * A read failed: say why, and offer "Try again" only where asking again could help (not after FORBIDDEN or
 * NOT_FOUND). `stale` when what the read would have refreshed is still shown below, as last loaded.
 */
export function LoadFailed(props: { error: CombinedError | Problem; retry(): void; stale?: boolean }): JSX.Element {
  const problem = () => (isProblem(props.error) ? props.error : describeError(props.error));
  return (
    <Alert tone="error">
      <p>
        {problem().message}
        {props.stale ? ' What is shown below is as it was when last loaded.' : ''}
      </p>
      <Show when={retryCanHelp(problem())}>
        <Button variant="secondary" onClick={() => props.retry()}>
          Try again
        </Button>
      </Show>
    </Alert>
  );
}

function isProblem(e: CombinedError | Problem): e is Problem {
  return !('graphQLErrors' in e);
}

/**
 * A query's data, kept while a later read of the same query (same variables) cannot reach the server: urql
 * then empties `data`, and a list or record already shown would give way to the error. An answer the
 * server gave (FORBIDDEN, NOT_FOUND…) is not a failure to reach it: what was shown then goes, as it should
 * when access has been taken away.
 */
export function lastGood<T>(result: { readonly data?: T | null; readonly error?: CombinedError; readonly operation?: { readonly key: number } }): Accessor<T | undefined> {
  let kept: { key: number; data: T } | undefined;
  return createMemo(() => {
    const { data, error, operation } = result;
    if (data !== undefined && data !== null) {
      kept = operation ? { key: operation.key, data } : undefined;
      return data;
    }
    const unreachable = error !== undefined && error.graphQLErrors.length === 0;
    return unreachable && kept && operation?.key === kept.key ? kept.data : undefined;
  });
}
