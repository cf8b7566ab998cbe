import { createComputed, createSignal, untrack, type Accessor } from 'solid-js';

/**
 * A field's error while it still describes what the field holds: once the person changes the value the error
 * was about, it is no longer shown (the form's own check or the server says again on the next save). Each
 * new error, even with the same words, is measured against the value the field held when it came.
 */
export function createFreshError(error: Accessor<string | undefined>, value: Accessor<string>): Accessor<string | undefined> {
  const [valueAtError, setValueAtError] = createSignal<string | undefined>(undefined, { equals: false });
  createComputed(() => {
    const message = error();
    setValueAtError(message ? untrack(value) : undefined);
  });
  return () => {
    const message = error();
    return message && value() === valueAtError() ? message : undefined;
  };
}
