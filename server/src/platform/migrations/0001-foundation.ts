import { Migration } from '@mikro-orm/migrations';

export class Migration0001Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table organisation (
  id uuid primary key,
  name text not null,
  kind text not null check (kind in ('PCN','GP_PRACTICE','PHYSIO_PROVIDER','SPECIALIST_PAIN_SERVICE')),
  pcn_id uuid references organisation(id)
);

create table app_user (
  id uuid primary key,
  name text not null,
  email text not null unique check (email = lower(email)),
  password_hash text not null,
  role text not null check (role in ('COACH','FCP','GP','PAIN_PRACTITIONER','SPECIALIST','SERVICE_LEAD','ADMIN')),
  organisation_id uuid not null references organisation(id),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create table session (
  id uuid primary key,
  token_hash text not null unique,
  user_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text
);
create index session_user_idx on session(user_id) where revoked_at is null;

create table patient (
  id uuid primary key,
  nhs_number text not null unique check (nhs_number ~ '^[0-9]{10}$'),
  given_name text not null,
  family_name text not null,
  date_of_birth date not null,
  practice_id uuid not null references organisation(id),
  conditions text[] not null default '{}',
  status text not null check (status in ('REFERRED','ACTIVE','DISCHARGED')),
  created_at timestamptz not null default now()
);
create index patient_name_idx on patient (lower(family_name), lower(given_name), id);
create index patient_practice_idx on patient (practice_id);
create index patient_conditions_idx on patient using gin (conditions);

create table care_team_member (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  user_id uuid not null references app_user(id),
  team_role text not null,
  is_lead boolean not null default false,
  added_at timestamptz not null default now(),
  unique (patient_id, user_id)
);
create unique index care_team_one_lead on care_team_member (patient_id) where is_lead;
create index care_team_user_idx on care_team_member (user_id);

create table specialist_link (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  service_id uuid not null references organisation(id),
  reason text not null check (reason in ('REFERRED','HANDOVER')),
  created_at timestamptz not null default now(),
  unique (patient_id, service_id)
);

-- Append-only: who did what to which patient, including every denial.
create table audit_entry (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  action text not null,
  patient_id uuid,
  request_id text,
  outcome text not null check (outcome in ('ALLOWED','DENIED','FAILED')),
  detail jsonb
);
create index audit_patient_idx on audit_entry (patient_id, id desc);
create index audit_actor_idx on audit_entry (actor_id, id desc);

create function audit_entry_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_entry is append-only';
end $$;
create trigger audit_entry_no_update before update or delete on audit_entry
  for each row execute function audit_entry_is_append_only();
create trigger audit_entry_no_truncate before truncate on audit_entry
  for each statement execute function audit_entry_is_append_only();
`);
  }
}
