import { sql } from '../platform/sql.js';

/**
 * When the service last had contact with patient `p`, as SQL: the latest entry on their record's event log
 * (a referral, a handover, a measure, a care-plan edit…), or null when there is none.
 * TODO(lead, at merge): once coaching sessions land, contact is better read as the latest ATTENDED
 * coaching_session (and Pain Café attendance); replace this one expression.
 */
export const lastContactAt = sql`(select max(e.created_at) from event e where e.patient_id = p.id and e.recipient_id is null)`;
