import { Field, Float, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Patient } from '../patients/patient.entity.js';
import { ReferralDetailsInput } from '../referrals/referral.types.js';
import { InvitationChannel, Invitation } from './invitation.entity.js';

/**
 * One criterion, in the generic shape every kind is written in (GraphQL has no input unions): the kind,
 * and whichever of `values`, `min`, `max` and `date` that kind reads (see `caseCriterionKinds`).
 */
@InputType()
export class CaseCriterionInput {
  @Field(() => String, { description: 'A kind from caseCriterionKinds, e.g. CONDITIONS, AGE_BAND, PRACTICE, NOT_ON_PROGRAMME, NO_CONTACT_SINCE, OPIOID_DOSE_AT_LEAST.' })
  kind!: string;
  @Field(() => [String], { nullable: true }) values?: string[] | null;
  @Field(() => Float, { nullable: true }) min?: number | null;
  @Field(() => Float, { nullable: true }) max?: number | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) date?: string | null;
}

@InputType()
export class SaveCaseSearchInput {
  @Field(() => ID, { nullable: true, description: 'A search of yours to change; a new one when absent.' }) id?: string | null;
  @Field(() => String) name!: string;
  @Field(() => [CaseCriterionInput]) criteria!: CaseCriterionInput[];
}

/** A stored criterion, read back in the generic shape, with its meaning in words. */
@ObjectType()
export class CaseCriterion {
  @Field(() => String) kind!: string;
  @Field(() => [String]) values!: string[];
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => String, { nullable: true }) date!: string | null;
  @Field(() => String) summary!: string;
}

/** A kind of criterion this instance knows, and which generic fields it reads. */
@ObjectType()
export class CaseCriterionKind {
  @Field(() => String) kind!: string;
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true }) values!: string | null;
  @Field(() => String, { nullable: true }) min!: string | null;
  @Field(() => String, { nullable: true }) max!: string | null;
  @Field(() => String, { nullable: true }) date!: string | null;
}

@ObjectType()
export class CaseFindingMatch {
  @Field(() => Patient) patient!: Patient;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "The last entry on the patient's record made by a person, or by the patient answering a questionnaire, if any (an invitation sent, and what Cairn records by itself, are not contact)." }) lastContactAt!: Date | null;
  @Field(() => Invitation, { nullable: true, description: 'The latest invitation to the programme, if any.' }) invitation!: Invitation | null;
  @Field(() => Boolean, { description: 'Has a referral awaiting triage, or is on the programme (ACTIVE): there is nothing to invite them to, and inviting them is refused.' }) alreadyReferred!: boolean;
}

@InputType()
export class InvitePatientsInput {
  @Field(() => ID) searchId!: string;
  @Field(() => [ID]) patientIds!: string[];
  @Field(() => InvitationChannel) channel!: InvitationChannel;
}

export const InvitationAnswer = { ACCEPTED: 'ACCEPTED', DECLINED: 'DECLINED' } as const;
export type InvitationAnswer = (typeof InvitationAnswer)[keyof typeof InvitationAnswer];
registerEnumType(InvitationAnswer, { name: 'InvitationAnswer' });

@InputType()
export class AnswerInvitationInput {
  @Field(() => ID) invitationId!: string;
  @Field(() => InvitationAnswer) answer!: InvitationAnswer;
  @Field(() => ReferralDetailsInput, { nullable: true, description: 'ACCEPTED: the referral it makes (source PROACTIVE_INVITATION).' }) referral?: ReferralDetailsInput | null;
}
