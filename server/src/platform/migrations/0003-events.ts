import { Migration } from '@mikro-orm/migrations';

/**
 * The event log: a transactional outbox every write appends to. `seq` comes from a one-row counter
 * updated inside the writing transaction, so the row lock hands out numbers in commit order and a reader
 * that has seen `seq = n` has seen every event numbered below n (a bigserial can commit out of order).
 */
export class Migration0003Events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table event_counter (
  id int primary key check (id = 1),
  last_seq bigint not null
);
insert into event_counter (id, last_seq) values (1, 0);

create table event (
  seq bigint primary key,
  patient_id uuid references patient(id),
  kind text not null,
  actor_id uuid references app_user(id),
  -- Set only for private events (a notification): only that user ever receives or lists it.
  recipient_id uuid references app_user(id),
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create index event_patient_idx on event (patient_id, seq) where recipient_id is null;
create index event_recipient_idx on event (recipient_id, seq) where recipient_id is not null;

create function event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'event is append-only';
end $$;
create trigger event_no_update before update or delete on event
  for each row execute function event_is_append_only();
`);
  }
}
