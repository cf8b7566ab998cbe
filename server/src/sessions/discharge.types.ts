import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DischargeReason } from './discharge.entity.js';

@InputType()
export class DischargePatientInput {
  @Field(() => ID) patientId!: string;
  @Field(() => DischargeReason) reason!: DischargeReason;
  @Field(() => String, { description: 'The summary as the coach edited it; signing sends it to the GPs on the care team.' }) summary!: string;
}

@ObjectType({ description: 'What Cairn drafts for a discharge, from the record.' })
export class DischargeDraft {
  @Field(() => String) summary!: string;
  @Field(() => Int) attended!: number;
  @Field(() => Int) dnas!: number;
  @Field(() => [String], { description: 'The GPs on the care team, who will receive the signed summary; empty means nobody would.' }) gpNames!: string[];
}
