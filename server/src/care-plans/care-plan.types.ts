import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject, SafeIntResolver } from 'graphql-scalars';
import { CarePlanSection, GoalStatus, StrategyCategory, type TextRun } from '@cairn/schema/care-plan';
import { PresenceActivity } from './care-plan.presence.js';

registerEnumType(GoalStatus, { name: 'GoalStatus' });
registerEnumType(StrategyCategory, { name: 'StrategyCategory' });
registerEnumType(CarePlanSection, { name: 'CarePlanSection' });
registerEnumType(PresenceActivity, { name: 'PresenceActivity' });

export const CarePlanEventKind = { SYNC: 'SYNC', UPDATE: 'UPDATE' } as const;
export type CarePlanEventKind = (typeof CarePlanEventKind)[keyof typeof CarePlanEventKind];
registerEnumType(CarePlanEventKind, {
  name: 'CarePlanEventKind',
  description: 'SYNC: what the client was missing when it subscribed; UPDATE: one stored update, live.',
});

@ObjectType()
export class GoalCheckIn {
  @Field(() => String, { description: 'YYYY-MM-DD' }) date!: string;
  @Field(() => Int, { description: '0–10' }) rating!: number;
  @Field(() => String) note!: string;
}

@ObjectType()
export class CarePlanGoal {
  @Field(() => String) id!: string;
  @Field(() => String) what!: string;
  @Field(() => String) why!: string;
  @Field(() => String) measure!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) targetDate!: string | null;
  @Field(() => GoalStatus) status!: GoalStatus;
  @Field(() => [GoalCheckIn]) checkIns!: GoalCheckIn[];
}

@ObjectType()
export class CarePlanStrategy {
  @Field(() => String) id!: string;
  @Field(() => StrategyCategory) category!: StrategyCategory;
  @Field(() => String) what!: string;
  @Field(() => String) howOften!: string;
  @Field(() => String) suggestedBy!: string;
}

@ObjectType()
export class CarePlanFlareUp {
  @Field(() => String) warningSigns!: string;
  @Field(() => String) whatHelps!: string;
  @Field(() => String) whatToAvoid!: string;
  @Field(() => String) whoToContact!: string;
}

@ObjectType()
export class CarePlanReview {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) nextReviewDate!: string | null;
  @Field(() => ID, { nullable: true }) reviewerId!: string | null;
}

@ObjectType({
  description: 'A stretch of "what matters to me" in one format, as a Quill-style delta op: bold, italic or underline on text; a newline carries its line\'s list ("bullet" or "ordered").',
})
export class CarePlanTextRun {
  @Field(() => String) insert!: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) attributes?: TextRun['attributes'];
}

@ObjectType({ description: 'The typed plan, materialised from the document on every change.' })
export class CarePlanView {
  @Field(() => String, { description: '"What matters to me" as plain text (paragraphs separated by newlines).' }) whatMatters!: string;
  @Field(() => [CarePlanTextRun], { description: '"What matters to me" with its formatting, in order.' }) whatMattersRuns!: CarePlanTextRun[];
  @Field(() => [CarePlanGoal]) goals!: CarePlanGoal[];
  @Field(() => [CarePlanStrategy]) strategies!: CarePlanStrategy[];
  @Field(() => CarePlanFlareUp) flareUp!: CarePlanFlareUp;
  @Field(() => String) medication!: string;
  @Field(() => CarePlanReview) review!: CarePlanReview;
}

@ObjectType()
export class CarePlanSignOff {
  @Field(() => ID) id!: string;
  @Field(() => SafeIntResolver, { description: 'The revision that was agreed (the last update seq it includes).' }) seq!: number;
  @Field(() => ID) signedById!: string;
  @Field(() => String) signedByName!: string;
  @Field(() => GraphQLISODateTime) signedAt!: Date;
  @Field(() => String, { description: 'YYYY-MM-DD: the day it was agreed with the patient.' }) agreedOn!: string;
  @Field(() => String) note!: string;
  @Field(() => CarePlanView, { description: 'The plan as agreed; never changes.' }) view!: CarePlanView;
}

@ObjectType()
export class CarePlan {
  @Field(() => ID) patientId!: string;
  @Field(() => SafeIntResolver, { description: 'The last update included (0: nothing stored yet).' }) seq!: number;
  @Field(() => String, { description: 'The whole document as one Yjs update, base64.' }) state!: string;
  @Field(() => String, { description: 'The Yjs state vector of `state`, base64.' }) stateVector!: string;
  @Field(() => CarePlanView) view!: CarePlanView;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
  @Field(() => CarePlanSignOff, { nullable: true }) lastSignOff!: CarePlanSignOff | null;
  @Field(() => Boolean, { description: 'True when the content differs from the last sign-off, or it was never signed off.' })
  changedSinceSignOff!: boolean;
}

@ObjectType({ description: 'The server has stored the update durably.' })
export class CarePlanUpdateAck {
  @Field(() => SafeIntResolver) seq!: number;
  @Field(() => String) clientUpdateId!: string;
  @Field(() => Boolean, { description: 'This clientUpdateId was already stored; nothing new was written.' }) duplicate!: boolean;
}

@ObjectType()
export class CarePlanUpdateEvent {
  @Field(() => CarePlanEventKind) kind!: CarePlanEventKind;
  @Field(() => String, { description: 'A Yjs update, base64; apply it to the client document.' }) update!: string;
  @Field(() => SafeIntResolver) seq!: number;
  @Field(() => ID, { nullable: true }) authorId!: string | null;
  @Field(() => String, { nullable: true }) authorName!: string | null;
  @Field(() => String, { nullable: true, description: "The author's clientUpdateId, so a client can recognise its own echo." })
  clientUpdateId!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) at!: Date | null;
}

@ObjectType()
export class CarePlanPresence {
  @Field(() => ID) userId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) role!: string;
  @Field(() => CarePlanSection, { nullable: true }) section!: CarePlanSection | null;
  @Field(() => PresenceActivity) activity!: PresenceActivity;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}

@ObjectType({ description: 'Someone who edited within a revision.' })
export class CarePlanRevisionAuthor {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'How many of the revision\'s updates were theirs.' }) updateCount!: number;
}

@ObjectType({ description: 'A run of edits by one or more people (a co-editing session), closed by a pause or a sign-off.' })
export class CarePlanRevision {
  @Field(() => SafeIntResolver, { description: 'The last update of the revision; open or restore the revision by this seq.' }) seq!: number;
  @Field(() => SafeIntResolver, { description: 'The first update of the revision.' }) fromSeq!: number;
  @Field(() => SafeIntResolver, {
    description: "The plan's last update before the revision (0: the empty plan). Seqs are shared by all plans, so compare from this seq, not fromSeq - 1, to see what the revision changed.",
  })
  beforeSeq!: number;
  @Field(() => [CarePlanRevisionAuthor], { description: 'Everyone who edited in this revision, in the order they first did.' }) authors!: CarePlanRevisionAuthor[];
  @Field(() => ID, { deprecationReason: 'A revision may have several authors: read `authors`.' }) authorId!: string;
  @Field(() => String, { deprecationReason: 'A revision may have several authors: read `authors`.' }) authorName!: string;
  @Field(() => GraphQLISODateTime) startedAt!: Date;
  @Field(() => GraphQLISODateTime) endedAt!: Date;
  @Field(() => Int) updateCount!: number;
  @Field(() => [CarePlanSection]) sections!: CarePlanSection[];
  @Field(() => Boolean, { description: 'Agreed with the patient at this revision.' }) signedOff!: boolean;
}

@ObjectType()
export class CarePlanVersion {
  @Field(() => SafeIntResolver) seq!: number;
  @Field(() => CarePlanView) view!: CarePlanView;
}

@ObjectType({ description: 'How one section differs between two revisions.' })
export class CarePlanSectionDiff {
  @Field(() => CarePlanSection) section!: CarePlanSection;
  @Field(() => Boolean) changed!: boolean;
  @Field(() => String, { description: 'The section as readable text at the earlier revision.' }) before!: string;
  @Field(() => String) after!: string;
  @Field(() => [String], { description: 'Goals or strategies (by id) only in the later revision.' }) added!: string[];
  @Field(() => [String]) removed!: string[];
  @Field(() => [String], { description: 'Goals or strategies (by id) in both, with different content.' }) modified!: string[];
  @Field(() => [String], { description: "What changed, in sentences (\"Goal 'Walk to the allotment' marked achieved; target date 1 March 2027\")." })
  changes!: string[];
}

@ObjectType()
export class StrategySuggestion {
  @Field(() => String) id!: string;
  @Field(() => StrategyCategory) category!: StrategyCategory;
  @Field(() => String) what!: string;
  @Field(() => String) howOften!: string;
  @Field(() => [Int], { description: 'Activation levels (1–4) this suits.' }) levels!: number[];
}
