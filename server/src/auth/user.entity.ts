import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/organisation.entity.js';

export const Role = {
  COACH: 'COACH',
  FCP: 'FCP',
  GP: 'GP',
  PAIN_PRACTITIONER: 'PAIN_PRACTITIONER',
  SPECIALIST: 'SPECIALIST',
  SERVICE_LEAD: 'SERVICE_LEAD',
  ADMIN: 'ADMIN',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
registerEnumType(Role, { name: 'Role' });

/** A person who signs in to Cairn. */
@ObjectType()
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'text' })
  name: string;

  @Field(() => String)
  /** Stored lower-cased; the unique index is on this column. */
  @Property({ type: 'text', unique: true })
  email: string;

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash: string;

  @Field(() => Role)
  @Enum({ items: () => Object.values(Role), type: 'text' })
  role: Role;

  /** Exposed through UserResolver.organisation, which loads it when a query did not. */
  @ManyToOne({ entity: () => Organisation, fieldName: 'organisation_id' })
  organisation: Organisation;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(name: string, email: string, passwordHash: string, role: Role, organisation: Organisation) {
    this.name = name;
    this.email = normaliseEmail(email);
    this.passwordHash = passwordHash;
    this.role = role;
    this.organisation = organisation;
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The longest email address there can be (RFC 5321's path limit, less its angle brackets). */
export const MAX_EMAIL_LENGTH = 254;
