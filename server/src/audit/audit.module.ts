import type { CairnModule } from '../platform/module.js';
import { AuditViewResolver } from './audit-view.resolver.js';
import { AuditWriter } from './audit-writer.js';
import { AuditResolver } from './audit.resolver.js';

declare module '../platform/services.js' {
  interface Services {
    /** Audit entries recorded on their own (reads, denials), inserted in batches across requests. */
    auditWriter: AuditWriter;
  }
}

/** The append-only audit trail of reads, writes and denials. */
export const auditModule: CairnModule = {
  name: 'audit',
  resolvers: [AuditResolver, AuditViewResolver],
  services: { auditWriter: ({ orm, logger }) => new AuditWriter(orm, logger) },
  start: ({ auditWriter }) => auditWriter.warm(),
  stop: ({ auditWriter }) => auditWriter.stop(),
};
