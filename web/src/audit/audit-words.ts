import type { AuditOutcome } from '@cairn/schema/operations';

/** Actions people most often look for, as the trail names them, with what each means. */
export const commonActions: ReadonlyArray<{ action: string; words: string }> = [
  { action: 'patient.read', words: "Opened a patient's record" },
  { action: 'carePlan.edit', words: 'Edited a care plan' },
  { action: 'handover.post', words: 'Posted a handover note' },
  { action: 'handover.acknowledge', words: 'Acknowledged a handover note' },
  { action: 'thread.post', words: 'Posted in a discussion' },
  { action: 'outcome.record', words: 'Recorded an outcome measure' },
  { action: 'medication.manage', words: 'Changed the medication record' },
  { action: 'referral.create', words: 'Made a referral' },
  { action: 'audit.read', words: 'Read the audit trail' },
  { action: 'audit.export', words: 'Exported the audit trail' },
  { action: 'auth.signIn', words: 'Signed in (or tried to)' },
  { action: 'user.create', words: 'Added a user' },
  { action: 'user.deactivate', words: 'Deactivated a user' },
  { action: 'user.resetPassword', words: "Reset a user's password" },
  { action: 'user.setPasswordWithLink', words: 'Set a password with a link' },
];

const wordsByAction = new Map(commonActions.map((a) => [a.action, a.words]));
export const actionWords = (action: string): string | undefined => wordsByAction.get(action);

export function outcomeLabel(outcome: AuditOutcome): string {
  switch (outcome) {
    case 'ALLOWED':
      return 'Allowed';
    case 'DENIED':
      return 'Refused';
    case 'FAILED':
      return 'Failed';
  }
}

/** An entry's detail in a line: `reason: not permitted · transport: http`. */
export function detailLine(detail: Record<string, unknown> | null | undefined): string {
  if (!detail) return '';
  const line = Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
