import type { CadenceInterval, DischargeReason, SessionMode, SessionStatus } from '@cairn/schema/operations';
import { ukClockOf } from '../platform/dates.js';
import type { BadgeTone } from '../ui/badge.js';

export const modeLabels: Record<SessionMode, string> = { PHONE: 'Phone', VIDEO: 'Video', IN_PERSON: 'In person', GROUP: 'Group' };

export const statusLabels: Record<SessionStatus, { label: string; tone: BadgeTone }> = {
  BOOKED: { label: 'Booked', tone: 'info' },
  ATTENDED: { label: 'Attended', tone: 'success' },
  DNA: { label: 'Did not attend', tone: 'warning' },
  CANCELLED_BY_PATIENT: { label: 'Cancelled by patient', tone: 'muted' },
  CANCELLED_BY_CLINIC: { label: 'Cancelled by clinic', tone: 'muted' },
};

export const intervalLabels: Record<CadenceInterval, string> = { WEEKLY: 'Weekly', FORTNIGHTLY: 'Fortnightly', MONTHLY: 'Monthly', DISCHARGE_REVIEW: 'Discharge review' };

export const dischargeReasons: ReadonlyArray<{ value: DischargeReason; label: string }> = [
  { value: 'GOALS_MET', label: 'Goals met' },
  { value: 'PATIENT_CHOICE', label: "Patient's choice" },
  { value: 'MOVED_AWAY', label: 'Moved away' },
  { value: 'TRANSFERRED', label: 'Transferred to another service' },
  { value: 'DID_NOT_ENGAGE', label: 'Did not engage' },
];

export const measureLabels: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'PSEQ_10', label: 'PSEQ-10' },
  { value: 'PSEQ_2', label: 'PSEQ-2' },
  { value: 'PEG_3', label: 'PEG-3' },
  { value: 'CONFIDENCE_WITHOUT_MEDICATION', label: 'Confidence without medication' },
  { value: 'GP_APPOINTMENTS', label: 'GP appointments' },
  { value: 'PAM', label: 'PAM' },
  { value: 'PGIC', label: 'PGIC' },
];

const dayAndTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayHeading = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** "Tue 3 Dec 2026, 10:00–10:45" in UK time, where the service runs. */
export function slot(startsAt: string, endsAt: string): string {
  return `${dayAndTime.format(new Date(startsAt))}–${ukClockOf(new Date(endsAt))}`;
}

export function timeOnly(iso: string): string {
  return ukClockOf(new Date(iso));
}

/** The UK calendar day of an instant, YYYY-MM-DD. */
export function ukDateOf(iso: string | Date): string {
  return ukDay.format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** "Monday 3 December" for a YYYY-MM-DD. */
export function dayTitle(isoDay: string): string {
  return dayHeading.format(new Date(`${isoDay}T00:00:00Z`));
}

export function addDays(isoDay: string, days: number): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

