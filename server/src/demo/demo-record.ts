import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.js';
import { addCareTeamMember } from '../care-teams/care-team.service.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { setPatientStatus, statusFacts, updatePatientDemographics } from '../patients/patient-record.service.js';
import { checkStatusChange } from '../patients/patient-status.js';
import { demoUsers } from './demo-seed.js';

const requestId = 'demo-seed';

/**
 * The patient record's own changes, so the timeline shows them on first start: the coach corrects the
 * practice a patient was registered at, the lead starts the care of a patient registered without a referral (with the
 * reason), and Jo Evans (pain management practitioner) joins a team for an analgesia review. Through the
 * services the API uses, so audit and events are real.
 */
export async function seedDemoRecordChanges(em: EntityManager): Promise<void> {
  const user = async (key: (typeof demoUsers)[number]['key']) =>
    em.findOneOrFail(User, { email: demoUsers.find((u) => u.key === key)!.email }, { populate: ['organisation'] });
  const [coach, pharm] = [await user('coach'), await user('pharm')];
  const led = await em.find(CareTeamMember, { user: coach.id, isLead: true }, { populate: ['patient', 'patient.practice'], orderBy: { patient: { familyName: 'asc', givenName: 'asc' } } });

  const first = led.at(-1);
  if (first) {
    const patient = first.patient;
    const practices = await em.find(Organisation, { kind: OrganisationKind.GP_PRACTICE, pcn: patient.practice.pcnId });
    const other = practices.find((p) => p.id !== patient.practice.id);
    const seen = { nhsNumber: patient.nhsNumber, givenName: patient.givenName, familyName: patient.familyName, dateOfBirth: patient.dateOfBirth, practiceId: patient.practice.id };
    if (other) await updatePatientDemographics(em, { actor: coach, requestId }, patient, { patientId: patient.id, practiceId: other.id, seen });
  }

  for (const m of led) {
    if (m.patient.status !== PatientStatus.REFERRED) continue;
    if (!checkStatusChange(m.patient.status, PatientStatus.ACTIVE, await statusFacts(em, m.patient.id)).ok) continue;
    await setPatientStatus(em, { actor: coach, requestId }, m.patient, PatientStatus.ACTIVE, 'Registered before the referral form existed; first coaching call held on the phone.');
    break;
  }

  for (const m of led) {
    if (m.patient.status !== PatientStatus.ACTIVE || (await em.count(CareTeamMember, { patient: m.patient.id, user: pharm.id })) > 0) continue;
    await addCareTeamMember(em, { actor: coach, requestId }, m.patient, pharm.id, 'Analgesia review');
    break;
  }
}
