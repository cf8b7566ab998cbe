import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../access/policy.js';
import { badInput } from '../platform/errors.js';
import { badCharacterIn } from '../platform/input-gate.js';
import { joinSql, likeContaining, runSql, sql } from '../platform/sql.js';
import { User, type Role } from './user.entity.js';

/** What the administrators' users list can be narrowed to. */
export interface UserFilter {
  /** Part of a name or an email address. */
  search?: string | null;
  role?: Role | null;
  organisationId?: string | null;
  active?: boolean | null;
}

export interface UserPage {
  users: User[];
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

/** Every user matching `filter`, by name, a page at a time (keyset on lower(name), id). Who may ask is the caller's to check. */
export async function listUsers(em: EntityManager, filter: UserFilter, first: number, after: string | null): Promise<UserPage> {
  if (first < 1 || first > 100) throw badInput('first', 'Ask for between 1 and 100 users at a time.');
  const where = [sql`true`];
  const search = filter.search?.trim();
  if (search) {
    const term = likeContaining(search);
    where.push(sql`(lower(u.name) like ${term} or u.email like ${term})`);
  }
  if (filter.role) where.push(sql`u.role = ${filter.role}`);
  if (filter.organisationId) where.push(sql`u.organisation_id = ${filter.organisationId}::uuid`);
  if (filter.active !== null && filter.active !== undefined) where.push(sql`u.active = ${filter.active}`);
  const [{ count }] = await runSql<{ count: string }>(em, sql`select count(*) from app_user u where ${joinSql(where, ' and ')}`);
  const page = [...where];
  if (after) {
    const [name, id] = decodeCursor(after);
    page.push(sql`(lower(u.name), u.id) > (${name}, ${id}::uuid)`);
  }
  const rows = await runSql<{ id: string; k: string }>(em, sql`select u.id, lower(u.name) as k from app_user u where ${joinSql(page, ' and ')} order by lower(u.name), u.id limit ${first + 1}`);
  const shown = rows.slice(0, first);
  const byId = new Map((await em.find(User, { id: { $in: shown.map((r) => r.id) } }, { populate: ['organisation'] })).map((u) => [u.id, u]));
  const last = shown.at(-1);
  return {
    users: shown.map((r) => byId.get(r.id)).filter((u): u is User => !!u),
    endCursor: last ? Buffer.from(JSON.stringify([last.k, last.id])).toString('base64url') : null,
    hasNextPage: rows.length > first,
    totalCount: Number(count),
  };
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A forged cursor's values reach SQL as parameters: refuse what PostgreSQL could not take.
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !badCharacterIn(v[0]) && typeof v[1] === 'string' && isUuid(v[1])) return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw badInput('after', 'That page cursor is not valid; start again from the first page.');
}
