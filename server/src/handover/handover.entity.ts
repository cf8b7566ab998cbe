import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { HandoverUrgency } from '@cairn/schema/handover-urgency';

registerEnumType(HandoverUrgency, { name: 'HandoverUrgency' });

/** How an escalation was dealt with. */
export const EscalationOutcome = {
  /** The care team's lead (or a GP on the team) acknowledged the note after it was escalated. */
  ACKNOWLEDGED: 'ACKNOWLEDGED',
  /** A PCN service lead acknowledged it on the care-team lead's behalf, with a note. */
  ACKNOWLEDGED_ON_BEHALF: 'ACKNOWLEDGED_ON_BEHALF',
  /** A PCN service lead made someone else the patient's lead: the note awaits the new lead, on a fresh escalation clock. */
  LEAD_REASSIGNED: 'LEAD_REASSIGNED',
} as const;
export type EscalationOutcome = (typeof EscalationOutcome)[keyof typeof EscalationOutcome];
registerEnumType(EscalationOutcome, { name: 'HandoverEscalationOutcome' });

/** Advice about a patient from a specialist (or any care-team member). Immutable once posted. */
@ObjectType()
@Entity({ tableName: 'handover_note' })
export class HandoverNote {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'author_id' })
  author!: User;

  @Field(() => String)
  @Property({ type: 'text' })
  sourceService!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  summary!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  advice!: string;

  @Field(() => HandoverUrgency)
  @Enum({ items: () => Object.values(HandoverUrgency), type: 'text' })
  urgency!: HandoverUrgency;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null = null;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'acknowledged_by_id', nullable: true })
  acknowledgedBy: User | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  acknowledgementReply: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was escalated to the PCN service leads for want of acknowledgement.' })
  @Property({ type: 'timestamptz', nullable: true })
  escalatedAt: Date | null = null;

  /** When a service lead acknowledged for the care team: the lead they acted for (acknowledgedBy is who acted). */
  @ManyToOne({ entity: () => User, fieldName: 'acknowledged_on_behalf_of_id', nullable: true })
  acknowledgedOnBehalfOf: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When its escalation was dealt with (acknowledged, on behalf or not, or the lead reassigned).' })
  @Property({ type: 'timestamptz', nullable: true })
  escalationHandledAt: Date | null = null;

  @ManyToOne({ entity: () => User, fieldName: 'escalation_handled_by_id', nullable: true })
  escalationHandledBy: User | null = null;

  @Field(() => EscalationOutcome, { nullable: true })
  @Enum({ items: () => Object.values(EscalationOutcome), type: 'text', nullable: true })
  escalationOutcome: EscalationOutcome | null = null;

  @Field(() => String, { nullable: true, description: "The service lead's note when they acted on the escalation." })
  @Property({ type: 'text', nullable: true })
  escalationNote: string | null = null;

  /** When the escalation clock last started: null is the posting time; a reassigned lead gets a fresh one. */
  @Property({ type: 'timestamptz', nullable: true })
  escalationClockFrom: Date | null = null;
}

/** A recommended action in a handover, optionally assigned to a care-team member with a due date. */
@ObjectType()
@Entity({ tableName: 'handover_action' })
export class HandoverAction {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => HandoverNote, fieldName: 'handover_id' })
  handover!: HandoverNote;

  @Field(() => Int)
  @Property({ type: 'int' })
  position!: number;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'assignee_id', nullable: true })
  assignee: User | null = null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ type: 'date', nullable: true })
  dueDate: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was marked done; null while it is open.' })
  @Property({ type: 'timestamptz', nullable: true })
  doneAt: Date | null = null;

  @Field(() => User, { nullable: true, description: 'Who marked it done: the assignee or the care team\'s lead.' })
  @ManyToOne({ entity: () => User, fieldName: 'done_by_id', nullable: true })
  doneBy: User | null = null;
}

/** A correction or addition to a posted handover note. */
@ObjectType()
@Entity({ tableName: 'handover_addendum' })
export class HandoverAddendum {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => HandoverNote, fieldName: 'handover_id' })
  handover!: HandoverNote;

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
