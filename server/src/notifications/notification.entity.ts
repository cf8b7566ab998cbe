import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';

export const NotificationKind = {
  MENTIONED: 'MENTIONED',
  THREAD_REPLY: 'THREAD_REPLY',
  HANDOVER_POSTED: 'HANDOVER_POSTED',
  HANDOVER_ACKNOWLEDGED: 'HANDOVER_ACKNOWLEDGED',
  HANDOVER_ESCALATED: 'HANDOVER_ESCALATED',
  /** Every recommended action of a handover you posted is done. */
  HANDOVER_ACTIONS_DONE: 'HANDOVER_ACTIONS_DONE',
  /** Someone else (the care team's lead) marked a recommended action assigned to you done: it leaves your list. */
  HANDOVER_ACTION_DONE_FOR_YOU: 'HANDOVER_ACTION_DONE_FOR_YOU',
  /** An escalated handover was dealt with (acknowledged, on the lead's behalf or not, or its lead reassigned): to the PCN's service leads, the care-team lead and the author. */
  HANDOVER_ESCALATION_HANDLED: 'HANDOVER_ESCALATION_HANDLED',
  /** A service lead made you a patient's lead from an escalation: the handover awaits your acknowledgement. */
  HANDOVER_REROUTED: 'HANDOVER_REROUTED',
  CARE_TEAM_ADDED: 'CARE_TEAM_ADDED',
  CARE_TEAM_REMOVED: 'CARE_TEAM_REMOVED',
  CARE_PLAN_SIGNED_OFF: 'CARE_PLAN_SIGNED_OFF',
  /** A digest: one per plan per quiet period, naming who edited. */
  CARE_PLAN_EDITED: 'CARE_PLAN_EDITED',
  /** To a PCN's service leads: someone outside the patient's care tried to register them, and may need access. */
  ACCESS_REQUESTED: 'ACCESS_REQUESTED',
  /** An outcome score worsened past its meaningful-change threshold (to the care-team lead). */
  OUTCOME_WORSENED: 'OUTCOME_WORSENED',
  /** A patient completed a questionnaire from their link (to the clinician who sent it). */
  QUESTIONNAIRE_COMPLETED: 'QUESTIONNAIRE_COMPLETED',
  /** A medication change awaits a GP's decision. */
  MEDICATION_APPROVAL_REQUESTED: 'MEDICATION_APPROVAL_REQUESTED',
  /** A GP approved, amended or declined a proposed change. */
  MEDICATION_CHANGE_DECIDED: 'MEDICATION_CHANGE_DECIDED',
  /** A proposed change was withdrawn before a decision (to the GPs it awaited). */
  MEDICATION_CHANGE_WITHDRAWN: 'MEDICATION_CHANGE_WITHDRAWN',
  /** A step of a running taper fell due (to the practitioner who proposed it and the GP who approved it). */
  TAPER_STEP_DUE: 'TAPER_STEP_DUE',
  /** To the PCN's coaches and service leads (not the referrer): a referral arrived and awaits triage. */
  REFERRAL_RECEIVED: 'REFERRAL_RECEIVED',
  /** To the referrer: their referral was accepted, declined (with the reason) or redirected; to the PCN's other coaches and leads: a colleague triaged it. */
  REFERRAL_TRIAGED: 'REFERRAL_TRIAGED',
  /** To a coach: a referral was accepted and the patient assigned to them. */
  REFERRAL_ASSIGNED: 'REFERRAL_ASSIGNED',
  /** To the coach who sent an invitation (the PCN's triagers when that coach may no longer act on it): it will be marked NO_RESPONSE soon unless an answer is recorded. */
  INVITATION_REMINDER: 'INVITATION_REMINDER',
  /** To the coach who sent an invitation (the PCN's triagers when that coach may no longer act on it): it was marked NO_RESPONSE. */
  INVITATION_NO_RESPONSE: 'INVITATION_NO_RESPONSE',
  /** A session was booked in your diary by someone else. */
  SESSION_BOOKED: 'SESSION_BOOKED',
  /** A patient missed two sessions in a row (to their coach and the care-team lead). */
  SESSION_DNA_ALERT: 'SESSION_DNA_ALERT',
  /** A patient was discharged from coaching: the signed summary (to the GPs on the care team). */
  PATIENT_DISCHARGED: 'PATIENT_DISCHARGED',
  /** A place on a Pain Café freed up and passed to your patient from its waiting list. */
  CAFE_PLACE_OFFERED: 'CAFE_PLACE_OFFERED',
  /** A Pain Café your patient had a place on was cancelled. */
  CAFE_CANCELLED: 'CAFE_CANCELLED',
  /** A Pain Café your patient has a place on, is invited to or waits for moved to another time or place. */
  CAFE_MOVED: 'CAFE_MOVED',
  /** To a café's facilitators and whoever arranged it: a colleague registered, cancelled or recorded attendance (patients named only to those who may read them). */
  CAFE_PLACES_CHANGED: 'CAFE_PLACES_CHANGED',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];
registerEnumType(NotificationKind, { name: 'NotificationKind' });

/** Something one user should know about, with a link to its place in the app. */
@ObjectType()
@Entity({ tableName: 'notification' })
export class Notification {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  recipientId!: string;

  @Field(() => NotificationKind)
  @Enum({ items: () => Object.values(NotificationKind), type: 'text' })
  kind!: NotificationKind;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  patientId!: string | null;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => String, { description: 'Where it lives in the app, e.g. /patients/<id>/threads/<threadId>.' })
  @Property({ type: 'text' })
  link!: string;

  @Field(() => String, { description: 'The live stream cursor: pass it as `after` to resume.' })
  @Property({ type: 'bigint' })
  seq!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  readAt: Date | null = null;
}
