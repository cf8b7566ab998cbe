import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { Instrument } from '../outcomes/instruments.js';
import { Patient } from '../patients/patient.entity.js';
import { CoachingSession, SessionAddendum, SessionChange, SessionMode } from './session.entity.js';
import { CadenceDirection, CadenceInterval } from './cadence.js';

registerEnumType(CadenceInterval, { name: 'CadenceInterval', description: 'How often to meet next, from most to least often.' });
registerEnumType(CadenceDirection, { name: 'CadenceDirection', description: 'STEP_DOWN: less often; STEP_UP: more often.' });

export const CancelledBy = { PATIENT: 'PATIENT', CLINIC: 'CLINIC' } as const;
export type CancelledBy = (typeof CancelledBy)[keyof typeof CancelledBy];
registerEnumType(CancelledBy, { name: 'CancelledBy' });

export const SessionOutcome = { ATTENDED: 'ATTENDED', DNA: 'DNA' } as const;
export type SessionOutcome = (typeof SessionOutcome)[keyof typeof SessionOutcome];
registerEnumType(SessionOutcome, { name: 'SessionOutcome', description: 'What happened: attended, or did not attend (DNA). A cancellation is cancelSession.' });

@InputType()
export class BookSessionInput {
  @Field(() => ID) patientId!: string;
  @Field(() => ID, { description: 'A coach on the patient\'s care team.' }) coachId!: string;
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime) endsAt!: Date;
  @Field(() => SessionMode) mode!: SessionMode;
  @Field(() => String, { nullable: true, description: 'Required for IN_PERSON.' }) location?: string | null;
  @Field(() => String) purpose!: string;
}

@InputType({ description: "A session's start and end." })
export class SessionSlotInput {
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime) endsAt!: Date;
}

@InputType()
export class RebookSessionInput {
  @Field(() => ID) sessionId!: string;
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime) endsAt!: Date;
  @Field(() => String, { description: 'Why it moved (kept with the previous time).' }) reason!: string;
  @Field(() => SessionSlotInput, { description: 'The time the form showed: a session someone has moved since is not moved again over it (CONFLICT).' })
  seen!: SessionSlotInput;
}

@InputType()
export class CancelSessionInput {
  @Field(() => ID) sessionId!: string;
  @Field(() => CancelledBy) cancelledBy!: CancelledBy;
  @Field(() => String) reason!: string;
  @Field(() => SessionSlotInput, { description: 'The time the form showed: a session someone has moved since is not cancelled at its new time (CONFLICT).' })
  seen!: SessionSlotInput;
}

@InputType()
export class GoalReviewInput {
  @Field(() => String, { description: "The care plan goal's id." }) goalId!: string;
  @Field(() => Int, { description: 'Check-in rating 0–10, recorded on the goal in the care plan.' }) rating!: number;
  @Field(() => String, { defaultValue: '' }) note!: string;
}

@InputType()
export class RecordSessionInput {
  @Field(() => ID) sessionId!: string;
  @Field(() => SessionOutcome) outcome!: SessionOutcome;
  @Field(() => String, { defaultValue: '', description: 'What was discussed (required when attended).' }) discussed!: string;
  @Field(() => [GoalReviewInput], { defaultValue: [] }) goalReviews!: GoalReviewInput[];
  @Field(() => [String], { defaultValue: [], description: "Ids of the care plan's strategies practised." }) strategyIds!: string[];
  @Field(() => String, { defaultValue: '' }) nextSteps!: string;
  @Field(() => [Instrument], { defaultValue: [] }) measuresTaken!: Instrument[];
  @Field(() => Boolean, { defaultValue: false, description: 'The patient reports a flare-up since the last session.' }) flareUp!: boolean;
  @Field(() => SessionSlotInput, { description: 'The time the form showed: a session someone has moved since is not recorded against its new time (CONFLICT).' })
  seen!: SessionSlotInput;
}

@InputType()
export class SetCoachCapacityInput {
  @Field(() => ID) coachId!: string;
  @Field(() => Int) sessionsPerWeek!: number;
  @Field(() => Int, { description: 'How many patients the coach can lead at once.' }) caseloadSize!: number;
}

@ObjectType({ description: 'A care plan goal reviewed at a session, with the rating recorded on it.' })
export class SessionGoalReview {
  @Field(() => String) goalId!: string;
  @Field(() => String, { description: 'The goal as it read when reviewed.' }) goalWhat!: string;
  @Field(() => Int) rating!: number;
  @Field(() => String) note!: string;
}

@ObjectType()
export class SessionStrategyPractised {
  @Field(() => String) strategyId!: string;
  @Field(() => String) strategyWhat!: string;
}

@ObjectType({ description: 'What Cairn suggests for the next session, and why; the coach decides.' })
export class CadenceSuggestion {
  @Field(() => CadenceInterval) interval!: CadenceInterval;
  @Field(() => CadenceInterval, { nullable: true, description: 'The interval before the last recorded session; null before any.' }) previous!: CadenceInterval | null;
  @Field(() => CadenceDirection) direction!: CadenceDirection;
  @Field(() => [String], { description: 'Why, in words, one reason a line.' }) reasons!: string[];
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: the suggested day for the next session (null at DISCHARGE_REVIEW).' }) suggestedDate!: string | null;
}

@ObjectType()
export class SessionDetail {
  @Field(() => CoachingSession) session!: CoachingSession;
  @Field(() => [SessionGoalReview]) goalReviews!: SessionGoalReview[];
  @Field(() => [SessionStrategyPractised]) strategiesPractised!: SessionStrategyPractised[];
  @Field(() => [SessionChange], { description: 'Rebooks and cancellations, oldest first.' }) changes!: SessionChange[];
  @Field(() => [SessionAddendum]) addenda!: SessionAddendum[];
}

@ObjectType()
export class RecordSessionResult {
  @Field(() => SessionDetail) detail!: SessionDetail;
  @Field(() => CadenceSuggestion) cadence!: CadenceSuggestion;
  @Field(() => Boolean, { description: 'This DNA made two or more in a row: the coach and the care-team lead were alerted.' }) dnaAlert!: boolean;
}

@ObjectType()
export class DiaryEntry {
  @Field(() => CoachingSession) session!: CoachingSession;
  @Field(() => Patient) patient!: Patient;
}

@ObjectType()
export class CoachDiary {
  @Field(() => User) coach!: User;
  @Field(() => String, { description: "YYYY-MM-DD: today's date in the UK, whichever week is shown." }) today!: string;
  @Field(() => String, { description: 'YYYY-MM-DD (UK): the day the diary was opened on (the date asked for, else today).' }) day!: string;
  @Field(() => String, { description: 'YYYY-MM-DD: the Monday the week starts.' }) weekStart!: string;
  @Field(() => [DiaryEntry], { description: "The sessions on `day`, in time order." }) daySessions!: DiaryEntry[];
  @Field(() => [DiaryEntry], { description: "The week's sessions (Monday to Sunday), in time order." }) weekSessions!: DiaryEntry[];
}

@ObjectType({ description: "A coach's capacity against what is booked and whom they lead." })
export class CoachCapacityView {
  @Field(() => User) coach!: User;
  @Field(() => Int, { nullable: true, description: 'Null until the coach sets it.' }) sessionsPerWeek!: number | null;
  @Field(() => Int, { nullable: true }) caseloadSize!: number | null;
  @Field(() => Int, { description: 'ACTIVE patients whose care the coach leads.' }) activeCaseload!: number;
  @Field(() => Int, { description: 'Sessions booked or held this week (Monday to Sunday), cancellations left out.' }) sessionsThisWeek!: number;
  @Field(() => Int) sessionsNextWeek!: number;
  @Field(() => Int, { description: 'Pain Cafés the coach facilitates this week (not cancelled): time away from one-to-one sessions.' }) cafesThisWeek!: number;
  @Field(() => Int) cafesNextWeek!: number;
  @Field(() => String, { description: 'YYYY-MM-DD' }) weekStart!: string;
}

export { CoachingSession };
