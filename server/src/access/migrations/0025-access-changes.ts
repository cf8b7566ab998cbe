import { Migration } from '@mikro-orm/migrations';

/**
 * A note of every statement that may change who is related to a patient: a row in `access_change` with the
 * writing transaction's id, made by triggers on every table and column the relationship query reads
 * (policy.ts, `relationshipQuery`). A caller that kept relationship rows read in a snapshot can ask whether
 * any change was committed that the snapshot did not see (`relationshipsChanged`), in one index probe,
 * instead of reading every kept relationship again. The note is made in the changing transaction, so it is
 * seen exactly when the change is.
 *
 * The app role may add notes and read them, never alter or remove one: a note removed would let kept rows
 * go unchecked.
 */
export class Migration0025AccessChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table access_change (
  xid xid8 not null default pg_current_xact_id(),
  noted_at timestamptz not null default clock_timestamp(),
  source text not null
);
create index access_change_xid_idx on access_change (xid);

create function note_access_change() returns trigger language plpgsql as $$
begin
  insert into access_change (source) values (tg_table_name);
  return null;
end
$$;

create trigger care_team_member_access_change after insert or update or delete or truncate on care_team_member
  for each statement execute function note_access_change();
create trigger specialist_link_access_change after insert or update or delete or truncate on specialist_link
  for each statement execute function note_access_change();
create trigger patient_access_change after insert or update of id, practice_id or delete or truncate on patient
  for each statement execute function note_access_change();
create trigger app_user_access_change after insert or update of id, role, active, organisation_id or delete or truncate on app_user
  for each statement execute function note_access_change();
create trigger organisation_access_change after insert or update of id, kind, pcn_id or delete or truncate on organisation
  for each statement execute function note_access_change();

revoke update, delete, truncate on access_change from cairn_app;
`);
  }
}
