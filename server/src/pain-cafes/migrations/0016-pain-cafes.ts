import { Migration } from '@mikro-orm/migrations';

/**
 * Pain Cafés (issue 11): a PCN's group sessions, their facilitators, and each patient's place on them
 * (invited, registered, on the waiting list in order, cancelled) with attendance. The checks repeat the
 * service's validation so that no path into the table can store a café without a place to meet, or more
 * registered patients than places (hazard CAFE-H1).
 */
export class Migration0016PainCafes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table pain_cafe (
  id uuid primary key,
  pcn_id uuid not null references organisation(id),
  title text not null check (length(title) between 1 and 120),
  description text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  venue text,
  online_link text check (online_link like 'https://%'),
  capacity integer not null check (capacity between 1 and 500),
  status text not null check (status in ('SCHEDULED','CANCELLED')),
  cancel_reason text,
  created_by_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at),
  -- A link or a venue, never both, never neither.
  check ((venue is null) <> (online_link is null))
);
create index pain_cafe_pcn_time_idx on pain_cafe (pcn_id, starts_at);

create table pain_cafe_facilitator (
  cafe_id uuid not null references pain_cafe(id) on delete cascade,
  user_id uuid not null references app_user(id),
  primary key (cafe_id, user_id)
);

create table pain_cafe_registration (
  id uuid primary key,
  cafe_id uuid not null references pain_cafe(id),
  patient_id uuid not null references patient(id),
  status text not null check (status in ('INVITED','REGISTERED','WAITLISTED','CANCELLED')),
  -- Order of joining the café (taken under the café's row lock): the waiting list is served in this order.
  queue_no integer not null,
  invited_at timestamptz,
  registered_at timestamptz,
  waitlisted_at timestamptz,
  offered_place_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  attendance text check (attendance in ('ATTENDED','DID_NOT_ATTEND')),
  attendance_recorded_at timestamptz,
  attendance_recorded_by_id uuid references app_user(id),
  recorded_by_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  unique (cafe_id, queue_no),
  check (attendance is null or status = 'REGISTERED')
);
-- One live place (invited, registered or waiting) per patient per café; a cancelled one may be taken again.
create unique index pain_cafe_registration_live_idx on pain_cafe_registration (cafe_id, patient_id) where status <> 'CANCELLED';
create index pain_cafe_registration_patient_idx on pain_cafe_registration (patient_id, created_at desc);

-- The last line against overbooking: whatever writes a registration, the café's places are counted under
-- its row lock at commit. The service already locks the café first, so this never waits in practice.
create function pain_cafe_within_capacity() returns trigger language plpgsql as $$
declare
  places integer;
  taken integer;
begin
  select capacity into places from pain_cafe where id = new.cafe_id for update;
  select count(*) into taken from pain_cafe_registration where cafe_id = new.cafe_id and status = 'REGISTERED';
  if taken > places then
    raise exception 'pain café % would have % registered for % places', new.cafe_id, taken, places using errcode = 'check_violation';
  end if;
  return null;
end;
$$;
create constraint trigger pain_cafe_registration_capacity
  after insert or update of status on pain_cafe_registration
  deferrable initially deferred
  for each row when (new.status = 'REGISTERED')
  execute function pain_cafe_within_capacity();

create function pain_cafe_capacity_kept() returns trigger language plpgsql as $$
begin
  if (select count(*) from pain_cafe_registration where cafe_id = new.id and status = 'REGISTERED') > new.capacity then
    raise exception 'pain café % capacity % is below its registered patients', new.id, new.capacity using errcode = 'check_violation';
  end if;
  return null;
end;
$$;
create constraint trigger pain_cafe_capacity_kept
  after update of capacity on pain_cafe
  deferrable initially deferred
  for each row execute function pain_cafe_capacity_kept();
`);
  }
}
