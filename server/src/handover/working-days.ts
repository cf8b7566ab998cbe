/**
 * `from` plus `days` working days, at the same time of day. Working days are Monday to Friday except the
 * bank holidays of England and Wales (where Cairn's PCNs are), computed by rule: New Year's Day, Good
 * Friday, Easter Monday, the early May, spring and summer holidays, Christmas Day and Boxing Day, each
 * moved to the next weekday when it falls at a weekend. One-off holidays (a coronation, a state funeral)
 * are not known in advance: a handover may then escalate a day early, which errs on the side of the patient.
 */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/**
 * For each UTC day on which a wait of `days` working days may start and not yet have run out by `now`: how many
 * calendar days it lasts (from any time of that day, to the same time of the day it ends), latest day first.
 * A wait that started on an earlier day has run out, however late in the day it started: the day a wait ends
 * never comes before the day an earlier start's wait ends, and the first day left out ends before `now`'s.
 */
export function workingDayWaitsNotYetOver(now: Date, days: number): Array<{ day: string; calendarDays: number }> {
  const today = isoDay(now);
  const waits: Array<{ day: string; calendarDays: number }> = [];
  for (let day = utc(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()); ; day = addDays(day, -1)) {
    const ends = addWorkingDays(day, days);
    if (isoDay(ends) < today) return waits;
    waits.push({ day: isoDay(day), calendarDays: Math.round((ends.getTime() - day.getTime()) / 86_400_000) });
  }
}

export function isWorkingDay(day: Date): boolean {
  const weekday = day.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !bankHolidays(day.getUTCFullYear()).has(isoDay(day));
}

const cache = new Map<number, Set<string>>();

/** England and Wales bank holidays of `year`, as YYYY-MM-DD. */
export function bankHolidays(year: number): Set<string> {
  let days = cache.get(year);
  if (days) return days;
  const easter = easterSunday(year);
  const fixed = [utc(year, 1, 1), utc(year, 12, 25), utc(year, 12, 26)];
  const substituted = substituteWeekends(fixed);
  days = new Set(
    [
      ...substituted,
      addDays(easter, -2), // Good Friday
      addDays(easter, 1), // Easter Monday
      nthMonday(year, 5, 1), // early May
      lastMonday(year, 5), // spring
      lastMonday(year, 8), // summer
    ].map(isoDay),
  );
  cache.set(year, days);
  return days;
}

/** A holiday at a weekend moves to the next weekday not already a holiday (Christmas on Saturday: Monday and Tuesday). */
function substituteWeekends(holidays: Date[]): Date[] {
  const taken = new Set<string>();
  return holidays.map((h) => {
    const d = new Date(h);
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6 || taken.has(isoDay(d))) d.setUTCDate(d.getUTCDate() + 1);
    taken.add(isoDay(d));
    return d;
  });
}

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm). */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

function nthMonday(year: number, month: number, n: number): Date {
  const first = utc(year, month, 1);
  return addDays(first, ((8 - first.getUTCDay()) % 7) + 7 * (n - 1));
}

function lastMonday(year: number, month: number): Date {
  const last = utc(year, month + 1, 0);
  return addDays(last, -((last.getUTCDay() + 6) % 7));
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
