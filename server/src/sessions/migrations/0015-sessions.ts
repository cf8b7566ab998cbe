import { Migration } from '@mikro-orm/migrations';

/**
 * Coaching sessions: bookings with their history of rebooks and cancellations, what happened at each
 * (structured notes, the goals reviewed with their check-in ratings, strategies practised, measures
 * taken), addenda, each coach's capacity, and discharges. Notes, once recorded, are never changed: a
 * trigger refuses it, so even a fault in the application cannot rewrite them (hazard SES-H4).
 */
export class Migration0015Sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table coaching_session (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  coach_id uuid not null references app_user(id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  mode text not null check (mode in ('PHONE','VIDEO','IN_PERSON','GROUP')),
  location text,
  purpose text not null,
  status text not null check (status in ('BOOKED','ATTENDED','DNA','CANCELLED_BY_PATIENT','CANCELLED_BY_CLINIC')),
  pain_cafe_id uuid null,
  booked_by_id uuid not null references app_user(id),
  booked_at timestamptz not null default now(),
  cancel_reason text,
  cancelled_by_id uuid references app_user(id),
  cancelled_at timestamptz,
  recorded_by_id uuid references app_user(id),
  recorded_at timestamptz,
  discussed text,
  next_steps text,
  measures_taken text[] not null default '{}',
  flare_up boolean,
  activation_level smallint check (activation_level between 1 and 4),
  check (ends_at > starts_at),
  check (mode <> 'IN_PERSON' or location is not null),
  check (status not like 'CANCELLED%' or (cancel_reason is not null and cancelled_at is not null)),
  check (status not in ('ATTENDED','DNA') or recorded_at is not null)
);
create index coaching_session_coach_idx on coaching_session (coach_id, starts_at);
create index coaching_session_patient_idx on coaching_session (patient_id, starts_at desc);

-- Each rebook keeps the time it replaced; each cancellation who and why.
create table coaching_session_change (
  id uuid primary key,
  session_id uuid not null references coaching_session(id),
  kind text not null check (kind in ('REBOOKED','CANCELLED')),
  previous_starts_at timestamptz not null,
  previous_ends_at timestamptz not null,
  new_starts_at timestamptz,
  new_ends_at timestamptz,
  reason text not null,
  changed_by_id uuid not null references app_user(id),
  changed_at timestamptz not null default now()
);
create index coaching_session_change_session_idx on coaching_session_change (session_id, changed_at);

create table session_goal_review (
  session_id uuid not null references coaching_session(id),
  goal_id text not null,
  goal_what text not null,
  rating smallint not null check (rating between 0 and 10),
  note text not null default '',
  primary key (session_id, goal_id)
);

create table session_strategy_practised (
  session_id uuid not null references coaching_session(id),
  strategy_id text not null,
  strategy_what text not null,
  primary key (session_id, strategy_id)
);

create table session_addendum (
  id uuid primary key,
  session_id uuid not null references coaching_session(id),
  author_id uuid not null references app_user(id),
  body text not null,
  created_at timestamptz not null default now()
);
create index session_addendum_session_idx on session_addendum (session_id, created_at);

create table coach_capacity (
  coach_id uuid primary key references app_user(id),
  sessions_per_week smallint not null check (sessions_per_week between 0 and 80),
  caseload_size smallint not null check (caseload_size between 0 and 500),
  updated_by_id uuid not null references app_user(id),
  updated_at timestamptz not null default now()
);

create table discharge (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  reason text not null check (reason in ('GOALS_MET','PATIENT_CHOICE','MOVED_AWAY','TRANSFERRED','DID_NOT_ENGAGE')),
  drafted_summary text not null,
  summary text not null,
  signed_by_id uuid not null references app_user(id),
  signed_at timestamptz not null default now()
);
create index discharge_patient_idx on discharge (patient_id, signed_at desc);

create function coaching_session_notes_unchanged() returns trigger language plpgsql as $$
begin
  if old.recorded_at is not null and (
       new.discussed is distinct from old.discussed or new.next_steps is distinct from old.next_steps
    or new.measures_taken is distinct from old.measures_taken or new.flare_up is distinct from old.flare_up
    or new.recorded_at is distinct from old.recorded_at or new.recorded_by_id is distinct from old.recorded_by_id
    or new.status is distinct from old.status) then
    raise exception 'a recorded coaching session is never changed; add an addendum';
  end if;
  return new;
end $$;
create trigger coaching_session_notes_unchanged before update on coaching_session
  for each row execute function coaching_session_notes_unchanged();

create function session_notes_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% rows are never changed or removed', tg_table_name;
end $$;
create trigger session_goal_review_append_only before update or delete on session_goal_review
  for each row execute function session_notes_append_only();
create trigger session_strategy_practised_append_only before update or delete on session_strategy_practised
  for each row execute function session_notes_append_only();
create trigger session_addendum_append_only before update or delete on session_addendum
  for each row execute function session_notes_append_only();
create trigger coaching_session_change_append_only before update or delete on coaching_session_change
  for each row execute function session_notes_append_only();
create trigger discharge_append_only before update or delete on discharge
  for each row execute function session_notes_append_only();
`);
  }
}
