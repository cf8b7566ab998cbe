import { Migration } from '@mikro-orm/migrations';

/**
 * An edit sent on a socket is admitted without reading its session first: the group commit's statement
 * reads the sessions of its edits and calls this to undo itself whole when one has ended (revoked,
 * expired, its user deactivated) since the edit arrived. The group then refuses that session's edits and
 * stores the others.
 */
export class Migration0023CarePlanSessionEnded extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
create function care_plan_sessions_ended(session_ids uuid[]) returns void language plpgsql as $$
begin
  raise exception 'sessions % have ended', session_ids using errcode = '28000';
end
$$;
`);
  }
}
