import { Migration } from '@mikro-orm/migrations';

/**
 * Edits waiting for their timeline entry (a CARE_PLAN_REVISED event). The timeline hears of a plan's edits
 * within a minute; the care team's notification digest still waits for ten quiet minutes, so each has its
 * own pending row. Digests pending at upgrade get their timeline entry from here, as they would have.
 */
export class Migration0017CarePlanTimeline extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
create table care_plan_timeline_pending (
  patient_id uuid primary key references patient(id),
  from_seq bigint not null,
  editor_ids uuid[] not null,
  first_edit_at timestamptz not null default now(),
  last_edit_at timestamptz not null default now()
);
insert into care_plan_timeline_pending (patient_id, from_seq, editor_ids, first_edit_at, last_edit_at)
select d.patient_id,
       coalesce((select max((e.payload->>'revision')::bigint) from event e where e.patient_id = d.patient_id and e.kind = 'CARE_PLAN_REVISED'), 0) + 1,
       d.editor_ids, d.first_edit_at, d.last_edit_at
  from care_plan_edit_digest d;
`);
  }
}
