import type { JSX } from 'solid-js';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'muted' | 'lead';

/** A short label; the tone adds colour but the words always carry the meaning. */
export function Badge(props: { tone?: BadgeTone; children: JSX.Element }): JSX.Element {
  return <span class={`badge badge--${props.tone ?? 'neutral'}`}>{props.children}</span>;
}
