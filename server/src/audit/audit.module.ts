import type { CairnModule } from '../platform/module.js';
import { AuditViewResolver } from './audit-view.resolver.js';
import { AuditResolver } from './audit.resolver.js';

/** The append-only audit trail of reads, writes and denials. */
export const auditModule: CairnModule = {
  name: 'audit',
  resolvers: [AuditResolver, AuditViewResolver],
};
