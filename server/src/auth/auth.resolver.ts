import { Arg, Ctx, Field, GraphQLISODateTime, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireActor } from '../access/policy.js';
import type { Context } from './request-context.js';
import { unauthenticated } from '../platform/errors.js';
import { revokeSessions, signIn } from './auth.service.js';
import { User } from './user.entity.js';

@ObjectType()
class SignInResult {
  @Field(() => String, { description: 'Bearer token for API clients; the web app uses the HttpOnly cookie set alongside.' })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@Resolver()
export class AuthResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null.' })
  me(@Ctx() ctx: Context): User | null {
    return ctx.actor;
  }

  @Mutation(() => SignInResult)
  async signIn(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string, @Ctx() ctx: Context): Promise<SignInResult> {
    const { token, session } = await signIn(ctx.em, ctx.services.signInLimiter, {
      email,
      password,
      address: ctx.clientAddress,
      userAgent: null,
      ttlHours: ctx.services.config.sessionTtlHours,
      requestId: ctx.requestId,
    });
    ctx.setSessionCookie?.(token, session.expiresAt);
    return Object.assign(new SignInResult(), { token, expiresAt: session.expiresAt, user: session.user });
  }

  @Mutation(() => Boolean, { description: 'Ends this session and closes its live connections.' })
  async signOut(@Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.session) throw unauthenticated();
    const ids = await revokeSessions(ctx.em, ctx.session, false, ctx.requestId);
    ctx.services.sockets.closeSessions(ids, 'Signed out');
    ctx.setSessionCookie?.(null);
    return true;
  }

  @Mutation(() => Int, { description: "Ends every one of the user's sessions, on every device; returns how many." })
  async signOutEverywhere(@Ctx() ctx: Context): Promise<number> {
    requireActor(ctx);
    if (!ctx.session) throw unauthenticated();
    const ids = await revokeSessions(ctx.em, ctx.session, true, ctx.requestId);
    ctx.services.sockets.closeSessions(ids, 'Signed out everywhere');
    ctx.setSessionCookie?.(null);
    return ids.length;
  }
}
