import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { may, requireActor, requireAllowed } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { badInput, notFound } from '../platform/errors.js';
import { requireText } from '../platform/validate.js';
import { Organisation, OrganisationKind } from './organisation.entity.js';

@Resolver(() => Organisation)
export class OrganisationResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: 'The Primary Care Network this organisation belongs to.' })
  async pcn(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<Organisation | null> {
    if (!organisation.pcn) return null;
    return ctx.em.findOne(Organisation, { id: organisation.pcn.id });
  }

  @Mutation(() => Organisation, { description: 'Adds a PCN, a GP practice or physio provider in a PCN, or a specialist pain service (admins).' })
  async createOrganisation(
    @Arg('name', () => String) name: string,
    @Arg('kind', () => OrganisationKind) kind: OrganisationKind,
    @Arg('pcnId', () => ID, { nullable: true }) pcnId: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Organisation> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.manageUsers(actor), 'organisation.create', 'Only administrators can add organisations.');
    const cleanName = requireText('name', name, 160);
    const pcn = pcnId ? await ctx.em.findOne(Organisation, { id: pcnId, kind: OrganisationKind.PCN }).catch(() => null) : null;
    if (pcnId && !pcn) throw badInput('pcnId', 'No such Primary Care Network.');
    if (kind === OrganisationKind.PCN && pcn) throw badInput('pcnId', 'A PCN does not belong to another PCN.');
    if ((kind === OrganisationKind.GP_PRACTICE || kind === OrganisationKind.PHYSIO_PROVIDER) && !pcn) {
      throw badInput('pcnId', 'Choose the Primary Care Network this organisation works in.');
    }
    const organisation = new Organisation(cleanName, kind, pcn);
    await ctx.em.transactional(async (tx) => {
      tx.persist(organisation);
      await recordAudit(tx, { actorId: actor.id, action: 'organisation.create', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { organisationId: organisation.id } });
    });
    return organisation;
  }

  @Mutation(() => Organisation, { description: 'Renames an organisation (admins); its kind and PCN stay as they are.' })
  async renameOrganisation(@Arg('organisationId', () => ID) organisationId: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Organisation> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.manageUsers(actor), 'organisation.rename', 'Only administrators can rename organisations.', { organisationId });
    const cleanName = requireText('name', name, 160);
    const organisation = await ctx.em.findOne(Organisation, { id: organisationId });
    if (!organisation) throw notFound('organisation');
    const before = organisation.name;
    await ctx.em.transactional(async (tx) => {
      organisation.name = cleanName;
      tx.persist(organisation);
      await recordAudit(tx, { actorId: actor.id, action: 'organisation.rename', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { organisationId, from: before, to: cleanName } });
    });
    return organisation;
  }
}
