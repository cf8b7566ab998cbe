import { Migration } from '@mikro-orm/migrations';

/**
 * The PCN an organisation belongs to, `coalesce(pcn_id, id)` (a PCN's own id for itself), indexed. Every read
 * scoped to a PCN finds its organisations so: the patients a service lead may open (`readablePatientsSql`), the
 * audit view, the waiting list, case finding, a PCN's coaches and leads. PostgreSQL keeps no statistics on an
 * expression without an index, and guessed 0.5% of all organisations: with 1,200 in the country (300 PCNs with
 * a practice and a physiotherapy provider each, and 300 specialist services) it took a PCN of three for six,
 * and read a lead's 300 patients by scanning all 90,000 (`npm run bench -- scale`). With the index, ANALYZE
 * counts the expression and the planner has a way in; the table is analyzed here so that it does from now.
 */
export class Migration0028PcnOfOrganisation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create index organisation_pcn_idx on organisation ((coalesce(pcn_id, id)));
analyze organisation;
`);
  }
}
