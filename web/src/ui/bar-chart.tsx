import { For, type JSX } from 'solid-js';

export interface Bar {
  label: string;
  /** Null draws no bar and says "no data". */
  value: number | null;
  /** Written after the value, e.g. "N = 42". */
  note: string;
}

const rowHeight = 30;
const labelWidth = 150;
const valueWidth = 130;
const width = 560;

/**
 * Horizontal bars from a zero line (negative values go left), each labelled with its value and note, so
 * the figures read without the bars. Knows nothing of where the numbers come from.
 */
export function BarChart(props: { bars: readonly Bar[]; unit: string; description: string; /** Shows + before positive values (a change); false for a plain figure such as a rate. */ signed?: boolean }): JSX.Element {
  const plotW = width - labelWidth - valueWidth;
  const extent = () => Math.max(1, ...props.bars.map((b) => Math.abs(b.value ?? 0)));
  const hasNegative = () => props.bars.some((b) => (b.value ?? 0) < 0);
  const zero = () => labelWidth + (hasNegative() ? plotW / 2 : 0);
  const scale = () => (hasNegative() ? plotW / 2 : plotW) / extent();
  const height = () => props.bars.length * rowHeight + 8;
  return (
    <svg class="bar-chart" viewBox={`0 0 ${width} ${height()}`} role="img" aria-label={props.description}>
      <line x1={zero()} x2={zero()} y1={0} y2={height()} class="bar-chart__zero" />
      <For each={props.bars}>
        {(b, i) => {
          const y = i() * rowHeight + 4;
          const v = b.value ?? 0;
          return (
            <g>
              <text x={labelWidth - 8} y={y + rowHeight / 2 + 2} text-anchor="end" class="bar-chart__label">
                {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
              </text>
              <rect x={v < 0 ? zero() + v * scale() : zero()} y={y + 4} width={Math.abs(v) * scale()} height={rowHeight - 10} class={v < 0 ? 'bar-chart__bar bar-chart__bar--negative' : 'bar-chart__bar'} />
              <text x={width - valueWidth + 6} y={y + rowHeight / 2 + 2} class="bar-chart__value">
                {b.value === null ? 'no data' : `${b.value > 0 && props.signed !== false ? '+' : ''}${b.value}${props.unit}`} ({b.note})
              </text>
            </g>
          );
        }}
      </For>
    </svg>
  );
}
