import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { SpecialistLink, SpecialistLinkReason } from '../access/specialist-link.entity.js';
import { hashPassword, type HashCost } from '../auth/password.js';
import { Role, User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { defaultTeamRole } from '../care-teams/team-roles.js';
import { testRangeNhsNumbers } from '../demo/demo-seed.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { runSql, sql } from '../platform/sql.js';
import { gql } from './harness.js';

export const TEST_PASSWORD = 'correct horse battery staple';
/** Test accounts only: a cheap argon2id cost so hundreds of sign-ins fit in a test run on two cores. */
const testCost: HashCost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
let hash: Promise<string> | undefined;

/**
 * A fresh, uniquely named PCN for one test file: a practice, a specialist service, one user of each role,
 * and helpers to add patients. Nothing is shared with other files, so they can run side by side.
 */
export async function makeWorld(em: EntityManager) {
  hash ??= hashPassword(TEST_PASSWORD, testCost);
  const tag = randomUUID().slice(0, 8);
  const pcn = new Organisation(`PCN ${tag}`, OrganisationKind.PCN, null);
  const practice = new Organisation(`Practice ${tag}`, OrganisationKind.GP_PRACTICE, pcn);
  const specialistService = new Organisation(`Pain service ${tag}`, OrganisationKind.SPECIALIST_PAIN_SERVICE, null);
  const otherPcn = new Organisation(`Other PCN ${tag}`, OrganisationKind.PCN, null);
  const user = (name: string, role: Role, org: Organisation) => new User(name, `${name.toLowerCase().replace(/\W+/g, '.')}.${tag}@test.example`, '', role, org);
  const users = {
    coach: user('Coach', Role.COACH, pcn),
    fcp: user('Physio', Role.FCP, pcn),
    gp: user('GP', Role.GP, practice),
    pharm: user('Practitioner', Role.PAIN_PRACTITIONER, practice),
    specialist: user('Specialist', Role.SPECIALIST, specialistService),
    lead: user('Lead', Role.SERVICE_LEAD, pcn),
    admin: user('Admin', Role.ADMIN, pcn),
    outsider: user('Outsider', Role.COACH, otherPcn),
  };
  const passwordHash = await hash;
  Object.values(users).forEach((u) => (u.passwordHash = passwordHash));
  em.persist([pcn, practice, specialistService, otherPcn, ...Object.values(users)]);
  await em.flush();

  return {
    tag,
    pcn,
    practice,
    specialistService,
    users,
    /** A patient at the practice whose team is `team` (the first is the lead). */
    async patient(team: User[] = [users.coach], init: Partial<{ givenName: string; familyName: string; conditions: string[]; status: PatientStatus }> = {}) {
      const patient = new Patient({
        nhsNumber: await freeNhsNumber(em),
        givenName: init.givenName ?? 'Pat',
        familyName: init.familyName ?? `Test ${tag}`,
        dateOfBirth: '1970-05-17',
        practice,
        conditions: init.conditions ?? ['Fibromyalgia'],
        status: init.status ?? PatientStatus.ACTIVE,
      });
      em.persist(patient);
      team.forEach((u, i) => em.persist(new CareTeamMember(patient, u, defaultTeamRole(u.role), i === 0)));
      await em.flush();
      return patient;
    },
    async linkSpecialist(patient: Patient) {
      em.persist(new SpecialistLink(patient, specialistService, SpecialistLinkReason.REFERRED));
      await em.flush();
    },
  };
}

export type World = Awaited<ReturnType<typeof makeWorld>>;

/** Signs in over HTTP and returns the bearer token. */
export async function signInAs(url: string, user: User): Promise<string> {
  const res = await gql<{ signIn: { token: string } }>(url, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', {
    e: user.email,
    p: TEST_PASSWORD,
  });
  if (!res.data?.signIn) throw new Error(`Sign-in failed for ${user.email}: ${JSON.stringify(res.errors)}`);
  return res.data.signIn.token;
}

/**
 * An NHS number no patient in the run's database has yet: test files share the database, each picking
 * numbers at random from the million of the 999 range, and a few hundred patients a run made a clash
 * between two files likely enough to fail a run now and then.
 */
async function freeNhsNumber(em: EntityManager): Promise<string> {
  for (;;) {
    const n = uniqueNhsNumber();
    const [row] = await runSql<{ taken: boolean }>(em, sql`select exists (select 1 from patient where nhs_number = ${n}) as taken`);
    if (!row.taken) return n;
  }
}

const usedNhsNumbers = new Set<string>();
/** A valid 999-range NHS number not used before in this process (random start, so files rarely collide). */
export function uniqueNhsNumber(): string {
  for (;;) {
    const [n] = testRangeNhsNumbers(1, 999_000_000 + Math.floor(Math.random() * 999_999));
    if (!usedNhsNumbers.has(n)) {
      usedNhsNumbers.add(n);
      return n;
    }
  }
}
