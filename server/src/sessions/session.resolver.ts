import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PatientIdArg } from '../access/patient-id-arg.js';
import { isUuid, itemNotFound, PatientAction, requireActor, requirePatientAccess, type PatientAccess } from '../access/policy.js';
import { Role, User } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { bookSession, cancelSession, rebookSession } from './booking.service.js';
import { cadenceFor } from './cadence.service.js';
import { addSessionAddendum, recordSession, sessionDetails, sessionsOf } from './recording.service.js';
import { CoachingSession, SessionAddendum } from './session.entity.js';
import { BookSessionInput, CadenceSuggestion, CancelSessionInput, RebookSessionInput, RecordSessionInput, RecordSessionResult, SessionDetail } from './session.types.js';

const by = (ctx: Context, access: PatientAccess) => ({ actor: access.actor, requestId: ctx.requestId });

/** A session by id with `action` allowed on its patient; an unknown id and one on a patient the actor cannot see look alike. */
async function sessionWithAccess(ctx: Context, sessionId: string, action: PatientAction): Promise<{ session: CoachingSession } & PatientAccess> {
  requireActor(ctx);
  const through = { noun: 'session', detail: { sessionId } };
  const session = isUuid(sessionId) ? await ctx.em.findOne(CoachingSession, { id: sessionId }, { populate: ['coach', 'bookedBy', 'recordedBy', 'cancelledBy'] }) : null;
  if (!session) throw await itemNotFound(ctx, action, through);
  return { session, ...(await requirePatientAccess(ctx, session.patientId, action, through)) };
}

async function detailOf(ctx: Context, session: CoachingSession): Promise<SessionDetail> {
  const [detail] = await sessionDetails(ctx.em, [session]);
  return detail!;
}

@Resolver()
export class SessionResolver {
  @Query(() => [SessionDetail], { description: "A patient's coaching sessions, newest first, each with its notes, changes and addenda." })
  async patientSessions(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<SessionDetail[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return sessionDetails(ctx.em, await sessionsOf(ctx.em, patient.id));
  }

  @Query(() => CadenceSuggestion, { description: 'How often Cairn suggests meeting next, and why in words; the coach decides.' })
  async sessionCadence(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<CadenceSuggestion> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return cadenceFor(ctx.em, patient.id);
  }

  @Query(() => [User], { description: 'The coaches on the patient\'s care team, who can be booked for their sessions.' })
  async bookableCoaches(@PatientIdArg() patientId: string, @Ctx() ctx: Context): Promise<User[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    const members = await ctx.em.find(CareTeamMember, { patient: patient.id }, { populate: ['user', 'user.organisation'], orderBy: { isLead: 'desc', user: { name: 'asc' } } });
    return members.map((m) => m.user).filter((u) => u.role === Role.COACH && u.active);
  }

  @Mutation(() => SessionDetail, { description: 'Books a session; a coach or patient already booked at an overlapping time is a CONFLICT naming the clash.' })
  async bookSession(@Arg('input', () => BookSessionInput) input: BookSessionInput, @Ctx() ctx: Context): Promise<SessionDetail> {
    const access = await requirePatientAccess(ctx, input.patientId, PatientAction.BOOK_SESSION);
    return detailOf(ctx, await bookSession(ctx.em, by(ctx, access), access.patient, input));
  }

  @Mutation(() => SessionDetail, { description: 'Moves a booked session; the previous time is kept in its changes.' })
  async rebookSession(@Arg('input', () => RebookSessionInput) input: RebookSessionInput, @Ctx() ctx: Context): Promise<SessionDetail> {
    const { session, ...access } = await sessionWithAccess(ctx, input.sessionId, PatientAction.BOOK_SESSION);
    return detailOf(ctx, await rebookSession(ctx.em, by(ctx, access), session, access.patient, input));
  }

  @Mutation(() => SessionDetail, { description: 'Cancels a booked session, by the patient or the clinic, with the reason.' })
  async cancelSession(@Arg('input', () => CancelSessionInput) input: CancelSessionInput, @Ctx() ctx: Context): Promise<SessionDetail> {
    const { session, ...access } = await sessionWithAccess(ctx, input.sessionId, PatientAction.BOOK_SESSION);
    return detailOf(ctx, await cancelSession(ctx.em, by(ctx, access), session, access.patient, input));
  }

  @Mutation(() => RecordSessionResult, { description: 'Records what happened; goal ratings become check-ins on the care plan. Answers with the cadence suggestion.' })
  async recordSession(@Arg('input', () => RecordSessionInput) input: RecordSessionInput, @Ctx() ctx: Context): Promise<RecordSessionResult> {
    const { session, ...access } = await sessionWithAccess(ctx, input.sessionId, PatientAction.RECORD_SESSION);
    const { dnaAlert } = await recordSession(ctx.em, by(ctx, access), session, access.patient, input, ctx.services.carePlans);
    return { detail: await detailOf(ctx, session), cadence: await cadenceFor(ctx.em, access.patient.id), dnaAlert };
  }

  @Mutation(() => SessionAddendum, { description: "Adds to a recorded session's notes; the notes themselves never change." })
  async addSessionAddendum(@Arg('sessionId', () => ID) sessionId: string, @Arg('body', () => String) body: string, @Ctx() ctx: Context): Promise<SessionAddendum> {
    const { session, ...access } = await sessionWithAccess(ctx, sessionId, PatientAction.RECORD_SESSION);
    return addSessionAddendum(ctx.em, by(ctx, access), session, body);
  }
}
