import { Migration } from '@mikro-orm/migrations';

/**
 * The role the running server acts as, `cairn_app` (see platform/database.ts). The owner of the tables
 * could disable or drop the audit trail's append-only triggers, or `set session_replication_role =
 * replica` to skip them, and then rewrite the trail; the app role can do none of these, and may only
 * insert into and read `audit_entry`. Migrations keep running as the owner.
 *
 * Roles belong to the whole PostgreSQL cluster and databases share it (a test run makes a database per
 * run, several at once), so the role is made only if missing, tolerating another database's migration
 * making it at the same moment; grants and default privileges belong to this database.
 */
export class Migration0009AppRole extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
do $$
begin
  if not exists (select from pg_roles where rolname = 'cairn_app') then
    begin
      create role cairn_app nologin;
    exception when duplicate_object or unique_violation then
      null; -- made meanwhile by a migration in another database
    end;
  end if;
  -- The owner acts as the app role (SET ROLE): a superuser may already; any other owner needs membership.
  if not pg_has_role(current_user, 'cairn_app', 'member') then
    execute format('grant cairn_app to %I', current_user);
  end if;
end
$$;

grant usage on schema public to cairn_app;
grant select, insert, update, delete on all tables in schema public to cairn_app;
grant usage, select, update on all sequences in schema public to cairn_app;
-- Tables and sequences later migrations make (as this owner) get the same.
alter default privileges in schema public grant select, insert, update, delete on tables to cairn_app;
alter default privileges in schema public grant usage, select, update on sequences to cairn_app;

revoke all on audit_entry from cairn_app;
grant select, insert on audit_entry to cairn_app;
revoke all on mikro_orm_migrations from cairn_app;
`);
  }
}
