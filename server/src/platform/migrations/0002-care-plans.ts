import { Migration } from '@mikro-orm/migrations';

/** Care plans: the Yjs update log (the durable truth), a compacted snapshot, the typed view, and sign-offs. */
export class Migration0002CarePlans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- One row per plan: the compacted snapshot (state up to snapshot_seq), the last applied seq (the row is
-- locked "for update" by every write, which serialises writers across instances), and the materialised view.
create table care_plan (
  patient_id uuid primary key references patient(id),
  snapshot bytea not null,
  snapshot_seq bigint not null default 0,
  last_seq bigint not null default 0,
  updates_since_snapshot int not null default 0,
  view jsonb not null,
  what_matters text not null default '',
  goals jsonb not null default '[]',
  strategies jsonb not null default '[]',
  flare_up jsonb not null default '{}',
  medication text not null default '',
  next_review_date date,
  reviewer_id uuid,
  active_goal_count int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user(id)
);
create index care_plan_review_idx on care_plan (next_review_date) where next_review_date is not null;

-- Every acknowledged update, attributed; never rewritten (history, restore and sign-off read it).
create table care_plan_update (
  seq bigserial primary key,
  patient_id uuid not null references care_plan(patient_id),
  update bytea not null,
  actor_id uuid not null references app_user(id),
  client_update_id text not null,
  sections text[] not null default '{}',
  created_at timestamptz not null default now(),
  unique (patient_id, client_update_id)
);
create index care_plan_update_patient_seq_idx on care_plan_update (patient_id, seq);

-- "Agreed with the patient": the revision (seq) and a frozen copy of the view, immutable once written.
create table care_plan_sign_off (
  id uuid primary key,
  patient_id uuid not null references care_plan(patient_id),
  seq bigint not null,
  view jsonb not null,
  signed_by uuid not null references app_user(id),
  signed_at timestamptz not null default now(),
  agreed_on date not null,
  note text not null default ''
);
create index care_plan_sign_off_patient_idx on care_plan_sign_off (patient_id, signed_at desc);

create function care_plan_immutable() returns trigger language plpgsql as $$
begin
  raise exception '% rows are never changed or removed', tg_table_name;
end $$;
create trigger care_plan_update_immutable before update or delete on care_plan_update
  for each row execute function care_plan_immutable();
create trigger care_plan_sign_off_immutable before update or delete on care_plan_sign_off
  for each row execute function care_plan_immutable();
`);
  }
}
