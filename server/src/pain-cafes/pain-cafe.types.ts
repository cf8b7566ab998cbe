import { Field, GraphQLISODateTime, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { Attendance } from './pain-cafe.entity.js';

export const CafeTimeframe = { UPCOMING: 'UPCOMING', PAST: 'PAST' } as const;
export type CafeTimeframe = (typeof CafeTimeframe)[keyof typeof CafeTimeframe];
registerEnumType(CafeTimeframe, { name: 'PainCafeTimeframe', description: 'Cafés still to end (soonest first), or ended (latest first).' });

/** A café as its organiser describes it; the same fields create it and (with its id) change it. */
@InputType()
export class PainCafeInput {
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime) endsAt!: Date;
  @Field(() => String, { nullable: true, description: 'Where it meets in person. Give a venue or an online link, not both.' }) venue?: string | null;
  @Field(() => String, { nullable: true, description: 'An https:// link to join online. Give a venue or an online link, not both.' }) onlineLink?: string | null;
  @Field(() => Int, { description: 'Places for patients, at least 1.' }) capacity!: number;
  @Field(() => [ID], { description: "Who runs it: coaches of the café's PCN." }) facilitatorIds!: string[];
}

@InputType()
export class UpdatePainCafeInput extends PainCafeInput {
  @Field(() => ID) cafeId!: string;
  @Field(() => PainCafeInput, {
    description:
      "The café as the form showed it. A field sent as seen is not a change (a colleague's change to it since is kept); one changed both here and by someone else since is refused (CONFLICT on `seen`) rather than put back, the start and end counting as one; facilitators added or taken off are applied to the café's list as it is now.",
  })
  seen!: PainCafeInput;
}

@InputType()
export class PainCafeAttendanceInput {
  @Field(() => ID) registrationId!: string;
  @Field(() => Attendance) attendance!: Attendance;
}
