import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { auditViewScopeSql, may, readablePatientsSql, requireActor, requireAllowed } from '../access/policy.js';
import { Role } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { parseCursor } from '../events/event-log.js';
import { PageInfo } from '../patients/patient.types.js';
import { badInput } from '../platform/errors.js';
import { auditCsv, auditView, searchRecorded, type AuditFilter, type AuditViewRow } from './audit-view.service.js';
import { AuditOutcome, recordAudit } from './audit.service.js';

@InputType()
class AuditFilterInput implements AuditFilter {
  @Field(() => ID, { nullable: true }) patientId!: string | null;
  @Field(() => String, { nullable: true, description: "The patient's NHS number (spaces and dashes are fine)." }) nhsNumber!: string | null;
  @Field(() => ID, { nullable: true, description: 'Entries by exactly this user.' }) userId!: string | null;
  @Field(() => String, { nullable: true, description: "Entries by people whose name or email contains this." }) person!: string | null;
  @Field(() => String, { nullable: true, description: 'Exactly this action, e.g. patient.read.' }) action!: string | null;
  @Field(() => AuditOutcome, { nullable: true }) outcome!: AuditOutcome | null;
  @Field(() => String, { nullable: true, description: 'From this day, YYYY-MM-DD (UK time), inclusive.' }) from!: string | null;
  @Field(() => String, { nullable: true, description: 'To this day, YYYY-MM-DD (UK time), inclusive.' }) to!: string | null;
}

@ObjectType({ description: 'Someone an audit entry\'s detail names by id.' })
class AuditPerson {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
}

@ObjectType({ description: 'One entry of the audit trail: who did what, when, to which patient, and whether it was allowed.' })
class AuditViewEntry implements AuditViewRow {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) actorName!: string | null;
  @Field(() => String, { nullable: true }) actorEmail!: string | null;
  @Field(() => Role, { nullable: true }) actorRole!: Role | null;
  @Field(() => String) action!: string;
  @Field(() => AuditOutcome) outcome!: AuditOutcome;
  @Field(() => ID, { nullable: true }) patientId!: string | null;
  @Field(() => String, { nullable: true }) patientNhsNumber!: string | null;
  @Field(() => String, { nullable: true, description: 'Only when you may open the patient’s record yourself.' }) patientName!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) detail!: Record<string, unknown> | null;
  @Field(() => [AuditPerson], { description: 'The staff the detail names by id (a coach, a user…), to show their names rather than ids.' }) detailPeople!: AuditPerson[];
}

@ObjectType()
class AuditEntryConnection {
  @Field(() => [AuditViewEntry]) nodes!: AuditViewEntry[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

const REFUSED = 'Only service leads and administrators can read the audit trail.';

/**
 * The audit view for information-governance requests: service leads over their remit, administrators over
 * everything (the rule is `auditViewScopeSql`). Every read and export is itself audited, with its filter.
 */
@Resolver()
export class AuditViewResolver {
  @Query(() => AuditEntryConnection, { description: 'Newest first, a page at a time: `after` is the last page\'s endCursor.' })
  async auditEntries(
    @Arg('filter', () => AuditFilterInput, { nullable: true }) filter: AuditFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    // A cursor (an entry's bigint id as a decimal string): every `ID` argument is a UUID (platform/input-gate.ts).
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntryConnection> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.readAuditView(actor), 'audit.read', REFUSED);
    if (first < 1 || first > 200) throw badInput('first', 'Ask for between 1 and 200 entries at a time.');
    const cursor = parseCursor(after);
    if (cursor === 'invalid') throw badInput('after', 'That page cursor is not valid; start again from the first page.');
    const wanted = plain(filter);
    const rows = await auditView(ctx.em, { scope: auditViewScopeSql(actor), readable: readablePatientsSql(actor), filter: wanted, before: cursor ?? undefined, limit: first + 1 });
    const nodes = rows.slice(0, first);
    const search = await searchRecorded(ctx.em, wanted);
    await recordAudit(ctx.em, { actorId: actor.id, action: 'audit.read', patientId: search.patientId, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { filter: search.filter, returned: nodes.length } });
    return { nodes, pageInfo: { endCursor: nodes.at(-1)?.id ?? null, hasNextPage: rows.length > first } };
  }

  @Query(() => String, { description: 'Every entry matching the filter as CSV (no paging), up to CAIRN_AUDIT_EXPORT_MAX_ROWS; a larger export is refused, never cut short.' })
  async auditEntriesCsv(@Arg('filter', () => AuditFilterInput, { nullable: true }) filter: AuditFilterInput | null, @Ctx() ctx: Context): Promise<string> {
    const actor = requireActor(ctx);
    await requireAllowed(ctx, may.readAuditView(actor), 'audit.export', REFUSED);
    const wanted = plain(filter);
    const max = ctx.services.config.auditExportMaxRows;
    const rows = await auditView(ctx.em, { scope: auditViewScopeSql(actor), readable: readablePatientsSql(actor), filter: wanted, limit: max + 1 });
    if (rows.length > max) {
      throw badInput('filter', `That is more than ${max.toLocaleString('en-GB')} entries, the most one export holds. Narrow the dates or add a filter, and export in parts.`);
    }
    const search = await searchRecorded(ctx.em, wanted);
    await recordAudit(ctx.em, { actorId: actor.id, action: 'audit.export', patientId: search.patientId, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED, detail: { filter: search.filter, rows: rows.length } });
    return auditCsv(rows);
  }
}

/** The filter's fields that were given, as a plain object (for the query and for the audit entry). */
function plain(filter: AuditFilterInput | null): AuditFilter {
  const given = Object.entries(filter ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return Object.fromEntries(given) as AuditFilter;
}
