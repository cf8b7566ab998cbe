/**
 * After a refused submit, takes the keyboard (and a screen reader, which then reads the field's error) to the
 * first field marked invalid in `form`: otherwise the error sits out of sight, beside a field nobody is on.
 * Waits a microtask so the fields have been marked.
 */
export function focusFirstInvalid(form: HTMLElement | undefined): void {
  queueMicrotask(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
