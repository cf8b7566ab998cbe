/**
 * `from` plus `days` working days (Monday to Friday), at the same time of day. Bank holidays are not
 * counted out: a handover may escalate a day early over one, which errs on the side of the patient.
 */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return d;
}
