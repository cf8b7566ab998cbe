import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { AuditOutcome, recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { hashPassword } from '../auth/password.js';
import { Role, User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { demoUsers } from './demo-seed.js';

const requestId = 'demo-seed';

/**
 * What the administrator's home and the audit view show on first start: a coach who has left the service
 * (added, then deactivated, by the demo administrator), and the care team's reads of a few records, one of
 * them refused. Synthetic, like the rest of the demo.
 */
export async function seedDemoAdministration(em: EntityManager): Promise<void> {
  const user = (key: (typeof demoUsers)[number]['key']) => em.findOneOrFail(User, { email: demoUsers.find((u) => u.key === key)!.email }, { populate: ['organisation'] });
  const [admin, coach, gp, fcp] = [await user('admin'), await user('coach'), await user('gp'), await user('fcp')];
  // Nobody knows this password, and the account is deactivated: it cannot be signed in to.
  const leaver = new User('Rhiannon Pugh', 'rhiannon.pugh@cairn.example', await hashPassword(randomBytes(24).toString('base64url')), Role.COACH, coach.organisation);
  leaver.active = false;
  const gpPatients = (await em.find(CareTeamMember, { user: gp.id }, { populate: ['patient'], orderBy: { patient: { familyName: 'asc' } }, limit: 10 })).map((m) => m.patient);
  const patients = gpPatients.slice(0, 3);
  const physios = new Set((await em.find(CareTeamMember, { user: fcp.id })).map((m) => m.patient.id));
  const notPhysios = gpPatients.filter((p) => !physios.has(p.id)).slice(0, 1);
  const read = (actor: User, patientId: string): AuditRecord => ({ actorId: actor.id, action: 'patient.read', patientId, requestId, outcome: AuditOutcome.ALLOWED, detail: { transport: 'http' } });
  await em.transactional(async (tx) => {
    tx.persist(leaver);
    await tx.flush();
    await recordAudit(
      tx,
      { actorId: admin.id, action: 'user.create', patientId: null, requestId, outcome: AuditOutcome.ALLOWED, detail: { userId: leaver.id } },
      { actorId: admin.id, action: 'user.deactivate', patientId: null, requestId, outcome: AuditOutcome.ALLOWED, detail: { userId: leaver.id } },
      ...patients.flatMap((p) => [read(coach, p.id), read(gp, p.id)]),
      // A physio not on this patient's team looked for them: refused, and recorded.
      ...notPhysios.map((p): AuditRecord => ({ actorId: fcp.id, action: 'patient.read', patientId: p.id, requestId, outcome: AuditOutcome.DENIED, detail: { reason: 'no relationship', transport: 'http' } })),
    );
  });
}
