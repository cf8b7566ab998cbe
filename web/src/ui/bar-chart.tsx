import { signedNumber } from '@cairn/schema/words';
import { For, type JSX } from 'solid-js';

export interface Bar {
  label: string;
  /** Null draws no bar and says "no data". */
  value: number | null;
  /** Written after the value, e.g. "N = 42". */
  note: string;
}

/**
 * Horizontal bars from a zero line (negative values go left), each labelled with its value and note, so
 * the figures read without the bars. Knows nothing of where the numbers come from. Laid out in HTML, not
 * one scaled drawing: the labels wrap and keep the page's text size at any width.
 */
export function BarChart(props: {
  bars: readonly Bar[];
  unit: string;
  description: string;
  /** Shows + before positive values (a change); false for a plain figure such as a rate. */
  signed?: boolean;
  /** The value a full-length bar stands for: 100 for a share in percent, so 20% draws a fifth. The largest value's size unless given. */
  max?: number;
}): JSX.Element {
  const extent = () => props.max ?? Math.max(1, ...props.bars.map((b) => Math.abs(b.value ?? 0)));
  const hasNegative = () => props.bars.some((b) => (b.value ?? 0) < 0);
  /** Where zero sits along the track, and how much of the track one unit takes, in percent. */
  const zero = () => (hasNegative() ? 50 : 0);
  const scale = () => (hasNegative() ? 50 : 100) / extent();
  return (
    <div class="bar-chart" role="img" aria-label={props.description}>
      <For each={props.bars}>
        {(b) => {
          const v = () => Math.max(-extent(), Math.min(extent(), b.value ?? 0));
          return (
            <div class="bar-chart__row">
              <span class="bar-chart__label">{b.label}</span>
              <span class="bar-chart__track" style={{ '--zero': `${zero()}%` }}>
                <span
                  class={v() < 0 ? 'bar-chart__bar bar-chart__bar--negative' : 'bar-chart__bar'}
                  style={{ left: `${v() < 0 ? zero() + v() * scale() : zero()}%`, width: `${Math.abs(v()) * scale()}%` }}
                />
              </span>
              <span class="bar-chart__value">
                {b.value === null ? 'no data' : `${props.signed === false ? b.value : signedNumber(b.value)}${props.unit}`} ({b.note})
              </span>
            </div>
          );
        }}
      </For>
    </div>
  );
}
