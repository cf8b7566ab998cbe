import { Migration } from '@mikro-orm/migrations';

/**
 * Analgesia reviews: each patient's medicines with their history (a stopped medicine keeps its row), the
 * practitioner's reviews, proposed changes with their taper steps, and the GP's decisions.
 */
export class Migration0011Medications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table medication (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  medicine_code text not null,
  name text not null,
  medicine_class text not null,
  route text not null,
  form text not null,
  strength text not null,
  dose double precision not null check (dose > 0),
  dose_unit text not null,
  frequency text not null,
  frequency_words text not null,
  doses_per_day smallint not null check (doses_per_day between 1 and 24),
  as_needed boolean not null,
  patch_change_hours smallint,
  ome_mg_per_day double precision check (ome_mg_per_day >= 0),
  ome_words text,
  start_date date not null,
  stop_date date,
  stop_reason text,
  prescriber text not null,
  recorded_by_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  check (stop_date is null or stop_date >= start_date)
);
create index medication_patient_idx on medication (patient_id, start_date);
-- The indicators read opioid history by practice and period.
create index medication_class_period_idx on medication (medicine_class, start_date, stop_date) include (patient_id, ome_mg_per_day);

create table medication_review (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  reviewer_id uuid not null references app_user(id),
  reviewed_on date not null,
  how_taken text not null,
  effect_on_pain_and_function text not null,
  side_effects text not null,
  what_matters text not null,
  readiness text not null check (readiness in ('NOT_READY','UNSURE','READY')),
  ome_at_review double precision not null,
  next_review_due date not null,
  created_at timestamptz not null default now()
);
create index medication_review_patient_idx on medication_review (patient_id, reviewed_on desc, created_at desc);
create index medication_review_on_idx on medication_review (reviewed_on);

create table medication_proposal (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  kind text not null check (kind in ('REDUCE','STOP','SWITCH','START')),
  medication_id uuid references medication(id),
  medicine_code text not null,
  medicine_name text not null,
  rationale text not null,
  status text not null check (status in ('AWAITING_APPROVAL','APPROVED','DECLINED','PAUSED')),
  proposed_by_id uuid not null references app_user(id),
  proposed_at timestamptz not null default now(),
  decided_by_id uuid references app_user(id),
  decided_at timestamptz,
  decision_comment text,
  amended boolean not null default false,
  patient_agreed_at timestamptz,
  patient_agreement_note text,
  pause_reason text,
  -- Approved means a decision is recorded, by someone.
  check (status = 'AWAITING_APPROVAL' or (decided_by_id is not null and decided_at is not null))
);
create index medication_proposal_patient_idx on medication_proposal (patient_id, proposed_at desc);
create index medication_proposal_awaiting_idx on medication_proposal (proposed_at) where status = 'AWAITING_APPROVAL';

create table taper_step (
  id uuid primary key,
  proposal_id uuid not null references medication_proposal(id) on delete cascade,
  position smallint not null,
  start_date date not null,
  dose double precision not null check (dose >= 0),
  frequency text not null,
  words text not null,
  ome_mg_per_day double precision not null check (ome_mg_per_day >= 0),
  increases boolean not null,
  unique (proposal_id, position)
);
`);
  }
}
