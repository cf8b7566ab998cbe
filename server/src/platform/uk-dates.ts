/**
 * Cairn's calendar is the UK's: "today", a week, a session's day, a dose's start and an age are counted in
 * UK calendar days (Europe/London), whatever the server's zone. Days are YYYY-MM-DD strings.
 */

const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const ukClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const ukClockSeconds = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const ukLong = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const dayWords = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A calendar day (YYYY-MM-DD) in words, as people in the UK read it: "1 March 2027"; anything else as it is. */
export function dateInWords(isoDay: string): string {
  const day = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? isoDay : dayWords.format(day);
}

const monthWords = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A month (YYYY-MM) in words: "March 2027"; anything else as it is. */
export function monthInWords(isoMonth: string): string {
  const first = new Date(`${isoMonth}-01T00:00:00Z`);
  return /^\d{4}-\d{2}$/.test(isoMonth) && !Number.isNaN(first.getTime()) ? monthWords.format(first) : isoMonth;
}

/** The UK calendar day of an instant, YYYY-MM-DD. */
export function ukDate(at: Date): string {
  return ukDay.format(at);
}

/** Today's UK calendar day, whatever the server's zone: in summer, from 00:00 to 01:00 UK time, the UTC day is still yesterday. */
export function ukToday(now: Date = new Date()): string {
  return ukDate(now);
}

/** The UK wall-clock time of an instant, HH:MM, or HH:MM:SS where the order of things a second apart matters. */
export function ukTime(at: Date, options: { seconds?: boolean } = {}): string {
  return (options.seconds ? ukClockSeconds : ukClock).format(at);
}

/** The instant a UK calendar day begins (00:00 Europe/London, which is UTC+0 or UTC+1). */
export function ukMidnight(isoDay: string): Date {
  const utc = Date.parse(`${isoDay}T00:00:00Z`);
  for (const offsetHours of [1, 0]) {
    const at = new Date(utc - offsetHours * 3_600_000);
    if (ukDate(at) === isoDay && ukTime(at) === '00:00') return at;
  }
  return new Date(utc);
}

/** The Monday of the UK week `isoDay` falls in. */
export function weekStartOf(isoDay: string): string {
  const weekday = new Date(`${isoDay}T00:00:00Z`).getUTCDay(); // 0 Sunday
  return addDays(isoDay, -((weekday + 6) % 7));
}

export function addDays(isoDay: string, days: number): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** `date` moved by whole calendar months, clamped to the month's end (31 May − 3 months is 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

/** Whole years between a birth date and `on` (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** "Tuesday 3 December 2026, 10:00–10:45", as a person reads a booking. */
export function slotWords(startsAt: Date, endsAt: Date): string {
  return `${ukLong.format(startsAt)}, ${ukTime(startsAt)}–${ukTime(endsAt)}`;
}
