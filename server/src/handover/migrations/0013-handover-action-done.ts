import { Migration } from '@mikro-orm/migrations';

/**
 * A recommended action can be marked done, once, with who and when. Everything else about an action stays as
 * posted: the trigger that kept actions immutable now lets exactly that one change through.
 */
export class Migration0013HandoverActionDone extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table handover_action add column done_at timestamptz, add column done_by_id uuid references app_user(id);
alter table handover_action add constraint handover_action_done_with_who check ((done_at is null) = (done_by_id is null));
create function handover_action_may_only_be_done() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or new.handover_id <> old.handover_id or new.position <> old.position or new.description <> old.description
     or new.assignee_id is distinct from old.assignee_id or new.due_date is distinct from old.due_date or old.done_at is not null then
    raise exception 'a handover action cannot be changed, only marked done once';
  end if;
  return new;
end $$;
drop trigger handover_action_immutable on handover_action;
create trigger handover_action_immutable before update or delete on handover_action
  for each row execute function handover_action_may_only_be_done();
`);
  }
}
