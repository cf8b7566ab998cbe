import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Patient } from '../patients/patient.entity.js';

/** A clinician on a patient's care team. A partial unique index keeps at most one lead per patient. */
@ObjectType()
@Entity({ tableName: 'care_team_member' })
@Unique({ properties: ['patient', 'user'] })
export class CareTeamMember {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Patient, fieldName: 'patient_id' })
  patient: Patient;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'user_id' })
  user: User;

  @Field(() => String)
  /** Their part in this patient's care, in words ("Health & wellbeing coach"). */
  @Property({ type: 'text' })
  teamRole: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isLead: boolean;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  addedAt: Date = new Date();

  constructor(patient: Patient, user: User, teamRole: string, isLead: boolean) {
    this.patient = patient;
    this.user = user;
    this.teamRole = teamRole;
    this.isLead = isLead;
  }
}
