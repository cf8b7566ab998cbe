import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Instrument, instruments, type InstrumentDefinition } from './instruments.js';
import { outcomeConfig } from './outcome-config.js';
import { GpAppointmentSource } from './outcome-record.entity.js';
import type { Series, SeriesPoint } from './outcome-series.js';
import { ChangeDirection, type Change } from './scoring.js';

registerEnumType(ChangeDirection, { name: 'ChangeDirection' });

@ObjectType({ description: 'One question of an instrument, worded as shown to the patient.' })
export class InstrumentItem {
  @Field(() => Int) number!: number;
  @Field(() => String) text!: string;
  @Field(() => Float) min!: number;
  @Field(() => Float) max!: number;
  @Field(() => Int, { description: 'Digits allowed after the decimal point (1 only for the PAM score).' }) decimals!: number;
  @Field(() => String) minLabel!: string;
  @Field(() => String) maxLabel!: string;
  @Field(() => [String], { nullable: true, description: 'Names of every point of the scale, from min to max (PGIC).' }) options!: string[] | null;
}

@ObjectType({ description: 'A named range of scores, inclusive at both ends.' })
export class ScoreBand {
  @Field(() => String) label!: string;
  @Field(() => Float) from!: number;
  @Field(() => Float) to!: number;
}

@ObjectType({ description: 'How a change from baseline is judged clinically meaningful.' })
export class MeaningfulChangeRule {
  @Field(() => String) description!: string;
  @Field(() => Float, { nullable: true }) minPoints!: number | null;
  @Field(() => Boolean) requireBandChange!: boolean;
  @Field(() => Float, { nullable: true }) minPercent!: number | null;
}

@ObjectType({ description: 'An outcome instrument: its wording, citation, scale, bands and change rule.' })
export class OutcomeInstrument {
  @Field(() => Instrument) code!: Instrument;
  @Field(() => String) name!: string;
  @Field(() => String) shortName!: string;
  @Field(() => String) citation!: string;
  @Field(() => String) instructions!: string;
  @Field(() => [InstrumentItem]) items!: InstrumentItem[];
  @Field(() => Float) scoreMin!: number;
  @Field(() => Float) scoreMax!: number;
  @Field(() => Boolean) higherIsBetter!: boolean;
  @Field(() => Boolean) patientCompletable!: boolean;
  @Field(() => Boolean, { description: 'A count with no natural top (GP appointments): scoreMax bounds what is accepted, not the chart.' }) isCount!: boolean;
  @Field(() => Boolean, { description: 'Itself a rating of change since the programme began (PGIC): no baseline, no change from one.' }) ratesChange!: boolean;
  @Field(() => [ScoreBand]) bands!: ScoreBand[];
  @Field(() => MeaningfulChangeRule, { nullable: true }) meaningfulChange!: MeaningfulChangeRule | null;
  @Field(() => Float, { nullable: true, description: 'Shown beside the rule; never used to decide it.' }) minimalDetectableChange!: number | null;
}

export function toOutcomeInstrument(def: InstrumentDefinition): OutcomeInstrument {
  const config = outcomeConfig[def.code];
  const rule = config.meaningfulChange;
  return Object.assign(new OutcomeInstrument(), {
    ...def,
    items: def.items.map((i) => ({ ...i, options: i.options ?? null })),
    isCount: def.isCount === true,
    ratesChange: def.ratesChange === true,
    bands: config.bands,
    meaningfulChange: rule && {
      description: rule.description,
      minPoints: rule.kind === 'POINTS_AND_BAND' ? rule.minPoints : null,
      requireBandChange: rule.kind === 'POINTS_AND_BAND' && rule.requireBandChange,
      minPercent: rule.kind === 'PERCENT' ? rule.minPercent : null,
    },
    minimalDetectableChange: config.minimalDetectableChange,
  });
}

@ObjectType({ description: 'A change from baseline, and whether the instrument\'s rule calls it meaningful.' })
export class OutcomeChange {
  @Field(() => Float) points!: number;
  @Field(() => Float, { nullable: true, description: 'Of the baseline score, one decimal; null when the baseline is 0.' }) percent!: number | null;
  @Field(() => ChangeDirection) direction!: ChangeDirection;
  @Field(() => Boolean, { nullable: true, description: 'Null when the instrument has no meaningful-change rule.' }) meaningful!: boolean | null;
  @Field(() => String, { nullable: true }) rule!: string | null;
  @Field(() => Boolean, { nullable: true }) beyondMinimalDetectableChange!: boolean | null;
}

@ObjectType()
export class OutcomePoint {
  @Field(() => ID) recordId!: string;
  @Field(() => String) measuredOn!: string;
  @Field(() => Float) score!: number;
  @Field(() => String, { nullable: true }) band!: string | null;
  @Field(() => Boolean) isBaseline!: boolean;
  @Field(() => String) completedBy!: string;
  @Field(() => Boolean, { description: 'A PSEQ-2 taken from a PSEQ-10 (items 5 and 9).' }) fromPseq10!: boolean;
  @Field(() => OutcomeChange, { nullable: true, description: 'Null on the baseline, and for an instrument that rates change itself (PGIC).' }) change!: Change | null;
}

@ObjectType({ description: "One instrument's scores over the patient's current episode, oldest first; the first is the baseline, unless the instrument rates change itself." })
export class OutcomeSeries {
  @Field(() => Instrument) instrument!: Instrument;
  @Field(() => [OutcomePoint]) points!: OutcomePoint[];
}

export function toOutcomeSeries(s: Series): OutcomeSeries {
  return { instrument: s.instrument, points: s.points.map(toPoint) };
}

function toPoint(p: SeriesPoint): OutcomePoint {
  return { ...p, band: p.band?.label ?? null };
}

@ObjectType({ description: 'One item of a record, with its wording and the answer given.' })
export class OutcomeItemAnswer {
  @Field(() => Int) number!: number;
  @Field(() => String) text!: string;
  @Field(() => Float, { nullable: true }) answer!: number | null;
  @Field(() => String, { nullable: true, description: 'The named point of the scale, where it has names (PGIC).' }) answerLabel!: string | null;
}

export function itemAnswers(instrument: Instrument, answers: ReadonlyArray<number | null>): OutcomeItemAnswer[] {
  return instruments[instrument].items.map((item, i) => {
    const answer = answers[i] ?? null;
    return { number: item.number, text: item.text, answer, answerLabel: answer !== null && item.options ? (item.options[answer - item.min] ?? null) : null };
  });
}

@InputType()
export class RecordOutcomeInput {
  @Field(() => ID) patientId!: string;
  @Field(() => Instrument) instrument!: Instrument;
  @Field(() => [Float], { nullable: 'items', description: 'One answer per item, in order; null where unanswered (the record is saved as a draft, unscored).' })
  answers!: Array<number | null>;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, not in the future. For GP appointments it defaults to the end of the period.' })
  measuredOn!: string | null;
  @Field(() => String, { nullable: true, description: 'GP appointments only.' }) periodFrom!: string | null;
  @Field(() => String, { nullable: true, description: 'GP appointments only.' }) periodTo!: string | null;
  @Field(() => GpAppointmentSource, { nullable: true, description: 'GP appointments only.' }) gpSource!: GpAppointmentSource | null;
  @Field(() => ID, { nullable: true, description: 'The record this one corrects (it stays, marked superseded).' }) supersedesId!: string | null;
}
