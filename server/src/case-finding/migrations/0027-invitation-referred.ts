import { Migration } from '@mikro-orm/migrations';

/** An invitation overtaken by a referral made another way (the patient's GP referred them) is closed as REFERRED, linked to it. */
export class Migration0027InvitationReferred extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table invitation
  drop constraint invitation_status_check,
  add constraint invitation_status_check check (status in ('INVITED','ACCEPTED','DECLINED','NO_RESPONSE','REFERRED')),
  add constraint invitation_referred_check check (status <> 'REFERRED' or referral_id is not null);
`);
  }
}
