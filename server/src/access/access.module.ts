import type { CairnModule } from '../platform/module.js';
import { SpecialistLink } from './specialist-link.entity.js';
import { ViewerAbilitiesResolver } from './viewer-abilities.resolver.js';

/** Who may do what to a patient (policy.ts), and the specialist links it reads. */
export const accessModule: CairnModule = {
  name: 'access',
  entities: [SpecialistLink],
  resolvers: [ViewerAbilitiesResolver],
};
