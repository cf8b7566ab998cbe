import type { OrganisationKind, Role } from '@cairn/schema/operations';
import { roleLabel } from '@cairn/schema/words';

export const roles: readonly Role[] = ['COACH', 'FCP', 'GP', 'PAIN_PRACTITIONER', 'SPECIALIST', 'SERVICE_LEAD', 'ADMIN'];
export const roleOptions = roles.map((r) => ({ value: r, label: roleLabel(r) }));

export const organisationKinds: readonly OrganisationKind[] = ['PCN', 'GP_PRACTICE', 'PHYSIO_PROVIDER', 'SPECIALIST_PAIN_SERVICE'];

/** How each kind of organisation reads to people. */
export function kindLabel(kind: OrganisationKind): string {
  switch (kind) {
    case 'PCN':
      return 'Primary Care Network';
    case 'GP_PRACTICE':
      return 'GP practice';
    case 'PHYSIO_PROVIDER':
      return 'Physiotherapy provider';
    case 'SPECIALIST_PAIN_SERVICE':
      return 'Specialist pain service';
  }
}

/** Whether an organisation of this kind must belong to a PCN (the server refuses otherwise). */
export const needsPcn = (kind: OrganisationKind) => kind === 'GP_PRACTICE' || kind === 'PHYSIO_PROVIDER';

/**
 * A password nobody is told, for a new account: the person sets their own with the one-time link made
 * straight after. 24 random bytes, so it passes any password policy.
 */
export function unguessablePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes));
}
