import type { AuditAction } from '../audit/audit-actions.js';
import { Arg, Ctx, Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { may, requireActor, requireAllowed } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { Context } from '../auth/request-context.js';
import { checkDashboardFilter, dashboardCsv, exportFilterNames, dashboardFilterOptions, dashboardDefinitions, DashboardGroup, serviceDashboard, SMALLEST_SHOWN, type DashboardFilter } from './dashboard.service.js';

registerEnumType(DashboardGroup, { name: 'DashboardGroup' });

@InputType()
export class DashboardFilterInput implements DashboardFilter {
  @Field(() => ID, { nullable: true }) practiceId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Patients whose care-team lead is this user.' }) coachId!: string | null;
  @Field(() => String, { nullable: true }) condition!: string | null;
  @Field(() => String, { nullable: true, description: 'The period from this date, YYYY-MM-DD: measures taken, referrals received, sessions and cafés held.' }) from!: string | null;
  @Field(() => String, { nullable: true, description: 'The period up to this date (inclusive), YYYY-MM-DD.' }) to!: string | null;
  @Field(() => DashboardGroup, { defaultValue: DashboardGroup.NONE }) groupBy!: DashboardGroup;
}

@ObjectType({ description: 'A figure and the number of patients it is computed over; null when that number is 0.' })
export class DashboardFigure {
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Int) n!: number;
  @Field(() => Boolean, { description: `Computed over fewer than ${SMALLEST_SHOWN} patients (but more than none): not to be shown or passed on, since it could tell one person's results. The CSV leaves it blank.` })
  withheld!: boolean;
}

@ObjectType()
export class DashboardRowType {
  @Field(() => String) key!: string;
  @Field(() => String) label!: string;
  @Field(() => Int) patients!: number;
  @Field(() => Int) referred!: number;
  @Field(() => Int) active!: number;
  @Field(() => Int) discharged!: number;
  @Field(() => Int, { description: 'Referrals received in the period.' }) referralsReceived!: number;
  @Field(() => Int, { description: 'Of those, accepted at triage.' }) referralsAccepted!: number;
  @Field(() => Int, { description: 'Coaching sessions held in the period and recorded as attended.' }) sessionsAttended!: number;
  @Field(() => Int, { description: 'Coaching sessions held in the period and recorded as did-not-attend.' }) sessionsDna!: number;
  @Field(() => DashboardFigure, { description: 'DNAs as a percentage of sessions recorded; its n counts sessions.' }) dnaRatePercent!: DashboardFigure;
  @Field(() => Int, { description: 'Pain Café places attended, at cafés held in the period.' }) cafeAttendances!: number;
  @Field(() => Int, { description: 'Patients who came to at least one Pain Café in the period.' }) cafePatients!: number;
  @Field(() => DashboardFigure) pseqChangePoints!: DashboardFigure;
  @Field(() => DashboardFigure) pseqChangePercent!: DashboardFigure;
  @Field(() => DashboardFigure) pseqChangeOfMeansPercent!: DashboardFigure;
  @Field(() => DashboardFigure) pseqMeaningfulPercent!: DashboardFigure;
  @Field(() => DashboardFigure) confidenceChangePoints!: DashboardFigure;
  @Field(() => DashboardFigure) confidenceChangePercent!: DashboardFigure;
  @Field(() => DashboardFigure) noGpVisitPercent!: DashboardFigure;
  @Field(() => Int, { description: 'GP appointment counts taken in the period but left out of noGpVisitPercent: their period began before the episode of care did.' })
  gpCountsBeforeProgramme!: number;
}

@ObjectType()
export class DashboardDefinition {
  @Field(() => String) term!: string;
  @Field(() => String) text!: string;
}

@ObjectType({ description: 'The service dashboard, computed from the records now.' })
export class ServiceDashboard {
  @Field(() => DashboardRowType) total!: DashboardRowType;
  @Field(() => [DashboardRowType]) rows!: DashboardRowType[];
  @Field(() => [DashboardDefinition]) definitions!: DashboardDefinition[];
  @Field(() => GraphQLISODateTime) computedAt!: Date;
}

/** Service leads (their PCN) and coaches (their own caseload) only; a refusal of `action` is audited. */
async function dashboardReader(ctx: Context, action: AuditAction) {
  const actor = requireActor(ctx);
  await requireAllowed(ctx, may.readServiceDashboard(actor), action, 'Only service leads and coaches can see the service dashboard.');
  return actor;
}

/**
 * The reader and their filter, checked in that order, and the read audited only once both pass: a refused
 * filter reads nothing, so the trail must not say it did.
 */
async function permitted(ctx: Context, action: AuditAction, filter: DashboardFilter) {
  const actor = await dashboardReader(ctx, action);
  const checked = checkDashboardFilter(filter);
  await recordAudit(ctx.em, { actorId: actor.id, action, patientId: null, requestId: ctx.requestId, outcome: AuditOutcome.ALLOWED });
  return { actor, filter: checked };
}

@ObjectType()
class DashboardOption {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
}

@ObjectType({ description: 'What the dashboard can be filtered by, among the patients you may open.' })
class DashboardFilterOptionsType {
  @Field(() => [DashboardOption]) practices!: DashboardOption[];
  @Field(() => [DashboardOption], { description: 'Care-team leads.' }) leads!: DashboardOption[];
  @Field(() => [String]) conditions!: string[];
}

@Resolver()
export class DashboardResolver {
  @Query(() => DashboardFilterOptionsType, { description: "The practices, care-team leads and conditions the dashboard's filters offer." })
  async dashboardFilterOptions(@Ctx() ctx: Context): Promise<DashboardFilterOptionsType> {
    return dashboardFilterOptions(ctx.em, await dashboardReader(ctx, 'dashboard.options'));
  }

  @Query(() => ServiceDashboard, { description: "The service's figures over the patients you may open: a service lead's PCN, a coach's own caseload." })
  async serviceDashboard(@Arg('filter', () => DashboardFilterInput) filter: DashboardFilterInput, @Ctx() ctx: Context): Promise<ServiceDashboard> {
    const { actor, filter: checked } = await permitted(ctx, 'dashboard.read', filter);
    const d = await serviceDashboard(ctx.em, { actor }, checked);
    return { ...d, definitions: [...dashboardDefinitions], computedAt: new Date() };
  }

  @Query(() => String, { description: `The same figures as CSV: what they cover and their definitions first, N beside each, figures over fewer than ${SMALLEST_SHOWN} patients left blank.` })
  async serviceDashboardCsv(@Arg('filter', () => DashboardFilterInput) filter: DashboardFilterInput, @Ctx() ctx: Context): Promise<string> {
    const { actor, filter: checked } = await permitted(ctx, 'dashboard.export', filter);
    const d = await serviceDashboard(ctx.em, { actor }, checked);
    return dashboardCsv(d, { filter: checked, ...(await exportFilterNames(ctx.em, actor, checked)), computedAt: new Date() });
  }
}
