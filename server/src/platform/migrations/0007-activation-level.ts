import { Migration } from '@mikro-orm/migrations';

/**
 * The patient's activation level (1–4, as the care team last assessed it), which decides how small and
 * concrete the self-management steps suggested for them are. Null until someone assesses it.
 */
export class Migration0007ActivationLevel extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table patient add column activation_level smallint check (activation_level between 1 and 4);
alter table patient add column activation_level_set_at timestamptz;
alter table patient add column activation_level_set_by uuid references app_user(id);
`);
  }
}
