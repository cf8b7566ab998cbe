import type { HandoverUrgency } from '@cairn/schema/operations';
import type { JSX } from 'solid-js';
import './handover.css';

/** The urgency in capitals, as clinicians write it; colour only adds to the word. */
export function UrgencyBadge(props: { urgency: HandoverUrgency }): JSX.Element {
  return <span class={`urgency urgency--${props.urgency.toLowerCase()}`}>{props.urgency}</span>;
}
