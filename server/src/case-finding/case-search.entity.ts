import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { Criterion } from './criteria.js';

/** A named search over a PCN's patients, saved by one user. Its criteria are typed JSON (see criteria.ts). */
@ObjectType()
@Entity({ tableName: 'case_search' })
export class CaseSearch {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  ownerId!: string;

  @Property({ type: 'uuid' })
  pcnId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'jsonb' })
  criteria!: Criterion[];

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
