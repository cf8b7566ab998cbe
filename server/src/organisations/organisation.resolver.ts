import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { may, requireActor, requireAllowed } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, notFound } from '../platform/errors.js';
import { runSql, sql, takeTurns } from '../platform/sql.js';
import { requireText } from '../platform/validate.js';
import { Organisation, OrganisationKind } from './organisation.entity.js';

const kindWords: Record<OrganisationKind, string> = { PCN: 'A PCN', GP_PRACTICE: 'A GP practice', PHYSIO_PROVIDER: 'A physiotherapy provider', SPECIALIST_PAIN_SERVICE: 'A specialist pain service' };

/**
 * Two organisations of one kind in one PCN (or two PCNs) with the same name, in any case, are one added twice
 * or a rename onto another: people choosing a practice by name could not tell them apart. Names are checked
 * one change at a time, so two sent at once cannot both pass.
 */
async function refuseNameTaken(tx: EntityManager, name: string, kind: OrganisationKind, pcn: Organisation | null, except: string | null): Promise<void> {
  await takeTurns(tx, 'organisation-names');
  const [taken] = await runSql<{ name: string }>(
    tx,
    sql`select name from organisation
         where kind = ${kind} and pcn_id is not distinct from ${pcn?.id ?? null}::uuid and lower(name) = lower(${name})
           and (${except}::uuid is null or id <> ${except}::uuid)
         limit 1`,
  );
  if (taken) throw conflict(`${kindWords[kind]} named "${taken.name}" already exists${pcn ? ` in ${pcn.name}` : ''}. Use that one, or give this one a name that tells them apart.`);
}

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
    // A specialist service's staff would otherwise count as the PCN's own (its cafés, its lead's audit view).
    if (kind === OrganisationKind.SPECIALIST_PAIN_SERVICE && pcn) throw badInput('pcnId', 'A specialist pain service belongs to no PCN: it serves patients of any.');
    if ((kind === OrganisationKind.GP_PRACTICE || kind === OrganisationKind.PHYSIO_PROVIDER) && !pcn) {
      throw badInput('pcnId', 'Choose the Primary Care Network this organisation works in.');
    }
    const organisation = new Organisation(cleanName, kind, pcn);
    await ctx.em.transactional(async (tx) => {
      await refuseNameTaken(tx, cleanName, kind, pcn, null);
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
    const organisation = await ctx.em.findOne(Organisation, { id: organisationId }, { populate: ['pcn'] });
    if (!organisation) throw notFound('organisation');
    const before = organisation.name;
    await ctx.em.transactional(async (tx) => {
      await refuseNameTaken(tx, cleanName, organisation.kind, organisation.pcn, organisation.id);
      organisation.name = cleanName;
      tx.persist(organisation);
      await recordAudit(tx, { actorId: actor.id, action: 'organisation.rename', patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { organisationId, from: before, to: cleanName } });
    });
    return organisation;
  }
}
