// One formatter for an instant across the app; many screens import it from here.
export { formatDateTime } from '../platform/dates.js';

const relative = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * How far ahead of this computer's clock a time stamped by the server may be and still read as now: the two
 * clocks are rarely together, and a note sent a moment ago must not read "in 1 minute".
 */
const clockSkewSeconds = 120;

/** "5 minutes ago", "yesterday": how long ago `iso` was, relative to `now`. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45 || (seconds > 0 && seconds <= clockSkewSeconds)) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

/** A due date (YYYY-MM-DD, no time zone) as "3 Dec 2026". */
export function formatDueDate(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : shortDate.format(date);
}
