import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Patient } from '../patients/patient.entity.js';
import { MedicineClass, MedicineRoute } from './catalogue.js';
import { FlagCode } from './flags.js';
import { Medication, Readiness } from './medication.entity.js';
import { MedicationProposal, ProposalKind } from './medication-proposal.entity.js';

registerEnumType(FlagCode, { name: 'MedicationFlagCode' });

export const Decision = { APPROVE: 'APPROVE', AMEND: 'AMEND', DECLINE: 'DECLINE' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];
registerEnumType(Decision, { name: 'MedicationDecision', description: 'A GP\'s decision: approve as proposed, approve with amended steps, or decline.' });

@InputType()
export class AddMedicationInput {
  @Field(() => ID) patientId!: string;
  @Field(() => String, { description: 'A catalogue code (see medicineCatalogue).' }) medicineCode!: string;
  @Field(() => String) form!: string;
  @Field(() => String, { description: 'As the prescription states it, e.g. "30 mg tablets".' }) strength!: string;
  @Field(() => Float, { description: "Per dose, in the medicine's dose unit; for patches the µg/h of all patches worn." }) dose!: number;
  @Field(() => String, { description: '"twice daily", "every 6 hours", "as needed, max 4 doses a day"; patches: "every 72 hours".' }) frequency!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) startDate!: string;
  @Field(() => String) prescriber!: string;
}

@InputType({ description: 'A new dose (or form, strength or frequency) of a current medicine; the medicine itself stays (a switch is a stop and an addition).' })
export class ChangeMedicationInput {
  @Field(() => ID, { description: 'The current entry the change replaces.' }) medicationId!: string;
  @Field(() => String) form!: string;
  @Field(() => String) strength!: string;
  @Field(() => Float) dose!: number;
  @Field(() => String) frequency!: string;
  @Field(() => String, { description: 'YYYY-MM-DD: the first day of the new dose, and the first day the old one is not taken.' }) startDate!: string;
  @Field(() => String) prescriber!: string;
  @Field(() => String, { nullable: true, description: 'Why it changed, kept on the old entry (a taper step, a review).' }) reason?: string | null;
}

@InputType()
export class StopMedicationInput {
  @Field(() => ID) medicationId!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, the first day not taken; today if absent.' }) stopDate?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class RecordMedicationReviewInput {
  @Field(() => ID) patientId!: string;
  @Field(() => String) howTaken!: string;
  @Field(() => String) effectOnPainAndFunction!: string;
  @Field(() => String) sideEffects!: string;
  @Field(() => String) whatMatters!: string;
  @Field(() => Readiness) readiness!: Readiness;
  @Field(() => String, { description: 'YYYY-MM-DD' }) nextReviewDue!: string;
}

@InputType()
export class TaperStepInput {
  @Field(() => String, { description: 'YYYY-MM-DD' }) startDate!: string;
  @Field(() => Float, { description: '0 stops the medicine.' }) dose!: number;
  @Field(() => String, { defaultValue: '' }) frequency!: string;
  @Field(() => Boolean, { defaultValue: false, description: 'Must be set on (and only on) a step that raises the daily dose.' }) increase!: boolean;
}

@InputType()
export class ProposeMedicationChangeInput {
  @Field(() => ID) patientId!: string;
  @Field(() => ProposalKind) kind!: ProposalKind;
  @Field(() => ID, { nullable: true, description: 'The current medicine to reduce, stop or switch from.' }) medicationId?: string | null;
  @Field(() => String, { nullable: true, description: 'The medicine to switch to or start.' }) medicineCode?: string | null;
  @Field(() => String) rationale!: string;
  @Field(() => [TaperStepInput]) steps!: TaperStepInput[];
}

@InputType()
export class DecideMedicationChangeInput {
  @Field(() => ID) proposalId!: string;
  @Field(() => Decision) decision!: Decision;
  @Field(() => String, { nullable: true, description: 'Required to amend or decline.' }) comment?: string | null;
  @Field(() => [TaperStepInput], { nullable: true, description: 'The amended steps (AMEND only).' }) steps?: TaperStepInput[] | null;
}

@ObjectType({ description: "A begun step's dose, to record as a new dose of the listed entry it changes." })
export class StepToRecord {
  @Field(() => ID) medicationId!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) startDate!: string;
  @Field(() => Float) dose!: number;
  @Field(() => String) frequency!: string;
}

@ObjectType({ description: 'A medicine to stop on the list, as a begun step of an approved plan says.' })
export class StopToRecord {
  @Field(() => ID) medicationId!: string;
  @Field(() => String, { description: 'YYYY-MM-DD, the first day not taken' }) stopDate!: string;
  @Field(() => String, { description: 'Kept with the stopped entry.' }) reason!: string;
}

@ObjectType({ description: 'A medicine to add to the list, as a begun step of an approved plan says.' })
export class StartToRecord {
  @Field(() => String) medicineCode!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) startDate!: string;
  @Field(() => Float) dose!: number;
  @Field(() => String) frequency!: string;
}

@ObjectType()
export class MedicationFlag {
  @Field(() => FlagCode) code!: FlagCode;
  @Field(() => String) reason!: string;
  @Field(() => StepToRecord, { nullable: true, description: 'PLAN_AHEAD_OF_LIST, a listed entry at another dose: the entry and the dose to record.' }) stepToRecord?: StepToRecord | null;
  @Field(() => StopToRecord, { nullable: true, description: 'PLAN_AHEAD_OF_LIST, a medicine the plan stops still current: the entry and the day to stop it.' }) stopToRecord?: StopToRecord | null;
  @Field(() => StartToRecord, { nullable: true, description: 'PLAN_AHEAD_OF_LIST, a medicine the plan starts missing: the medicine and the dose to record.' }) startToRecord?: StartToRecord | null;
}

@ObjectType()
export class MedicationFlagRule {
  @Field(() => FlagCode) code!: FlagCode;
  @Field(() => String) rule!: string;
}

/** A patient's medicines, their total OME with its working, and the flags that fire today. */
@ObjectType()
export class MedicationSummary {
  @Field(() => ID) patientId!: string;
  @Field(() => [Medication]) current!: Medication[];
  @Field(() => [Medication], { description: 'Stopped medicines, most recently stopped first.' }) stopped!: Medication[];
  @Field(() => Float, { description: 'Total oral morphine equivalent of the current medicines, mg a day.' }) totalOmeMgPerDay!: number;
  @Field(() => String, { description: 'The total worked out in words.' }) omeWords!: string;
  @Field(() => String, { description: 'Where the conversion factors come from.' }) omeSource!: string;
  @Field(() => [MedicationFlag]) flags!: MedicationFlag[];
  @Field(() => Float, { description: 'The high-dose threshold in use, mg OME a day.' }) highDoseThreshold!: number;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null when never reviewed.' }) nextReviewDue!: string | null;
  @Field(() => [MedicationProposal], { description: 'Proposed changes, newest first.' }) proposals!: MedicationProposal[];
}

@ObjectType()
export class CatalogueMedicine {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => MedicineClass) medicineClass!: MedicineClass;
  @Field(() => MedicineRoute) route!: MedicineRoute;
  @Field(() => [String]) forms!: string[];
  @Field(() => String) doseUnit!: string;
  @Field(() => String, { nullable: true, description: 'How it converts to oral morphine, in words; null for a medicine that is not an opioid.' }) conversion!: string | null;
  @Field(() => [Int], { description: 'Patches: the hours between changes its products have.' }) patchChangeHours!: number[];
}

@ObjectType()
export class MedicationReviewDue {
  @Field(() => Patient) patient!: Patient;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null for a patient on opioids never reviewed.' }) nextReviewDue!: string | null;
  @Field(() => String, { nullable: true }) lastReviewedOn!: string | null;
}
