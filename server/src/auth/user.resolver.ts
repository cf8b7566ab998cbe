import { wrap } from '@mikro-orm/core';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Organisation } from '../organisations/organisation.entity.js';
import type { Context } from './request-context.js';
import { User } from './user.entity.js';

@Resolver(() => User)
export class UserResolver {
  /** Wherever a user appears (an author, a care-team member…), their organisation can be asked for. */
  @FieldResolver(() => Organisation)
  async organisation(@Root() user: User, @Ctx() ctx: Context): Promise<Organisation> {
    if (wrap(user.organisation).isInitialized()) return user.organisation;
    return ctx.em.findOneOrFail(Organisation, { id: user.organisation.id });
  }
}
