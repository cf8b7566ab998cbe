import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { Attendance } from './pain-cafe.entity.js';
import { createCafe } from './pain-cafe.service.js';
import { invitePatient, recordAttendance, registerPatient } from './registration.service.js';

const day = 86_400_000;

/** At `hour`:00 UK-ish (UTC) `days` from now: demo cafés meet on the hour. */
function onTheHour(days: number, hour: number): Date {
  const d = new Date(Date.now() + days * day);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

/**
 * The demo PCN's Pain Cafés, written through the services with `now` passed in: one next week, full, with
 * two patients on its waiting list and one invited; one three weeks ago, online, with attendance recorded.
 */
export async function seedDemoCafes(em: EntityManager, coach: User, coach2: User): Promise<void> {
  const by = { actor: coach, requestId: 'demo-seed' };
  const pcnId = coach.organisation.pcnId;
  const led = await em.find(
    CareTeamMember,
    { user: coach.id, isLead: true, patient: { status: PatientStatus.ACTIVE } },
    { populate: ['patient', 'patient.practice'], orderBy: { patient: { givenName: 'asc' } }, limit: 11 },
  );
  const patients = led.map((m) => m.patient);
  if (patients.length < 11) return;

  // Three weeks ago: arranged a fortnight before, four registered, three came.
  const pastStart = onTheHour(-21, 14);
  const arranged = new Date(pastStart.getTime() - 14 * day);
  const past = await createCafe(em, by, pcnId, {
    title: 'Pain Café: understanding flare-ups',
    description: 'An hour together on spotting a flare-up early and the plan that helps.',
    startsAt: pastStart,
    endsAt: new Date(pastStart.getTime() + 90 * 60_000),
    onlineLink: 'https://meet.cairn.example/pain-cafe-flare-ups',
    capacity: 6,
    facilitatorIds: [coach.id],
  }, arranged);
  const pastPlaces = [];
  for (const [i, p] of patients.slice(7, 11).entries()) pastPlaces.push(await registerPatient(em, by, past.id, p, new Date(arranged.getTime() + (i + 1) * day)));
  const after = new Date(pastStart.getTime() + 2 * 3600_000);
  for (const [i, place] of pastPlaces.entries()) await recordAttendance(em, by, place.id, i === 2 ? Attendance.DID_NOT_ATTEND : Attendance.ATTENDED, after);

  // Next week: four places, six registered (two wait, in order), one more invited.
  const nextStart = onTheHour(7, 13);
  const next = await createCafe(em, by, pcnId, {
    title: 'Pain Café: pacing and sleep',
    description: 'Tea, a short talk on pacing, and time to share what has helped with sleep.',
    startsAt: nextStart,
    endsAt: new Date(nextStart.getTime() + 90 * 60_000),
    venue: 'Community Room, Riverside Library, 12 Mill Lane',
    capacity: 4,
    facilitatorIds: [coach.id, coach2.id],
  });
  for (const p of patients.slice(0, 6)) await registerPatient(em, by, next.id, p);
  await invitePatient(em, by, next.id, patients[6]!);
}
