import { Migration } from '@mikro-orm/migrations';

/** Handover notes from specialist services: immutable once posted; corrections are addenda. */
export class Migration0005Handover extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table handover_note (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  author_id uuid not null references app_user(id),
  source_service text not null,
  summary text not null,
  advice text not null,
  urgency text not null check (urgency in ('ROUTINE','SOON','URGENT')),
  created_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by_id uuid references app_user(id),
  acknowledgement_reply text,
  escalated_at timestamptz
);
create index handover_patient_idx on handover_note (patient_id, created_at desc);
create index handover_unacknowledged_idx on handover_note (created_at) where acknowledged_at is null;

create table handover_action (
  id uuid primary key,
  handover_id uuid not null references handover_note(id),
  position int not null,
  description text not null,
  assignee_id uuid references app_user(id),
  due_date date,
  unique (handover_id, position)
);
create index handover_action_assignee_idx on handover_action (assignee_id);

create table handover_addendum (
  id uuid primary key,
  handover_id uuid not null references handover_note(id),
  author_id uuid not null references app_user(id),
  body text not null,
  created_at timestamptz not null default now()
);
create index handover_addendum_note_idx on handover_addendum (handover_id, created_at);

-- What was posted never changes: only acknowledgement and escalation are recorded on the note.
create function handover_note_is_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or new.patient_id <> old.patient_id or new.author_id <> old.author_id
     or new.source_service <> old.source_service or new.summary <> old.summary or new.advice <> old.advice
     or new.urgency <> old.urgency or new.created_at <> old.created_at then
    raise exception 'a posted handover note cannot be changed; add an addendum';
  end if;
  return new;
end $$;
create trigger handover_note_immutable before update or delete on handover_note
  for each row execute function handover_note_is_immutable();
create function handover_part_is_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'handover actions and addenda cannot be changed';
end $$;
create trigger handover_action_immutable before update or delete on handover_action
  for each row execute function handover_part_is_immutable();
create trigger handover_addendum_immutable before update or delete on handover_addendum
  for each row execute function handover_part_is_immutable();
`);
  }
}
