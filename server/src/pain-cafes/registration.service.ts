import type { AuditAction } from '../audit/audit-actions.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { appendEvents, type NewEvent } from '../events/event-log.js';
import type { EventKind } from '../events/event-kinds.js';
import { patientName } from '../handover/handover.service.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { lockCafe, requireOpen, type By } from './cafe-lock.js';
import { tellCafeTeam, type PlaceChange } from './cafe-team-notice.js';
import { Attendance, PainCafe, PainCafeRegistration, PainCafeStatus, RegistrationStatus } from './pain-cafe.entity.js';
import type { CafePlaceRef } from './pain-cafes.events.js';
import { ukTime } from '../platform/uk-dates.js';

/**
 * Places on a café. Every change takes the café's row lock first (`lockCafe`), then reads its places
 * afresh: two coaches registering at once are served one after the other, so the places counted are the
 * places there are, and the waiting list keeps the order in which people joined it (hazard CAFE-H1).
 */

/** Invites a patient (no place is held) and puts it on their timeline. */
export async function invitePatient(em: EntityManager, by: By, cafeId: string, patient: Patient, now = new Date()): Promise<PainCafeRegistration> {
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, cafeId);
    requireSamePcn(cafe, patient);
    requireOpen(cafe, now, 'joined');
    const live = await liveRegistrations(tx, cafe.id);
    const existing = live.find((r) => r.patientId === patient.id);
    if (existing) throw conflict(`${patientName(patient)} is already ${statusWords(existing.status)} this café.`);
    const reg = Object.assign(new PainCafeRegistration(), {
      cafe,
      patientId: patient.id,
      status: RegistrationStatus.INVITED,
      queueNo: await nextQueueNo(tx, cafe.id),
      invitedAt: now,
      recordedBy: by.actor,
      createdAt: now,
    });
    tx.persist(reg);
    await tx.flush();
    await recordAudit(tx, audit(by, 'painCafe.invite', reg));
    await appendEvents(tx, [placeEvent('CAFE_INVITED', by, cafe, reg, {})]);
    await tellCafeTeam(tx, by, cafe, [{ patientId: reg.patientId, words: (name) => `${name} was invited` }]);
    return reg;
  });
}

/**
 * Registers a patient (recorded by a coach): a place while places remain, otherwise the end of the waiting
 * list. An invited patient's invitation becomes the registration; one already holding a place or waiting
 * is refused with CONFLICT.
 */
export async function registerPatient(em: EntityManager, by: By, cafeId: string, patient: Patient, now = new Date()): Promise<PainCafeRegistration> {
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, cafeId);
    requireSamePcn(cafe, patient);
    requireOpen(cafe, now, 'joined');
    const live = await liveRegistrations(tx, cafe.id);
    const existing = live.find((r) => r.patientId === patient.id);
    if (existing && existing.status !== RegistrationStatus.INVITED) throw conflict(`${patientName(patient)} is already ${statusWords(existing.status)} this café.`);
    const registered = live.filter((r) => r.status === RegistrationStatus.REGISTERED).length;
    const waiting = live.filter((r) => r.status === RegistrationStatus.WAITLISTED).length;
    const full = registered >= cafe.capacity;
    const reg = existing ?? Object.assign(new PainCafeRegistration(), { cafe, patientId: patient.id, recordedBy: by.actor, createdAt: now });
    // Joining is what orders the waiting list, so an invitation taken up joins at the end.
    Object.assign(reg, {
      status: full ? RegistrationStatus.WAITLISTED : RegistrationStatus.REGISTERED,
      queueNo: await nextQueueNo(tx, cafe.id),
      registeredAt: full ? null : now,
      waitlistedAt: full ? now : null,
      recordedBy: by.actor,
    });
    tx.persist(reg);
    await tx.flush();
    await recordAudit(tx, audit(by, full ? 'painCafe.waitlist' : 'painCafe.register', reg));
    await appendEvents(tx, [full ? placeEvent('CAFE_WAITLISTED', by, cafe, reg, { position: waiting + 1 }) : placeEvent('CAFE_REGISTERED', by, cafe, reg, {})]);
    await tellCafeTeam(tx, by, cafe, [{ patientId: reg.patientId, words: (name) => (full ? `${name} joined the waiting list (number ${waiting + 1})` : `${name} took a place`) }]);
    return reg;
  });
}

/**
 * Cancels a patient's place, invitation or wait, before the café starts. A place given up passes at once,
 * in the same transaction, to the first on the waiting list, whose coach is told.
 */
export async function cancelRegistration(em: EntityManager, by: By, registrationId: string, reasonText: string | null, now = new Date()): Promise<PainCafeRegistration> {
  const reason = reasonText?.trim() ? reasonText.trim() : null;
  if (reason && reason.length > 1000) throw badInput('reason', 'The reason is too long (at most 1,000 characters).');
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, await cafeIdOf(tx, registrationId));
    const reg = await tx.findOneOrFail(PainCafeRegistration, { id: registrationId }, { refresh: true });
    if (reg.status === RegistrationStatus.CANCELLED) throw conflict('This place was already cancelled.');
    requireOpen(cafe, now, 'changed');
    const previous = reg.status;
    await cancelPlaces(tx, by, cafe, [reg], { reason, cafeCancelled: false }, now);
    const promoted = await fillFreedPlaces(tx, by, cafe, now);
    await tellCafeTeam(tx, by, cafe, [{ patientId: reg.patientId, words: (name) => cancelledWords(name, previous) }, ...promoted]);
    return reg;
  });
}

/** Records (or corrects) whether a registered patient came, once the café has started. */
export async function recordAttendance(em: EntityManager, by: By, registrationId: string, attendance: Attendance, now = new Date()): Promise<PainCafeRegistration> {
  return em.transactional(async (tx) => {
    const cafe = await lockCafe(tx, await cafeIdOf(tx, registrationId));
    const reg = await tx.findOneOrFail(PainCafeRegistration, { id: registrationId }, { refresh: true });
    if (cafe.status === PainCafeStatus.CANCELLED) throw conflict('This café was cancelled; there is no attendance to record.');
    if (cafe.startsAt.getTime() > now.getTime()) throw conflict('Attendance is recorded once the café has started.');
    if (reg.status !== RegistrationStatus.REGISTERED) throw conflict('Attendance is recorded for patients who held a place.');
    if (reg.attendance === attendance) return reg;
    const corrected = reg.attendance !== null;
    Object.assign(reg, { attendance, attendanceRecordedAt: now, attendanceRecordedBy: by.actor });
    await tx.flush();
    await recordAudit(tx, audit(by, 'painCafe.attendance', reg));
    await appendEvents(tx, [placeEvent(attendance === Attendance.ATTENDED ? 'CAFE_ATTENDED' : 'CAFE_DID_NOT_ATTEND', by, cafe, reg, { corrected })]);
    await tellCafeTeam(tx, by, cafe, [{ patientId: reg.patientId, words: (name) => `${name} ${attendance === Attendance.ATTENDED ? 'attended' : 'did not attend'}${corrected ? ' (corrected)' : ''}` }]);
    return reg;
  });
}

/** The café's invitations, places and waits (not cancelled ones), read afresh, in the order people joined. */
export async function liveRegistrations(tx: EntityManager, cafeId: string): Promise<PainCafeRegistration[]> {
  return tx.find(PainCafeRegistration, { cafe: cafeId, status: { $ne: RegistrationStatus.CANCELLED } }, { orderBy: { queueNo: 'asc' }, refresh: true });
}

/**
 * Gives each free place to the next on the waiting list, in order, until the places or the list run out
 * (after a cancellation, or when the capacity grows). Each patient's coach is told. Runs under the café's lock.
 * Answers what changed, for the café's team (`tellCafeTeam`).
 */
export async function fillFreedPlaces(tx: EntityManager, by: By, cafe: PainCafe, now: Date): Promise<PlaceChange[]> {
  const live = await liveRegistrations(tx, cafe.id);
  const free = cafe.capacity - live.filter((r) => r.status === RegistrationStatus.REGISTERED).length;
  const promoted = live.filter((r) => r.status === RegistrationStatus.WAITLISTED).slice(0, Math.max(free, 0));
  if (promoted.length === 0) return [];
  for (const reg of promoted) Object.assign(reg, { status: RegistrationStatus.REGISTERED, registeredAt: now, offeredPlaceAt: now });
  await tx.flush();
  await recordAudit(tx, ...promoted.map((reg) => audit(by, 'painCafe.placeOffered', reg)));
  await appendEvents(tx, promoted.map((reg) => placeEvent('CAFE_PLACE_OFFERED', by, cafe, reg, {})));
  await tellCoaches(tx, by, cafe, promoted, NotificationKind.CAFE_PLACE_OFFERED, (name) => ({
    title: `${name} has a place on ${cafe.title}`,
    body: `A place freed up and passed to ${name} from the waiting list. The café starts ${ukDateTime(cafe.startsAt)}.`,
  }));
  return promoted.map((reg) => ({ patientId: reg.patientId, words: (name: string) => `${name} took a freed place from the waiting list` }));
}

/** Ends these places, invitations and waits, each on its patient's timeline; when the café is called off, coaches are told. */
export async function cancelPlaces(tx: EntityManager, by: By, cafe: PainCafe, regs: PainCafeRegistration[], why: { reason: string | null; cafeCancelled: boolean }, now: Date): Promise<void> {
  if (regs.length === 0) return;
  const previous = regs.map((r) => r.status);
  for (const reg of regs) Object.assign(reg, { status: RegistrationStatus.CANCELLED, cancelledAt: now, cancelReason: why.reason });
  await tx.flush();
  await recordAudit(tx, ...regs.map((reg) => audit(by, why.cafeCancelled ? 'painCafe.cancelledWithCafe' : 'painCafe.cancelPlace', reg)));
  await appendEvents(tx, regs.map((reg, i) => placeEvent('CAFE_CANCELLED', by, cafe, reg, { previousStatus: previous[i]!, reason: why.reason, cafeCancelled: why.cafeCancelled })));
  if (!why.cafeCancelled) return;
  // Everyone on it, as when it moves (CAFE-H8): an invited patient may be planning to come too.
  const invited = regs.filter((_, i) => previous[i] === RegistrationStatus.INVITED);
  const holding = regs.filter((_, i) => previous[i] !== RegistrationStatus.INVITED);
  const cancelled = (held: string) => (name: string) => ({ title: `${cafe.title} is cancelled`, body: `${name} ${held}. ${why.reason ?? ''}`.trim() });
  await tellCoaches(tx, by, cafe, holding, NotificationKind.CAFE_CANCELLED, cancelled('had a place or was waiting for one'));
  await tellCoaches(tx, by, cafe, invited, NotificationKind.CAFE_CANCELLED, cancelled('was invited to it; please let them know'));
}

/** Where a café meets, in words: its venue, or online. */
export function cafeWhere(cafe: Pick<PainCafe, 'venue' | 'onlineLink'>): string {
  return cafe.venue ?? (cafe.onlineLink ? 'online' : '');
}

/**
 * After a café moved to another time or place: on the timeline of each patient with a place, an invitation
 * or a spot on its waiting list, and their coaches told, so that someone lets the patient know.
 */
export async function tellPlacesCafeMoved(tx: EntityManager, by: By, cafe: PainCafe, previous: { startsAt: Date; endsAt: Date; where: string; onlineLink: string | null }): Promise<void> {
  const regs = await liveRegistrations(tx, cafe.id);
  if (regs.length === 0) return;
  const where = cafeWhere(cafe);
  const newLink = cafe.onlineLink !== null && previous.onlineLink !== null && cafe.onlineLink !== previous.onlineLink ? ' (a new link to join)' : '';
  await appendEvents(tx, regs.map((reg) => placeEvent('CAFE_MOVED', by, cafe, reg, { where, previousStartsAt: previous.startsAt.toISOString(), previousWhere: previous.where })));
  await tellCoaches(tx, by, cafe, regs, NotificationKind.CAFE_MOVED, (name) => ({
    title: `${cafe.title} has moved: ${cafeSlotWords(cafe)}${newLink}`,
    body: `${name} has a place, an invitation or a place on its waiting list; please let them know. It was ${cafeSlotWords({ ...previous, venue: null, onlineLink: null })}${previous.where ? `, ${previous.where}` : ''}.`,
  }));
}

/** "Tue 8 Dec, 14:00–15:30, Library": when and where a café meets. */
export function cafeSlotWords(cafe: Pick<PainCafe, 'startsAt' | 'endsAt' | 'venue' | 'onlineLink'>): string {
  const where = cafeWhere(cafe);
  return `${ukDateTime(cafe.startsAt)}–${ukTime(cafe.endsAt)}${where ? `, ${where}` : ''}`;
}

function requireSamePcn(cafe: PainCafe, patient: Patient): void {
  if (patient.practice.pcnId !== cafe.pcnId) throw badInput('patientId', "This café is for patients of its PCN's practices.");
}

async function cafeIdOf(tx: EntityManager, registrationId: string): Promise<string> {
  const [row] = await runSql<{ cafe_id: string }>(tx, sql`select cafe_id from pain_cafe_registration where id = ${registrationId}`);
  if (!row) throw new Error(`registration ${registrationId} vanished`);
  return row.cafe_id;
}

/** The next place in the café's joining order; taken under the café's lock, so never shared. */
async function nextQueueNo(tx: EntityManager, cafeId: string): Promise<number> {
  const [row] = await runSql<{ next: number }>(tx, sql`select coalesce(max(queue_no), 0) + 1 as next from pain_cafe_registration where cafe_id = ${cafeId}`);
  return row!.next;
}

type PlaceKind = 'CAFE_INVITED' | 'CAFE_REGISTERED' | 'CAFE_WAITLISTED' | 'CAFE_PLACE_OFFERED' | 'CAFE_CANCELLED' | 'CAFE_MOVED' | 'CAFE_ATTENDED' | 'CAFE_DID_NOT_ATTEND';

/** An event on the patient's own timeline (only those who may read the patient see it). */
function placeEvent<K extends PlaceKind>(kind: K, by: By, cafe: PainCafe, reg: PainCafeRegistration, extra: Omit<NewEvent<K>['payload'], keyof CafePlaceRef>): NewEvent<EventKind> {
  const ref: CafePlaceRef = { cafeId: cafe.id, registrationId: reg.id, title: cafe.title, startsAt: cafe.startsAt.toISOString() };
  return { patientId: reg.patientId, kind, actorId: by.actor.id, payload: { ...ref, ...extra } as NewEvent<K>['payload'] };
}

function audit(by: By, action: AuditAction, reg: PainCafeRegistration) {
  return { actorId: by.actor.id, action, patientId: reg.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { cafeId: reg.cafe.id, registrationId: reg.id } };
}

/** Tells each patient's coaches on the care team (the care-team lead when no coach is on it). */
async function tellCoaches(tx: EntityManager, by: By, cafe: PainCafe, regs: PainCafeRegistration[], kind: NotificationKind, words: (patientName: string) => { title: string; body: string }): Promise<void> {
  if (regs.length === 0) return;
  const rows = await runSql<{ patient_id: string; given_name: string; family_name: string; user_ids: string[] }>(
    tx,
    sql`select p.id as patient_id, p.given_name, p.family_name,
               coalesce(array_agg(m.user_id) filter (where u.role = 'COACH' and u.active),
                        array_agg(m.user_id) filter (where m.is_lead and u.active), '{}') as user_ids
          from patient p
          left join care_team_member m on m.patient_id = p.id
          left join app_user u on u.id = m.user_id
         where p.id = any(${regs.map((r) => r.patientId)}::uuid[])
         group by p.id`,
  );
  for (const r of rows) {
    const { title, body } = words(`${r.given_name} ${r.family_name}`);
    await notify(tx, r.user_ids, { kind, patientId: r.patient_id, title, body, link: links.painCafe(cafe.id), actorId: by.actor.id });
  }
}

function cancelledWords(name: string, previous: RegistrationStatus): string {
  if (previous === RegistrationStatus.WAITLISTED) return `${name} left the waiting list`;
  if (previous === RegistrationStatus.INVITED) return `${name}'s invitation was withdrawn`;
  return `${name}'s place was cancelled`;
}

function statusWords(status: RegistrationStatus): string {
  switch (status) {
    case RegistrationStatus.INVITED:
      return 'invited to';
    case RegistrationStatus.REGISTERED:
      return 'registered for';
    case RegistrationStatus.WAITLISTED:
      return 'on the waiting list for';
    case RegistrationStatus.CANCELLED:
      return 'cancelled from';
  }
}

const ukFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
export function ukDateTime(d: Date): string {
  return ukFormat.format(d);
}
