import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { AuditResolver } from '../audit/audit.resolver.js';
import { AuthResolver } from '../auth/auth.resolver.js';
import { UserAdminResolver } from '../auth/user-admin.resolver.js';
import { CareTeamResolver } from '../care-teams/care-team.resolver.js';
import { OrganisationResolver } from '../organisations/organisation.resolver.js';
import { PatientResolver } from '../patients/patient.resolver.js';

/** Every domain's resolvers; a domain adds its own here. */
export const resolvers = [AuthResolver, UserAdminResolver, OrganisationResolver, PatientResolver, CareTeamResolver, AuditResolver] as const;

export function buildCairnSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, validate: false, emitSchemaFile: false });
}
