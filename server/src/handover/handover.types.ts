import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { HandoverUrgency } from '@cairn/schema/handover-urgency';

@InputType()
export class HandoverActionInput {
  @Field(() => String) description!: string;
  @Field(() => ID, { nullable: true, description: 'A member of the care team.' }) assigneeId?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dueDate?: string | null;
}

@InputType()
export class PostHandoverInput {
  @Field(() => ID) patientId!: string;
  @Field(() => String) summary!: string;
  @Field(() => String) advice!: string;
  @Field(() => HandoverUrgency) urgency!: HandoverUrgency;
  @Field(() => String, { nullable: true, description: "Defaults to the author's organisation." }) sourceService?: string | null;
  @Field(() => [HandoverActionInput], { defaultValue: [] }) actions!: HandoverActionInput[];
}

@ObjectType({ description: 'How long an unacknowledged handover waits before it is escalated to the PCN service leads (this server’s settings).' })
export class HandoverEscalationTimings {
  @Field(() => Int, { description: 'An URGENT handover escalates after this many seconds.' }) urgentEscalationSeconds!: number;
  @Field(() => Int, { description: 'A SOON handover escalates after this many working days (Monday to Friday, less bank holidays). ROUTINE never escalates.' })
  soonEscalationWorkingDays!: number;
}
