import { Field, ObjectType } from 'type-graphql';
import type { Context } from '../auth/request-context.js';
import { loaderFor } from '../platform/batch-loader.js';
import { allows, pairKey, PatientAction, relationshipsOf } from './policy.js';

type ActionName = keyof typeof PatientAction;

/** What each ability means, for the API's documentation. A new PatientAction must say (the compiler asks). */
const meaning: Record<ActionName, string> = {
  READ: "Open the patient's record.",
  UPDATE_PATIENT: "Change clinical details of the record itself, such as the activation level.",
  MANAGE_CARE_TEAM: 'Add and remove care-team members and change the lead.',
  EDIT_CARE_PLAN: 'Edit the care plan, restore a revision and record agreement.',
  POST_HANDOVER: 'Post a handover note or add to one.',
  ACKNOWLEDGE_HANDOVER: 'Acknowledge handover notes.',
  COMPLETE_OWN_HANDOVER_ACTION: 'Mark done a recommended action assigned to you.',
  COMPLETE_HANDOVER_ACTION: 'Mark done a recommended action assigned to someone else, or to nobody.',
  DISCUSS: 'Start and reply to MDT discussions.',
  READ_AUDIT: "Read the patient's audit trail.",
  RECORD_OUTCOME: 'Record or correct an outcome measure, and send the patient a questionnaire link.',
  MANAGE_MEDICATIONS: "Record and stop medicines, record medication reviews, the patient's agreement and a paused taper.",
  PROPOSE_MEDICATION_CHANGE: 'Propose a change to a medicine with its taper, for a GP to decide.',
  DECIDE_MEDICATION_CHANGE: 'Approve, amend or decline a proposed medication change (a GP on the care team).',
  VIEW_REFERRALS: "See the patient's referrals into the coaching programme and their triage.",
  REFER: 'Refer the patient into the coaching programme.',
  TRIAGE_REFERRAL: "Accept, decline or redirect a referral (the coaches and service leads of the patient's PCN).",
  INVITE: 'Invite the patient to the programme from a case-finding search, and record their answer.',
  BOOK_SESSION: 'Book, rebook and cancel coaching sessions.',
  RECORD_SESSION: 'Record what happened at a coaching session, with goal check-ins, and add addenda.',
  DISCHARGE_PATIENT: 'Discharge the patient from coaching with a signed summary to their GP.',
  MANAGE_CAFE_PLACES: 'Invite the patient to a Pain Café, register them or put them on its waiting list, cancel their place and record attendance.',
  HANDLE_ESCALATION: "Act on an escalated handover: acknowledge it on the care-team lead's behalf, or reassign the lead (the PCN's service leads).",
  EDIT_PATIENT_DETAILS: "Correct the patient's name, date of birth, NHS number and practice.",
  CHANGE_PATIENT_STATUS: "Change the patient's status by hand, with a reason (the care team's lead, a GP on the team, the PCN's service lead).",
};

/** The GraphQL field of each action: EDIT_CARE_PLAN → editCarePlan. */
export const abilityField = (name: ActionName): string => name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * What the signed-in user may do with one patient, decided by `allows` in policy.ts for every action it
 * knows: the web shows controls from this and holds no rule of its own. Its fields are made from
 * `PatientAction`, so a new action is an ability without further code.
 */
export class PatientAbilities {
  [field: string]: boolean;
}
for (const name of Object.keys(PatientAction) as ActionName[]) {
  Field(() => Boolean, { description: meaning[name] })(PatientAbilities.prototype, abilityField(name));
}
ObjectType('PatientAbilities', { description: 'What you may do with this patient, as the access policy decides.' })(PatientAbilities);

const nothing = (): PatientAbilities => abilitiesFrom(() => false);

function abilitiesFrom(may: (action: PatientAction) => boolean): PatientAbilities {
  const abilities = new PatientAbilities();
  for (const name of Object.keys(PatientAction) as ActionName[]) abilities[abilityField(name)] = may(PatientAction[name]);
  return abilities;
}

/** The signed-in user's abilities for `patientId`; the patients of one request are decided in one query. */
export async function viewerAbilities(ctx: Context, patientId: string): Promise<PatientAbilities> {
  const actor = ctx.actor;
  if (!actor) return nothing();
  const loader = loaderFor<string, PatientAbilities>(ctx, 'viewerAbilities', async (patientIds) => {
    const related = await relationshipsOf(ctx.em, patientIds.map((id) => ({ patientId: id, userId: actor.id })));
    return new Map(
      patientIds.map((id) => {
        const r = related.get(pairKey({ patientId: id, userId: actor.id }));
        return [id, r ? abilitiesFrom((action) => allows(r, r.relationship, action)) : nothing()];
      }),
    );
  });
  return (await loader.load(patientId)) ?? nothing();
}

/**
 * Whether the signed-in user may open the patient's record. A patient is also reached where the record is not
 * open to everyone who gets there (a referral's referrer, a PCN's coaches triaging or searching for people to
 * invite): fields that only the record shows answer with nothing unless this holds. Decided with
 * `viewerAbilities`, so the patients of one request take one query between them.
 */
export async function viewerMayRead(ctx: Context, patientId: string): Promise<boolean> {
  return (await viewerAbilities(ctx, patientId)).read === true;
}
