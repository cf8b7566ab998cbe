import type { EntityManager } from '@mikro-orm/postgresql';
import { SpecialistLink, SpecialistLinkReason } from '../access/specialist-link.entity.js';
import { hashPassword } from '../auth/password.js';
import { Role, User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { defaultTeamRole } from '../care-teams/team-roles.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { checkDigit } from '../patients/nhs-number.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';

/** Synthetic demo service. Every NHS number is in the 999 test range; every person is made up. */
export const DEMO_PASSWORD = 'cairn-demo-password';

export const demoUsers = [
  { key: 'coach', name: 'Amara Okafor', email: 'amara.okafor@cairn.example', role: Role.COACH, org: 'pcn' },
  { key: 'coach2', name: 'Ben Hughes', email: 'ben.hughes@cairn.example', role: Role.COACH, org: 'pcn' },
  { key: 'fcp', name: 'Priya Shah', email: 'priya.shah@cairn.example', role: Role.FCP, org: 'physio' },
  { key: 'gp', name: 'Dr Tom Reilly', email: 'tom.reilly@cairn.example', role: Role.GP, org: 'riverside' },
  { key: 'gp2', name: 'Dr Hannah Price', email: 'hannah.price@cairn.example', role: Role.GP, org: 'hillview' },
  { key: 'pharm', name: 'Jo Evans', email: 'jo.evans@cairn.example', role: Role.PAIN_PRACTITIONER, org: 'riverside' },
  { key: 'specialist', name: 'Dr Sam Lee', email: 'sam.lee@cairn.example', role: Role.SPECIALIST, org: 'specialist' },
  { key: 'lead', name: 'Kate Morgan', email: 'kate.morgan@cairn.example', role: Role.SERVICE_LEAD, org: 'pcn' },
  { key: 'admin', name: 'Alex Carter', email: 'admin@cairn.example', role: Role.ADMIN, org: 'pcn' },
] as const;

const givenNames = ['Olivia', 'George', 'Amelia', 'Harry', 'Isla', 'Noah', 'Ava', 'Jack', 'Mia', 'Leo', 'Grace', 'Oscar', 'Freya', 'Arthur', 'Lily', 'Mohammed', 'Evie', 'Theo', 'Sofia', 'Alfie', 'Ruby', 'Charlie', 'Ella', 'Jacob', 'Poppy', 'Thomas', 'Florence', 'Henry', 'Aisha', 'William', 'Rosie', 'Joshua', 'Zara', 'Samuel', 'Layla', 'Daniel', 'Maya', 'Ethan', 'Ivy', 'Reuben'];
const familyNames = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Thomas', 'Clarke', 'Jackson', 'Wood', 'Harris', 'Edwards', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Hughes', 'Moore', 'Clark', 'King', 'Harrison', 'Lewis', 'Baker', 'Lee', 'Allen', 'Morris', 'Khan'];
const conditionSets = [
  ['Fibromyalgia'],
  ['Chronic low back pain'],
  ['Osteoarthritis'],
  ['Neuropathic pain'],
  ['Chronic low back pain', 'Osteoarthritis'],
  ['Fibromyalgia', 'Migraine'],
  ['Chronic widespread pain'],
  ['Complex regional pain syndrome'],
  ['Chronic neck pain'],
  ['Osteoarthritis', 'Chronic widespread pain'],
];

/** NHS numbers 999 000 000x upward whose check digit exists. */
export function testRangeNhsNumbers(count: number, start = 999000000): string[] {
  const out: string[] = [];
  for (let n = start; out.length < count; n++) {
    const nine = String(n);
    const digit = checkDigit(nine);
    if (digit !== null) out.push(nine + digit);
  }
  return out;
}

/** Seeds the demo PCN once. Returns false when there was already data. */
export async function seedDemo(em: EntityManager): Promise<boolean> {
  if ((await em.count(Organisation, {})) > 0) return false;
  await em.transactional(async (tx) => {
    const pcn = new Organisation('Riverside Primary Care Network', OrganisationKind.PCN, null);
    const orgs = {
      pcn,
      riverside: new Organisation('Riverside Medical Centre', OrganisationKind.GP_PRACTICE, pcn),
      hillview: new Organisation('Hillview Surgery', OrganisationKind.GP_PRACTICE, pcn),
      physio: new Organisation('Riverside MSK Physiotherapy', OrganisationKind.PHYSIO_PROVIDER, pcn),
      specialist: new Organisation('County Persistent Pain Service', OrganisationKind.SPECIALIST_PAIN_SERVICE, null),
    };
    Object.values(orgs).forEach((o) => tx.persist(o));
    const hash = await hashPassword(DEMO_PASSWORD);
    const users = Object.fromEntries(demoUsers.map((u) => [u.key, new User(u.name, u.email, hash, u.role, orgs[u.org])])) as Record<
      (typeof demoUsers)[number]['key'],
      User
    >;
    Object.values(users).forEach((u) => tx.persist(u));

    const random = seededRandom(20261127);
    const nhsNumbers = testRangeNhsNumbers(40);
    nhsNumbers.forEach((nhsNumber, i) => {
      const year = 1945 + Math.floor(random() * 55);
      const month = 1 + Math.floor(random() * 12);
      const day = 1 + Math.floor(random() * 28);
      const patient = new Patient({
        nhsNumber,
        givenName: givenNames[i % givenNames.length],
        familyName: familyNames[(i * 7) % familyNames.length],
        dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        practice: i % 3 === 0 ? orgs.hillview : orgs.riverside,
        conditions: conditionSets[i % conditionSets.length],
        status: i % 9 === 4 ? PatientStatus.REFERRED : i % 13 === 7 ? PatientStatus.DISCHARGED : PatientStatus.ACTIVE,
      });
      const lead = i % 4 === 3 ? users.coach2 : users.coach;
      // Referred patients are not assessed yet; the others spread over the four levels.
      if (patient.status !== PatientStatus.REFERRED) {
        patient.activationLevel = 1 + (i % 4);
        patient.activationLevelSetAt = new Date();
        patient.activationLevelSetBy = lead;
      }
      tx.persist(patient);
      const team: User[] = [lead, i % 3 === 0 ? users.gp2 : users.gp];
      if (i % 2 === 0) team.push(users.fcp);
      if (i % 3 === 1) team.push(users.pharm);
      team.forEach((u) => tx.persist(new CareTeamMember(patient, u, defaultTeamRole(u.role), u === lead)));
      if (i % 5 === 2) tx.persist(new SpecialistLink(patient, orgs.specialist, SpecialistLinkReason.REFERRED));
    });
  });
  return true;
}

/** mulberry32: small, seeded, good enough for demo data that is the same on every machine. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo accounts still active: each one signs in with the published demo password unless changed. */
export async function activeDemoAccounts(em: EntityManager): Promise<string[]> {
  const users = await em.find(User, { email: { $in: demoUsers.map((u) => u.email) }, active: true }, { orderBy: { email: 'asc' } });
  return users.map((u) => u.email);
}
