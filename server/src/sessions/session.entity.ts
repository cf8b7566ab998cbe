import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Instrument } from '../outcomes/instruments.js';

export const SessionMode = { PHONE: 'PHONE', VIDEO: 'VIDEO', IN_PERSON: 'IN_PERSON', GROUP: 'GROUP' } as const;
export type SessionMode = (typeof SessionMode)[keyof typeof SessionMode];
registerEnumType(SessionMode, { name: 'SessionMode', description: 'How the session is held; IN_PERSON needs a location.' });

export const SessionStatus = {
  BOOKED: 'BOOKED',
  ATTENDED: 'ATTENDED',
  DNA: 'DNA',
  CANCELLED_BY_PATIENT: 'CANCELLED_BY_PATIENT',
  CANCELLED_BY_CLINIC: 'CANCELLED_BY_CLINIC',
} as const;
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];
registerEnumType(SessionStatus, { name: 'SessionStatus', description: 'DNA: did not attend.' });

/**
 * One coaching session with a patient: booked, then recorded (attended or DNA) or cancelled. A rebook
 * changes the time and keeps the old one as a SessionChange; recorded notes are never changed (a
 * trigger refuses it) and are added to only by addenda.
 */
@ObjectType()
@Entity({ tableName: 'coaching_session' })
export class CoachingSession {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'coach_id' })
  coach!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Field(() => SessionMode)
  @Enum({ items: () => Object.values(SessionMode), type: 'text' })
  mode!: SessionMode;

  @Field(() => String, { nullable: true, description: 'Where an in-person session is held.' })
  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  purpose!: string;

  @Field(() => SessionStatus)
  @Enum({ items: () => Object.values(SessionStatus), type: 'text' })
  status: SessionStatus = SessionStatus.BOOKED;

  @Field(() => ID, { nullable: true, description: 'The Pain Café this session is part of, if any.' })
  @Property({ type: 'uuid', nullable: true })
  painCafeId: string | null = null;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'booked_by_id' })
  bookedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  bookedAt: Date = new Date();

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'cancelled_by_id', nullable: true })
  cancelledBy: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'recorded_by_id', nullable: true })
  recordedBy: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  recordedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'What was discussed.' })
  @Property({ type: 'text', nullable: true })
  discussed: string | null = null;

  @Field(() => String, { nullable: true, description: 'Agreed next steps.' })
  @Property({ type: 'text', nullable: true })
  nextSteps: string | null = null;

  @Field(() => [Instrument], { description: 'Outcome measures taken at the session (stored by the outcomes domain).' })
  @Property({ type: 'text[]' })
  measuresTaken: Instrument[] = [];

  @Field(() => Boolean, { nullable: true, description: 'The patient reported a flare-up since the last session.' })
  @Property({ type: 'boolean', nullable: true })
  flareUp: boolean | null = null;

  @Field(() => Int, { nullable: true, description: "The patient's activation level when the session was recorded." })
  @Property({ type: 'smallint', nullable: true })
  activationLevel: number | null = null;
}

export const SessionChangeKind = { REBOOKED: 'REBOOKED', CANCELLED: 'CANCELLED' } as const;
export type SessionChangeKind = (typeof SessionChangeKind)[keyof typeof SessionChangeKind];
registerEnumType(SessionChangeKind, { name: 'SessionChangeKind' });

/** A rebook or a cancellation, with the time it replaced: a session's time is never changed silently. */
@ObjectType()
@Entity({ tableName: 'coaching_session_change' })
export class SessionChange {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Field(() => SessionChangeKind)
  @Enum({ items: () => Object.values(SessionChangeKind), type: 'text' })
  kind!: SessionChangeKind;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  previousStartsAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  previousEndsAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  newStartsAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  newEndsAt: Date | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'changed_by_id' })
  changedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  changedAt: Date = new Date();
}

/** Something added to a recorded session's notes later; the notes themselves never change. */
@ObjectType()
@Entity({ tableName: 'session_addendum' })
export class SessionAddendum {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'author_id' })
  author!: User;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A coach's weekly capacity, as they set it. */
@Entity({ tableName: 'coach_capacity' })
export class CoachCapacity {
  @PrimaryKey({ type: 'uuid' })
  coachId!: string;

  @Property({ type: 'smallint' })
  sessionsPerWeek!: number;

  @Property({ type: 'smallint' })
  caseloadSize!: number;

  @ManyToOne({ entity: () => User, fieldName: 'updated_by_id' })
  updatedBy!: User;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
