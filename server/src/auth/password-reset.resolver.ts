import { Arg, Ctx, Field, GraphQLISODateTime, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { IdArg } from '../access/patient-id-arg.js';
import { may, requireActor, requireAllowed } from '../access/policy.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-policy.js';
import { makePasswordResetLink, PasswordLinkState, passwordLinkState, setPasswordWithLink } from './password-reset.service.js';
import type { Context } from './request-context.js';
import { User } from './user.entity.js';

registerEnumType(PasswordLinkState, { name: 'PasswordLinkState', description: 'Where a password link stands; says nothing about whose it is.' });

@ObjectType({ description: 'A one-time link for a user to set a new password.' })
export class PasswordResetLink {
  @Field(() => User) user!: User;
  @Field(() => String, { description: "The link's path, /set-password/<token>: shown this once and never stored. Give it to the user yourself." }) path!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

/** Password resets by an administrator, and the page where the user sets the new password. */
@Resolver()
export class PasswordResetResolver {
  @Mutation(() => PasswordResetLink, {
    description: "Administrators: the user's password stops working and their sessions end at once; the link works once, for CAIRN_PASSWORD_RESET_LINK_HOURS (24). Not for your own account.",
  })
  async resetUserPassword(@IdArg('userId') userId: string, @Ctx() ctx: Context): Promise<PasswordResetLink> {
    const actor = requireActor(ctx);
    const message = may.manageUsers(actor) ? 'You cannot reset your own password with a link: ask another administrator.' : 'Only administrators can reset passwords.';
    await requireAllowed(ctx, may.resetPassword(actor, { id: userId }), 'user.resetPassword', message, { userId });
    const made = await makePasswordResetLink(ctx.em, { actor, requestId: ctx.requestId }, userId, ctx.services.config.passwordResetLinkHours);
    ctx.services.sockets.closeSessions(made.endedSessionIds, 'Password reset');
    return { user: made.reset.user, path: `/set-password/${made.token}`, expiresAt: made.reset.expiresAt };
  }

  @Query(() => PasswordLinkState, { description: "For the set-password page, without signing in: whether the link can be used." })
  async passwordLink(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<PasswordLinkState> {
    return passwordLinkState(ctx.em, token);
  }

  @Mutation(() => Boolean, { description: `Sets a new password with a one-time link (${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not common or easily guessed); the link then stops working. Sign in afterwards.` })
  async setPasswordWithLink(@Arg('token', () => String) token: string, @Arg('password', () => String) password: string, @Ctx() ctx: Context): Promise<boolean> {
    await setPasswordWithLink(ctx.em, token, password, ctx.requestId);
    return true;
  }
}
