import { Migration } from '@mikro-orm/migrations';

/**
 * One-time password-reset links an administrator makes (issue 13): only the SHA-256 of each token is kept,
 * each expires, and each works once. A newer link for the same user replaces the older (`replaced_at`).
 */
export class Migration0019PasswordResets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table password_reset (
  id uuid primary key,
  user_id uuid not null references app_user(id),
  -- Only the hash: a copy of the database resets no password.
  token_hash bytea not null unique,
  created_by_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  replaced_at timestamptz,
  check (created_by_id <> user_id)
);
create index password_reset_open_idx on password_reset (user_id) where used_at is null and replaced_at is null;
create index app_user_name_idx on app_user (lower(name), id);
`);
  }
}
