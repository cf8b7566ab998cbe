import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

/** How many PCNs (one practice each) and how many patients each. */
export interface ServiceSize {
  pcns: number;
  perPcn: number;
}

/** A national service: 300 PCNs × 300 patients, or what BENCH_PCNS and BENCH_PATIENTS_PER_PCN say. */
export const nationalSize: ServiceSize = { pcns: Number(process.env.BENCH_PCNS ?? 300), perPcn: Number(process.env.BENCH_PATIENTS_PER_PCN ?? 300) };

/** The same id as the seed's md5(kind || n)::uuid, so a benchmark and the seed agree. */
export function benchUuid(kind: string, ...n: number[]): string {
  const h = createHash('md5').update(`${kind}${n.join('-')}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The service, written straight into Cairn's tables with generate_series: PCNs with one practice each, a
 * service lead and three coaches per PCN, patients led by a coach, and per patient three PSEQ-10s, three
 * confidence scores, two GP-appointment counts and two PEGs, dated through 2025; then the programme's records and
 * the audit trail's entries.
 */
export async function seedNationalService(pool: Pool, passwordHash: string, size: ServiceSize = nationalSize): Promise<void> {
  const { pcns, perPcn } = size;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`insert into organisation (id, name, kind, pcn_id)
      select md5('pcn' || g)::uuid, 'Bench PCN ' || g, 'PCN', null from generate_series(1, $1::int) g`, [pcns]);
    await client.query(`insert into organisation (id, name, kind, pcn_id)
      select md5('practice' || g)::uuid, 'Bench Practice ' || g, 'GP_PRACTICE', md5('pcn' || g)::uuid from generate_series(1, $1::int) g`, [pcns]);
    await client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id)
      select md5('lead' || g)::uuid, 'Lead ' || g, 'lead' || g || '@bench.invalid', $2, 'SERVICE_LEAD', md5('pcn' || g)::uuid from generate_series(1, $1::int) g
      union all
      select md5('coach' || g || '-' || c)::uuid, 'Coach ' || g || '.' || c, 'coach' || g || '.' || c || '@bench.invalid', $2, 'COACH', md5('pcn' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, 3) c`, [pcns, passwordHash]);
    await client.query(`insert into patient (id, nhs_number, given_name, family_name, date_of_birth, practice_id, conditions, status)
      select md5('patient' || g || '-' || i)::uuid, lpad((9000000000 + g * 1000 + i)::text, 10, '0'), 'Bench', 'Patient ' || g || '.' || i, date '1960-01-01' + (i * 37 % 9000),
             md5('practice' || g)::uuid, array[(array['Fibromyalgia', 'Chronic low back pain', 'Osteoarthritis'])[1 + i % 3]],
             (array['ACTIVE', 'ACTIVE', 'DISCHARGED', 'REFERRED'])[1 + i % 4]
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [pcns, perPcn]);
    await client.query(`insert into care_team_member (id, patient_id, user_id, team_role, is_lead)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('coach' || g || '-' || (1 + i % 3))::uuid, 'Health & wellbeing coach', true
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [pcns, perPcn]);
    await client.query(`insert into outcome_record (id, patient_id, instrument, status, answers, score, measured_on, period_from, period_to, gp_source, completed_by, created_at)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, m.instrument, 'COMPLETED', '[]'::jsonb,
             case m.instrument when 'PSEQ_10' then least(60, 15 + k * 6 + floor(random() * 20))
                               when 'CONFIDENCE_WITHOUT_MEDICATION' then least(10, 2 + k + floor(random() * 4))
                               when 'GP_APPOINTMENTS' then floor(random() * random() * 3)
                               else floor(random() * 10) end,
             date '2025-01-01' + k * 60 + (i % 20),
             case when m.instrument = 'GP_APPOINTMENTS' then date '2025-01-01' + (k - 1) * 60 + (i % 20) end,
             case when m.instrument = 'GP_APPOINTMENTS' then date '2025-01-01' + k * 60 + (i % 20) end,
             case when m.instrument = 'GP_APPOINTMENTS' then 'PRACTICE_RECORD' end,
             'CLINICIAN', now()
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i,
             (values ('PSEQ_10', 1), ('PSEQ_10', 2), ('PSEQ_10', 3), ('CONFIDENCE_WITHOUT_MEDICATION', 1), ('CONFIDENCE_WITHOUT_MEDICATION', 2),
                     ('CONFIDENCE_WITHOUT_MEDICATION', 3), ('GP_APPOINTMENTS', 1), ('GP_APPOINTMENTS', 2), ('PEG_3', 1), ('PEG_3', 2)) as m(instrument, k)`, [pcns, perPcn]);
    // The programme: one referral each (three in four accepted), six coaching sessions each through 2025 (one in
    // six a DNA, the last still booked), and a Pain Café a month per PCN that a third of its patients came to.
    await client.query(`insert into referral (id, patient_id, source, referrer_id, reason, wants_help_with, consent_to_contact, contact_method, status, patient_status_before,
                                              received_at, triaged_at, triaged_by_id, assigned_coach_id, decline_reason)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, 'GP', md5('lead' || g)::uuid, 'Persistent pain', 'Walking further', true, 'PHONE',
             case when i % 4 = 0 then 'DECLINED' else 'ACCEPTED' end, 'REFERRED',
             timestamptz '2024-12-01' + (i % 30) * interval '1 day', timestamptz '2024-12-02' + (i % 30) * interval '1 day', md5('lead' || g)::uuid,
             case when i % 4 = 0 then null else md5('coach' || g || '-' || (1 + i % 3))::uuid end, case when i % 4 = 0 then 'Another service suits better' end
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i`, [pcns, perPcn]);
    await client.query(`insert into coaching_session (id, patient_id, coach_id, starts_at, ends_at, mode, purpose, status, booked_by_id, recorded_by_id, recorded_at, discussed)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('coach' || g || '-' || (1 + i % 3))::uuid,
             timestamptz '2025-01-06 09:00' + ((k - 1) * 5 + i % 20) * interval '1 week' + (i % 7) * interval '1 hour',
             timestamptz '2025-01-06 09:45' + ((k - 1) * 5 + i % 20) * interval '1 week' + (i % 7) * interval '1 hour',
             'PHONE', 'Coaching', case when k = 6 then 'BOOKED' when (i + k) % 6 = 0 then 'DNA' else 'ATTENDED' end,
             md5('coach' || g || '-' || (1 + i % 3))::uuid,
             case when k < 6 then md5('coach' || g || '-' || (1 + i % 3))::uuid end, case when k < 6 then timestamptz '2025-12-31' end,
             case when k < 6 and (i + k) % 6 <> 0 then 'Pacing and sleep' end
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i, generate_series(1, 6) k`, [pcns, perPcn]);
    await client.query(`insert into pain_cafe (id, pcn_id, title, starts_at, ends_at, venue, capacity, status, created_by_id)
      select md5('cafe' || g || '-' || m)::uuid, md5('pcn' || g)::uuid, 'Pain Café', timestamptz '2025-01-15 14:00' + (m - 1) * interval '1 month',
             timestamptz '2025-01-15 16:00' + (m - 1) * interval '1 month', 'Community Hall', 500, 'SCHEDULED', md5('lead' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, 12) m`, [pcns]);
    await client.query(`insert into pain_cafe_registration (id, cafe_id, patient_id, status, queue_no, registered_at, attendance, attendance_recorded_at, attendance_recorded_by_id, recorded_by_id)
      select gen_random_uuid(), md5('cafe' || g || '-' || (1 + i % 12))::uuid, md5('patient' || g || '-' || i)::uuid, 'REGISTERED', i, timestamptz '2025-01-01',
             case when i % 5 = 0 then 'DID_NOT_ATTEND' else 'ATTENDED' end, timestamptz '2025-12-31', md5('lead' || g)::uuid, md5('lead' || g)::uuid
        from generate_series(1, $1::int) g, generate_series(1, $2::int) i where i % 3 = 0`, [pcns, perPcn]);
    // Ten audit entries a patient through 2025, by its lead coach, inserted in time order so that the PCNs' entries
    // are interleaved by id as a live service's are (the audit view pages by id, newest first).
    await client.query(`insert into audit_entry (at, actor_id, action, patient_id, outcome)
      select at, actor_id, action, patient_id, 'ALLOWED' from (
        select timestamptz '2025-01-01' + ((g * 7919 + i * 104729 + k * 3571) % 31536000) * interval '1 second' as at,
               md5('coach' || g || '-' || (1 + i % 3))::uuid as actor_id, (array['patient.read', 'careplan.read', 'session.record', 'outcome.record'])[1 + k % 4] as action,
               md5('patient' || g || '-' || i)::uuid as patient_id
          from generate_series(1, $1::int) g, generate_series(1, $2::int) i, generate_series(1, 10) k) e
       order by at`, [pcns, perPcn]);
    await client.query('commit');
    // What autovacuum does to a live database after such a load: statistics and the visibility map.
    await client.query('vacuum analyze');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
