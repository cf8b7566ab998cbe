import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Role } from '../auth/user.entity.js';
import { excerpt } from '../events/event-kinds.js';
import { badInput } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { requireText } from '../platform/validate.js';
import { lockCafe, requireOpen, type By } from './cafe-lock.js';
import { changeOnCurrent, checkCafeInput, seenCafe, tidyCafeInput, type CheckedCafe } from './pain-cafe-input.js';
import { PainCafe, PainCafeStatus, RegistrationStatus } from './pain-cafe.entity.js';
import type { PainCafeInput } from './pain-cafe.types.js';
import { tellCafeTeam, type PlaceChange } from './cafe-team-notice.js';
import { cafeSlotWords, cafeWhere, cancelPlaces, fillFreedPlaces, liveRegistrations, tellPlacesCafeMoved } from './registration.service.js';

/** Arranges a café for `pcnId`; everything is checked first, so bad input stores nothing. */
export async function createCafe(em: EntityManager, by: By, pcnId: string, input: PainCafeInput, now = new Date()): Promise<PainCafe> {
  const checked = checkCafeInput(input, now);
  await requireFacilitators(em, pcnId, checked.facilitatorIds);
  const { facilitatorIds, ...fields } = checked;
  const cafe = Object.assign(new PainCafe(), { ...fields, pcnId, createdBy: by.actor, createdAt: now, updatedAt: now });
  await em.transactional(async (tx) => {
    tx.persist(cafe);
    await tx.flush();
    await setFacilitators(tx, cafe.id, facilitatorIds);
    await recordAudit(tx, { actorId: by.actor.id, action: 'painCafe.create', patientId: null, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { cafeId: cafe.id } });
  });
  return cafe;
}

/**
 * Changes a café that has not started, as its organiser's form showed it (`seen`: see `changeOnCurrent`),
 * so a colleague's change made meanwhile is kept, never put back. Fewer places than patients already hold
 * is refused (cancel places first); more places are filled from the waiting list at once, in order.
 */
export async function updateCafe(em: EntityManager, by: By, cafeId: string, input: PainCafeInput, seen: PainCafeInput, now = new Date()): Promise<PainCafe> {
  const sent = tidyCafeInput(input);
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, cafeId);
    requireOpen(cafe, now, 'changed');
    const current = { ...storedCafe(cafe), facilitatorIds: (await facilitatorIdsOf(tx, [cafe.id])).get(cafe.id) ?? [] };
    // The change as made on the café now, checked again whole: a colleague's new times may not suit this one's.
    const { facilitatorIds, ...fields } = checkCafeInput(changeOnCurrent(sent, seenCafe(seen), current), now);
    await requireFacilitators(tx, cafe.pcnId, facilitatorIds);
    const registered = (await liveRegistrations(tx, cafe.id)).filter((r) => r.status === RegistrationStatus.REGISTERED).length;
    if (fields.capacity < registered) throw badInput('capacity', `${registered} patients hold places; cancel some places before lowering the capacity below that.`);
    const before = { startsAt: cafe.startsAt, endsAt: cafe.endsAt, where: cafeWhere(cafe), onlineLink: cafe.onlineLink };
    Object.assign(cafe, fields, { updatedAt: now });
    await tx.flush();
    await setFacilitators(tx, cafe.id, facilitatorIds);
    await recordAudit(tx, { actorId: by.actor.id, action: 'painCafe.update', patientId: null, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { cafeId: cafe.id } });
    const moved =
      cafe.startsAt.getTime() !== before.startsAt.getTime() || cafe.endsAt.getTime() !== before.endsAt.getTime() || cafeWhere(cafe) !== before.where || cafe.onlineLink !== before.onlineLink;
    if (moved) await tellPlacesCafeMoved(tx, by, cafe, before);
    const movedWords: PlaceChange[] = moved ? [{ patientId: null, words: () => `moved to ${cafeSlotWords(cafe)}` }] : [];
    await tellCafeTeam(tx, by, cafe, [...movedWords, ...(await fillFreedPlaces(tx, by, cafe, now))]);
    return cafe;
  });
}

function storedCafe(cafe: PainCafe): Omit<CheckedCafe, 'facilitatorIds'> {
  const { title, description, startsAt, endsAt, venue, onlineLink, capacity } = cafe;
  return { title, description, startsAt, endsAt, venue, onlineLink, capacity };
}

/** Cancels a café that has not started: every place, invitation and wait ends, on each patient's timeline. */
export async function cancelCafe(em: EntityManager, by: By, cafeId: string, reasonText: string, now = new Date()): Promise<PainCafe> {
  const reason = requireText('reason', reasonText, 1000);
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, cafeId);
    requireOpen(cafe, now, 'cancelled');
    Object.assign(cafe, { status: PainCafeStatus.CANCELLED, cancelReason: reason, updatedAt: now });
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'painCafe.cancel', patientId: null, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { cafeId: cafe.id } });
    await cancelPlaces(tx, by, cafe, await liveRegistrations(tx, cafe.id), { reason: excerpt(reason), cafeCancelled: true }, now);
    await tellCafeTeam(tx, by, cafe, [{ patientId: null, words: () => `cancelled (${excerpt(reason, 100)})` }]);
    return cafe;
  });
}

/** Cafés of a PCN: those still to end (soonest first) or those ended (latest first, the last 50). */
export async function listCafes(em: EntityManager, pcnId: string, upcoming: boolean, now = new Date()): Promise<PainCafe[]> {
  return upcoming
    ? em.find(PainCafe, { pcnId, endsAt: { $gte: now } }, { orderBy: { startsAt: 'asc' }, populate: ['createdBy'] })
    : em.find(PainCafe, { pcnId, endsAt: { $lt: now } }, { orderBy: { startsAt: 'desc' }, limit: 50, populate: ['createdBy'] });
}

/** Each facilitator must be an active coach of the café's PCN; an unknown id or anyone else is refused by name. */
async function requireFacilitators(em: EntityManager, pcnId: string, ids: string[]): Promise<void> {
  const rows = await runSql<{ id: string; name: string; role: Role; active: boolean; pcn_id: string }>(
    em,
    sql`select u.id, u.name, u.role, u.active, coalesce(o.pcn_id, o.id) as pcn_id
          from app_user u join organisation o on o.id = u.organisation_id
         where u.id = any(${ids}::uuid[])`,
  );
  const found = new Map(rows.map((r) => [r.id, r]));
  for (const id of ids) {
    const u = found.get(id);
    if (!u) throw badInput('facilitatorIds', 'One of the facilitators is not a Cairn user. Please choose coaches of this PCN.');
    if (u.role !== Role.COACH || u.pcn_id !== pcnId) throw badInput('facilitatorIds', `${u.name} is not a coach of this PCN; facilitators are the PCN's coaches.`);
    if (!u.active) throw badInput('facilitatorIds', `${u.name}'s account is no longer active.`);
  }
}

async function setFacilitators(tx: EntityManager, cafeId: string, ids: string[]): Promise<void> {
  await runSql(tx, sql`delete from pain_cafe_facilitator where cafe_id = ${cafeId} and not (user_id = any(${ids}::uuid[]))`);
  await runSql(tx, sql`insert into pain_cafe_facilitator (cafe_id, user_id) select ${cafeId}, unnest(${ids}::uuid[]) on conflict do nothing`);
}

/** The facilitators of each café, by café id. */
export async function facilitatorIdsOf(em: EntityManager, cafeIds: string[]): Promise<Map<string, string[]>> {
  const rows = await runSql<{ cafe_id: string; user_id: string }>(
    em,
    sql`select f.cafe_id, f.user_id from pain_cafe_facilitator f join app_user u on u.id = f.user_id where f.cafe_id = any(${cafeIds}::uuid[]) order by u.name`,
  );
  const by = new Map<string, string[]>(cafeIds.map((id) => [id, []]));
  for (const r of rows) by.get(r.cafe_id)?.push(r.user_id);
  return by;
}
