import type { CairnModule } from '../platform/module.js';
import { Migration0025AccessChanges } from './migrations/0025-access-changes.js';
import { PatientAccessReads } from './patient-access-reads.js';
import { SpecialistLink } from './specialist-link.entity.js';
import { ViewerAbilitiesResolver } from './viewer-abilities.resolver.js';

declare module '../platform/services.js' {
  interface Services {
    /** The policy's reads of relationships, batched across the requests asking at once. */
    patientAccessReads: PatientAccessReads;
  }
}

/** Who may do what to a patient (policy.ts), and the specialist links it reads. */
export const accessModule: CairnModule = {
  name: 'access',
  entities: [SpecialistLink],
  migrations: [{ name: '0025-access-changes', class: Migration0025AccessChanges }],
  resolvers: [ViewerAbilitiesResolver],
  services: { patientAccessReads: ({ orm, logger }) => new PatientAccessReads(orm, logger) },
  start: ({ patientAccessReads }) => patientAccessReads.warm(),
  stop: ({ patientAccessReads }) => patientAccessReads.stop(),
};
