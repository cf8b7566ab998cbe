import type { PatientWorkspaceQuery, Role } from '@cairn/schema/operations';

type CareTeam = PatientWorkspaceQuery['patient']['careTeam'];

/**
 * What the person may do with this patient's medicines, for showing the right controls. The server's
 * policy decides (access/policy.ts); this mirrors it: a GP or a pain management practitioner on the team
 * records and proposes; only a GP on the team approves, amends or declines.
 */
export function medicationAbilities(me: { id: string; role: Role } | undefined, careTeam: CareTeam): { canManage: boolean; canDecide: boolean } {
  const onTeam = !!me && careTeam.some((m) => m.user.id === me.id);
  return {
    canManage: onTeam && (me!.role === 'GP' || me!.role === 'PAIN_PRACTITIONER'),
    canDecide: onTeam && me!.role === 'GP',
  };
}

/** Today's date in the UK, YYYY-MM-DD: the default start of a medicine or a step. */
export function ukToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** `date` plus `days`, both YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** Shown wherever a taper or a flag is shown (issue 16). */
export const ADVISES_NEVER_PRESCRIBES = 'Cairn advises and records; it never prescribes. Prescribing decisions and prescriptions stay with the prescriber.';

export const unitWords = (doseUnit: string): string => (doseUnit === 'microgram/hour' ? 'µg/h' : doseUnit);

export const formatMg = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)} mg`;
