import { Arg, Ctx, Field, GraphQLISODateTime, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Float, registerEnumType } from 'type-graphql';
import { PatientAction, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { Instrument, instruments } from './instruments.js';
import { OutcomeInstrument, toOutcomeInstrument } from './outcome.types.js';
import { QuestionnaireChannel, QuestionnaireRequest } from './questionnaire-request.entity.js';
import { gpEpisodeOf, gpQuestionFrom, gpQuestionWords, LinkState, linkState, listRequests, openQuestionnaire, sendQuestionnaire, submitQuestionnaire } from './questionnaire.service.js';
import { ukToday } from '../platform/uk-dates.js';

registerEnumType(LinkState, { name: 'QuestionnaireLinkState', description: 'Where a patient link stands; says nothing about the patient.' });

@InputType()
export class SendQuestionnaireInput {
  @Field(() => ID) patientId!: string;
  @Field(() => [Instrument]) instruments!: Instrument[];
  @Field(() => QuestionnaireChannel) channel!: QuestionnaireChannel;
}

@ObjectType()
export class SentQuestionnaire {
  @Field(() => QuestionnaireRequest) request!: QuestionnaireRequest;
  @Field(() => String, { description: 'The link\'s path, /q/<token>: shown this once and never stored. Send it to the patient.' }) path!: string;
}

@ObjectType({ description: 'What the patient sees once their date of birth matches.' })
export class PatientQuestionnaire {
  @Field(() => String) givenName!: string;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
  @Field(() => [OutcomeInstrument]) instruments!: OutcomeInstrument[];
}

@InputType()
export class PatientResponseInput {
  @Field(() => Instrument) instrument!: Instrument;
  @Field(() => [Float], { nullable: 'items' }) answers!: Array<number | null>;
}

@ObjectType()
export class QuestionnaireReceipt {
  @Field(() => Int, { description: 'How many questionnaires were received.' }) received!: number;
}

@Resolver()
export class QuestionnaireResolver {
  @Mutation(() => SentQuestionnaire, { description: 'Makes a one-time link for the patient to answer questionnaires from home. Cairn records how it was sent but sends nothing.' })
  async sendQuestionnaire(@Arg('input', () => SendQuestionnaireInput) input: SendQuestionnaireInput, @Ctx() ctx: Context): Promise<SentQuestionnaire> {
    const { actor, patient } = await requirePatientAccess(ctx, input.patientId, PatientAction.RECORD_OUTCOME);
    const { request, token } = await sendQuestionnaire(ctx.em, { actor, requestId: ctx.requestId }, patient, input, ctx.services.config.questionnaireLinkDays);
    return { request, path: `/q/${token}` };
  }

  @Query(() => [QuestionnaireRequest], { description: "The patient's questionnaire links, newest first." })
  async questionnaireRequests(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<QuestionnaireRequest[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return listRequests(ctx.em, patient.id);
  }

  @Query(() => LinkState, { description: 'For the patient\'s page, without signing in: whether the link can be used.' })
  async questionnaireLink(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<LinkState> {
    return linkState(ctx.em, token);
  }

  @Mutation(() => PatientQuestionnaire, { description: 'The patient confirms their date of birth (YYYY-MM-DD); wrong ones are counted and rate limited.' })
  async openQuestionnaire(@Arg('token', () => String) token: string, @Arg('dateOfBirth', () => String) dateOfBirth: string, @Ctx() ctx: Context): Promise<PatientQuestionnaire> {
    const { request, patient } = await openQuestionnaire(ctx.em, token, dateOfBirth, ctx.requestId);
    const today = ukToday();
    const gpWords = gpQuestionWords(gpQuestionFrom(await gpEpisodeOf(ctx.em, patient.id), today), today);
    // The patient's page has no dates to fill in: GP appointments are asked of a period it names.
    const instructionsOf = (i: Instrument) => (i === Instrument.GP_APPOINTMENTS ? gpWords : instruments[i].instructions);
    return { givenName: patient.givenName, expiresAt: request.expiresAt, instruments: request.instruments.map((i) => toOutcomeInstrument({ ...instruments[i], instructions: instructionsOf(i) })) };
  }

  @Mutation(() => QuestionnaireReceipt, { description: "The patient's answers; the link then closes." })
  async submitQuestionnaire(
    @Arg('token', () => String) token: string,
    @Arg('dateOfBirth', () => String) dateOfBirth: string,
    @Arg('responses', () => [PatientResponseInput]) responses: PatientResponseInput[],
    @Ctx() ctx: Context,
  ): Promise<QuestionnaireReceipt> {
    const records = await submitQuestionnaire(ctx.em, token, dateOfBirth, responses, ctx.requestId);
    return { received: records.length };
  }
}
