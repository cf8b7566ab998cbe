import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../platform/context.js';
import { Organisation } from './organisation.entity.js';

@Resolver(() => Organisation)
export class OrganisationResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: 'The Primary Care Network this organisation belongs to.' })
  async pcn(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<Organisation | null> {
    if (!organisation.pcn) return null;
    return ctx.em.findOne(Organisation, { id: organisation.pcn.id });
  }
}
