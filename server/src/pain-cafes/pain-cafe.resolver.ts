import type { AuditAction } from '../audit/audit-actions.js';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { decidePairs, isUuid, itemNotFound, may, PatientAction, requireActor, requireAllowed, requirePatientAccess } from '../access/policy.js';
import { viewerMayRead } from '../access/abilities.js';
import type { Context } from '../auth/request-context.js';
import { Role, User } from '../auth/user.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { loaderFor } from '../platform/batch-loader.js';
import type { By } from './cafe-lock.js';
import { PainCafe, PainCafeRegistration, RegistrationStatus } from './pain-cafe.entity.js';
import { cancelCafe, createCafe, facilitatorIdsOf, listCafes, updateCafe } from './pain-cafe.service.js';
import { CafeTimeframe, PainCafeAttendanceInput, PainCafeInput, UpdatePainCafeInput } from './pain-cafe.types.js';
import { cafeFill, emptyFill, placesOfCafes, waitlistPositions, type CafeFill } from './pain-cafe.queries.js';
import { cancelRegistration, invitePatient, recordAttendance, registerPatient } from './registration.service.js';

const by = (ctx: Context, actor: User): By => ({ actor, requestId: ctx.requestId });
const cafeNoun = 'Pain Café';
const placeNoun = 'Pain Café place';

/** The café if the signed-in user is on its PCN's staff; otherwise the same NOT_FOUND as for no café at all (audited). */
async function visibleCafe(ctx: Context, cafeId: string, action: AuditAction): Promise<{ actor: User; cafe: PainCafe }> {
  const actor = requireActor(ctx);
  const cafe = isUuid(cafeId) ? await ctx.em.findOne(PainCafe, { id: cafeId }, { populate: ['createdBy'] }) : null;
  if (!cafe || !may.viewPainCafes(actor, cafe.pcnId)) throw await itemNotFound(ctx, action, { noun: cafeNoun, detail: { cafeId } });
  return { actor, cafe };
}

async function managedCafe(ctx: Context, cafeId: string, action: AuditAction): Promise<{ actor: User; cafe: PainCafe }> {
  const found = await visibleCafe(ctx, cafeId, action);
  await requireAllowed(ctx, may.managePainCafes(found.actor, found.cafe.pcnId), action, "Only the PCN's coaches and service leads can arrange Pain Cafés.", { cafeId });
  return found;
}

/** A place and its patient, if the signed-in user may manage that patient's places on a café they can see. */
async function managedPlace(ctx: Context, registrationId: string): Promise<{ actor: User; place: PainCafeRegistration }> {
  const actor = requireActor(ctx);
  const through = { noun: placeNoun, detail: { registrationId } };
  const place = isUuid(registrationId) ? await ctx.em.findOne(PainCafeRegistration, { id: registrationId }, { populate: ['cafe'] }) : null;
  if (!place || !may.viewPainCafes(actor, place.cafe.pcnId)) throw await itemNotFound(ctx, PatientAction.MANAGE_CAFE_PLACES, through);
  await requirePatientAccess(ctx, place.patientId, PatientAction.MANAGE_CAFE_PLACES, through);
  return { actor, place };
}

/** Whether the signed-in user may read a place's patient: what names them is shown only then (CAFE-H4). Batched per request. */
async function mayReadPlacePatient(ctx: Context, patientId: string): Promise<boolean> {
  const actor = ctx.actor;
  if (!actor) return false;
  return loaderFor<string, boolean>(ctx, 'cafePatientReadable', async (ids) => {
    const access = await decidePairs(ctx.em, ids.map((id) => ({ patientId: id, userId: actor.id })));
    return new Map(ids.map((id) => [id, access.allows({ patientId: id, userId: actor.id }, PatientAction.READ)]));
  })
    .load(patientId)
    .then((readable) => readable === true);
}

@Resolver(() => PainCafe)
export class PainCafeResolver {
  @Query(() => [PainCafe], { description: "Your PCN's Pain Cafés: those still to end, soonest first (or those ended, latest first)." })
  async painCafes(@Arg('timeframe', () => CafeTimeframe, { defaultValue: CafeTimeframe.UPCOMING }) timeframe: CafeTimeframe, @Ctx() ctx: Context): Promise<PainCafe[]> {
    const actor = requireActor(ctx);
    const pcnId = actor.organisation.pcnId;
    if (!may.viewPainCafes(actor, pcnId)) return [];
    return listCafes(ctx.em, pcnId, timeframe === CafeTimeframe.UPCOMING);
  }

  @Query(() => PainCafe, { description: 'One Pain Café of your PCN.' })
  async painCafe(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PainCafe> {
    return (await visibleCafe(ctx, id, 'painCafe.read')).cafe;
  }

  @Query(() => Boolean, { description: "Whether you may arrange your PCN's Pain Cafés (its coaches and service leads)." })
  canArrangePainCafes(@Ctx() ctx: Context): boolean {
    const actor = requireActor(ctx);
    return may.managePainCafes(actor, actor.organisation.pcnId);
  }

  @Query(() => [User], { description: "Who can facilitate your PCN's Pain Cafés: its active coaches." })
  async painCafeFacilitatorOptions(@Ctx() ctx: Context): Promise<User[]> {
    const actor = requireActor(ctx);
    const pcnId = actor.organisation.pcnId;
    if (!may.managePainCafes(actor, pcnId)) return [];
    return ctx.em.find(User, { role: Role.COACH, active: true, organisation: { $or: [{ id: pcnId }, { pcn: pcnId }] } }, { orderBy: { name: 'asc' } });
  }

  @Mutation(() => PainCafe, { description: 'Arranges a Pain Café for your PCN (a coach or service lead).' })
  async createPainCafe(@Arg('input', () => PainCafeInput) input: PainCafeInput, @Ctx() ctx: Context): Promise<PainCafe> {
    const actor = requireActor(ctx);
    const pcnId = actor.organisation.pcnId;
    await requireAllowed(ctx, may.managePainCafes(actor, pcnId), 'painCafe.create', "Only the PCN's coaches and service leads can arrange Pain Cafés.");
    return createCafe(ctx.em, by(ctx, actor), pcnId, input);
  }

  @Mutation(() => PainCafe, { description: 'Changes a Pain Café that has not started; more places are filled from the waiting list at once.' })
  async updatePainCafe(@Arg('input', () => UpdatePainCafeInput) input: UpdatePainCafeInput, @Ctx() ctx: Context): Promise<PainCafe> {
    const { actor, cafe } = await managedCafe(ctx, input.cafeId, 'painCafe.update');
    return updateCafe(ctx.em, by(ctx, actor), cafe.id, input, input.seen);
  }

  @Mutation(() => PainCafe, { description: 'Cancels a Pain Café that has not started; every place on it ends, on each patient’s timeline.' })
  async cancelPainCafe(@Arg('cafeId', () => ID) cafeId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<PainCafe> {
    const { actor, cafe } = await managedCafe(ctx, cafeId, 'painCafe.cancel');
    return cancelCafe(ctx.em, by(ctx, actor), cafe.id, reason);
  }

  @FieldResolver(() => [User], { description: 'The coaches who run it.' })
  async facilitators(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<User[]> {
    const ids = (await loaderFor<string, string[]>(ctx, 'cafeFacilitators', (cafeIds) => facilitatorIdsOf(ctx.em, cafeIds)).load(cafe.id)) ?? [];
    const users = await ctx.em.find(User, { id: { $in: ids } });
    return ids.map((id) => users.find((u) => u.id === id)).filter((u): u is User => !!u);
  }

  @FieldResolver(() => Int, { description: 'Patients holding a place.' })
  async registeredCount(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return (await fillOf(ctx, cafe)).registered;
  }

  @FieldResolver(() => Int, { description: 'Places not yet taken.' })
  async placesLeft(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return Math.max(cafe.capacity - (await fillOf(ctx, cafe)).registered, 0);
  }

  @FieldResolver(() => Int, { description: 'Patients on the waiting list.' })
  async waitlistCount(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return (await fillOf(ctx, cafe)).waitlisted;
  }

  @FieldResolver(() => Int, { description: 'Patients invited who have not registered.' })
  async invitedCount(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return (await fillOf(ctx, cafe)).invited;
  }

  @FieldResolver(() => Int, { description: 'Patients with a place recorded as having attended (after the café).' })
  async attendedCount(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return (await fillOf(ctx, cafe)).attended;
  }

  @FieldResolver(() => Int, { description: 'Patients with a place recorded as not having attended (after the café).' })
  async didNotAttendCount(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<number> {
    return (await fillOf(ctx, cafe)).didNotAttend;
  }

  @FieldResolver(() => [PainCafeRegistration], {
    description: 'Every place on the café in the order people joined (the waiting list is served in this order), cancelled ones too. Each names its patient only to those who may read them.',
  })
  async places(@Root() cafe: PainCafe, @Ctx() ctx: Context): Promise<PainCafeRegistration[]> {
    return (await loaderFor<string, PainCafeRegistration[]>(ctx, 'cafePlaces', (ids) => placesOfCafes(ctx.em, ids)).load(cafe.id)) ?? [];
  }

  @FieldResolver(() => Boolean, { description: 'Whether you may change or cancel the café.' })
  viewerCanManage(@Root() cafe: PainCafe, @Ctx() ctx: Context): boolean {
    return !!ctx.actor && may.managePainCafes(ctx.actor, cafe.pcnId);
  }
}

function fillOf(ctx: Context, cafe: PainCafe): Promise<CafeFill> {
  return loaderFor<string, CafeFill>(ctx, 'cafeFill', (ids) => cafeFill(ctx.em, ids))
    .load(cafe.id)
    .then((f) => f ?? emptyFill);
}

@Resolver(() => PainCafeRegistration)
export class PainCafeRegistrationResolver {
  @Mutation(() => PainCafeRegistration, { description: 'Invites a patient you can see to a Pain Café (no place is held).' })
  async invitePatientToPainCafe(@Arg('cafeId', () => ID) cafeId: string, @Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<PainCafeRegistration> {
    const { actor, cafe } = await visibleCafe(ctx, cafeId, PatientAction.MANAGE_CAFE_PLACES);
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CAFE_PLACES);
    return invitePatient(ctx.em, by(ctx, actor), cafe.id, patient);
  }

  @Mutation(() => PainCafeRegistration, { description: "Registers a patient for a Pain Café: a place while places remain, otherwise the waiting list's end." })
  async registerPatientForPainCafe(@Arg('cafeId', () => ID) cafeId: string, @Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<PainCafeRegistration> {
    const { actor, cafe } = await visibleCafe(ctx, cafeId, PatientAction.MANAGE_CAFE_PLACES);
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.MANAGE_CAFE_PLACES);
    return registerPatient(ctx.em, by(ctx, actor), cafe.id, patient);
  }

  @Mutation(() => PainCafeRegistration, { description: 'Cancels a place, invitation or wait; a freed place passes to the first on the waiting list at once.' })
  async cancelPainCafePlace(@Arg('registrationId', () => ID) registrationId: string, @Arg('reason', () => String, { nullable: true }) reason: string | null, @Ctx() ctx: Context): Promise<PainCafeRegistration> {
    const { actor, place } = await managedPlace(ctx, registrationId);
    return cancelRegistration(ctx.em, by(ctx, actor), place.id, reason);
  }

  @Mutation(() => PainCafeRegistration, { description: 'Records (or corrects) whether a registered patient attended, once the café has started.' })
  async recordPainCafeAttendance(@Arg('input', () => PainCafeAttendanceInput) input: PainCafeAttendanceInput, @Ctx() ctx: Context): Promise<PainCafeRegistration> {
    const { actor, place } = await managedPlace(ctx, input.registrationId);
    return recordAttendance(ctx.em, by(ctx, actor), place.id, input.attendance);
  }

  @FieldResolver(() => PainCafe)
  async cafe(@Root() place: PainCafeRegistration, @Ctx() ctx: Context): Promise<PainCafe> {
    return ctx.em.findOneOrFail(PainCafe, { id: place.cafe.id });
  }

  @FieldResolver(() => Patient, { nullable: true, description: 'The patient, if you may read their record; null otherwise (the place still counts).' })
  async patient(@Root() place: PainCafeRegistration, @Ctx() ctx: Context): Promise<Patient | null> {
    if (!(await mayReadPlacePatient(ctx, place.patientId))) return null;
    return loaderFor<string, Patient>(ctx, 'cafePatients', async (ids) => new Map((await ctx.em.find(Patient, { id: { $in: ids } }, { populate: ['practice'] })).map((p) => [p.id, p]))).load(place.patientId).then((p) => p ?? null);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the place ended, if you may read the patient (it may name them, as a clinician wrote it); null otherwise.' })
  async cancelReason(@Root() place: PainCafeRegistration, @Ctx() ctx: Context): Promise<string | null> {
    if (place.cancelReason === null) return null;
    return (await mayReadPlacePatient(ctx, place.patientId)) ? place.cancelReason : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Place on the waiting list (1 is next); null unless waiting.' })
  async waitlistPosition(@Root() place: PainCafeRegistration, @Ctx() ctx: Context): Promise<number | null> {
    if (place.status !== RegistrationStatus.WAITLISTED) return null;
    return (await loaderFor<string, number>(ctx, 'cafeWaitlistPositions', (ids) => waitlistPositions(ctx.em, ids)).load(place.id)) ?? null;
  }
}

@Resolver(() => Patient)
export class PatientPainCafesResolver {
  @FieldResolver(() => [PainCafeRegistration], { description: "The Pain Cafés the patient was invited to or registered for, latest café first, with status and attendance." })
  async painCafes(@Root() patient: Patient, @Ctx() ctx: Context): Promise<PainCafeRegistration[]> {
    requireActor(ctx);
    // A patient is reached through referrals and case searches too: the record's cafés only for those who may open it.
    if (!(await viewerMayRead(ctx, patient.id))) return [];
    const places = await ctx.em.find(PainCafeRegistration, { patientId: patient.id }, { populate: ['cafe'] });
    return places.sort((a, b) => b.cafe.startsAt.getTime() - a.cafe.startsAt.getTime());
  }
}
