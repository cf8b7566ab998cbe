import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "One month of prescribing indicators, as of the month's last day (today for this month)." })
export class IndicatorMonthView {
  @Field(() => String, { description: 'YYYY-MM' }) month!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) asOf!: string;
  @Field(() => Int) registeredPatients!: number;
  @Field(() => Int) onOpioid!: number;
  @Field(() => Int) onHighDoseOpioid!: number;
  @Field(() => Int) opioidWithGabapentinoid!: number;
  @Field(() => Int, { description: 'On opioids continuously for more than 3 and at most 6 months.' }) opioid3To6Months!: number;
  @Field(() => Int) opioidOver12Months!: number;
  @Field(() => Float, { description: 'Total OME, mg a day, per 1,000 registered patients.' }) omePer1000!: number;
  @Field(() => Float, { description: 'Share (0–1) of current opioid medicines at or above the high-dose threshold.' }) highDoseItemShare!: number;
  @Field(() => Float, { description: 'Gabapentinoid defined daily doses per 1,000 patients.' }) gabapentinoidDddPer1000!: number;
  @Field(() => Int) reviewsDone!: number;
  @Field(() => Int, { description: 'Patients whose total OME fell since the previous month.' }) patientsReduced!: number;
  @Field(() => Float) omeBeforeReductions!: number;
  @Field(() => Float) omeAfterReductions!: number;
}

@ObjectType()
export class PrescribingIndicators {
  @Field(() => String) scopeName!: string;
  @Field(() => Float) highDoseThreshold!: number;
  @Field(() => [IndicatorMonthView], { description: 'Oldest first.' }) months!: IndicatorMonthView[];
  @Field(() => String, { description: 'The months as CSV.' }) csv!: string;
}
