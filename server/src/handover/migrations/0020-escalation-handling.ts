import { Migration } from '@mikro-orm/migrations';

/**
 * A PCN service lead can act on an escalated handover: acknowledge it on the care-team lead's behalf (who
 * acted and for whom are both kept) or hand the patient's lead to another team member, which restarts the
 * escalation clock from that moment for the new lead. The immutability trigger already lets these columns
 * change, and nothing that was posted.
 */
export class Migration0020EscalationHandling extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table handover_note
  add column acknowledged_on_behalf_of_id uuid references app_user(id),
  add column escalation_handled_at timestamptz,
  add column escalation_handled_by_id uuid references app_user(id),
  add column escalation_outcome text check (escalation_outcome in ('ACKNOWLEDGED', 'ACKNOWLEDGED_ON_BEHALF', 'LEAD_REASSIGNED')),
  add column escalation_note text,
  add column escalation_clock_from timestamptz;
alter table handover_note
  add constraint handover_escalation_handled_whole check (
    (escalation_handled_at is null) = (escalation_handled_by_id is null) and (escalation_handled_at is null) = (escalation_outcome is null)),
  add constraint handover_escalation_handled_after_escalation check (escalation_handled_at is null or escalated_at is not null),
  add constraint handover_on_behalf_when_acknowledged check (acknowledged_on_behalf_of_id is null or acknowledged_at is not null);
create index handover_escalated_idx on handover_note (escalated_at) where escalated_at is not null;
create index handover_author_idx on handover_note (author_id, created_at desc);
`);
  }
}
