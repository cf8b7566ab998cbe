import { Migration } from '@mikro-orm/migrations';

/**
 * Referrals into the coaching programme and their triage. A referral is never deleted; an ACCEPTED one
 * starts an episode, which ends when the patient is discharged (`episode_ended_at`). `first_seen_at` is
 * when the patient was first seen after acceptance (the waiting list's "not yet seen").
 */
export class Migration0014Referrals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table referral (
  id uuid primary key,
  patient_id uuid not null references patient(id),
  source text not null check (source in ('GP','FCP','PAIN_PRACTITIONER','SPECIALIST_SERVICE','SELF','PROACTIVE_INVITATION')),
  referrer_id uuid not null references app_user(id),
  reason text not null,
  conditions text[] not null default '{}',
  wants_help_with text not null,
  consent_to_contact boolean not null check (consent_to_contact),
  contact_method text not null check (contact_method in ('PHONE','SMS','EMAIL','LETTER','VIDEO')),
  contact_times text,
  interpreter_language text,
  hearing_support boolean not null default false,
  large_print boolean not null default false,
  accessibility_notes text,
  status text not null check (status in ('RECEIVED','ACCEPTED','DECLINED','REDIRECTED')),
  patient_status_before text not null,
  received_at timestamptz not null default now(),
  triaged_at timestamptz,
  triaged_by_id uuid references app_user(id),
  assigned_coach_id uuid references app_user(id),
  decline_reason text,
  redirected_to text,
  first_seen_at timestamptz,
  episode_ended_at timestamptz,
  invitation_id uuid,
  check (status = 'RECEIVED' or (triaged_at is not null and triaged_by_id is not null)),
  check (status <> 'ACCEPTED' or assigned_coach_id is not null),
  check (status <> 'DECLINED' or decline_reason is not null),
  check (status <> 'REDIRECTED' or redirected_to is not null)
);
create index referral_patient_idx on referral (patient_id, received_at desc);
create index referral_referrer_idx on referral (referrer_id, received_at desc);
-- The waiting list: untriaged referrals, and accepted ones not yet seen.
create index referral_waiting_idx on referral (received_at) where status = 'RECEIVED' or (status = 'ACCEPTED' and first_seen_at is null);
-- One referral awaiting triage per patient at a time.
create unique index referral_one_pending_idx on referral (patient_id) where status = 'RECEIVED';
`);
  }
}
