import type { CairnModule } from '../platform/module.js';
import { Discharge } from './discharge.entity.js';
import { dischargeLetterHandler } from './discharge.print.js';
import { DischargeResolver } from './discharge.resolver.js';
import { DiaryResolver } from './diary.resolver.js';
import { Migration0015Sessions } from './migrations/0015-sessions.js';
import { CoachCapacity, CoachingSession, SessionAddendum, SessionChange } from './session.entity.js';
import { SessionResolver } from './session.resolver.js';
import { sessionEventKinds } from './sessions.events.js';

/** Coaching sessions: booking, the diary and capacity, recording with goal check-ins, cadence, DNA alerts, discharge. */
export const sessionsModule: CairnModule = {
  name: 'sessions',
  entities: [CoachingSession, SessionChange, SessionAddendum, CoachCapacity, Discharge],
  resolvers: [SessionResolver, DiaryResolver, DischargeResolver],
  eventKinds: sessionEventKinds,
  migrations: [{ name: '0015-sessions', class: Migration0015Sessions }],
  routes: (router, services) => router.get('/patients/:id/discharge-letter/print', dischargeLetterHandler(services)),
};
