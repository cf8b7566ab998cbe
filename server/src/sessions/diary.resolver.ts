import type { AuditAction } from '../audit/audit-actions.js';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { deny, isUuid, may, requireActor, requireAllowed } from '../access/policy.js';
import { User } from '../auth/user.entity.js';
import { patientsShown, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { forbidden, notFound } from '../platform/errors.js';
import { requireIsoDate } from '../platform/validate.js';
import { capacityOf, coachDiary, coachesOfPcn, setCoachCapacity } from './diary.service.js';
import { CoachCapacityView, CoachDiary, SetCoachCapacityInput } from './session.types.js';
import { ukDate } from '../platform/uk-dates.js';

/** A coach by id, or NOT_FOUND (the same answer for someone who is not a coach), the refusal audited as `action`'s. */
async function coachById(ctx: Context, id: string, action: AuditAction): Promise<User> {
  const user = isUuid(id) ? await ctx.em.findOne(User, { id }, { populate: ['organisation'] }) : null;
  if (!user || user.role !== 'COACH') throw await deny(ctx, action, { coachId: id, reason: 'no such coach' }, notFound('coach'));
  return user;
}

@Resolver()
export class DiaryResolver {
  @Query(() => CoachDiary, { description: "A coach's diary (yours when coachId is omitted): the day's sessions and its week's. Coaches see their own; service leads their PCN's." })
  async coachDiary(
    @Arg('coachId', () => ID, { nullable: true }) coachId: string | null,
    @Arg('date', () => String, { nullable: true, description: 'YYYY-MM-DD; today (UK) when omitted.' }) date: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoachDiary> {
    const actor = requireActor(ctx);
    const coach = coachId ? await coachById(ctx, coachId, 'coach.diary') : actor;
    // Someone else's diary outside your PCN is as if the coach did not exist.
    if (!may.viewCoachDiary(actor, coach)) throw await deny(ctx, 'coach.diary', { coachId: coach.id }, coachId ? notFound('coach') : forbidden('A diary is for coaches and the service leads of their PCN.'));
    const diary = await coachDiary(ctx.em, actor, coach, date ? requireIsoDate('date', date) : ukDate(new Date()));
    await recordAudit(ctx.em, ...patientsShown({ actorId: actor.id, requestId: ctx.requestId }, 'coach.diary', [...diary.daySessions, ...diary.weekSessions].map((e) => e.patient.id), { coachId: coach.id }));
    return diary;
  }

  @Query(() => [CoachCapacityView], { description: "Capacity against caseload and sessions: a coach's own, or every coach of a service lead's PCN." })
  async coachCapacities(@Ctx() ctx: Context): Promise<CoachCapacityView[]> {
    const actor = requireActor(ctx);
    const today = ukDate(new Date());
    if (may.viewPcnCapacity(actor)) return capacityOf(ctx.em, await coachesOfPcn(ctx.em, actor.organisation.pcnId), today);
    await requireAllowed(ctx, may.viewCoachDiary(actor, actor), 'coach.capacity', 'Capacity is for coaches and service leads.');
    return capacityOf(ctx.em, [actor], today);
  }

  @Mutation(() => CoachCapacityView, { description: "Sets a coach's weekly capacity: yours, or (a service lead) a coach's of your PCN." })
  async setCoachCapacity(@Arg('input', () => SetCoachCapacityInput) input: SetCoachCapacityInput, @Ctx() ctx: Context): Promise<CoachCapacityView> {
    const actor = requireActor(ctx);
    const coach = await coachById(ctx, input.coachId, 'coach.capacity');
    if (!may.setCoachCapacity(actor, coach)) throw await deny(ctx, 'coach.capacity', { coachId: coach.id }, may.viewCoachDiary(actor, coach) ? forbidden('A coach sets their own capacity.') : notFound('coach'));
    await setCoachCapacity(ctx.em, { actor, requestId: ctx.requestId }, coach, input.sessionsPerWeek, input.caseloadSize);
    const [view] = await capacityOf(ctx.em, [coach], ukDate(new Date()));
    return view!;
  }
}
