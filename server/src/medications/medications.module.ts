import type { CairnModule } from '../platform/module.js';
import { MedicationProposal, TaperStep } from './medication-proposal.entity.js';
import { Medication, MedicationReview } from './medication.entity.js';
import { MedicationProposalResolver, MedicationResolver } from './medication.resolver.js';
import { Migration0011Medications } from './migrations/0011-medications.js';
import { medicationEventKinds } from './medication.events.js';
import { Migration0021TaperStepReminders } from './migrations/0021-taper-step-reminders.js';
import { Migration0024MedicationProposalEnds } from './migrations/0024-medication-proposal-ends.js';
import type { PeriodicSweep } from '../platform/periodic-sweep.js';
import { taperReminderSweep } from './taper-reminders.js';

declare module '../platform/services.js' {
  interface Services {
    /** Reminds the practitioner and the approving GP when a taper step falls due (every instance runs it; steps are claimed). */
    taperReminders: PeriodicSweep;
  }
}

/** Analgesia reviews: medicines with OME and flags, reviews, GP-approved tapers, prescribing indicators. */
export const medicationsModule: CairnModule = {
  name: 'medications',
  eventKinds: medicationEventKinds,
  entities: [Medication, MedicationReview, MedicationProposal, TaperStep],
  resolvers: [MedicationResolver, MedicationProposalResolver],
  migrations: [
    { name: '0011-medications', class: Migration0011Medications },
    { name: '0021-taper-step-reminders', class: Migration0021TaperStepReminders },
    { name: '0024-medication-proposal-ends', class: Migration0024MedicationProposalEnds },
  ],
  services: { taperReminders: ({ orm, config, logger }) => taperReminderSweep(orm, config, logger) },
  start: ({ taperReminders }) => taperReminders.start(),
  stopping: ({ taperReminders }) => taperReminders.stop(),
};
