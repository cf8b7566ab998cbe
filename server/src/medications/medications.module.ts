import type { CairnModule } from '../platform/module.js';
import { MedicationProposal, TaperStep } from './medication-proposal.entity.js';
import { Medication, MedicationReview } from './medication.entity.js';
import { MedicationProposalResolver, MedicationResolver } from './medication.resolver.js';
import { Migration0011Medications } from './migrations/0011-medications.js';
import { medicationEventKinds } from './medication.events.js';

/** Analgesia reviews: medicines with OME and flags, reviews, GP-approved tapers, prescribing indicators. */
export const medicationsModule: CairnModule = {
  name: 'medications',
  eventKinds: medicationEventKinds,
  entities: [Medication, MedicationReview, MedicationProposal, TaperStep],
  resolvers: [MedicationResolver, MedicationProposalResolver],
  migrations: [{ name: '0011-medications', class: Migration0011Medications }],
};
