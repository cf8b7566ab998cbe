import { Migration } from '@mikro-orm/migrations';

/** Per-user notifications, and the care-plan edit digests waiting for their quiet period to pass. */
export class Migration0004Notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table notification (
  id uuid primary key,
  recipient_id uuid not null references app_user(id),
  kind text not null,
  patient_id uuid references patient(id),
  title text not null,
  body text not null,
  link text not null,
  -- The private event that announced it: the live stream's cursor.
  seq bigint not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notification_recipient_idx on notification (recipient_id, seq desc);
create index notification_unread_idx on notification (recipient_id) where read_at is null;

-- One row per patient's care plan with edits not yet announced; sent once edits go quiet.
create table care_plan_edit_digest (
  patient_id uuid primary key references patient(id),
  editor_ids uuid[] not null,
  first_edit_at timestamptz not null default now(),
  last_edit_at timestamptz not null default now()
);
`);
  }
}
