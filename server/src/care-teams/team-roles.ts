import { Role } from '../auth/user.entity.js';

/** How a role reads on a care team when nobody says otherwise. */
export function defaultTeamRole(role: Role): string {
  switch (role) {
    case Role.COACH:
      return 'Health & wellbeing coach';
    case Role.FCP:
      return 'First Contact Physiotherapist';
    case Role.GP:
      return 'GP';
    case Role.PAIN_PRACTITIONER:
      return 'Pain management practitioner';
    case Role.SPECIALIST:
      return 'Specialist pain service';
    case Role.SERVICE_LEAD:
      return 'Service lead';
    case Role.ADMIN:
      return 'Administrator';
  }
}
