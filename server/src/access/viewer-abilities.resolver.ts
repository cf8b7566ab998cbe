import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../auth/request-context.js';
import { may } from './policy.js';

/** What the signed-in user may do that is not about one patient, from `may` in policy.ts: the web shows entry points from this. */
@ObjectType({ description: 'What you may do beyond any one patient, as the access policy decides.' })
export class ViewerAbilities {
  @Field(() => Boolean, { description: 'Register a new patient (Add patient).' })
  createPatient!: boolean;
}

@Resolver()
export class ViewerAbilitiesResolver {
  @Query(() => ViewerAbilities, { description: 'What you may do beyond any one patient; everything false when signed out.' })
  viewerMay(@Ctx() ctx: Context): ViewerAbilities {
    const actor = ctx.actor;
    return { createPatient: !!actor && actor.active && may.createPatient(actor) };
  }
}
