import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Instrument } from './instruments.js';

export const QuestionnaireChannel = { SMS: 'SMS', EMAIL: 'EMAIL', LETTER: 'LETTER' } as const;
export type QuestionnaireChannel = (typeof QuestionnaireChannel)[keyof typeof QuestionnaireChannel];
registerEnumType(QuestionnaireChannel, { name: 'QuestionnaireChannel', description: 'How the coach sent the link (Cairn sends nothing itself).' });

/**
 * A one-time link a patient opens to answer questionnaires from home. Only the SHA-256 of its token is
 * kept; the token itself is shown once, to the clinician who makes the link.
 */
@ObjectType()
@Entity({ tableName: 'questionnaire_request' })
export class QuestionnaireRequest {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => [Instrument])
  @Property({ type: 'text[]' })
  instruments!: Instrument[];

  @Field(() => QuestionnaireChannel)
  @Enum({ items: () => Object.values(QuestionnaireChannel), type: 'text' })
  channel!: QuestionnaireChannel;

  @Property({ type: 'blob', hidden: true })
  tokenHash!: Buffer;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'created_by_id' })
  createdBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'integer' })
  failedAttempts = 0;

  @Property({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null = null;
}
