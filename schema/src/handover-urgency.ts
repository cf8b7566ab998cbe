/**
 * How urgent a handover is, and what Cairn does when one is not acknowledged in time: ONE definition, read
 * by the server's escalation sweep (which handovers it escalates, and when) and by the web's form (the hint
 * beside each choice), so a hint can never promise an escalation the server does not make.
 * Plain TypeScript with no dependencies: the server runs its compiled copy (`dist/`), the web bundles it.
 */

export const HandoverUrgency = { ROUTINE: 'ROUTINE', SOON: 'SOON', URGENT: 'URGENT' } as const;
export type HandoverUrgency = (typeof HandoverUrgency)[keyof typeof HandoverUrgency];

/** Most urgent first: the order of the form's choices and of the inbox. */
export const handoverUrgencies: readonly HandoverUrgency[] = [HandoverUrgency.URGENT, HandoverUrgency.SOON, HandoverUrgency.ROUTINE];

/** The configured waits before an unacknowledged handover escalates (the server's settings, sent to the web). */
export interface EscalationTimings {
  /** An URGENT handover waits this many seconds (`CAIRN_HANDOVER_URGENT_ESCALATION_SECONDS`, default 4 hours). */
  urgentEscalationSeconds: number;
  /** A SOON handover waits this many working days, Mon–Fri less bank holidays (`CAIRN_HANDOVER_SOON_ESCALATION_WORKING_DAYS`, default 2). */
  soonEscalationWorkingDays: number;
}

export const defaultEscalationTimings: EscalationTimings = { urgentEscalationSeconds: 4 * 3600, soonEscalationWorkingDays: 2 };

/** When an unacknowledged handover of an urgency escalates: after a wait in one unit, or never. */
export type EscalationRule = { escalates: false } | { escalates: true; unit: 'seconds' | 'workingDays'; setting: keyof EscalationTimings };

/** The rule per urgency. The sweep escalates exactly the urgencies marked `escalates: true`. */
export const escalationRules: Readonly<Record<HandoverUrgency, EscalationRule>> = {
  URGENT: { escalates: true, unit: 'seconds', setting: 'urgentEscalationSeconds' },
  SOON: { escalates: true, unit: 'workingDays', setting: 'soonEscalationWorkingDays' },
  ROUTINE: { escalates: false },
};

/** The wait before `urgency` escalates under `timings`, or null when it never does. */
export function escalationWait(urgency: HandoverUrgency, timings: EscalationTimings): { unit: 'seconds' | 'workingDays'; amount: number } | null {
  const rule = escalationRules[urgency];
  return rule.escalates ? { unit: rule.unit, amount: timings[rule.setting] } : null;
}

export const urgencyLabels: Readonly<Record<HandoverUrgency, string>> = { URGENT: 'Urgent', SOON: 'Soon', ROUTINE: 'Routine' };

/** What happens to a handover of this urgency, in the words the author reads before choosing it. */
export function urgencyHint(urgency: HandoverUrgency, timings: EscalationTimings): string {
  const wait = escalationWait(urgency, timings);
  if (!wait) return 'Never escalated: the care team acknowledges it when they can.';
  const within = wait.unit === 'seconds' ? formatSeconds(wait.amount) : plural(wait.amount, 'working day');
  return `Escalated to the PCN's service lead if not acknowledged within ${within}.`;
}

/** "4 hours", "90 minutes", "1 hour 30 minutes", "45 seconds". */
export function formatSeconds(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [hours && plural(hours, 'hour'), minutes && plural(minutes, 'minute'), rest && plural(rest, 'second')].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A handover with its urgency, inside a sentence: "an urgent handover", "a handover needing a reply soon". */
export function handoverWithUrgency(urgency: string): string {
  if (urgency === HandoverUrgency.URGENT) return 'an urgent handover';
  if (urgency === HandoverUrgency.SOON) return 'a handover needing a reply soon';
  return 'a routine handover';
}
