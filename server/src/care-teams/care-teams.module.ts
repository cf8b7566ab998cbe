import type { CairnModule } from '../platform/module.js';
import { CareTeamMember } from './care-team-member.entity.js';
import { CareTeamResolver } from './care-team.resolver.js';

/** Each patient's care team and its lead. */
export const careTeamsModule: CairnModule = {
  name: 'care-teams',
  entities: [CareTeamMember],
  resolvers: [CareTeamResolver],
};
