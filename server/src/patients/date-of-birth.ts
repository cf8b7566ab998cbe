import { badInput } from '../platform/errors.js';
import { ageOn, ukToday } from '../platform/uk-dates.js';
import { requireIsoDate } from '../platform/validate.js';

/**
 * A date of birth as typed (YYYY-MM-DD), checked against the UK's today at `now`: not in the future, not
 * before 1900. From 00:00 to 01:00 UK summer time the UTC day is still yesterday, and a baby born that
 * day would be refused as not yet born if the check used it.
 */
export function requireDateOfBirth(value: string, now: Date = new Date()): string {
  // A year past 9999 (a picker's 22030) is a date in the future too: one message covers both.
  const dateOfBirth = requireIsoDate('dateOfBirth', value, { mustBe: 'a real date, not in the future' });
  if (dateOfBirth > ukToday(now)) throw badInput('dateOfBirth', 'The date of birth cannot be in the future.');
  if (dateOfBirth < '1900-01-01') throw badInput('dateOfBirth', 'Please check the date of birth: it is before 1900.');
  return dateOfBirth;
}

/** A patient's age in whole years on the UK's today at `now` (a birthday counts from UK midnight). */
export function ageAt(dateOfBirth: string, now: Date = new Date()): number {
  return ageOn(dateOfBirth, ukToday(now));
}
