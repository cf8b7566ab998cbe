import type { JSX } from 'solid-js';

/** A message box; errors are announced as soon as they appear. */
export function Alert(props: { tone: 'error' | 'info' | 'success'; children: JSX.Element; id?: string }): JSX.Element {
  return (
    <div id={props.id} class={`alert alert--${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
