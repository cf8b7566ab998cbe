import { sql } from '../platform/sql.js';

/**
 * Whether patient `p` has been referred to the programme already, or is on it, as SQL: ACTIVE, or with a
 * referral awaiting triage. There is nothing to invite them to: inviting them is refused, and a search
 * shows it beside them so the rest of a batch can still be invited.
 */
export const alreadyReferred = sql`(p.status = 'ACTIVE' or exists (select 1 from referral r where r.patient_id = p.id and r.status = 'RECEIVED'))`;
