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

/**
 * A medicine's strength and form as one phrase. Strengths are typed as written on the pack ("30 mg tablets"),
 * so the form is added only when the strength does not already name it: never "30 mg tablets tablet".
 */
export function strengthAndForm(strength: string, form: string): string {
  const kind = (form.trim().split(/\s+/).pop() ?? '').toLowerCase().replace(/[^a-z]/g, '');
  const named = kind !== '' && new RegExp(`\\b${kind}s?\\b`, 'i').test(strength);
  return named ? strength : `${strength} ${form}`;
}
export const formatMg = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)} mg`;
