import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';

export const PatientStatus = { REFERRED: 'REFERRED', ACTIVE: 'ACTIVE', DISCHARGED: 'DISCHARGED' } as const;
export type PatientStatus = (typeof PatientStatus)[keyof typeof PatientStatus];
registerEnumType(PatientStatus, { name: 'PatientStatus' });

@ObjectType()
@Entity({ tableName: 'patient' })
export class Patient {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Ten digits, no spaces.' })
  /** Ten digits, no spaces; validated by Modulus 11 before it gets here. */
  @Property({ type: 'text', unique: true })
  nhsNumber: string;

  @Field(() => String)
  @Property({ type: 'text' })
  givenName: string;

  @Field(() => String)
  @Property({ type: 'text' })
  familyName: string;

  @Field(() => String, { description: 'ISO date, YYYY-MM-DD.' })
  /** ISO date (YYYY-MM-DD): a birth date has no time zone. */
  @Property({ type: 'date' })
  dateOfBirth: string;

  @Field(() => Organisation)
  @ManyToOne({ entity: () => Organisation, fieldName: 'practice_id' })
  practice: Organisation;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  conditions: string[];

  @Field(() => PatientStatus)
  @Enum({ items: () => Object.values(PatientStatus), type: 'text' })
  status: PatientStatus;

  /** In the API only to those who may open the record (PatientResolver). */
  @Property({ type: 'smallint', nullable: true })
  activationLevel: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  activationLevelSetAt: Date | null = null;

  @ManyToOne({ entity: () => User, fieldName: 'activation_level_set_by', nullable: true })
  activationLevelSetBy: User | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(init: {
    nhsNumber: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    practice: Organisation;
    conditions: string[];
    status: PatientStatus;
  }) {
    this.nhsNumber = init.nhsNumber;
    this.givenName = init.givenName;
    this.familyName = init.familyName;
    this.dateOfBirth = init.dateOfBirth;
    this.practice = init.practice;
    this.conditions = init.conditions;
    this.status = init.status;
  }
}
