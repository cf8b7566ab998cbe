import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { itemNotFound, PatientAction, requireActor, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { instrumentCodes, instruments } from './instruments.js';
import { CompletedBy, OutcomeRecord } from './outcome-record.entity.js';
import { findRecord, listRecords, patientSeries, recordOutcome, supersededBy } from './outcome.service.js';
import { bandOf } from './scoring.js';
import { itemAnswers, OutcomeItemAnswer, OutcomeInstrument, OutcomeSeries, RecordOutcomeInput, toOutcomeInstrument, toOutcomeSeries } from './outcome.types.js';

@Resolver(() => OutcomeRecord)
export class OutcomeResolver {
  @Query(() => [OutcomeInstrument], { description: 'Every outcome instrument, with its wording, citation, bands and change rule.' })
  outcomeInstruments(@Ctx() ctx: Context): OutcomeInstrument[] {
    requireActor(ctx);
    return instrumentCodes.map((code) => toOutcomeInstrument(instruments[code]));
  }

  @Query(() => [OutcomeSeries], { description: "Each instrument's scores over the patient's current episode, with change from baseline." })
  async patientOutcomes(@Arg('patientId', () => ID) patientId: string, @Ctx() ctx: Context): Promise<OutcomeSeries[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return (await patientSeries(ctx.em, patient.id)).map(toOutcomeSeries);
  }

  @Query(() => [OutcomeRecord], { description: "A patient's measures, newest first; corrected ones only when asked." })
  async outcomeRecords(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('includeSuperseded', () => Boolean, { defaultValue: false }) includeSuperseded: boolean,
    @Ctx() ctx: Context,
  ): Promise<OutcomeRecord[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return listRecords(ctx.em, patient.id, includeSuperseded);
  }

  @Query(() => OutcomeRecord)
  async outcomeRecord(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<OutcomeRecord> {
    requireActor(ctx);
    // No such measure and one on a patient out of reach answer alike, and both are audited.
    const through = { noun: 'measure', detail: { recordId: id } };
    const record = await findRecord(ctx.em, id);
    if (!record) throw await itemNotFound(ctx, PatientAction.READ, through);
    await requirePatientAccess(ctx, record.patientId, PatientAction.READ, through);
    return record;
  }

  @Mutation(() => OutcomeRecord, { description: 'Records a measure (a draft if some items are unanswered; refused if none is answered), or corrects one with `supersedesId`.' })
  async recordOutcome(@Arg('input', () => RecordOutcomeInput) input: RecordOutcomeInput, @Ctx() ctx: Context): Promise<OutcomeRecord> {
    const { actor, patient } = await requirePatientAccess(ctx, input.patientId, PatientAction.RECORD_OUTCOME);
    return recordOutcome(ctx.em, { actor, requestId: ctx.requestId }, patient, input, { completedBy: CompletedBy.CLINICIAN, questionnaireRequestId: null });
  }

  @FieldResolver(() => [OutcomeItemAnswer], { description: 'Each item with its wording and the answer given.' })
  items(@Root() record: OutcomeRecord): OutcomeItemAnswer[] {
    return itemAnswers(record.instrument, record.answers);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The severity band of the score, where the instrument has bands.' })
  band(@Root() record: OutcomeRecord): string | null {
    return record.score === null ? null : (bandOf(record.instrument, record.score)?.label ?? null);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The record that corrects this one, if it has been corrected.' })
  async supersededById(@Root() record: OutcomeRecord, @Ctx() ctx: Context): Promise<string | null> {
    return supersededBy(ctx.em, record.id);
  }
}
