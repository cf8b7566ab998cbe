import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';

export const DischargeReason = {
  GOALS_MET: 'GOALS_MET',
  PATIENT_CHOICE: 'PATIENT_CHOICE',
  MOVED_AWAY: 'MOVED_AWAY',
  TRANSFERRED: 'TRANSFERRED',
  DID_NOT_ENGAGE: 'DID_NOT_ENGAGE',
} as const;
export type DischargeReason = (typeof DischargeReason)[keyof typeof DischargeReason];
registerEnumType(DischargeReason, { name: 'DischargeReason' });

export const dischargeReasonWords: Record<DischargeReason, string> = {
  GOALS_MET: 'goals met',
  PATIENT_CHOICE: "the patient's choice",
  MOVED_AWAY: 'moved away',
  TRANSFERRED: 'transferred to another service',
  DID_NOT_ENGAGE: 'did not engage',
};

/**
 * A discharge from the coaching programme: the reason, the summary Cairn drafted and the summary the coach
 * signed (kept side by side), who signed and when. It ends the patient's episode; never changed.
 */
@ObjectType()
@Entity({ tableName: 'discharge' })
export class Discharge {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => DischargeReason)
  @Enum({ items: () => Object.values(DischargeReason), type: 'text' })
  reason!: DischargeReason;

  @Field(() => String, { description: 'What Cairn drafted from the record.' })
  @Property({ type: 'text' })
  draftedSummary!: string;

  @Field(() => String, { description: 'The summary as the coach edited and signed it: what the GP receives.' })
  @Property({ type: 'text' })
  summary!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'signed_by_id' })
  signedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  signedAt: Date = new Date();
}
