import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

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
 * How many PCNs a specialist pain service takes patients from. There are as many services as PCNs, each drawing
 * on a region of this many PCNs, so that a PCN hands the same number of patients to specialists, and a service
 * keeps sight of the same number, on one PCN as on 300: only the country around them grows.
 */
export const PCNS_PER_SPECIALIST_REGION = 10;

/**
 * The service, written straight into Cairn's tables with generate_series: PCNs with one practice and one
 * physiotherapy provider each; per PCN a service lead, three coaches, a GP, a First Contact Physiotherapist
 * and a pain management practitioner (a pharmacy technician); patients led by a coach with the GP, and some
 * with the physiotherapist or the practitioner, on their care teams; and per patient three PSEQ-10s, three
 * confidence scores, two GP-appointment counts and two PEGs, dated through 2025. Then the programme's records,
 * the practitioner's medicines, reviews and proposed changes, the specialist services with the patients
 * linked to them and their handovers, and the audit trail's entries.
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
    await seedPcnClinicians(client, size, passwordHash);
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
    // The programme: one referral each (three in four accepted; made by the GP, the physiotherapist or the
    // service lead, a third each), six coaching sessions each through 2025 (one in six a DNA, the last still
    // booked), and a Pain Café a month per PCN that a third of its patients came to.
    await client.query(`insert into referral (id, patient_id, source, referrer_id, reason, wants_help_with, consent_to_contact, contact_method, status, patient_status_before,
                                              received_at, triaged_at, triaged_by_id, assigned_coach_id, decline_reason)
      select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, case when i % 3 = 1 then 'FCP' else 'GP' end,
             (array[md5('gp' || g), md5('fcp' || g), md5('lead' || g)])[1 + i % 3]::uuid, 'Persistent pain', 'Walking further', true, 'PHONE',
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
    await seedMedicines(client, size);
    await seedSpecialistServices(client, size, passwordHash);
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

/**
 * Each PCN's GP (of its practice), First Contact Physiotherapist (of its physiotherapy provider) and pain
 * management practitioner (a pharmacy technician at the practice), on the care teams they would be on: the GP
 * on every one, the physiotherapist on one in two, the practitioner on one in three (patient 3, whose record
 * the suite reads, on all three).
 */
async function seedPcnClinicians(client: PoolClient, { pcns, perPcn }: ServiceSize, passwordHash: string): Promise<void> {
  await client.query(`insert into organisation (id, name, kind, pcn_id)
    select md5('physio' || g)::uuid, 'Bench Physiotherapy ' || g, 'PHYSIO_PROVIDER', md5('pcn' || g)::uuid from generate_series(1, $1::int) g`, [pcns]);
  await client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id)
    select md5(r.key || g)::uuid, r.name || ' ' || g, r.key || g || '@bench.invalid', $2, r.role, md5(r.org || g)::uuid
      from generate_series(1, $1::int) g,
           (values ('gp', 'GP', 'GP', 'practice'), ('fcp', 'Physiotherapist', 'FCP', 'physio'), ('practitioner', 'Practitioner', 'PAIN_PRACTITIONER', 'practice')) as r(key, name, role, org)`,
    [pcns, passwordHash]);
  await client.query(`insert into care_team_member (id, patient_id, user_id, team_role, is_lead)
    select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5(t.key || g)::uuid, t.team_role, false
      from generate_series(1, $1::int) g, generate_series(1, $2::int) i,
           (values ('gp', 'GP', 1, 0), ('fcp', 'First Contact Physiotherapist', 2, 1), ('practitioner', 'Pain management practitioner', 3, 0)) as t(key, team_role, every, at)
     where i % t.every = t.at`, [pcns, perPcn]);
}

/**
 * What the medication worklists and indicators read, for the practitioner's patients (one in three): morphine
 * now, codeine before it for half of them, pregabalin beside it for a third; a review for half of them (due
 * again for half of those: the others are due, on an opioid and never reviewed); and for one in four a
 * reduction the practitioner proposed, with its taper, awaiting the GP's approval. Dates that decide what is
 * due, and the reviews the indicators count (their last twelve months), are counted from today, so the
 * worklists and indicators read the same whenever the suite runs.
 */
async function seedMedicines(client: PoolClient, { pcns, perPcn }: ServiceSize): Promise<void> {
  await client.query(`insert into medication (id, patient_id, medicine_code, name, medicine_class, route, form, strength, dose, dose_unit, frequency, frequency_words,
                                              doses_per_day, as_needed, ome_mg_per_day, ome_words, start_date, stop_date, stop_reason, prescriber, recorded_by_id)
    select md5(m.code || g || '-' || i)::uuid, md5('patient' || g || '-' || i)::uuid, m.code, m.name, m.class, 'ORAL', m.form, m.strength, m.dose, 'mg', m.frequency,
           m.words, m.per_day, false, m.ome, m.ome_words, m.started + (i % 90), case when m.code = 'codeine' then date '2025-01-01' + (i % 90) end,
           case when m.code = 'codeine' then 'Switched to morphine' end, 'GP ' || g, md5('gp' || g)::uuid
      from generate_series(1, $1::int) g, generate_series(1, $2::int) i,
           (values ('morphine', 'Morphine (oral)', 'OPIOID', 'modified-release tablet', '30 mg', 30, 'twice daily', 'twice a day', 2, 60,
                    'Morphine (oral): 30 mg × 2 a day = 60 mg a day × 1 = 60 mg oral morphine a day.', date '2025-01-01', 3),
                   ('codeine', 'Codeine phosphate', 'OPIOID', 'tablet', '30 mg', 30, 'four times a day', '4 times a day', 4, 12,
                    'Codeine phosphate: 30 mg × 4 a day = 120 mg a day × 0.1 = 12 mg oral morphine a day.', date '2024-06-01', 6),
                   ('pregabalin', 'Pregabalin', 'GABAPENTINOID', 'capsule', '150 mg', 150, 'twice daily', 'twice a day', 2, null, null, date '2025-03-01', 9))
             as m(code, name, class, form, strength, dose, frequency, words, per_day, ome, ome_words, started, every)
     where i % m.every = 0`, [pcns, perPcn]);
  await client.query(`insert into medication_review (id, patient_id, reviewer_id, reviewed_on, how_taken, effect_on_pain_and_function, side_effects, what_matters,
                                                     readiness, ome_at_review, next_review_due)
    select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('practitioner' || g)::uuid, current_date - 120 - (i % 60), 'As prescribed',
           'Takes the edge off', 'Constipation', 'Walking the dog', 'UNSURE', 60,
           case when i % 12 = 0 then current_date - 1 - (i % 30) else current_date + 90 + (i % 30) end
      from generate_series(1, $1::int) g, generate_series(1, $2::int) i where i % 6 = 0`, [pcns, perPcn]);
  await client.query(`insert into medication_proposal (id, patient_id, kind, medication_id, medicine_code, medicine_name, rationale, status, proposed_by_id, proposed_at)
    select md5('proposal' || g || '-' || i)::uuid, md5('patient' || g || '-' || i)::uuid, 'REDUCE', md5('morphine' || g || '-' || i)::uuid, 'morphine', 'Morphine (oral)',
           'Ready to taper towards 20 mg a day', 'AWAITING_APPROVAL', md5('practitioner' || g)::uuid, timestamptz '2025-11-01' + (i % 30) * interval '1 day' + g * interval '1 minute'
      from generate_series(1, $1::int) g, generate_series(1, $2::int) i where i % 12 = 3`, [pcns, perPcn]);
  await client.query(`insert into taper_step (id, proposal_id, position, start_date, dose, frequency, words, ome_mg_per_day, increases)
    select gen_random_uuid(), md5('proposal' || g || '-' || i)::uuid, s.position, current_date + 7 * (s.position + 1), s.dose, 'twice daily', s.dose || ' mg twice a day', s.dose * 2, false
      from generate_series(1, $1::int) g, generate_series(1, $2::int) i, (values (0, 20), (1, 10)) as s(position, dose)
     where i % 12 = 3`, [pcns, perPcn]);
}

/**
 * Patient i of PCN g whom a specialist pain service keeps sight of (one in five, patient 3 among them), and the
 * service (`s`): a PCN's are spread over the services of its region, so that each service's come from every
 * PCN of the region, and on one PCN all go to the one service. Parameters: $1 PCNs, $2 patients a PCN, $3
 * PCNs a region.
 */
const specialistLinkedPatients = `select g, i, ((g - 1) / $3::int) * $3::int + (i / 5) % least($3::int, $1::int - ((g - 1) / $3::int) * $3::int) + 1 as s
    from generate_series(1, $1::int) g, generate_series(1, $2::int) i where i % 5 = 3`;

/**
 * The specialist pain services, one specialist each, with the patients linked to them (handed over) and a
 * handover note on each: a quarter awaiting acknowledgement (routine, which never escalates), a quarter
 * escalated and still open (already escalated, so the server's sweep leaves them be), the rest acknowledged by
 * the lead coach. Each note recommends one action of the practitioner (on their patients) or of the GP, done
 * once the note was acknowledged.
 */
async function seedSpecialistServices(client: PoolClient, { pcns, perPcn }: ServiceSize, passwordHash: string): Promise<void> {
  await client.query(`insert into organisation (id, name, kind, pcn_id)
    select md5('specialist-service' || s)::uuid, 'Bench Specialist Pain Service ' || s, 'SPECIALIST_PAIN_SERVICE', null from generate_series(1, $1::int) s`, [pcns]);
  await client.query(`insert into app_user (id, name, email, password_hash, role, organisation_id)
    select md5('specialist' || s)::uuid, 'Specialist ' || s, 'specialist' || s || '@bench.invalid', $2, 'SPECIALIST', md5('specialist-service' || s)::uuid
      from generate_series(1, $1::int) s`, [pcns, passwordHash]);
  const params = [pcns, perPcn, PCNS_PER_SPECIALIST_REGION];
  await client.query(`insert into specialist_link (id, patient_id, service_id, reason, created_at)
    select gen_random_uuid(), md5('patient' || g || '-' || i)::uuid, md5('specialist-service' || s)::uuid, 'HANDOVER', timestamptz '2025-06-01'
      from (${specialistLinkedPatients}) l`, params);
  // State k: 0 awaiting acknowledgement, 1 escalated and open, 2–3 acknowledged.
  await client.query(`insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at, acknowledged_at, acknowledged_by_id,
                                                 acknowledgement_reply, escalated_at)
    select md5('handover' || g || '-' || i)::uuid, md5('patient' || g || '-' || i)::uuid, md5('specialist' || s)::uuid, 'Bench Specialist Pain Service ' || s,
           'Seen in clinic', 'Pacing plan agreed; review analgesia', case k when 0 then 'ROUTINE' when 1 then 'URGENT' else 'SOON' end, created_at,
           case when k >= 2 then created_at + interval '2 days' end, case when k >= 2 then md5('coach' || g || '-' || (1 + i % 3))::uuid end,
           case when k >= 2 then 'Thank you' end, case when k = 1 then created_at + interval '1 hour' end
      from (select l.*, (i / 5 + g) % 4 as k, timestamptz '2025-06-01' + (i % 150) * interval '1 day' + g * interval '1 minute' as created_at
              from (${specialistLinkedPatients}) l) n`, params);
  await client.query(`insert into handover_action (id, handover_id, position, description, assignee_id, due_date, done_at, done_by_id)
    select gen_random_uuid(), n.id, 0, 'Review analgesia with the patient', a.assignee, n.created_at::date + 14,
           n.acknowledged_at, case when n.acknowledged_at is not null then a.assignee end
      from (${specialistLinkedPatients}) l
      join handover_note n on n.id = md5('handover' || g || '-' || i)::uuid
      cross join lateral (select md5(case when i % 3 = 0 then 'practitioner' else 'gp' end || g)::uuid as assignee) a`, params);
}
