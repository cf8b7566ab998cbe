import { For, Show, type JSX } from 'solid-js';
import { createMeasuredWidth } from './measured-width.js';

/** One measurement: a date (YYYY-MM-DD) and its value. */
export interface ChartPoint {
  date: string;
  value: number;
  /** Drawn as a hollow diamond and labelled "baseline". */
  baseline?: boolean;
  /** Shown on hover and to screen readers. */
  label: string;
}

/** A shaded range of values (a severity band), inclusive at both ends. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** A horizontal line across the chart (a threshold). */
export interface ChartGuide {
  value: number;
  label: string;
}

export interface ScoreChartProps {
  points: readonly ChartPoint[];
  min: number;
  max: number;
  bands?: readonly ChartBand[];
  guides?: readonly ChartGuide[];
  /** The chart's summary for screen readers. */
  description: string;
  /** The values marked on the axis; the bottom, middle and top unless given. */
  ticks?: readonly number[];
  /** False for answers that each stand on their own (a rating of change since the start): points, no line between them. */
  joined?: boolean;
}

const height = 190;
const pad = { left: 28, right: 62, top: 10, bottom: 22 };
/** How far inside the plot the first and last points are drawn, so a marker never covers an axis label. */
const pointInset = 10;
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: '2-digit', timeZone: 'UTC' });
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/**
 * Values over time as an SVG line chart, spaced by date: shaded bands behind, dashed guides across, the
 * baseline marked. Knows nothing of where the numbers come from. Drawn at its container's width, so its
 * text keeps its size on a phone.
 */
export function ScoreChart(props: ScoreChartProps): JSX.Element {
  const [width, measure] = createMeasuredWidth(380);
  const plotW = () => width() - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (v: number) => pad.top + (1 - (clamp(v, props.min, props.max) - props.min) / (props.max - props.min || 1)) * plotH;
  const sorted = () => [...props.points].sort((a, b) => a.date.localeCompare(b.date));
  const x = (date: string) => {
    const list = sorted();
    if (list.length < 2) return pad.left + plotW() / 2;
    const first = day(list[0]!.date);
    const span = Math.max(day(list[list.length - 1]!.date) - first, 1);
    return pad.left + pointInset + ((day(date) - first) / span) * (plotW() - 2 * pointInset);
  };
  const line = () => sorted().map((p) => ({ x: x(p.date), y: y(p.value) }));
  // The baseline's own label sits right of its diamond, on the side the line does not leave by: below when the
  // line climbs or runs level, above when it falls (and there is room above). Its text's baseline, from the diamond's centre:
  const baselineLabelDy = (p: ChartPoint): number => {
    // By date: the points are made afresh on each read of the props, so not by identity.
    const next = sorted().find((q) => q.date > p.date);
    const falls = next !== undefined && y(next.value) > y(p.value);
    return falls && y(p.value) - 22 >= 0 ? -8 : 14;
  };
  // Those labels' boxes, which a guide's label must not cover.
  const baselineLabels = (): Box[] =>
    sorted()
      .filter((p) => p.baseline)
      .map((p) => ({ left: x(p.date) + 6, right: x(p.date) + 8 + 'baseline'.length * charWidth, top: y(p.value) + baselineLabelDy(p) - 12, bottom: y(p.value) + baselineLabelDy(p) + 4 }));
  // The band the latest score falls in: its label is drawn in full ink, so a score at a band's edge is not read
  // against its neighbour's label.
  const latestBand = (): number => {
    const last = sorted().at(-1);
    return last === undefined ? -1 : bandSpans(props.bands ?? []).findIndex((b) => last.value >= b.bottom && last.value <= b.top);
  };
  const ticks = () => props.ticks ?? [props.min, (props.min + props.max) / 2, props.max];
  return (
    <svg ref={measure} class="score-chart" viewBox={`0 0 ${width()} ${height}`} role="img" aria-label={props.description} preserveAspectRatio="xMidYMid meet">
      <For each={bandSpans(props.bands ?? [])}>
        {(b, i) => (
          <g class={`score-chart__band score-chart__band--${i() % 4}`} classList={{ 'score-chart__band--latest': i() === latestBand() }}>
            <rect x={pad.left} width={plotW()} y={y(b.top)} height={Math.max(y(b.bottom) - y(b.top), 1)} />
            <text x={width() - pad.right + 4} y={(y(b.bottom) + y(b.top)) / 2 + 4} class="score-chart__band-label">
              {b.label}
            </text>
          </g>
        )}
      </For>
      <For each={ticks()}>
        {(t) => (
          <>
            <line x1={pad.left} x2={pad.left + plotW()} y1={y(t)} y2={y(t)} class="score-chart__grid" />
            <text x={pad.left - 6} y={y(t) + 4} class="score-chart__axis" text-anchor="end">
              {round(t)}
            </text>
          </>
        )}
      </For>
      <For each={(props.guides ?? []).filter((g) => g.value >= props.min && g.value <= props.max)}>
        {(g) => {
          const place = () => guideLabelPlace(g.label, y(g.value), pad.left, plotW(), pad.top + plotH, line(), baselineLabels());
          return (
            <g class="score-chart__guide">
              <line x1={pad.left} x2={pad.left + plotW()} y1={y(g.value)} y2={y(g.value)} />
              <text x={place().x} y={place().y} text-anchor="middle">
                {g.label}
              </text>
            </g>
          );
        }}
      </For>
      <Show when={sorted().length > 1 && props.joined !== false}>
        <polyline class="score-chart__line" points={line().map((p) => `${p.x},${p.y}`).join(' ')} />
      </Show>
      <For each={sorted()}>
        {(p) => (
          <Show
            when={p.baseline}
            fallback={
              <circle cx={x(p.date)} cy={y(p.value)} r="4.5" class="score-chart__point">
                <title>{p.label}</title>
              </circle>
            }
          >
            <g class="score-chart__baseline">
              <rect x={x(p.date) - 5} y={y(p.value) - 5} width="10" height="10" transform={`rotate(45 ${x(p.date)} ${y(p.value)})`}>
                <title>{p.label}</title>
              </rect>
              <text x={x(p.date) + 8} y={y(p.value) + baselineLabelDy(p)}>baseline</text>
            </g>
          </Show>
        )}
      </For>
      {/* The first date under the left end; a lone measurement's, under its marker (mid-plot). */}
      <Show when={sorted().length > 0}>
        <text x={sorted().length === 1 ? x(sorted()[0]!.date) : pad.left} y={height - 6} class="score-chart__axis" text-anchor={sorted().length === 1 ? 'middle' : 'start'}>
          {shortDate.format(day(sorted()[0]!.date))}
        </text>
      </Show>
      <Show when={sorted().length > 1}>
        <text x={pad.left + plotW()} y={height - 6} class="score-chart__axis" text-anchor="end">
          {shortDate.format(day(sorted()[sorted().length - 1]!.date))}
        </text>
      </Show>
    </svg>
  );
}

/**
 * Bands as drawn: each from halfway to the band below to halfway to the band above. Bands are inclusive at both
 * ends (PSEQ moderate 20–30, mild 31–40), so drawn from their own ends a score of 30 would sit on the edge
 * between moderate and mild rather than inside moderate.
 */
function bandSpans(bands: readonly ChartBand[]): Array<{ label: string; bottom: number; top: number }> {
  const ordered = [...bands].sort((a, b) => a.from - b.from);
  return ordered.map((b, i) => ({
    label: b.label,
    bottom: i === 0 ? b.from : (ordered[i - 1]!.to + b.from) / 2,
    top: i === ordered.length - 1 ? b.to : (b.to + ordered[i + 1]!.from) / 2,
  }));
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A guide label's height, and its width per character, at the 11 px the stylesheet gives it (a little over, to leave a gap). */
const labelHeight = 13;
const charWidth = 6.5;

/**
 * Where a guide's label goes: just above its line mid-plot (away from the baseline's own label at the first
 * date), unless the trend line passes within a few pixels of it there; then the first of the other places
 * (below the line, the quarters, near the ends) the line keeps clear of, or failing all, the clearest.
 */
function guideLabelPlace(label: string, guideY: number, left: number, plotW: number, plotBottom: number, line: ReadonlyArray<{ x: number; y: number }>, avoid: readonly Box[]): { x: number; y: number } {
  const half = (label.length * charWidth) / 2;
  let best = { x: left + plotW / 2, y: guideY - 3, clearance: -1 };
  for (const at of [0.5, 0.25, 0.75, 0.12, 0.88]) {
    const cx = Math.min(Math.max(left + plotW * at, left + half), left + plotW - half);
    for (const baselineY of [guideY - 3, guideY + labelHeight]) {
      const box = { left: cx - half, right: cx + half, top: baselineY - labelHeight + 2, bottom: baselineY + 3 };
      // Below the plot it would run into the dates; over the baseline's label, into that.
      if (box.bottom > plotBottom || avoid.some((a) => a.left < box.right && box.left < a.right && a.top < box.bottom && box.top < a.bottom)) continue;
      const clearance = distanceFromLine(box, line);
      if (clearance >= 4) return { x: cx, y: baselineY };
      if (clearance > best.clearance) best = { x: cx, y: baselineY, clearance };
    }
  }
  return { x: best.x, y: best.y };
}

/** How far, vertically, the line passes from a box within the box's width: 0 when it crosses it, Infinity when it never comes under or over it. */
function distanceFromLine(box: Box, line: ReadonlyArray<{ x: number; y: number }>): number {
  // A single point is a circle of radius about 5: a segment of its own width.
  const segments = line.length === 1 ? [[{ x: line[0]!.x - 5, y: line[0]!.y }, { x: line[0]!.x + 5, y: line[0]!.y }]] : line.slice(1).map((b, i) => [line[i]!, b]);
  let nearest = Infinity;
  for (const [a, b] of segments as Array<[{ x: number; y: number }, { x: number; y: number }]>) {
    const from = Math.max(a.x, box.left);
    const to = Math.min(b.x, box.right);
    if (from > to) continue;
    // Straight over [from, to], so its highest and lowest points there are at the two ends.
    const at = (px: number) => (b.x === a.x ? (px === from ? a.y : b.y) : a.y + ((px - a.x) / (b.x - a.x)) * (b.y - a.y));
    const top = Math.min(at(from), at(to));
    const bottom = Math.max(at(from), at(to));
    nearest = Math.min(nearest, bottom < box.top ? box.top - bottom : top > box.bottom ? top - box.bottom : 0);
  }
  return nearest;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
