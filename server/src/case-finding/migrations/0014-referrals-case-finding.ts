import { Migration } from '@mikro-orm/migrations';

/**
 * Case finding (named after 0014-referrals so it runs after it: invitations and referrals point at each other): searches over a PCN's patients saved per user (criteria as a JSON list of typed
 * criteria), and the invitations sent from them. Cairn records invitations; it sends nothing.
 */
export class Migration0014ReferralsCaseFinding extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table case_search (
  id uuid primary key,
  owner_id uuid not null references app_user(id),
  pcn_id uuid not null references organisation(id),
  name text not null,
  criteria jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (owner_id, name)
);

create table invitation (
  id uuid primary key,
  search_id uuid not null references case_search(id),
  patient_id uuid not null references patient(id),
  channel text not null check (channel in ('SMS','LETTER','PHONE','EMAIL')),
  sent_by_id uuid not null references app_user(id),
  sent_at timestamptz not null default now(),
  status text not null check (status in ('INVITED','ACCEPTED','DECLINED','NO_RESPONSE')),
  status_at timestamptz,
  status_by_id uuid references app_user(id),
  reminded_at timestamptz,
  referral_id uuid references referral(id),
  check (status = 'INVITED' or status_at is not null),
  check (status <> 'ACCEPTED' or referral_id is not null)
);
create index invitation_search_idx on invitation (search_id, sent_at);
create index invitation_open_idx on invitation (sent_at) where status = 'INVITED';
-- One open invitation per patient.
create unique index invitation_one_open_idx on invitation (patient_id) where status = 'INVITED';
alter table referral add constraint referral_invitation_fk foreign key (invitation_id) references invitation(id);
`);
  }
}
