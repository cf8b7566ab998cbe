/** Sessions happen on UK calendar days: "today", a week and a check-in's date are the UK's, whatever the server's zone. */

const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const ukClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const ukLong = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** The UK calendar day of an instant, YYYY-MM-DD. */
export function ukDate(at: Date): string {
  return ukDay.format(at);
}

/** The UK wall-clock time of an instant, HH:MM. */
export function ukTime(at: Date): string {
  return ukClock.format(at);
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

/** "Tuesday 3 December 2026, 10:00–10:45", as a person reads a booking. */
export function slotWords(startsAt: Date, endsAt: Date): string {
  return `${ukLong.format(startsAt)}, ${ukTime(startsAt)}–${ukTime(endsAt)}`;
}
