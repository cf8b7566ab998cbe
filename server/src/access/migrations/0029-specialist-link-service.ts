import { Migration } from '@mikro-orm/migrations';

/**
 * A specialist pain service's links to patients, by service. A service's clinicians reach their patients through
 * these links (`readablePatientsSql`), and the table's only index led with the patient: every list a specialist
 * opened read every link in the country (18,000 on 300 PCNs, `npm run bench -- scale`).
 */
export class Migration0029SpecialistLinkService extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index specialist_link_service_idx on specialist_link (service_id, patient_id);`);
  }
}
