import type { CairnModule } from '../platform/module.js';
import { PeriodicSweep } from '../platform/periodic-sweep.js';
import { AccessChangePruning } from './access-change-pruning.js';
import { Migration0025AccessChanges } from './migrations/0025-access-changes.js';
import { Migration0026AccessChangePruning } from './migrations/0026-access-change-pruning.js';
import { Migration0028PcnOfOrganisation } from './migrations/0028-pcn-of-organisation.js';
import { Migration0029SpecialistLinkService } from './migrations/0029-specialist-link-service.js';
import { PatientAccessReads } from './patient-access-reads.js';
import { SpecialistLink } from './specialist-link.entity.js';
import { ViewerAbilitiesResolver } from './viewer-abilities.resolver.js';

declare module '../platform/services.js' {
  interface Services {
    /** The policy's reads of relationships, batched across the requests asking at once. */
    patientAccessReads: PatientAccessReads;
    /** Removes the notes of access changes no kept relationship can still ask about, every ten minutes. */
    accessChangePruning: PeriodicSweep;
  }
}

/** Who may do what to a patient (policy.ts), and the specialist links it reads. */
export const accessModule: CairnModule = {
  name: 'access',
  entities: [SpecialistLink],
  migrations: [
    { name: '0025-access-changes', class: Migration0025AccessChanges },
    { name: '0026-access-change-pruning', class: Migration0026AccessChangePruning },
    { name: '0028-pcn-of-organisation', class: Migration0028PcnOfOrganisation },
    { name: '0029-specialist-link-service', class: Migration0029SpecialistLinkService },
  ],
  resolvers: [ViewerAbilitiesResolver],
  services: {
    patientAccessReads: ({ orm, logger }) => new PatientAccessReads(orm, logger),
    accessChangePruning: ({ orm, logger }) => {
      const pruning = new AccessChangePruning();
      return new PeriodicSweep('access-change notes', 10 * 60_000, logger, () => pruning.prune(orm.em.fork(), Date.now()));
    },
  },
  start: async ({ patientAccessReads, accessChangePruning }) => {
    await patientAccessReads.warm();
    accessChangePruning.start();
  },
  stopping: ({ accessChangePruning }) => accessChangePruning.stop(),
  stop: ({ patientAccessReads }) => patientAccessReads.stop(),
};
