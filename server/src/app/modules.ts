import { accessModule } from '../access/access.module.js';
import { auditModule } from '../audit/audit.module.js';
import { authModule } from '../auth/auth.module.js';
import { carePlansModule } from '../care-plans/care-plans.module.js';
import { careTeamsModule } from '../care-teams/care-teams.module.js';
import { eventsModule } from '../events/events.module.js';
import { handoverModule } from '../handover/handover.module.js';
import { medicationsModule } from '../medications/medications.module.js';
import { notificationsModule } from '../notifications/notifications.module.js';
import { organisationsModule } from '../organisations/organisations.module.js';
import { patientsModule } from '../patients/patients.module.js';
import { threadsModule } from '../threads/threads.module.js';
import { outcomesModule } from '../outcomes/outcomes.module.js';
import { referralsModule } from '../referrals/referrals.module.js';
import { caseFindingModule } from '../case-finding/case-finding.module.js';
import { sessionsModule } from '../sessions/sessions.module.js';
import { painCafesModule } from '../pain-cafes/pain-cafes.module.js';
import type { CairnModule } from '../platform/module.js';

/**
 * Every domain of Cairn, once. Services are built and started in this order and stopped in reverse, so a
 * module comes after the modules whose services it uses. Adding a domain is its folder and one line here.
 */
export const modules: readonly CairnModule[] = [
  organisationsModule,
  auditModule,
  authModule,
  accessModule,
  patientsModule,
  careTeamsModule,
  eventsModule,
  carePlansModule,
  notificationsModule,
  handoverModule,
  threadsModule,
  outcomesModule,
  medicationsModule,
  referralsModule,
  caseFindingModule,
  sessionsModule,
  painCafesModule,
];
