import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { MedicineClass, MedicineRoute } from './catalogue.js';

registerEnumType(MedicineClass, { name: 'MedicineClass' });
registerEnumType(MedicineRoute, { name: 'MedicineRoute' });

/**
 * One analgesic (or co-medication) a patient takes or took. A change of dose is a stop and a new row, so the
 * history of what was taken, when, at what OME, is kept as it was recorded: the indicators are computed
 * from it. The OME and its working are those Cairn computed when the medicine was recorded.
 */
@ObjectType()
@Entity({ tableName: 'medication' })
export class Medication {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => String, { description: 'The catalogue code.' })
  @Property({ type: 'text' })
  medicineCode!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => MedicineClass)
  @Enum({ items: () => Object.values(MedicineClass), type: 'text' })
  medicineClass!: MedicineClass;

  @Field(() => MedicineRoute)
  @Enum({ items: () => Object.values(MedicineRoute), type: 'text' })
  route!: MedicineRoute;

  @Field(() => String)
  @Property({ type: 'text' })
  form!: string;

  @Field(() => String, { description: 'As the prescription states it, e.g. "30 mg" or "25 micrograms/hour".' })
  @Property({ type: 'text' })
  strength!: string;

  @Field(() => Float, { description: 'Per dose, in doseUnit (for patches the µg/h of all patches worn together).' })
  @Property({ type: 'double' })
  dose!: number;

  @Field(() => String)
  @Property({ type: 'text' })
  doseUnit!: string;

  @Field(() => String, { description: 'As entered.' })
  @Property({ type: 'text' })
  frequency!: string;

  @Field(() => String, { description: "The frequency in Cairn's words." })
  @Property({ type: 'text' })
  frequencyWords!: string;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  dosesPerDay!: number;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  asNeeded!: boolean;

  @Field(() => Int, { nullable: true, description: 'Patches: hours between changes (72, 96 or 168).' })
  @Property({ type: 'smallint', nullable: true })
  patchChangeHours: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Oral morphine equivalent, mg a day; null when not an opioid.' })
  @Property({ type: 'double', nullable: true })
  omeMgPerDay: number | null = null;

  @Field(() => String, { nullable: true, description: 'How the OME was worked out.' })
  @Property({ type: 'text', nullable: true })
  omeWords: string | null = null;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  @Property({ type: 'date' })
  startDate!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, the first day not taken; null while current.' })
  @Property({ type: 'date', nullable: true })
  stopDate: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  stopReason: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  prescriber!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'recorded_by_id' })
  recordedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

export const Readiness = { NOT_READY: 'NOT_READY', UNSURE: 'UNSURE', READY: 'READY' } as const;
export type Readiness = (typeof Readiness)[keyof typeof Readiness];
registerEnumType(Readiness, { name: 'Readiness', description: 'How ready the patient is to change their medicines.' });

/** A practitioner's person-centred medication review. */
@ObjectType()
@Entity({ tableName: 'medication_review' })
export class MedicationReview {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'reviewer_id' })
  reviewer!: User;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  @Property({ type: 'date' })
  reviewedOn!: string;

  @Field(() => String, { description: 'What the patient takes and how.' })
  @Property({ type: 'text' })
  howTaken!: string;

  @Field(() => String, { description: 'Effect on pain and on daily function.' })
  @Property({ type: 'text' })
  effectOnPainAndFunction!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  sideEffects!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  whatMatters!: string;

  @Field(() => Readiness)
  @Enum({ items: () => Object.values(Readiness), type: 'text' })
  readiness!: Readiness;

  @Field(() => Float, { description: 'Total OME on the day of the review, mg a day.' })
  @Property({ type: 'double' })
  omeAtReview!: number;

  @Field(() => String, { description: 'YYYY-MM-DD: when the next review is due.' })
  @Property({ type: 'date' })
  nextReviewDue!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
