import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, sql } from '../platform/sql.js';
import { PainCafeRegistration } from './pain-cafe.entity.js';

/** How full a café is, and (once it has run) how many of those with a place came. */
export interface CafeFill {
  registered: number;
  waitlisted: number;
  invited: number;
  attended: number;
  didNotAttend: number;
}

/** A café nobody has joined. */
export const emptyFill: CafeFill = { registered: 0, waitlisted: 0, invited: 0, attended: 0, didNotAttend: 0 };

/** The fill of each café, in one query. */
export async function cafeFill(em: EntityManager, cafeIds: string[]): Promise<Map<string, CafeFill>> {
  const rows = await runSql<{ cafe_id: string; registered: number; waitlisted: number; invited: number; attended: number; did_not_attend: number }>(
    em,
    sql`select cafe_id,
               count(*) filter (where status = 'REGISTERED')::int as registered,
               count(*) filter (where status = 'WAITLISTED')::int as waitlisted,
               count(*) filter (where status = 'INVITED')::int as invited,
               count(*) filter (where status = 'REGISTERED' and attendance = 'ATTENDED')::int as attended,
               count(*) filter (where status = 'REGISTERED' and attendance = 'DID_NOT_ATTEND')::int as did_not_attend
          from pain_cafe_registration where cafe_id = any(${cafeIds}::uuid[]) group by cafe_id`,
  );
  return new Map(rows.map((r) => [r.cafe_id, { registered: r.registered, waitlisted: r.waitlisted, invited: r.invited, attended: r.attended, didNotAttend: r.did_not_attend }]));
}

/** Every place of each café, in the order people joined. */
export async function placesOfCafes(em: EntityManager, cafeIds: string[]): Promise<Map<string, PainCafeRegistration[]>> {
  const places = await em.find(PainCafeRegistration, { cafe: { $in: cafeIds } }, { orderBy: { queueNo: 'asc' }, populate: ['recordedBy'] });
  const by = new Map<string, PainCafeRegistration[]>(cafeIds.map((id) => [id, []]));
  for (const p of places) by.get(p.cafe.id)?.push(p);
  return by;
}

/** Each waiting place's position on its café's waiting list (1 is next), by registration id. */
export async function waitlistPositions(em: EntityManager, registrationIds: string[]): Promise<Map<string, number>> {
  const rows = await runSql<{ id: string; position: number }>(
    em,
    sql`select w.id, w.position from (
          select r.id, row_number() over (partition by r.cafe_id order by r.queue_no)::int as position
            from pain_cafe_registration r
           where r.status = 'WAITLISTED' and r.cafe_id in (select cafe_id from pain_cafe_registration where id = any(${registrationIds}::uuid[]))
        ) w where w.id = any(${registrationIds}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, r.position]));
}
