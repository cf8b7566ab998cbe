import { Arg, Ctx, Field, GraphQLISODateTime, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { deny, isUuid, may, PatientAction, readablePatientsSql, requireActor, requireAllowed, requirePatientAccess } from '../access/policy.js';
import { User } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { badInput, notFound } from '../platform/errors.js';
import { parseCursor } from '../events/event-log.js';
import { AuditOutcome, queryAudit, recordAudit, type AuditRow } from './audit.service.js';
import { registerEnumType } from 'type-graphql';

registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

@ObjectType()
class AuditEntry {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) actorName!: string | null;
  @Field(() => String) action!: string;
  @Field(() => ID, { nullable: true }) patientId!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => AuditOutcome) outcome!: AuditOutcome;
  @Field(() => GraphQLJSONObject, { nullable: true }) detail!: Record<string, unknown> | null;
}

/** The audit trail, for service leads: who read or changed what, and every refusal. */
@Resolver()
export class AuditResolver {
  @Query(() => [AuditEntry], { description: 'Newest first. Give `patientId` or `userId`; page with `before` (the last id seen).' })
  async auditTrail(
    @Ctx() ctx: Context,
    @Arg('patientId', () => ID, { nullable: true }) patientId: string | null,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    // A cursor (an entry's bigint id as a decimal string), not an id a client names a thing by: every
    // `ID` argument is a UUID (platform/input-gate.ts).
    @Arg('before', () => String, { nullable: true }) before: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
  ): Promise<AuditRow[]> {
    const actor = requireActor(ctx);
    if (!patientId && !userId) throw badInput('patientId', 'Choose a patient or a user to see their audit trail.');
    if (first < 1 || first > 200) throw badInput('first', 'Ask for between 1 and 200 entries at a time.');
    const cursor = parseCursor(before);
    if (cursor === 'invalid') throw badInput('before', 'That page cursor is not valid.');
    if (patientId) await requirePatientAccess(ctx, patientId, PatientAction.READ_AUDIT);
    if (userId) await requireUserInMyPcn(ctx, userId);
    // A user's trail spans patients; the reader sees only entries about patients they may open themselves.
    const readable = readablePatientsSql(actor);
    const rows = await queryAudit(ctx.em, { patientId: patientId ?? undefined, actorId: userId ?? undefined, before: cursor ?? undefined, limit: first, readable });
    await recordAudit(ctx.em, {
      actorId: actor.id,
      action: PatientAction.READ_AUDIT,
      patientId,
      requestId: ctx.requestId,
      outcome: AuditOutcome.ALLOWED,
      detail: userId ? { userId } : undefined,
    });
    return rows;
  }
}

async function requireUserInMyPcn(ctx: Context, userId: string): Promise<void> {
  const actor = requireActor(ctx);
  await requireAllowed(ctx, may.readUserAudit(actor), PatientAction.READ_AUDIT, 'Only service leads can read the audit trail.', { userId });
  const user = isUuid(userId) ? await ctx.em.findOne(User, { id: userId }, { populate: ['organisation'] }) : null;
  if (!user || user.organisation.pcnId !== actor.organisation.pcnId) {
    throw await deny(ctx, PatientAction.READ_AUDIT, { userId, reason: user ? 'user outside your PCN' : 'no such user' }, notFound('user'));
  }
}
