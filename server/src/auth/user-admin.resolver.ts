import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IdArg } from '../access/patient-id-arg.js';
import { may, requireActor, requireAllowed } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import type { Context } from './request-context.js';
import { badInput, CairnError, conflict, ErrorCode, notFound } from '../platform/errors.js';
import { requireText } from '../platform/validate.js';
import { hashPassword } from './password.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, requireAcceptablePassword } from './password-policy.js';
import { MAX_EMAIL_LENGTH, normaliseEmail, Role, User } from './user.entity.js';
import { isUniqueViolation, likeContaining, runSql, sql, takeTurns } from '../platform/sql.js';
import { PageInfo } from '../patients/patient.types.js';
import { listUsers, type UserFilter } from './user-list.service.js';

@InputType()
class CreateUserInput {
  @Field(() => String) name!: string;
  @Field(() => String) email!: string;
  @Field(() => Role) role!: Role;
  @Field(() => ID) organisationId!: string;
  @Field(() => String, { description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not a common or easily guessed password.` }) password!: string;
}

@InputType()
class UserFilterInput implements UserFilter {
  @Field(() => String, { nullable: true, description: 'Part of a name or an email address.' }) search!: string | null;
  @Field(() => Role, { nullable: true }) role!: Role | null;
  @Field(() => ID, { nullable: true }) organisationId!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or only deactivated (false) users; both when unset.' }) active!: boolean | null;
}

@ObjectType()
class UserConnection {
  @Field(() => [User]) nodes!: User[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Users matching the filter, across all pages.' }) totalCount!: number;
}

/** Users, colleagues and organisations: admins manage them; clinicians look colleagues up. */
@Resolver()
export class UserAdminResolver {
  @Query(() => [User], { description: 'Active clinicians in your PCN (and the specialist pain services), e.g. to add to a care team: the first 50 by name. Matches name or email; `role` keeps one role only (before the 50 are taken).' })
  async colleagues(
    @Arg('search', () => String, { defaultValue: '' }) search: string,
    @Arg('role', () => Role, { nullable: true }) role: Role | null,
    @Ctx() ctx: Context,
  ): Promise<User[]> {
    const actor = requireActor(ctx);
    const term = likeContaining(search);
    const rows = await runSql<{ id: string }>(
      ctx.em,
      sql`select u.id from app_user u join organisation o on o.id = u.organisation_id
           where u.active and u.role <> 'ADMIN'
             and (coalesce(o.pcn_id, o.id) = ${actor.organisation.pcnId} or o.kind = 'SPECIALIST_PAIN_SERVICE')
             and (lower(u.name) like ${term} or u.email like ${term})
             and (${role}::text is null or u.role = ${role})
           order by u.name limit 50`,
    );
    return ctx.em.find(User, { id: { $in: rows.map((r) => r.id) } }, { populate: ['organisation'], orderBy: { name: 'asc' } });
  }

  @Query(() => UserConnection, { description: 'Administrators: every user matching the filter, by name, a page at a time.' })
  async users(
    @Arg('filter', () => UserFilterInput, { nullable: true }) filter: UserFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<UserConnection> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.manageUsers(actor), 'user.list', 'Only administrators can see the list of users.');
    const page = await listUsers(ctx.em, filter ?? {}, first, after);
    await recordAudit(ctx.em, { actorId: actor.id, action: 'user.list', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { filter: filter ?? {}, returned: page.users.length } });
    return { nodes: page.users, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage }, totalCount: page.totalCount };
  }

  @Query(() => [Organisation], { description: 'Every organisation Cairn knows (admins), or those of your PCN.' })
  async organisations(@Ctx() ctx: Context): Promise<Organisation[]> {
    const actor = requireActor(ctx);
    if (may.manageUsers(actor)) return ctx.em.find(Organisation, {}, { orderBy: { name: 'asc' } });
    const pcnId = actor.organisation.pcnId;
    return ctx.em.find(Organisation, { $or: [{ id: pcnId }, { pcn: pcnId }] }, { orderBy: { name: 'asc' } });
  }

  @Mutation(() => User)
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.manageUsers(actor), 'user.create', 'Only administrators can add users.', { email: normaliseEmail(input.email) });
    const name = requireText('name', input.name, 120);
    const email = normaliseEmail(input.email);
    if (email.length > MAX_EMAIL_LENGTH) throw badInput('email', `Email addresses are at most ${MAX_EMAIL_LENGTH} characters.`);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput('email', 'Please enter a valid email address.');
    const password = requireAcceptablePassword('password', input.password);
    const organisation = await ctx.em.findOne(Organisation, { id: input.organisationId }).catch(() => null);
    if (!organisation) throw badInput('organisationId', 'No such organisation.');
    const emailTaken = () => conflict(`An account with the email ${email} already exists.`);
    if (await ctx.em.count(User, { email })) throw emailTaken();
    const user = new User(name, email, await hashPassword(password), input.role, organisation);
    try {
      await ctx.em.transactional(async (tx) => {
        tx.persist(user);
        await recordAudit(tx, { actorId: actor.id, action: 'user.create', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { userId: user.id } });
      });
    } catch (e) {
      // Added a moment ago by another request (the same form sent twice): the unique email decides.
      if (isUniqueViolation(e)) throw emailTaken();
      throw e;
    }
    return user;
  }

  @Mutation(() => User, { description: "Deactivating a user ends their sessions and closes their live connections within seconds." })
  async setUserActive(@IdArg('userId') userId: string, @Arg('active', () => Boolean) active: boolean, @Ctx() ctx: Context): Promise<User> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.manageUsers(actor), active ? 'user.activate' : 'user.deactivate', 'Only administrators can activate or deactivate users.', { userId });
    if (userId === actor.id && !active) throw badInput('userId', 'You cannot deactivate your own account.');
    const user = await ctx.em.findOne(User, { id: userId }, { populate: ['organisation'] }).catch(() => null);
    if (!user) throw notFound('user');
    const sessionIds = await ctx.em.transactional(async (tx) => {
      // One change of who is active at a time, checked as things are once it is this one's turn: of two
      // administrators deactivating each other at once, the second finds itself deactivated. An active
      // administrator, who is not the one deactivated, therefore always remains.
      await takeTurns(tx, 'user-activity');
      await requireStillAdministering(tx, actor.id);
      user.active = active;
      tx.persist(user);
      // Written now, not at commit: a sign-in under way holds the user's row (`stillSignsIn`), so this waits for
      // it, and the sessions ended below include the one it stores.
      await tx.flush();
      await recordAudit(tx, { actorId: actor.id, action: active ? 'user.activate' : 'user.deactivate', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { userId } });
      if (active) return [];
      const rows = await runSql<{ id: string }>(tx, sql`update session set revoked_at = now() where user_id = ${userId} and revoked_at is null returning id`);
      return rows.map((r) => r.id);
    });
    ctx.services.sockets.closeSessions(sessionIds, 'Account deactivated');
    return user;
  }
}

/** The administrator acting is still one, as the database holds it now (not as their request began). */
async function requireStillAdministering(tx: EntityManager, actorId: string): Promise<void> {
  const rows = await runSql(tx, sql`select 1 from app_user where id = ${actorId} and active and role = ${Role.ADMIN}`);
  if (rows.length === 0) throw new CairnError(ErrorCode.UNAUTHENTICATED, 'Your account was deactivated a moment ago; sign in again.');
}
