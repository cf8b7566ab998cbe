import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Instrument } from './instruments.js';

registerEnumType(Instrument, { name: 'Instrument', description: 'An outcome measure Cairn records.' });

export const OutcomeStatus = { DRAFT: 'DRAFT', COMPLETED: 'COMPLETED' } as const;
export type OutcomeStatus = (typeof OutcomeStatus)[keyof typeof OutcomeStatus];
registerEnumType(OutcomeStatus, { name: 'OutcomeStatus', description: 'A draft has unanswered items and is not scored.' });

export const CompletedBy = { CLINICIAN: 'CLINICIAN', PATIENT: 'PATIENT' } as const;
export type CompletedBy = (typeof CompletedBy)[keyof typeof CompletedBy];
registerEnumType(CompletedBy, { name: 'CompletedBy', description: 'PATIENT: answered by the patient from a questionnaire link (a correction of it too, by the clinician in `recordedBy`).' });

export const GpAppointmentSource = { PATIENT_REPORTED: 'PATIENT_REPORTED', PRACTICE_RECORD: 'PRACTICE_RECORD' } as const;
export type GpAppointmentSource = (typeof GpAppointmentSource)[keyof typeof GpAppointmentSource];
registerEnumType(GpAppointmentSource, { name: 'GpAppointmentSource' });

/**
 * One completed (or draft) outcome measure. Never changed once stored (a trigger refuses it): a correction
 * is a new record whose `supersedesId` names the one it replaces.
 */
@ObjectType()
@Entity({ tableName: 'outcome_record' })
export class OutcomeRecord {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => Instrument)
  @Enum({ items: () => Object.values(Instrument), type: 'text' })
  instrument!: Instrument;

  @Field(() => OutcomeStatus)
  @Enum({ items: () => Object.values(OutcomeStatus), type: 'text' })
  status!: OutcomeStatus;

  @Field(() => [Float], { nullable: 'items', description: 'One answer per item, in item order; null where a draft left it unanswered.' })
  @Property({ type: 'json' })
  answers!: Array<number | null>;

  @Field(() => Float, { nullable: true, description: 'Null for a draft.' })
  @Property({ type: 'double', nullable: true })
  score: number | null = null;

  @Field(() => Int, { nullable: true, description: 'The PSEQ-2 (items 5 and 9) of a completed PSEQ-10.' })
  @Property({ type: 'smallint', nullable: true })
  pseq2: number | null = null;

  @Field(() => String, { description: 'The date the measure was taken, YYYY-MM-DD.' })
  @Property({ type: 'date' })
  measuredOn!: string;

  @Field(() => String, { nullable: true, description: 'GP appointments: the first day of the period counted.' })
  @Property({ type: 'date', nullable: true })
  periodFrom: string | null = null;

  @Field(() => String, { nullable: true, description: 'GP appointments: the last day of the period counted.' })
  @Property({ type: 'date', nullable: true })
  periodTo: string | null = null;

  @Field(() => GpAppointmentSource, { nullable: true })
  @Enum({ items: () => Object.values(GpAppointmentSource), type: 'text', nullable: true })
  gpSource: GpAppointmentSource | null = null;

  @Field(() => CompletedBy)
  @Enum({ items: () => Object.values(CompletedBy), type: 'text' })
  completedBy!: CompletedBy;

  @Field(() => User, { nullable: true, description: 'The clinician who recorded it, or who corrected answers the patient gave; null when the patient completed it from their link.' })
  @ManyToOne({ entity: () => User, fieldName: 'recorded_by_id', nullable: true })
  recordedBy: User | null = null;

  @Property({ type: 'uuid', nullable: true })
  questionnaireRequestId: string | null = null;

  @Field(() => ID, { nullable: true, description: 'The record this one corrects.' })
  @Property({ type: 'uuid', nullable: true, unique: true })
  supersedesId: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
