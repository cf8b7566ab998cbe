import { Field, ID, InputType } from 'type-graphql';
import { HandoverUrgency } from '../events/event-kinds.js';

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
