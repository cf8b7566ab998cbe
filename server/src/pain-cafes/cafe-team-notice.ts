import type { EntityManager } from '@mikro-orm/postgresql';
import { readersAmong } from '../access/policy.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import { runSql, sql } from '../platform/sql.js';
import type { By } from './cafe-lock.js';
import type { PainCafe } from './pain-cafe.entity.js';

/** One change to a café's places, in words that take the patient's name (or "A patient" for whoever may not read them). */
export interface PlaceChange {
  patientId: string | null;
  words(name: string): string;
}

/**
 * Tells the café's facilitators and whoever arranged it that a colleague changed its places, inside the
 * writing transaction: their café page and list follow these notifications, so a place is never offered
 * from a stale screen (hazard CAFE-H7). The fill is the PCN staff's to see; a patient is named only to
 * those who may read them (`readersAmong`), and the notification carries the patient only for them.
 */
export async function tellCafeTeam(tx: EntityManager, by: By, cafe: PainCafe, changes: PlaceChange[]): Promise<void> {
  if (changes.length === 0) return;
  const team = await runSql<{ id: string }>(
    tx,
    sql`select u.id from app_user u
         where u.active and u.id <> ${by.actor.id}::uuid
           and (u.id in (select f.user_id from pain_cafe_facilitator f where f.cafe_id = ${cafe.id}::uuid) or u.id = ${cafe.createdBy.id}::uuid)`,
  );
  if (team.length === 0) return;
  const teamIds = team.map((t) => t.id);
  const patientIds = [...new Set(changes.flatMap((c) => (c.patientId ? [c.patientId] : [])))];
  const names = await patientNames(tx, patientIds);
  const readers = new Map(await Promise.all(patientIds.map(async (id) => [id, await readersAmong(tx, id, teamIds)] as const)));
  const [fill] = await runSql<{ registered: number; waiting: number }>(
    tx,
    sql`select count(*) filter (where status = 'REGISTERED')::int as registered, count(*) filter (where status = 'WAITLISTED')::int as waiting
          from pain_cafe_registration where cafe_id = ${cafe.id}::uuid`,
  );
  const body = `Recorded by ${by.actor.name}. ${fill!.registered} of ${cafe.capacity} places taken${fill!.waiting > 0 ? `, ${fill!.waiting} on the waiting list` : ''}.`;

  // Recipients who would read the same words are told in one statement.
  const byWords = new Map<string, { recipients: string[]; patientId: string | null }>();
  for (const recipient of teamIds) {
    const lines = changes.map((c) => c.words(c.patientId && readers.get(c.patientId)?.has(recipient) ? (names.get(c.patientId) ?? 'A patient') : 'A patient'));
    const only = changes.length === 1 ? changes[0]!.patientId : null;
    const patientId = only && readers.get(only)?.has(recipient) ? only : null;
    const key = JSON.stringify([lines, patientId]);
    const group = byWords.get(key) ?? { recipients: [], patientId };
    group.recipients.push(recipient);
    byWords.set(key, group);
  }
  for (const [key, group] of byWords) {
    const [lines] = JSON.parse(key) as [string[]];
    await notify(tx, group.recipients, {
      kind: NotificationKind.CAFE_PLACES_CHANGED,
      patientId: group.patientId,
      title: `${cafe.title}: ${lines.join('; ')}`,
      body,
      link: links.painCafe(cafe.id),
      actorId: by.actor.id,
    });
  }
}

async function patientNames(tx: EntityManager, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await runSql<{ id: string; name: string }>(tx, sql`select id, given_name || ' ' || family_name as name from patient where id = any(${ids}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r.name]));
}
