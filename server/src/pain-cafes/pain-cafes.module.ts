import type { CairnModule } from '../platform/module.js';
import { Migration0016PainCafes } from './migrations/0016-pain-cafes.js';
import { PainCafe, PainCafeRegistration } from './pain-cafe.entity.js';
import { painCafeEventKinds } from './pain-cafes.events.js';
import { PainCafeRegistrationResolver, PainCafeResolver, PatientPainCafesResolver } from './pain-cafe.resolver.js';

/** Pain Cafés: a PCN's group sessions, places on them with a waiting list served in order, and attendance. */
export const painCafesModule: CairnModule = {
  name: 'pain-cafes',
  eventKinds: painCafeEventKinds,
  entities: [PainCafe, PainCafeRegistration],
  resolvers: [PainCafeResolver, PainCafeRegistrationResolver, PatientPainCafesResolver],
  migrations: [{ name: '0016-pain-cafes', class: Migration0016PainCafes }],
};
