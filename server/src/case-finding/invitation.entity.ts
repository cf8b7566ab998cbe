import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';

/** How the patient was invited. Cairn records it; it sends nothing. */
export const InvitationChannel = { SMS: 'SMS', LETTER: 'LETTER', PHONE: 'PHONE', EMAIL: 'EMAIL' } as const;
export type InvitationChannel = (typeof InvitationChannel)[keyof typeof InvitationChannel];
registerEnumType(InvitationChannel, { name: 'InvitationChannel', description: 'How the invitation went out (Cairn records it; it sends nothing).' });

/**
 * INVITED, then ACCEPTED (a referral is made, or the one already awaiting triage is linked), DECLINED,
 * NO_RESPONSE (set by the sweep after a configurable time), or REFERRED (set by the sweep: the patient was
 * referred another way, by their GP say, before answering; linked to that referral).
 */
export const InvitationStatus = { INVITED: 'INVITED', ACCEPTED: 'ACCEPTED', DECLINED: 'DECLINED', NO_RESPONSE: 'NO_RESPONSE', REFERRED: 'REFERRED' } as const;
export type InvitationStatus = (typeof InvitationStatus)[keyof typeof InvitationStatus];
registerEnumType(InvitationStatus, {
  name: 'InvitationStatus',
  valuesConfig: { REFERRED: { description: 'The patient was referred another way before answering; `referralId` names that referral.' } },
});

/** An invitation to the coaching programme, sent from a case-finding search. */
@ObjectType()
@Entity({ tableName: 'invitation' })
export class Invitation {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  searchId!: string;

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => InvitationChannel)
  @Enum({ items: () => Object.values(InvitationChannel), type: 'text' })
  channel!: InvitationChannel;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'sent_by_id' })
  sentBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  sentAt: Date = new Date();

  @Field(() => InvitationStatus)
  @Enum({ items: () => Object.values(InvitationStatus), type: 'text' })
  status: InvitationStatus = InvitationStatus.INVITED;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the status last changed.' })
  @Property({ type: 'timestamptz', nullable: true })
  statusAt: Date | null = null;

  @Field(() => User, { nullable: true, description: 'Who recorded the answer; null when the sweep marked NO_RESPONSE.' })
  @ManyToOne({ entity: () => User, fieldName: 'status_by_id', nullable: true })
  statusBy: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the inviting coach was reminded that no answer had come.' })
  @Property({ type: 'timestamptz', nullable: true })
  remindedAt: Date | null = null;

  @Field(() => ID, { nullable: true, description: 'The referral made (or linked) when the patient accepted, or the one that overtook the invitation (REFERRED).' })
  @Property({ type: 'uuid', nullable: true })
  referralId: string | null = null;
}
