import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { decidePairs, PatientAction } from '../access/policy.js';
import type { User } from '../auth/user.entity.js';
import { formatNhsNumber } from '../patients/nhs-number.js';
import { PatientStatus } from '../patients/patient.entity.js';
import { runSql, sql } from '../platform/sql.js';
import type { ReferablePatient } from './referral.types.js';

/**
 * The patient with `nhsNumber` (ten bare digits, already checked) if `actor` may REFER them, as much as the
 * referral form needs to confirm who they are; otherwise why not, for the audit trail only. The policy lets
 * more people refer than may open the record (a GP of the practice, a coach of the PCN): this is how they
 * find a patient on no care team of theirs.
 */
export async function referablePatientByNhsNumber(
  em: EntityManager,
  actor: User,
  nhsNumber: string,
): Promise<{ found: ReferablePatient } | { found: null; patientId: string | null; reason: 'no such patient' | 'no relationship' }> {
  const [row] = await runSql<{ id: string; given_name: string; family_name: string; date_of_birth: string; practice_name: string; status: PatientStatus; awaiting_triage: boolean }>(
    em,
    sql`select p.id, p.given_name, p.family_name, to_char(p.date_of_birth, 'YYYY-MM-DD') as date_of_birth, po.name as practice_name, p.status,
               exists (select 1 from referral r where r.patient_id = p.id and r.status = 'RECEIVED') as awaiting_triage
          from patient p join organisation po on po.id = p.practice_id
         where p.nhs_number = ${nhsNumber}`,
  );
  // The access read runs for a number no one has too (an id no patient has), so that how long the answer
  // takes does not tell a number that exists from one that does not.
  const pair = { patientId: row?.id ?? randomUUID(), userId: actor.id };
  const allowed = (await decidePairs(em, [pair])).allows(pair, PatientAction.REFER);
  if (!row) return { found: null, patientId: null, reason: 'no such patient' };
  if (!allowed) return { found: null, patientId: row.id, reason: 'no relationship' };
  return {
    found: {
      id: row.id,
      name: `${row.given_name} ${row.family_name}`,
      dateOfBirth: row.date_of_birth,
      practiceName: row.practice_name,
      nhsNumberFormatted: formatNhsNumber(nhsNumber),
      // The two cases `createReferral` refuses, so the form says so before the referral is written.
      awaitingTriage: row.awaiting_triage,
      onProgramme: row.status === PatientStatus.ACTIVE,
    },
  };
}
