import { roleLabel } from '@cairn/schema/words';
import type { Role } from '../auth/user.entity.js';

/** How a role reads on a care team when nobody says otherwise: the role's own words. */
export function defaultTeamRole(role: Role): string {
  return roleLabel(role);
}
