import type { HandoverUrgency } from '@cairn/schema/operations';
import type { JSX } from 'solid-js';
import './handover.css';

export const urgencyOptions: ReadonlyArray<{ value: HandoverUrgency; label: string; hint: string }> = [
  { value: 'ROUTINE', label: 'Routine', hint: 'No time pressure; escalated if not acknowledged in good time.' },
  { value: 'SOON', label: 'Soon', hint: 'Within 2 working days, or it is escalated to the service lead.' },
  { value: 'URGENT', label: 'Urgent', hint: 'Within 4 hours, or it is escalated to the service lead.' },
];

/** The urgency in capitals, as clinicians write it; colour only adds to the word. */
export function UrgencyBadge(props: { urgency: HandoverUrgency }): JSX.Element {
  return <span class={`urgency urgency--${props.urgency.toLowerCase()}`}>{props.urgency}</span>;
}
