import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';

export const PainCafeStatus = { SCHEDULED: 'SCHEDULED', CANCELLED: 'CANCELLED' } as const;
export type PainCafeStatus = (typeof PainCafeStatus)[keyof typeof PainCafeStatus];
registerEnumType(PainCafeStatus, { name: 'PainCafeStatus' });

/**
 * A Pain Café: a group session a PCN's coaches run, online or at a venue, for a limited number of
 * patients. Who takes a place is in `PainCafeRegistration`; the café itself (title, time, fill) is seen by
 * the PCN's staff, the people on it only by those who may read each patient.
 */
@ObjectType({ description: "A PCN's group session for patients in persistent pain." })
@Entity({ tableName: 'pain_cafe' })
export class PainCafe {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  pcnId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Field(() => String, { nullable: true, description: 'Where it meets in person; null for an online café.' })
  @Property({ type: 'text', nullable: true })
  venue: string | null = null;

  @Field(() => String, { nullable: true, description: 'The https link to join online; null for a café at a venue.' })
  @Property({ type: 'text', nullable: true })
  onlineLink: string | null = null;

  @Field(() => Int, { description: 'Places for patients.' })
  @Property({ type: 'integer' })
  capacity!: number;

  @Field(() => PainCafeStatus)
  @Enum({ items: () => Object.values(PainCafeStatus), type: 'text' })
  status: PainCafeStatus = PainCafeStatus.SCHEDULED;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'created_by_id' })
  createdBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

export const RegistrationStatus = {
  /** A coach invited the patient; no place is held. */
  INVITED: 'INVITED',
  /** The patient holds one of the places. */
  REGISTERED: 'REGISTERED',
  /** The café was full; the patient waits, in order, for a place to free up. */
  WAITLISTED: 'WAITLISTED',
  CANCELLED: 'CANCELLED',
} as const;
export type RegistrationStatus = (typeof RegistrationStatus)[keyof typeof RegistrationStatus];
registerEnumType(RegistrationStatus, { name: 'PainCafeRegistrationStatus' });

export const Attendance = { ATTENDED: 'ATTENDED', DID_NOT_ATTEND: 'DID_NOT_ATTEND' } as const;
export type Attendance = (typeof Attendance)[keyof typeof Attendance];
registerEnumType(Attendance, { name: 'PainCafeAttendance' });

/** One patient's place on one café, from invitation to attendance. Never deleted: a cancellation is a status. */
@ObjectType({ description: "One patient's place on a Pain Café." })
@Entity({ tableName: 'pain_cafe_registration' })
export class PainCafeRegistration {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => PainCafe, fieldName: 'cafe_id' })
  cafe!: PainCafe;

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => RegistrationStatus)
  @Enum({ items: () => Object.values(RegistrationStatus), type: 'text' })
  status!: RegistrationStatus;

  /** Order of joining the café: the waiting list is served in this order. */
  @Property({ type: 'integer' })
  queueNo!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  invitedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the patient took a place (from the waiting list too).' })
  @Property({ type: 'timestamptz', nullable: true })
  registeredAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  waitlistedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a freed place passed to the patient from the waiting list.' })
  @Property({ type: 'timestamptz', nullable: true })
  offeredPlaceAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  /** Shown only to those who may read the patient (it may name them): `PainCafeResolver.cancelReason`. */
  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Field(() => Attendance, { nullable: true, description: 'Recorded after the café; null until then.' })
  @Enum({ items: () => Object.values(Attendance), type: 'text', nullable: true })
  attendance: Attendance | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  attendanceRecordedAt: Date | null = null;

  @ManyToOne({ entity: () => User, fieldName: 'attendance_recorded_by_id', nullable: true })
  attendanceRecordedBy: User | null = null;

  @Field(() => User, { description: 'Who recorded the invitation or registration.' })
  @ManyToOne({ entity: () => User, fieldName: 'recorded_by_id' })
  recordedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
