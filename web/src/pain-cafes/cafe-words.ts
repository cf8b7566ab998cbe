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

export const cafeLink = (id: string) => `/pain-cafes/${encodeURIComponent(id)}`;

/** The notifications that change a café's places: its page and the list refresh on them. */
export const cafeKinds = ['CAFE_PLACES_CHANGED', 'CAFE_PLACE_OFFERED', 'CAFE_CANCELLED', 'CAFE_MOVED'] as const;
