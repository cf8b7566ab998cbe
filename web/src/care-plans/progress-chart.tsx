import { For, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { createMeasuredWidth } from '../ui/measured-width.js';
import type { CheckIn } from './plan-doc.js';

const height = 120;
const pad = { left: 28, right: 12, top: 10, bottom: 22 };

const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/**
 * Check-in ratings (0–10) over time as a small line chart, spaced by date. The same figures are in the
 * check-in list beside it, and the chart's label sums them up for screen readers. Drawn at its container's
 * width, so its text keeps its size on a phone.
 */
export function ProgressChart(props: { checkIns: CheckIn[]; goal: string }): JSX.Element {
  const [width, measure] = createMeasuredWidth(320);
  const sorted = () => [...props.checkIns].sort((a, b) => a.date.localeCompare(b.date));
  const points = () => {
    const list = sorted();
    const first = day(list[0]!.date);
    const span = Math.max(day(list[list.length - 1]!.date) - first, 1);
    const x = (d: string) => (list.length === 1 ? pad.left + (width() - pad.left - pad.right) / 2 : pad.left + ((day(d) - first) / span) * (width() - pad.left - pad.right));
    const y = (r: number) => pad.top + (1 - r / 10) * (height - pad.top - pad.bottom);
    return list.map((c) => ({ x: x(c.date), y: y(c.rating), c }));
  };
  const summary = () => {
    const list = sorted();
    const last = list[list.length - 1]!;
    return `Progress on “${props.goal || 'this goal'}”: ${list.length} check-in${list.length === 1 ? '' : 's'}, from ${list[0]!.rating} out of 10 on ${formatIsoDate(list[0]!.date)} to ${last.rating} out of 10 on ${formatIsoDate(last.date)}.`;
  };
  return (
    <Show when={props.checkIns.length > 0}>
      <svg ref={measure} class="progress-chart" viewBox={`0 0 ${width()} ${height}`} role="img" aria-label={summary()}>
        <For each={[0, 5, 10]}>
          {(r) => {
            const y = pad.top + (1 - r / 10) * (height - pad.top - pad.bottom);
            return (
              <>
                <line x1={pad.left} x2={width() - pad.right} y1={y} y2={y} class="progress-chart__grid" />
                <text x={pad.left - 6} y={y + 4} class="progress-chart__axis" text-anchor="end">
                  {r}
                </text>
              </>
            );
          }}
        </For>
        <polyline class="progress-chart__line" points={points().map((p) => `${p.x},${p.y}`).join(' ')} />
        <For each={points()}>
          {(p) => (
            <circle cx={p.x} cy={p.y} r="4" class="progress-chart__point">
              <title>{`${formatIsoDate(p.c.date)}: ${p.c.rating}/10${p.c.note ? ` – ${p.c.note}` : ''}`}</title>
            </circle>
          )}
        </For>
        <text x={pad.left} y={height - 4} class="progress-chart__axis">
          {shortDate.format(day(sorted()[0]!.date))}
        </text>
        <Show when={sorted().length > 1}>
          <text x={width() - pad.right} y={height - 4} class="progress-chart__axis" text-anchor="end">
            {shortDate.format(day(sorted()[sorted().length - 1]!.date))}
          </text>
        </Show>
      </svg>
    </Show>
  );
}
