import { ukClockOf } from '../platform/dates.js';

// UK time whatever the computer's zone: the café form reads the times typed as UK time, and the café meets in the UK.
const dayTime = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** "Tuesday 8 December 2026, 14:00 to 16:00", in UK time. */
export function cafeWhen(startsAt: string, endsAt: string): string {
  return `${dayTime.format(new Date(startsAt))} to ${ukClockOf(new Date(endsAt))}`;
}

/** Where it meets, in words. */
export function cafeWhere(c: { venue?: string | null; onlineLink?: string | null }): string {
  return c.venue ?? (c.onlineLink ? 'Online' : '');
}

/**
 * What happened at a café that has run, from the places held: "3 attended · 1 did not attend", with those
 * not yet recorded counted too, so a register left half done shows as such rather than as a small group.
 */
export function attendanceSummary(c: { registeredCount: number; attendedCount: number; didNotAttendCount: number }): string {
  if (c.registeredCount === 0) return 'Nobody held a place';
  const notRecorded = c.registeredCount - c.attendedCount - c.didNotAttendCount;
  const parts = [c.attendedCount > 0 ? `${c.attendedCount} attended` : '', c.didNotAttendCount > 0 ? `${c.didNotAttendCount} did not attend` : '', notRecorded > 0 ? `${notRecorded} not recorded` : ''];
  return parts.filter(Boolean).join(' · ');
}

/** The register of a café on now: its places held until someone is marked, then what is recorded so far. */
export function registerSummary(c: { registeredCount: number; attendedCount: number; didNotAttendCount: number }): string {
  if (c.registeredCount > 0 && c.attendedCount + c.didNotAttendCount === 0) return `${c.registeredCount} ${c.registeredCount === 1 ? 'place' : 'places'} held · register not taken yet`;
  return attendanceSummary(c);
}

export const cafeLink = (id: string) => `/pain-cafes/${encodeURIComponent(id)}`;

/** The notifications that change a café's places: its page and the list refresh on them. */
export const cafeKinds = ['CAFE_PLACES_CHANGED', 'CAFE_PLACE_OFFERED', 'CAFE_CANCELLED', 'CAFE_MOVED'] as const;
