const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** `1970-05-17` as people in the UK read it: 17 May 1970. Dates of birth have no time zone. */
export function formatIsoDate(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : longDate.format(date);
}

/**
 * The UK day an instant (an ISO timestamp) fell on, as people read it: 3 June 2026. Not the timestamp's own
 * date, which is UTC's: at half past midnight on a UK summer's day, UTC is still on the day before.
 */
export function formatUkDayOf(iso: string): string {
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? iso : formatIsoDate(ukToday(instant));
}

/** Today's date (YYYY-MM-DD) in the UK, where the service runs and where the server checks dates. */
export function ukToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export { formatDateTime } from '@cairn/schema/uk-time';

/**
 * A date and a clock time typed in the form, read as UK time (sessions are booked in the UK's days and hours,
 * whatever zone the computer is set to), as an instant; null when they are not a date and a time.
 */
export function instantOf(day: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Not a real day or time (31 February, 10:75): Date.UTC would roll it over into another.
  if (new Date(wall).toISOString().slice(0, 16) !== `${day}T${time}`) return null;
  // The UK's offset at the wall time, then again at the instant found (they differ only across a clock change).
  const first = wall - ukOffsetAt(wall);
  return new Date(wall - ukOffsetAt(first));
}

const ukWall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** How far UK clocks are ahead of UTC at an instant, in ms (0, or an hour in summer). */
function ukOffsetAt(ms: number): number {
  const part = (parts: Intl.DateTimeFormatPart[], type: string) => Number(parts.find((p) => p.type === type)?.value);
  const parts = ukWall.formatToParts(new Date(ms));
  const asUtc = Date.UTC(part(parts, 'year'), part(parts, 'month') - 1, part(parts, 'day'), part(parts, 'hour'), part(parts, 'minute'));
  return asUtc - (ms - (ms % 60_000));
}

const ukClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The UK wall-clock time of an instant, HH:MM, as a time field takes it. */
export function ukClockOf(at: Date): string {
  return ukClock.format(at);
}

/** The latest day a date field offers: browsers otherwise let a year of five or more digits through. */
export const LATEST_DAY = '9999-12-31';

/**
 * A date field's value as a plan keeps it: the day (YYYY-MM-DD), null when cleared, or undefined when it is no
 * day the server takes (a year of five digits that a browser let through), so that it is not written at all:
 * one such value would have the server refuse every edit sent with it.
 */
export function dayOfField(value: string): string | null | undefined {
  if (value === '') return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}
