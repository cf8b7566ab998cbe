import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';

export const ProposalKind = { REDUCE: 'REDUCE', STOP: 'STOP', SWITCH: 'SWITCH', START: 'START' } as const;
export type ProposalKind = (typeof ProposalKind)[keyof typeof ProposalKind];
registerEnumType(ProposalKind, { name: 'ProposalKind' });

/**
 * Where a proposal is. Only APPROVED (by a GP) is an active plan; PAUSED is an approved taper held during
 * a flare-up. WITHDRAWN was taken back by a practitioner before a GP decided; REPLACED was an approved (or
 * paused) plan ended when a GP approved a newer one for the same medicine, so one medicine has at most one
 * plan in force. Cairn records the decision; prescribing itself happens in the GP's clinical system.
 */
export const ProposalStatus = {
  AWAITING_APPROVAL: 'AWAITING_APPROVAL',
  APPROVED: 'APPROVED',
  DECLINED: 'DECLINED',
  PAUSED: 'PAUSED',
  WITHDRAWN: 'WITHDRAWN',
  REPLACED: 'REPLACED',
} as const;
export type ProposalStatus = (typeof ProposalStatus)[keyof typeof ProposalStatus];
registerEnumType(ProposalStatus, { name: 'ProposalStatus' });

/** A proposed change to one medicine (reduce, stop, switch or start), with its taper schedule. */
@ObjectType()
@Entity({ tableName: 'medication_proposal' })
export class MedicationProposal {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID)
  @Property({ type: 'uuid' })
  patientId!: string;

  @Field(() => ProposalKind)
  @Enum({ items: () => Object.values(ProposalKind), type: 'text' })
  kind!: ProposalKind;

  @Field(() => ID, { nullable: true, description: 'The medicine changed (reduce, stop, switch); null for a start.' })
  @Property({ type: 'uuid', nullable: true })
  medicationId: string | null = null;

  @Field(() => String, { description: 'The catalogue code the steps are in (the new medicine for a switch or a start).' })
  @Property({ type: 'text' })
  medicineCode!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  medicineName!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  rationale!: string;

  @Field(() => ProposalStatus)
  @Enum({ items: () => Object.values(ProposalStatus), type: 'text' })
  status: ProposalStatus = ProposalStatus.AWAITING_APPROVAL;

  @Field(() => User)
  @ManyToOne({ entity: () => User, fieldName: 'proposed_by_id' })
  proposedBy!: User;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  proposedAt: Date = new Date();

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, fieldName: 'decided_by_id', nullable: true })
  decidedBy: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: "The GP's comment on approving, amending or declining." })
  @Property({ type: 'text', nullable: true })
  decisionComment: string | null = null;

  @Field(() => Boolean, { description: 'Whether the GP changed the steps when approving.' })
  @Property({ type: 'boolean' })
  amended: boolean = false;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the patient agreed to the plan.' })
  @Property({ type: 'timestamptz', nullable: true })
  patientAgreedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  patientAgreementNote: string | null = null;

  @Field(() => String, { nullable: true, description: 'Why the taper is paused (a flare-up).' })
  @Property({ type: 'text', nullable: true })
  pauseReason: string | null = null;

  @Field(() => User, { nullable: true, description: 'Who withdrew it, or the GP whose approval of a newer plan replaced it.' })
  @ManyToOne({ entity: () => User, fieldName: 'ended_by_id', nullable: true })
  endedBy: User | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was withdrawn or replaced.' })
  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why the practitioner withdrew it.' })
  @Property({ type: 'text', nullable: true })
  withdrawalReason: string | null = null;

  @Field(() => ID, { nullable: true, description: 'The newer plan whose approval replaced this one.' })
  @Property({ type: 'uuid', nullable: true })
  replacedById: string | null = null;
}

/** One step of a taper: from its date, this dose. Dose 0 means the medicine stops. */
@ObjectType()
@Entity({ tableName: 'taper_step' })
export class TaperStep {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => MedicationProposal, fieldName: 'proposal_id' })
  proposal!: MedicationProposal;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  position!: number;

  @Field(() => String, { description: 'YYYY-MM-DD: the day this step starts, and its reminder.' })
  @Property({ type: 'date' })
  startDate!: string;

  @Field(() => Float, { description: 'Per dose; 0 means stopped.' })
  @Property({ type: 'double' })
  dose!: number;

  @Field(() => String)
  @Property({ type: 'text' })
  frequency!: string;

  @Field(() => String, { description: 'The step in words, e.g. "20 mg twice a day".' })
  @Property({ type: 'text' })
  words!: string;

  @Field(() => Float, { description: "This medicine's OME at this step, mg a day (0 when not an opioid)." })
  @Property({ type: 'double' })
  omeMgPerDay!: number;

  @Field(() => Boolean, { description: 'The step raises the daily dose, and the proposer said so.' })
  @Property({ type: 'boolean' })
  increases!: boolean;
}
