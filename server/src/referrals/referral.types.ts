import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CreatePatientInput } from '../patients/patient.types.js';
import { ContactMethod, Referral } from './referral.entity.js';

/** What a referral says about the patient and how to reach them; shared by a referral and an accepted invitation. */
@InputType()
export class ReferralDetailsInput {
  @Field(() => String, { description: 'Why the patient is referred.' }) reason!: string;
  @Field(() => [String], { nullable: true, description: "The conditions the referral is for; the patient's recorded conditions when absent." }) conditions?: string[] | null;
  @Field(() => String, { description: 'What the patient wants help with, in their words.' }) wantsHelpWith!: string;
  @Field(() => Boolean, { description: 'The patient agreed to be contacted by the coaching service; a referral needs it.' }) consentToContact!: boolean;
  @Field(() => ContactMethod) contactMethod!: ContactMethod;
  @Field(() => String, { nullable: true, description: 'When the patient prefers to be contacted, e.g. "weekday mornings".' }) contactTimes?: string | null;
  @Field(() => Boolean, { defaultValue: false }) interpreterNeeded!: boolean;
  @Field(() => String, { nullable: true, description: 'Required when an interpreter is needed.' }) interpreterLanguage?: string | null;
  @Field(() => Boolean, { defaultValue: false, description: 'Hearing support (e.g. a hearing loop, BSL, text rather than phone).' }) hearingSupport!: boolean;
  @Field(() => Boolean, { defaultValue: false }) largePrint!: boolean;
  @Field(() => String, { nullable: true }) accessibilityNotes?: string | null;
}

/** A referral for a patient Cairn holds (`patientId`) or a new one (`newPatient`, as `createPatient` takes it): exactly one. */
@InputType()
export class CreateReferralInput {
  @Field(() => ID, { nullable: true }) patientId?: string | null;
  @Field(() => CreatePatientInput, { nullable: true, description: 'Registers the patient (status REFERRED) with the referral.' }) newPatient?: CreatePatientInput | null;
  @Field(() => ReferralDetailsInput) details!: ReferralDetailsInput;
}

/**
 * A patient found for the referral form by their NHS number: what the referrer needs to confirm the person
 * and whether a referral would be refused, never their record (which they may not be allowed to open).
 */
@ObjectType({ description: 'A patient found to refer: enough to confirm who they are, never their record.' })
export class ReferablePatient {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'YYYY-MM-DD.' }) dateOfBirth!: string;
  @Field(() => String, { description: 'The GP practice the patient is registered with.' }) practiceName!: string;
  @Field(() => String, { description: 'As people read it: 999 123 4567.' }) nhsNumberFormatted!: string;
  @Field(() => Boolean, { description: 'A referral of theirs awaits triage: another would be refused.' }) awaitingTriage!: boolean;
  @Field(() => Boolean, { description: 'On the programme now (ACTIVE): a referral would be refused.' }) onProgramme!: boolean;
}

export const TriageOutcome = { ACCEPT: 'ACCEPT', DECLINE: 'DECLINE', REDIRECT: 'REDIRECT' } as const;
export type TriageOutcome = (typeof TriageOutcome)[keyof typeof TriageOutcome];
registerEnumType(TriageOutcome, { name: 'TriageOutcome', description: 'ACCEPT (assign a coach), DECLINE (with a reason) or REDIRECT (to another service, named).' });

@InputType()
export class TriageReferralInput {
  @Field(() => ID) referralId!: string;
  @Field(() => TriageOutcome) outcome!: TriageOutcome;
  @Field(() => ID, { nullable: true, description: "ACCEPT: the coach of the patient's PCN who takes the patient on." }) coachId?: string | null;
  @Field(() => String, { nullable: true, description: 'DECLINE: why; the referrer is told.' }) reason?: string | null;
  @Field(() => String, { nullable: true, description: 'REDIRECT: the service the patient is redirected to.' }) redirectTo?: string | null;
}

export const WaitingStage = { AWAITING_TRIAGE: 'AWAITING_TRIAGE', AWAITING_FIRST_CONTACT: 'AWAITING_FIRST_CONTACT' } as const;
export type WaitingStage = (typeof WaitingStage)[keyof typeof WaitingStage];
registerEnumType(WaitingStage, { name: 'WaitingStage', description: 'Not yet triaged, or accepted and not yet seen.' });

@ObjectType()
export class WaitingListEntry {
  @Field(() => Referral) referral!: Referral;
  @Field(() => WaitingStage) stage!: WaitingStage;
  @Field(() => Int, { description: 'Working days (Monday to Friday, less bank holidays of England and Wales) since the referral was received.' }) waitedWorkingDays!: number;
  @Field(() => Int, { description: 'Whole calendar weeks since the referral was received.' }) waitedWeeks!: number;
  @Field(() => String, { description: 'YYYY-MM-DD: the day the wait reaches the breach threshold.' }) breachOn!: string;
  @Field(() => Boolean, { description: 'The wait has reached the breach threshold (18 weeks by default: NHS referral to treatment).' }) breached!: boolean;
}

@ObjectType()
export class WaitingList {
  @Field(() => Int, { description: 'The wait, in weeks from receipt, at which a referral is flagged as a breach.' }) breachWeeks!: number;
  @Field(() => [WaitingListEntry], { description: 'Oldest first.' }) entries!: WaitingListEntry[];
}
