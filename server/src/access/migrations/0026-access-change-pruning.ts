import { Migration } from '@mikro-orm/migrations';

/**
 * Removes the notes of access changes (migration 0025) that a given snapshot saw: the server passes one it
 * took an hour before (`AccessChangePruning`), so every kept relationship it may still trust was confirmed in
 * a later snapshot, which saw them too. The app role may not delete notes itself; it may call this.
 */
export class Migration0026AccessChangePruning extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function prune_access_changes(seen_by pg_snapshot) returns bigint language sql security definer set search_path = public as $$
  with gone as (
    delete from access_change where xid < pg_snapshot_xmax(seen_by) and pg_visible_in_snapshot(xid, seen_by) returning 1)
  select count(*) from gone
$$;
revoke all on function prune_access_changes(pg_snapshot) from public;
grant execute on function prune_access_changes(pg_snapshot) to cairn_app;
`);
  }
}
