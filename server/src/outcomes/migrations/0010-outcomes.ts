import { Migration } from '@mikro-orm/migrations';

/**
 * Outcome measures (issue 12): scored records that are never changed (a correction is a new record that
 * supersedes the old), and the one-time questionnaire links patients complete from home.
 */
export class Migration0010Outcomes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table questionnaire_request (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  instruments text[] not null check (cardinality(instruments) between 1 and 7),
  -- How the coach sent the link; Cairn itself sends nothing.
  channel text not null check (channel in ('SMS','EMAIL','LETTER')),
  -- Only the SHA-256 of the token: a copy of the database opens no link.
  token_hash bytea not null unique,
  created_by_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  completed_at timestamptz,
  -- Wrong dates of birth: counted per link, and the link is held shut until locked_until after too many.
  failed_attempts int not null default 0,
  locked_until timestamptz
);
create index questionnaire_request_patient_idx on questionnaire_request (patient_id, created_at desc);

create table outcome_record (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  instrument text not null check (instrument in ('PSEQ_10','PSEQ_2','PEG_3','CONFIDENCE_WITHOUT_MEDICATION','GP_APPOINTMENTS','PAM','PGIC')),
  status text not null check (status in ('DRAFT','COMPLETED')),
  -- One answer per item in item order, null where unanswered (drafts only).
  answers jsonb not null check (jsonb_typeof(answers) = 'array'),
  -- Sums are whole numbers; the PEG mean is kept to two decimals, PAM scores to one.
  score double precision,
  -- The PSEQ-2 (items 5 and 9) of a completed PSEQ-10, so PSEQ-2 trends can use it without re-scoring.
  pseq2 smallint,
  measured_on date not null,
  period_from date,
  period_to date,
  gp_source text check (gp_source in ('PATIENT_REPORTED','PRACTICE_RECORD')),
  completed_by text not null check (completed_by in ('CLINICIAN','PATIENT')),
  recorded_by_id uuid references app_user(id),
  questionnaire_request_id uuid references questionnaire_request(id),
  -- A correction names the record it replaces; at most one correction per record.
  supersedes_id uuid unique references outcome_record(id),
  created_at timestamptz not null default now(),
  check ((status = 'COMPLETED') = (score is not null)),
  check ((instrument = 'GP_APPOINTMENTS') = (period_from is not null and period_to is not null and gp_source is not null)),
  check (period_from is null or period_from <= period_to)
);
-- A patient's measures in order (id last makes the order total). The dashboard reads it whole, in order and
-- without the table (score and status included), so baseline and follow-up need no sort.
create index outcome_record_patient_idx on outcome_record (patient_id, instrument, measured_on, created_at, id) include (score, status);

create function outcome_record_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'outcome_record is append-only: a correction is a new record that supersedes the old';
end $$;
create trigger outcome_record_no_update before update or delete on outcome_record
  for each row execute function outcome_record_is_append_only();
`);
  }
}
