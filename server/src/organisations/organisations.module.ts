import type { CairnModule } from '../platform/module.js';
import { Organisation } from './organisation.entity.js';
import { OrganisationResolver } from './organisation.resolver.js';

/** PCNs, practices, physio providers and specialist services. */
export const organisationsModule: CairnModule = {
  name: 'organisations',
  entities: [Organisation],
  resolvers: [OrganisationResolver],
};
