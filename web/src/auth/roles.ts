import type { Role } from '@cairn/schema/operations';

/** How each role reads to the people using Cairn. */
export function roleLabel(role: Role): string {
  switch (role) {
    case 'COACH':
      return 'Health & wellbeing coach';
    case 'FCP':
      return 'First Contact Physiotherapist';
    case 'GP':
      return 'GP';
    case 'PAIN_PRACTITIONER':
      return 'Pain management practitioner';
    case 'SPECIALIST':
      return 'Specialist pain service';
    case 'SERVICE_LEAD':
      return 'Service lead';
    case 'ADMIN':
      return 'Administrator';
  }
}
