import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { ThreadPostResolver, ThreadResolver } from '../threads/thread.resolver.js';
import { HandoverActionResolver, HandoverResolver } from '../handover/handover.resolver.js';
import { NotificationResolver } from '../notifications/notification.resolver.js';
import { EventResolver } from '../events/event.resolver.js';
import { AuditResolver } from '../audit/audit.resolver.js';
import { AuthResolver } from '../auth/auth.resolver.js';
import { UserAdminResolver } from '../auth/user-admin.resolver.js';
import { UserResolver } from '../auth/user.resolver.js';
import { CarePlanResolver } from '../care-plans/care-plan.resolver.js';
import { CareTeamResolver } from '../care-teams/care-team.resolver.js';
import { OrganisationResolver } from '../organisations/organisation.resolver.js';
import { PatientResolver } from '../patients/patient.resolver.js';

/** Every domain's resolvers; a domain adds its own here. */
export const resolvers = [AuthResolver, UserResolver, UserAdminResolver, OrganisationResolver, PatientResolver, CareTeamResolver, AuditResolver, EventResolver, CarePlanResolver, NotificationResolver, HandoverResolver, HandoverActionResolver, ThreadResolver, ThreadPostResolver] as const;

export function buildCairnSchema(): Promise<GraphQLSchema> {
  // type-graphql insists on a pubSub once any subscription exists. Cairn's subscriptions bring their own
  // `subscribe` (the event log, across instances), so nothing ever publishes to this in-process one.
  return buildSchema({ resolvers, validate: false, emitSchemaFile: false, pubSub: createPubSub() });
}
