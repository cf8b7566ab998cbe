import { Migration } from '@mikro-orm/migrations';

/**
 * A care-plan group commit reads its plans without locking them and stores in one statement that updates
 * each plan only if its last seq is still the one read. When another instance stored first, that
 * statement calls this to undo itself whole (a serialization failure, 40001): the group reads again.
 */
export class Migration0022CarePlanMoved extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
create function care_plan_moved_on(patient_ids uuid[]) returns void language plpgsql as $$
begin
  raise exception 'care plans % were written by another instance meanwhile', patient_ids using errcode = '40001';
end
$$;
`);
  }
}
