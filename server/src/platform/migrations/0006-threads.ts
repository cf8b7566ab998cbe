import { Migration } from '@mikro-orm/migrations';

/** MDT discussion threads per patient: posts and replies, mentions, edit history, follow/mute. */
export class Migration0006Threads extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table thread (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  title text not null,
  topic text not null check (topic in ('MEDICATION','PLAN_REVIEW','SAFEGUARDING','REFERRAL','GENERAL')),
  author_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by_id uuid references app_user(id)
);
create index thread_patient_idx on thread (patient_id, created_at desc);

create table thread_post (
  id uuid primary key,
  thread_id uuid not null references thread(id),
  parent_id uuid references thread_post(id),
  author_id uuid not null references app_user(id),
  -- What the author typed; body_html is rendered from it on the server, never taken from a client.
  body text not null,
  body_html text not null,
  created_at timestamptz not null default now(),
  edited_at timestamptz
);
create index thread_post_thread_idx on thread_post (thread_id, created_at);

create table thread_post_revision (
  id uuid primary key,
  post_id uuid not null references thread_post(id),
  body text not null,
  body_html text not null,
  -- When this version was written, and when an edit replaced it.
  written_at timestamptz not null,
  replaced_at timestamptz not null default now()
);
create index thread_post_revision_idx on thread_post_revision (post_id, replaced_at);

create table thread_mention (
  post_id uuid not null references thread_post(id),
  user_id uuid not null references app_user(id),
  primary key (post_id, user_id)
);

create table thread_follow (
  thread_id uuid not null references thread(id),
  user_id uuid not null references app_user(id),
  state text not null check (state in ('FOLLOWING','MUTED')),
  primary key (thread_id, user_id)
);
`);
  }
}
