import { Migration } from '@mikro-orm/migrations';

/** Each taper step is reminded once, when it falls due; `reminded_at` says it has been. */
export class Migration0021TaperStepReminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table taper_step add column reminded_at timestamptz;
create index taper_step_due_idx on taper_step (start_date) where reminded_at is null;
`);
  }
}
