import type { CairnModule } from '../platform/module.js';
import { Migration0010Outcomes } from './migrations/0010-outcomes.js';
import { DashboardResolver } from './dashboard.resolver.js';
import { OutcomeRecord } from './outcome-record.entity.js';
import { OutcomeResolver } from './outcome.resolver.js';
import { QuestionnaireRequest } from './questionnaire-request.entity.js';
import { QuestionnaireResolver } from './questionnaire.resolver.js';
import { outcomeEventKinds } from './outcome.events.js';

/** Outcome measures: scored records, their series from baseline, patients' questionnaire links, the service dashboard. */
export const outcomesModule: CairnModule = {
  name: 'outcomes',
  eventKinds: outcomeEventKinds,
  entities: [OutcomeRecord, QuestionnaireRequest],
  resolvers: [OutcomeResolver, QuestionnaireResolver, DashboardResolver],
  migrations: [{ name: '0010-outcomes', class: Migration0010Outcomes }],
};
