import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { PatientStatus } from '../patients/patient.entity.js';

/** Where a referral came from. A coach records a patient's self-referral; PROACTIVE_INVITATION comes from an accepted invitation. */
export const ReferralSource = {
  GP: 'GP',
  FCP: 'FCP',
  PAIN_PRACTITIONER: 'PAIN_PRACTITIONER',
  SPECIALIST_SERVICE: 'SPECIALIST_SERVICE',
  SELF: 'SELF',
  PROACTIVE_INVITATION: 'PROACTIVE_INVITATION',
} as const;
export type ReferralSource = (typeof ReferralSource)[keyof typeof ReferralSource];
registerEnumType(ReferralSource, { name: 'ReferralSource', description: 'Where a referral came from.' });

/** RECEIVED until triaged; then ACCEPTED (an episode starts), DECLINED (with a reason) or REDIRECTED (to a named service). */
export const ReferralStatus = { RECEIVED: 'RECEIVED', ACCEPTED: 'ACCEPTED', DECLINED: 'DECLINED', REDIRECTED: 'REDIRECTED' } as const;
export type ReferralStatus = (typeof ReferralStatus)[keyof typeof ReferralStatus];
registerEnumType(ReferralStatus, { name: 'ReferralStatus' });

export const ContactMethod = { PHONE: 'PHONE', SMS: 'SMS', EMAIL: 'EMAIL', LETTER: 'LETTER', VIDEO: 'VIDEO' } as const;
export type ContactMethod = (typeof ContactMethod)[keyof typeof ContactMethod];
registerEnumType(ContactMethod, { name: 'ContactMethod', description: "The patient's preferred way to be contacted." });

/** A referral into the coaching programme. Never deleted; triage changes its status once. */
@ObjectType()
@Entity({ tableName: 'referral' })
export class Referral {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => ReferralSource)
  @Enum({ items: () => Object.values(ReferralSource), type: 'text' })
  source!: ReferralSource;

  @Field(() => User, { description: 'Who made the referral (for a self-referral, the coach who recorded it).' })
  @ManyToOne({ entity: () => User, fieldName: 'referrer_id' })
  referrer!: User;

  @Field(() => String)
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  conditions!: string[];

  @Field(() => String, { description: 'What the patient wants help with, in their words.' })
  @Property({ type: 'text' })
  wantsHelpWith!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  consentToContact!: boolean;

  @Field(() => ContactMethod)
  @Enum({ items: () => Object.values(ContactMethod), type: 'text' })
  contactMethod!: ContactMethod;

  @Field(() => String, { nullable: true, description: 'When the patient prefers to be contacted.' })
  @Property({ type: 'text', nullable: true })
  contactTimes: string | null = null;

  @Field(() => String, { nullable: true, description: 'The language an interpreter is needed for; null when none is needed.' })
  @Property({ type: 'text', nullable: true })
  interpreterLanguage: string | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  hearingSupport = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  largePrint = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  accessibilityNotes: string | null = null;

  @Field(() => ReferralStatus)
  @Enum({ items: () => Object.values(ReferralStatus), type: 'text' })
  status: ReferralStatus = ReferralStatus.RECEIVED;

  /** The patient's status when referred, restored if the referral is declined or redirected. */
  @Enum({ items: () => Object.values(PatientStatus), type: 'text' })
  patientStatusBefore!: PatientStatus;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  triagedAt: Date | null = null;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'triaged_by_id', nullable: true })
  triagedBy: User | null = null;

  @Field(() => User, { nullable: true, description: 'The coach the patient was assigned to on acceptance.' })
  @ManyToOne({ entity: () => User, fieldName: 'assigned_coach_id', nullable: true })
  assignedCoach: User | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  declineReason: string | null = null;

  @Field(() => String, { nullable: true, description: 'The service the referral was redirected to.' })
  @Property({ type: 'text', nullable: true })
  redirectedTo: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the patient was first seen after acceptance; the wait ends there.' })
  @Property({ type: 'timestamptz', nullable: true })
  firstSeenAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the episode this referral started ended (discharge, or a later re-referral).' })
  @Property({ type: 'timestamptz', nullable: true })
  episodeEndedAt: Date | null = null;

  @Field(() => ID, { nullable: true, description: 'The case-finding invitation this referral came from.' })
  @Property({ type: 'uuid', nullable: true })
  invitationId: string | null = null;
}
