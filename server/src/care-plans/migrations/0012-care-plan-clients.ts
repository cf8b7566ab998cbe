import { Migration } from '@mikro-orm/migrations';
import * as Y from 'yjs';

/**
 * Each Yjs client id used on a care plan belongs to the first user who wrote with it there. A client id
 * and its clocks name whose edits a struct is; another user writing under it could claim that person's
 * next edits and make them disappear once acknowledged. Filled from the update log already stored.
 */
export class Migration0012CarePlanClients extends Migration {
  override async up(): Promise<void> {
    await this.execute(`
create table care_plan_client (
  patient_id uuid not null references care_plan(patient_id),
  client_id bigint not null,
  user_id uuid not null references app_user(id),
  created_at timestamptz not null default now(),
  primary key (patient_id, client_id)
);
create trigger care_plan_client_immutable before update or delete on care_plan_client
  for each row execute function care_plan_immutable();
`);
    await bindStoredClients((query, params) => this.execute(query, params));
  }
}

/**
 * The client id of every plan's initial structure (care-plan.doc.ts), which the server alone writes. Fixed
 * for good: every stored plan is built on it. An update that re-sent it is not its writer's claim.
 */
const initialStructureClient = 0x0ca1;

/** Runs one statement (`?` placeholders) and answers its rows. */
export type RunSql = (query: string, params: unknown[]) => Promise<unknown[]>;

/**
 * Binds every client id in the stored log to its first writer, reading the log in seq order, a page at a
 * time. An existing binding is kept (so it may run on a log that is already partly bound).
 */
export async function bindStoredClients(run: RunSql): Promise<void> {
  const pageSize = 500;
  for (let after = 0; ; ) {
    const rows = (await run('select seq, patient_id, actor_id, update from care_plan_update where seq > ? order by seq limit ?', [after, pageSize])) as Array<{
      seq: string;
      patient_id: string;
      actor_id: string;
      update: Buffer;
    }>;
    if (rows.length === 0) return;
    const first = new Map<string, [string, number, string]>();
    for (const r of rows) {
      for (const client of clientsOf(new Uint8Array(r.update))) {
        if (client === initialStructureClient) continue;
        const key = `${r.patient_id}:${client}`;
        if (!first.has(key)) first.set(key, [r.patient_id, client, r.actor_id]);
      }
    }
    const bindings = [...first.values()];
    if (bindings.length > 0) {
      await run(
        `insert into care_plan_client (patient_id, client_id, user_id)
         select * from unnest(?::uuid[], ?::bigint[], ?::uuid[]) on conflict do nothing`,
        [toArray(bindings.map((b) => b[0])), toArray(bindings.map((b) => String(b[1]))), toArray(bindings.map((b) => b[2]))],
      );
    }
    after = Number(rows[rows.length - 1].seq);
  }
}

function clientsOf(update: Uint8Array): Set<number> {
  try {
    return new Set(Y.decodeUpdate(update).structs.map((s) => s.id.client));
  } catch {
    return new Set(); // every stored update was decoded before it was stored; nothing to bind if not
  }
}

/** A PostgreSQL array literal of plain values (uuids and digits: nothing to quote). */
function toArray(values: string[]): string {
  return `{${values.join(',')}}`;
}
