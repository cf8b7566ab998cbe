import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import type { Instrument } from '../outcomes/instruments.js';
import { CompletedBy } from '../outcomes/outcome-record.entity.js';
import { recordOutcome } from '../outcomes/outcome.service.js';
import { PatientStatus, type Patient } from '../patients/patient.entity.js';
import { bookSession, type By } from '../sessions/booking.service.js';
import { setCoachCapacity } from '../sessions/diary.service.js';
import { recordSession } from '../sessions/recording.service.js';
import type { SessionMode } from '../sessions/session.entity.js';
import type { RecordSessionInput } from '../sessions/session.types.js';
import { demoUsers } from './demo-seed.js';
import { addDays, ukDate, ukMidnight } from '../platform/uk-dates.js';

const requestId = 'demo-seed';
const minute = 60_000;

/** The answers a demo session's measure was taken with: a PSEQ-10 of 33, moderate self-efficacy. */
const demoAnswers: Partial<Record<Instrument, readonly number[]>> = { PSEQ_10: [4, 3, 3, 4, 3, 3, 4, 3, 3, 3] };

/**
 * A working week for the demo coaches, through the sessions services: Amara Okafor's diary today and this
 * week, past sessions with notes and goal check-ins (one patient improving, one who missed a session, one
 * with a flare-up), Ben Hughes's week, and both coaches' capacity. Past sessions are booked and recorded
 * with the services' `now` set to their day, as they would have been.
 */
export async function seedDemoSessions(em: EntityManager, carePlans: CarePlanStore): Promise<void> {
  const user = (key: (typeof demoUsers)[number]['key']) => em.findOneOrFail(User, { email: demoUsers.find((u) => u.key === key)!.email }, { populate: ['organisation'] });
  const [amara, ben] = [await user('coach'), await user('coach2')];
  const ledBy = async (coach: User) =>
    (await em.find(CareTeamMember, { user: coach.id, isLead: true }, { populate: ['patient', 'patient.practice'], orderBy: { patient: { familyName: 'asc' } } })).map((m) => m.patient);
  // Amara's first three patients have care plans with goals `goal-<i>-1` (demo-activity.ts, same order).
  const amaraAll = await ledBy(amara);
  const planned = amaraAll.slice(0, 3).map((p, variant) => (p.status === PatientStatus.ACTIVE ? { patient: p, variant } : null));
  const amaraPatients = amaraAll.slice(3).filter((p) => p.status === PatientStatus.ACTIVE);
  const benPatients = (await ledBy(ben)).filter((p) => p.status === PatientStatus.ACTIVE);
  const today = ukDate(new Date());
  // Coaches work Monday to Friday: a demo day falling at a weekend moves to the nearest weekday.
  const weekday = (day: string, later: boolean) => {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    return dow === 6 ? addDays(day, later ? 2 : -1) : dow === 0 ? addDays(day, later ? 1 : -2) : day;
  };
  const at = (day: string, hh: number, mm = 0) => new Date(ukMidnight(day).getTime() + (hh * 60 + mm) * minute);
  const by: By = { actor: amara, requestId };

  const book = (coach: User, patient: Patient, startsAt: Date, mode: SessionMode, purpose: string, location: string | null = null) =>
    bookSession(em, { actor: coach, requestId }, patient, { patientId: patient.id, coachId: coach.id, startsAt, endsAt: new Date(startsAt.getTime() + 45 * minute), mode, location, purpose }, new Date(startsAt.getTime() - 7 * 86_400_000));
  const held = async (patient: Patient, daysAgo: number, input: Omit<RecordSessionInput, 'sessionId' | 'seen'>, hour: number) => {
    const day = weekday(addDays(today, -daysAgo), false);
    const startsAt = at(day, hour);
    const session = await book(amara, patient, startsAt, 'PHONE', 'Coaching review');
    const recordedAt = new Date(startsAt.getTime() + 60 * minute);
    await recordSession(em, by, session, patient, { ...input, sessionId: session.id, seen: { startsAt: session.startsAt, endsAt: session.endsAt } }, carePlans, recordedAt);
    // A note saying a measure was taken has its record on Measures, as in practice, or the two contradict each other.
    for (const instrument of input.measuresTaken) {
      const answers = demoAnswers[instrument];
      if (!answers) throw new Error(`The demo has no answers for ${instrument}: add them to demoAnswers.`);
      const measure = { instrument, answers, measuredOn: day, periodFrom: null, periodTo: null, gpSource: null, supersedesId: null };
      await recordOutcome(em, by, patient, measure, { completedBy: CompletedBy.CLINICIAN, questionnaireRequestId: null }, recordedAt);
    }
  };
  const attended = (variant: number, rating: number, discussed: string, extra: Partial<RecordSessionInput> = {}): Omit<RecordSessionInput, 'sessionId' | 'seen'> => ({
    outcome: 'ATTENDED',
    discussed,
    goalReviews: [{ goalId: `goal-${variant}-1`, rating, note: '' }],
    strategyIds: [`strategy-${variant}-1`],
    nextSteps: 'Keep to the pacing plan; try one more short walk.',
    measuresTaken: [],
    flareUp: false,
    ...extra,
  });

  const [improving, missed, flared] = planned;
  if (improving) {
    await held(improving.patient, 21, attended(improving.variant, 5, 'Story so far; set the walking goal; introduced pacing.'), 10);
    await held(improving.patient, 14, attended(improving.variant, 6, 'Two walks managed; pacing blocks helping.'), 10);
    await held(improving.patient, 7, attended(improving.variant, 8, 'Walked three times; sleeping better.', { measuresTaken: ['PSEQ_10'] }), 10);
  }
  if (missed) {
    await held(missed.patient, 14, attended(missed.variant, 5, 'Goals agreed; breathing practised together.'), 11);
    await held(missed.patient, 7, { outcome: 'DNA', discussed: 'No answer at 11:00 or 11:20; voicemail left.', goalReviews: [], strategyIds: [], nextSteps: '', measuresTaken: [], flareUp: false }, 11);
  }
  if (flared) await held(flared.patient, 10, attended(flared.variant, 4, 'Bad week after a long car journey; flare-up plan reviewed.', { flareUp: true }), 14);

  // Today's diary and the rest of the week.
  const todays: Array<[number, number, SessionMode, string, string | null]> = [
    [9, 30, 'PHONE', 'Follow-up after the missed session', null],
    [11, 0, 'VIDEO', 'Review the walking goal and sleep routine', null],
    [14, 0, 'IN_PERSON', 'First session: your story and what matters', 'Room 2, Riverside Medical Centre'],
  ];
  const todayPatients = [missed?.patient, ...amaraPatients].filter((p): p is Patient => !!p);
  for (const [i, [hh, mm, mode, purpose, location]] of todays.entries()) {
    const patient = todayPatients[i];
    if (patient) await book(amara, patient, at(today, hh, mm), mode, purpose, location);
  }
  const later = [improving?.patient, flared?.patient, ...amaraPatients.slice(3, 6)].filter((p): p is Patient => !!p);
  for (const [i, patient] of later.entries()) await book(amara, patient, at(weekday(addDays(today, 1 + i), true), 10 + (i % 3)), i % 2 ? 'VIDEO' : 'PHONE', i === 0 ? 'Fortnightly review' : 'Coaching review');
  for (const [i, patient] of benPatients.slice(0, 4).entries()) await book(ben, patient, at(i === 0 ? today : weekday(addDays(today, i), true), 13 + i), i % 2 ? 'PHONE' : 'VIDEO', 'Coaching review');

  await setCoachCapacity(em, by, amara, 20, 30);
  await setCoachCapacity(em, { actor: ben, requestId }, ben, 15, 20);
}
