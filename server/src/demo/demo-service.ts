import { CarePlanStore } from '../care-plans/care-plan.store.js';
import type { Orm } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { seedDemoActivity } from './demo-activity.js';
import { seedDemoAdministration } from './demo-admin.js';
import { seedDemo } from './demo-seed.js';
import { seedDemoSessions } from './demo-sessions.js';

/**
 * Seeds the whole demo service once, in the order each part needs the last: the PCN, its people and patients;
 * their care plans, handovers and measures; the coaches' sessions; the administration. Returns false when
 * there was already data. One function, so a test checks the demo `npm start` seeds.
 */
export async function seedDemoService(orm: Orm, logger: Logger): Promise<boolean> {
  if (!(await seedDemo(orm.em.fork()))) return false;
  const carePlans = new CarePlanStore(orm, logger);
  try {
    await seedDemoActivity(orm.em.fork(), carePlans);
    await seedDemoSessions(orm.em.fork(), carePlans);
    await seedDemoAdministration(orm.em.fork());
  } finally {
    await carePlans.stop();
  }
  return true;
}
