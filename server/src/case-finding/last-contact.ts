import { sql } from '../platform/sql.js';

/**
 * When the service last had contact with patient `p`, as SQL: the latest entry on their record's event log
 * made by a person (a referral, a session, a measure, a care-plan edit…) or by the patient answering a
 * questionnaire, or null when there is none. Entries Cairn makes by itself (an invitation marked unanswered,
 * a handover escalated) and an invitation being sent are not contact: counted, a patient who never answered
 * would drop out of "No contact since" and could not be found to invite again.
 */
export const lastContactAt = sql`(select max(e.created_at) from event e
                                   where e.patient_id = p.id and e.recipient_id is null and e.kind <> 'INVITATION_SENT'
                                     and (e.actor_id is not null or e.kind = 'QUESTIONNAIRE_COMPLETED'))`;
