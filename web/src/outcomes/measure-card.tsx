import type { PatientMeasuresQuery } from '@cairn/schema/operations';
import { Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { Badge } from '../ui/badge.js';
import { ScoreChart, type ChartGuide } from '../ui/score-chart.js';
import type { InstrumentDef } from './record-outcome-form.js';

type Series = PatientMeasuresQuery['patientOutcomes'][number];
type Point = Series['points'][number];
type Change = NonNullable<Point['change']>;

/** A change in words: "+10 points (+62.5 %) from baseline". */
export function changeWords(c: Change): string {
  const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
  return `${sign(c.points)} point${Math.abs(c.points) === 1 ? '' : 's'}${c.percent === null ? '' : ` (${sign(c.percent)} %)`} from baseline`;
}

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
      { value: baseline + d, label: `baseline +${rule.minPercent} %` },
      { value: baseline - d, label: `baseline −${rule.minPercent} %` },
    ];
  }
  return [];
}

/** One instrument's trend: the chart, the latest score and its change from baseline, and the rule used. */
export function MeasureCard(props: { def: InstrumentDef; series: Series; onRecord?: () => void }): JSX.Element {
  const points = () => props.series.points;
  const latest = () => points().at(-1);
  const baseline = () => points().find((p) => p.isBaseline);
  const description = () => {
    const l = latest();
    const b = baseline();
    if (!l || !b) return `${props.def.shortName}: no scores yet.`;
    return `${props.def.shortName} over time: ${points().length} score${points().length === 1 ? '' : 's'}, baseline ${b.score} on ${formatIsoDate(b.measuredOn)}, latest ${l.score} on ${formatIsoDate(l.measuredOn)}${l.change ? `, ${changeWords(l.change)}` : ''}.`;
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
              <span class="measure-card__score" data-testid={`latest-${props.def.code}`}>
                {l().score}
              </span>
              <span class="muted"> / {props.def.scoreMax}</span>
              <Show when={l().band}>{(band) => <Badge tone="neutral">{band()}</Badge>}</Show>
              <span class="muted"> on {formatIsoDate(l().measuredOn)}</span>
            </p>
            <Show when={l().change} fallback={<p class="muted">This is the baseline: the first score of this episode.</p>}>
              {(c) => (
                <p class="measure-card__change" data-testid={`change-${props.def.code}`}>
                  {changeWords(c())} ({baseline()?.score} on {formatIsoDate(baseline()!.measuredOn)}).{' '}
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
              max={props.def.scoreMax}
              bands={props.def.bands}
              guides={thresholdGuides(props.def, baseline()?.score)}
              points={points().map((p) => ({
                date: p.measuredOn,
                value: p.score,
                baseline: p.isBaseline,
                label: `${formatIsoDate(p.measuredOn)}: ${p.score}${p.band ? ` (${p.band})` : ''}${p.fromPseq10 ? ', from a PSEQ-10' : ''}${p.completedBy === 'PATIENT' ? ', completed by the patient' : ''}`,
              }))}
            />
          </>
        )}
      </Show>
    </article>
  );
}
