import type { CairnModule } from '../platform/module.js';
import { Patient } from './patient.entity.js';
import { PatientResolver } from './patient.resolver.js';
import { patientEventKinds } from './patient.events.js';

/** Patients, the caseload and the patient record. */
export const patientsModule: CairnModule = {
  name: 'patients',
  eventKinds: patientEventKinds,
  entities: [Patient],
  resolvers: [PatientResolver],
};
