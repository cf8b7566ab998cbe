import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.js';
import { registerBuiltInCriteria } from '../case-finding/built-in-criteria.js';
import { CriterionRegistry } from '../case-finding/criteria.js';
import { saveCaseSearch } from '../case-finding/case-search.service.js';
import { answerInvitation, invitePatients } from '../case-finding/invitation.service.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { runSql, sql } from '../platform/sql.js';
import { createReferral, triageReferral } from '../referrals/referral.service.js';
import { demoUsers, testRangeNhsNumbers } from './demo-seed.js';

const requestId = 'demo-seed';
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

/**
 * The coaches' waiting list and case finding for the demo, written through the services: referrals from the
 * GPs, the physio and a self-referral, the oldest past the 18-week breach; one accepted and not yet seen; and
 * Amara Okafor's saved search with an invitation awaiting an answer (the follow-up sweep reminds her of it)
 * and one declined.
 */
export async function seedDemoReferrals(em: EntityManager): Promise<void> {
  const user = (key: (typeof demoUsers)[number]['key']) => em.findOneOrFail(User, { email: demoUsers.find((u) => u.key === key)!.email }, { populate: ['organisation'] });
  const [coach, coach2, gp, gp2, fcp, lead] = await Promise.all(['coach', 'coach2', 'gp', 'gp2', 'fcp', 'lead'].map((k) => user(k as (typeof demoUsers)[number]['key'])));
  const referred = await em.find(Patient, { status: PatientStatus.REFERRED }, { populate: ['practice'], orderBy: { nhsNumber: 'asc' } });
  const discharged = await em.find(Patient, { status: PatientStatus.DISCHARGED }, { populate: ['practice'], orderBy: { nhsNumber: 'asc' } });
  const gpOf = (p: Patient) => (p.practice.name.startsWith('Hillview') ? gp2 : gp);
  const base = { consentToContact: true, interpreterNeeded: false, hearingSupport: false, largePrint: false };

  const waits = [130, 61, 23, 4];
  const reasons = [
    ['for four years; sleep poor; off work since the summer', 'Getting back to work part-time'],
    ['with low mood; frequent GP appointments for pain', 'Staying active and seeing friends again'],
    ['worse since a fall last year; afraid of moving', 'Walking to the shops again'],
    ['not helped by medicines; struggling at work', 'Understanding the pain and sleeping better'],
  ];
  for (const [i, patient] of referred.slice(0, 4).entries()) {
    const by = i === 2 ? fcp : gpOf(patient);
    await createReferral(em, { actor: by, requestId }, { patient }, { ...base, reason: `${patient.conditions.join(' and ')} ${reasons[i]![0]!}`, wantsHelpWith: reasons[i]![1]!, contactMethod: i % 2 ? 'SMS' : 'PHONE', contactTimes: i === 0 ? 'Afternoons' : null, largePrint: i === 1 }, { receivedAt: daysAgo(waits[i]!) });
  }

  // A self-referral, recorded by the coach, for someone new to Cairn who needs an interpreter.
  const riverside = await em.findOneOrFail(Organisation, { kind: OrganisationKind.GP_PRACTICE, name: 'Riverside Medical Centre' });
  const [nhsNumber] = testRangeNhsNumbers(41).slice(40);
  await createReferral(
    em,
    { actor: coach, requestId },
    { newPatient: { nhsNumber: nhsNumber!, givenName: 'Marta', familyName: 'Nowak', dateOfBirth: '1979-06-14', practiceId: riverside.id, conditions: ['Fibromyalgia'], status: PatientStatus.REFERRED, leadUserId: null, leadTeamRole: null } },
    { ...base, reason: 'Heard about the programme at a Pain Café; fibromyalgia for six years', wantsHelpWith: 'Pacing and sleep', contactMethod: 'PHONE', interpreterNeeded: true, interpreterLanguage: 'Polish' },
    { receivedAt: daysAgo(9) },
  );

  // Re-referred after discharge, accepted and not yet seen.
  const [returning, ...others] = discharged;
  if (returning) {
    const referral = await createReferral(em, { actor: gpOf(returning), requestId }, { patient: returning }, { ...base, reason: 'Flare-up after a house move; asked to come back', wantsHelpWith: 'A flare-up plan that works', contactMethod: 'PHONE' }, { receivedAt: daysAgo(38) });
    await triageReferral(em, { actor: lead, requestId }, referral, returning, { referralId: referral.id, outcome: 'ACCEPT', coachId: coach2.id });
  }

  // Case finding: a saved search, an invitation awaiting an answer (past the reminder point) and one declined.
  const search = await saveCaseSearch(em, { actor: coach, requestId }, registerBuiltInCriteria(new CriterionRegistry()), null, {
    name: 'Not on the programme, aged 18–90',
    criteria: [{ kind: 'NOT_ON_PROGRAMME' }, { kind: 'AGE_BAND', min: 18, max: 90 }],
  });
  const [letter, phone] = others;
  if (letter) {
    const [invited] = await invitePatients(em, { actor: coach, requestId }, search, [letter], 'LETTER');
    await runSql(em, sql`update invitation set sent_at = ${daysAgo(24)} where id = ${invited!.id}::uuid`);
  }
  if (phone) {
    const [invited] = await invitePatients(em, { actor: coach, requestId }, search, [phone], 'PHONE');
    await runSql(em, sql`update invitation set sent_at = ${daysAgo(10)} where id = ${invited!.id}::uuid`);
    await answerInvitation(em, { actor: coach, requestId }, invited!, phone, { invitationId: invited!.id, answer: 'DECLINED' });
  }
}
