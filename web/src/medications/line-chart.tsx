import { For, type JSX } from 'solid-js';
import { createMeasuredWidth } from '../ui/measured-width.js';

/**
 * A small line chart of one series over months, in SVG: the points are labelled for screen readers by the
 * table beside it, so the chart itself is decorative apart from its title. Drawn at its container's width,
 * so its text keeps its size in a narrow column.
 */
export function LineChart(props: { title: string; labels: readonly string[]; values: readonly number[]; format?: (n: number) => string }): JSX.Element {
  const [width, measure] = createMeasuredWidth(320);
  const height = 120;
  const pad = { left: 8, right: 8, top: 18, bottom: 18 };
  const max = () => Math.max(1, ...props.values);
  const x = (i: number) => pad.left + (props.values.length <= 1 ? 0 : (i * (width() - pad.left - pad.right)) / (props.values.length - 1));
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max());
  const points = () => props.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  const fmt = (n: number) => (props.format ? props.format(n) : n.toLocaleString('en-GB'));
  const last = () => props.values[props.values.length - 1] ?? 0;
  return (
    <figure class="line-chart">
      <figcaption>
        {props.title}: <strong>{fmt(last())}</strong> <span class="muted">({props.labels[props.labels.length - 1] ?? ''})</span>
      </figcaption>
      <svg ref={measure} viewBox={`0 0 ${width()} ${height}`} role="img" aria-label={`${props.title}, ${props.labels[0] ?? ''} to ${props.labels[props.labels.length - 1] ?? ''}`}>
        <line x1={pad.left} x2={width() - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} class="line-chart__axis" />
        <polyline points={points()} class="line-chart__line" fill="none" />
        <For each={props.values}>{(v, i) => <circle cx={x(i())} cy={y(v)} r="2.5" class="line-chart__point" />}</For>
        <text x={pad.left} y={height - 4} class="line-chart__label">
          {props.labels[0]}
        </text>
        <text x={width() - pad.right} y={height - 4} class="line-chart__label" text-anchor="end">
          {props.labels[props.labels.length - 1]}
        </text>
        <text x={pad.left} y={12} class="line-chart__label">
          max {fmt(max())}
        </text>
      </svg>
    </figure>
  );
}
