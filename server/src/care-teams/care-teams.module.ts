import type { CairnModule } from '../platform/module.js';
import { CareTeamMember } from './care-team-member.entity.js';
import { CareTeamResolver } from './care-team.resolver.js';
import { careTeamEventKinds } from './care-team.events.js';

/** Each patient's care team and its lead. */
export const careTeamsModule: CairnModule = {
  name: 'care-teams',
  eventKinds: careTeamEventKinds,
  entities: [CareTeamMember],
  resolvers: [CareTeamResolver],
};
