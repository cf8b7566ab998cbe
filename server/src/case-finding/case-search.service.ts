import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { conflict } from '../platform/errors.js';
import { isUniqueViolation, joinSql, runSql, sql } from '../platform/sql.js';
import { requireText } from '../platform/validate.js';
import type { CaseCriterion, CaseFindingMatch, SaveCaseSearchInput } from './case-finding.types.js';
import { CaseSearch } from './case-search.entity.js';
import type { CriterionRegistry } from './criteria.js';
import { Invitation } from './invitation.entity.js';
import { alreadyReferred } from './already-referred.js';
import { lastContactAt } from './last-contact.js';
import { ukToday } from '../platform/uk-dates.js';

export interface By {
  actor: User;
  requestId: string;
}

/** Saves (or changes) one of the actor's searches over their PCN's patients; every criterion is checked first. */
export async function saveCaseSearch(em: EntityManager, by: By, registry: CriterionRegistry, existing: CaseSearch | null, input: SaveCaseSearchInput): Promise<CaseSearch> {
  const name = requireText('name', input.name, 120);
  const criteria = registry.parseAll(input.criteria);
  const search = existing ?? Object.assign(new CaseSearch(), { ownerId: by.actor.id, pcnId: by.actor.organisation.pcnId });
  Object.assign(search, { name, criteria, updatedAt: new Date() });
  try {
    await em.transactional(async (tx) => {
      tx.persist(search);
      await tx.flush();
      await recordAudit(tx, { actorId: by.actor.id, action: 'caseSearch.save', patientId: null, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { searchId: search.id } });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`You already have a search called "${name}".`);
    throw e;
  }
  return search;
}

/** The criteria of a search in the API's generic shape, with their words. */
export function criteriaOf(registry: CriterionRegistry, search: CaseSearch): CaseCriterion[] {
  return search.criteria.map((c) => {
    const definition = registry.get(c.kind);
    const fields = definition.toFields(c);
    return { kind: c.kind, values: fields.values ?? [], min: fields.min ?? null, max: fields.max ?? null, date: fields.date ?? null, summary: definition.describe(c) };
  });
}

/**
 * Runs a search over its PCN's patients: every criterion's predicate, compiled by the registry, joined with
 * "and". Each match comes with when the service last had contact, the patient's latest invitation, and
 * whether they were referred already (and so cannot be invited).
 */
export async function runCaseSearch(em: EntityManager, registry: CriterionRegistry, search: Pick<CaseSearch, 'pcnId' | 'criteria'>, today = ukToday(), limit = 200): Promise<CaseFindingMatch[]> {
  const scope = { today };
  const predicates = search.criteria.map((c) => registry.get(c.kind).toSql(c, scope));
  // Timestamps come back from runSql as PostgreSQL's text.
  const rows = await runSql<{ id: string; last_contact_at: string | null; already_referred: boolean }>(
    em,
    sql`select p.id, ${lastContactAt} as last_contact_at, ${alreadyReferred} as already_referred
          from patient p join organisation po on po.id = p.practice_id
         where coalesce(po.pcn_id, po.id) = ${search.pcnId}::uuid
           ${predicates.length ? sql`and ${joinSql(predicates, ' and ')}` : sql``}
         order by lower(p.family_name), lower(p.given_name), p.id
         limit ${limit}`,
  );
  const ids = rows.map((r) => r.id);
  const patients = new Map((await em.find(Patient, { id: { $in: ids } }, { populate: ['practice'] })).map((p) => [p.id, p]));
  const invitations = new Map<string, Invitation>();
  for (const i of await em.find(Invitation, { patientId: { $in: ids } }, { populate: ['sentBy', 'statusBy'], orderBy: { sentAt: 'asc' } })) invitations.set(i.patientId, i);
  return rows.flatMap((r) => {
    const patient = patients.get(r.id);
    return patient ? [{ patient, lastContactAt: r.last_contact_at ? new Date(r.last_contact_at) : null, invitation: invitations.get(r.id) ?? null, alreadyReferred: r.already_referred }] : [];
  });
}

/** The actor's saved searches, by name. */
export function caseSearchesOf(em: EntityManager, actor: User): Promise<CaseSearch[]> {
  return em.find(CaseSearch, { ownerId: actor.id, pcnId: actor.organisation.pcnId }, { orderBy: { name: 'asc' } });
}
