import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';

export const ThreadTopic = {
  MEDICATION: 'MEDICATION',
  PLAN_REVIEW: 'PLAN_REVIEW',
  SAFEGUARDING: 'SAFEGUARDING',
  REFERRAL: 'REFERRAL',
  GENERAL: 'GENERAL',
} as const;
export type ThreadTopic = (typeof ThreadTopic)[keyof typeof ThreadTopic];
registerEnumType(ThreadTopic, { name: 'ThreadTopic' });

export const FollowState = { FOLLOWING: 'FOLLOWING', MUTED: 'MUTED', NONE: 'NONE' } as const;
export type FollowState = (typeof FollowState)[keyof typeof FollowState];
registerEnumType(FollowState, { name: 'FollowState', description: 'FOLLOWING: told of every reply. MUTED: told of nothing but mentions.' });

/** An MDT discussion about one patient. */
@ObjectType()
@Entity({ tableName: 'thread' })
export class Thread {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => ThreadTopic)
  @Enum({ items: () => Object.values(ThreadTopic), type: 'text' })
  topic!: ThreadTopic;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'author_id' })
  author!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null = null;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'resolved_by_id', nullable: true })
  resolvedBy: User | null = null;
}

/** A post or reply. `body` is the author's text; `bodyHtml` is rendered from it by the server. */
@ObjectType()
@Entity({ tableName: 'thread_post' })
export class ThreadPost {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Thread, fieldName: 'thread_id' })
  thread!: Thread;

  @Field(() => ID, { nullable: true, description: 'The post this replies to, if any.' })
  @Property({ type: 'uuid', nullable: true })
  parentId: string | null = null;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'author_id' })
  author!: User;

  @Field(() => String, { description: 'What the author wrote (the markdown subset), for editing.' })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => String, { description: 'Sanitised HTML rendered by the server: safe to insert as is.' })
  @Property({ type: 'text' })
  bodyHtml!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  editedAt: Date | null = null;
}

/** An earlier version of an edited post. */
@ObjectType()
@Entity({ tableName: 'thread_post_revision' })
export class ThreadPostRevision {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  postId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  bodyHtml!: string;

  @Field(() => GraphQLISODateTime, { description: 'When this version was written.' })
  @Property({ type: 'timestamptz' })
  writtenAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When an edit replaced it.' })
  @Property({ type: 'timestamptz' })
  replacedAt: Date = new Date();
}
