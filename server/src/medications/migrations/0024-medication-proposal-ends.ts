import { Migration } from '@mikro-orm/migrations';

/**
 * A proposal can be withdrawn before a GP decides, and an approved plan is replaced when a GP approves a newer
 * one for the same medicine: who ended it and when, the practitioner's reason, and the plan that replaced it.
 */
export class Migration0024MedicationProposalEnds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table medication_proposal
  drop constraint medication_proposal_status_check,
  drop constraint medication_proposal_check,
  add column ended_by_id uuid references app_user(id),
  add column ended_at timestamptz,
  add column withdrawal_reason text,
  add column replaced_by_id uuid references medication_proposal(id);
alter table medication_proposal
  add constraint medication_proposal_status_check check (status in ('AWAITING_APPROVAL','APPROVED','DECLINED','PAUSED','WITHDRAWN','REPLACED')),
  -- Approved, declined, paused or replaced means a GP's decision is recorded; withdrawn ones never had one.
  add constraint medication_proposal_decided_check check (status in ('AWAITING_APPROVAL','WITHDRAWN') or (decided_by_id is not null and decided_at is not null)),
  add constraint medication_proposal_ended_check check ((status in ('WITHDRAWN','REPLACED')) = (ended_by_id is not null and ended_at is not null)),
  add constraint medication_proposal_withdrawn_check check (status <> 'WITHDRAWN' or withdrawal_reason is not null),
  add constraint medication_proposal_replaced_check check ((status = 'REPLACED') = (replaced_by_id is not null));
`);
  }
}
