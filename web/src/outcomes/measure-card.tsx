import type { Instrument, PatientMeasuresQuery } from '@cairn/schema/operations';
import { signedNumber } from '@cairn/schema/words';
import { Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { Badge } from '../ui/badge.js';
import { ScoreChart, type ChartGuide } from '../ui/score-chart.js';
import type { InstrumentDef } from './record-outcome-form.js';

type Series = PatientMeasuresQuery['patientOutcomes'][number];
type Point = Series['points'][number];
type Change = NonNullable<Point['change']>;

/** What a count counts, one and many: its change is said in these, as a score's is in points. */
const countedAs: Partial<Record<Instrument, readonly [one: string, many: string]>> = { GP_APPOINTMENTS: ['appointment', 'appointments'] };

const percentWords = (c: Change) => (c.percent === null ? '' : ` (${signedNumber(c.percent)}%)`);

/**
 * A change in words: "+10 points (+62.5%) from baseline"; for a count, in what it counts: "2 fewer
 * appointments (−66.7%) than at baseline", "1 more appointment…", "the same number of appointments…".
 */
export function changeWords(c: Change, def: Pick<InstrumentDef, 'code' | 'isCount'>): string {
  const nouns = def.isCount ? countedAs[def.code] : undefined;
  if (!nouns) return `${signedNumber(c.points)} point${Math.abs(c.points) === 1 ? '' : 's'}${percentWords(c)} from baseline`;
  const by = Math.abs(c.points);
  if (by === 0) return `the same number of ${nouns[1]} as at baseline`;
  return `${by} ${c.points < 0 ? 'fewer' : 'more'} ${by === 1 ? nouns[0] : nouns[1]}${percentWords(c)} than at baseline`;
}

const sentenceStart = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/**
 * The meaningful-change thresholds around the baseline, as lines on the chart: for ePPOC's rule the
 * baseline ± its points, for a percentage rule the baseline ± that share of it.
 */
function thresholdGuides(def: InstrumentDef, baseline: number | undefined): ChartGuide[] {
  const rule = def.meaningfulChange;
  if (!rule || baseline === undefined) return [];
  if (rule.minPoints !== null) {
    return [
      { value: baseline + rule.minPoints, label: `baseline +${rule.minPoints}` },
      { value: baseline - rule.minPoints, label: `baseline −${rule.minPoints}` },
    ];
  }
  if (rule.minPercent !== null && baseline > 0) {
    const d = (baseline * rule.minPercent) / 100;
    return [
      { value: baseline + d, label: `baseline +${rule.minPercent}%` },
      { value: baseline - d, label: `baseline −${rule.minPercent}%` },
    ];
  }
  return [];
}

/** The smallest top a count's chart has, so that one or two appointments do not fill it. */
const COUNT_AXIS_MIN_TOP = 5;

/**
 * The axis of a count (GP appointments) fitted to the counts: whole-number ticks 1, 2, 5, 10… apart, at most
 * five steps, topped at the first tick at or above the largest count, and never below COUNT_AXIS_MIN_TOP.
 * A fixed 0–99 axis drew every realistic count flat along the bottom.
 */
export function countAxis(largest: number): { top: number; ticks: number[] } {
  const wanted = Math.max(largest, COUNT_AXIS_MIN_TOP);
  const steps = [1, 2, 5, 10, 20, 50, 100];
  const step = steps.find((s) => Math.ceil(wanted / s) <= 5) ?? Math.ceil(wanted / 5);
  const top = Math.ceil(wanted / step) * step;
  return { top, ticks: Array.from({ length: top / step + 1 }, (_, i) => i * step) };
}

/** Which way is better, where the numbers alone do not say; a rating of change says it by its ends. */
function directionWords(def: InstrumentDef): string {
  const options = def.items[0]?.options;
  if (def.ratesChange && options) return `Lower is better: ${def.scoreMin} is “${options[0]}”, ${def.scoreMax} “${options[options.length - 1]}”.`;
  return def.higherIsBetter ? 'Higher is better.' : 'Lower is better.';
}

/** A score as the card shows it: a named answer by its name (PGIC), any other as its number. */
export function scoreWords(def: InstrumentDef, score: number): string {
  return def.items[0]?.options?.[score - def.scoreMin] ?? String(score);
}

/**
 * One instrument's trend: the chart, the latest score and its change from baseline, the rule used, and
 * which way is better. A rating of change (PGIC) shows each answer by name, with no baseline; a count (GP
 * appointments) is charted on an axis fitted to it.
 */
export function MeasureCard(props: { def: InstrumentDef; series: Series; onRecord?: () => void }): JSX.Element {
  const points = () => props.series.points;
  const latest = () => points().at(-1);
  const baseline = () => points().find((p) => p.isBaseline);
  const axis = () => (props.def.isCount ? countAxis(Math.max(0, ...points().map((p) => p.score))) : null);
  // A scale of named answers (PGIC's seven) has every answer on the axis, so no point sits on an unnumbered level.
  const named = () => (props.def.items.length === 1 && props.def.items[0]?.options?.length ? props.def.items[0].options.length : 0);
  const ticks = () => axis()?.ticks ?? (named() ? Array.from({ length: named() }, (_, i) => props.def.scoreMin + i) : undefined);
  const description = () => {
    const l = latest();
    if (!l) return `${props.def.shortName}: no scores yet.`;
    const count = `${points().length} score${points().length === 1 ? '' : 's'}`;
    const b = baseline();
    if (!b) return `${props.def.shortName} over time: ${count}, latest “${scoreWords(props.def, l.score)}” on ${formatIsoDate(l.measuredOn)}. ${directionWords(props.def)}`;
    return `${props.def.shortName} over time: ${count}, baseline ${b.score} on ${formatIsoDate(b.measuredOn)}, latest ${l.score} on ${formatIsoDate(l.measuredOn)}${l.change ? `, ${changeWords(l.change, props.def)}` : ''}. ${directionWords(props.def)}`;
  };
  return (
    <article class="measure-card card" aria-labelledby={`measure-${props.def.code}`}>
      <header class="measure-card__head">
        <h3 id={`measure-${props.def.code}`}>
          {props.def.shortName} <span class="muted measure-card__name">{props.def.name}</span>
        </h3>
        <Show when={props.onRecord}>
          <button type="button" class="button button--quiet" onClick={() => props.onRecord!()}>
            Record {props.def.shortName}
          </button>
        </Show>
      </header>
      <Show when={latest()} fallback={<p class="muted">Not recorded yet.</p>}>
        {(l) => (
          <>
            <p class="measure-card__latest">
              <span class={`measure-card__score ${props.def.ratesChange ? 'measure-card__score--words' : ''}`} data-testid={`latest-${props.def.code}`}>
                {scoreWords(props.def, l().score)}
              </span>
              <Show when={!props.def.isCount && !props.def.ratesChange}>
                <span class="muted"> / {props.def.scoreMax}</span>
              </Show>
              <Show when={l().band}>{(band) => <Badge tone="neutral">{band()}</Badge>}</Show>
              <span class="muted"> on {formatIsoDate(l().measuredOn)}</span>
            </p>
            {/* Such scores have no record of their own below: say where they come from. */}
            <Show when={l().fromPseq10}>
              <p class="muted" data-testid={`from-pseq10-${props.def.code}`}>Scored from items 5 and 9 of the PSEQ-10 recorded that day.</p>
            </Show>
            <Show when={props.def.ratesChange}>
              <p class="muted">The patient’s own rating of change since starting the programme: each answer stands on its own.</p>
            </Show>
            <Show when={l().change} fallback={<Show when={l().isBaseline}><p class="muted">This is the baseline: the first score of this episode.</p></Show>}>
              {(c) => (
                <p class="measure-card__change" data-testid={`change-${props.def.code}`}>
                  {sentenceStart(changeWords(c(), props.def))} ({baseline()?.score} on {formatIsoDate(baseline()!.measuredOn)}).{' '}
                  <Show when={c().meaningful !== null}>
                    <Badge tone={c().meaningful ? (c().direction === 'WORSENED' ? 'warning' : 'success') : 'muted'}>
                      {c().meaningful ? (c().direction === 'WORSENED' ? 'Meaningful worsening' : 'Meaningful improvement') : 'Not a meaningful change'}
                    </Badge>
                  </Show>
                  <Show when={c().rule}>
                    <span class="muted measure-card__rule"> Rule: {c().rule}.</span>
                  </Show>
                  <Show when={props.def.minimalDetectableChange !== null}>
                    <span class="muted measure-card__rule">
                      {' '}
                      Minimal detectable change {props.def.minimalDetectableChange} points: {c().beyondMinimalDetectableChange ? 'reached' : 'not reached'}.
                    </span>
                  </Show>
                </p>
              )}
            </Show>
            <ScoreChart
              description={description()}
              min={props.def.scoreMin}
              max={axis()?.top ?? props.def.scoreMax}
              ticks={ticks()}
              joined={!props.def.ratesChange}
              bands={props.def.bands}
              guides={thresholdGuides(props.def, baseline()?.score)}
              points={points().map((p) => ({
                date: p.measuredOn,
                value: p.score,
                baseline: p.isBaseline,
                label: `${formatIsoDate(p.measuredOn)}: ${scoreWords(props.def, p.score)}${p.band ? ` (${p.band})` : ''}${p.fromPseq10 ? ', from a PSEQ-10' : ''}${p.completedBy === 'PATIENT' ? ', completed by the patient' : ''}`,
              }))}
            />
            <p class="muted measure-card__direction" data-testid={`direction-${props.def.code}`}>
              {directionWords(props.def)}
            </p>
          </>
        )}
      </Show>
    </article>
  );
}
