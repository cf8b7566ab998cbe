import type { JSX } from 'solid-js';

/**
 * How full something with a fixed number of places is: a bar of taken places out of all, with the figures
 * in words beside it (the bar only repeats them), and a note of any overflow (a waiting list).
 */
export function FillBar(props: { taken: number; capacity: number; label: string; overflow?: number; overflowLabel?: string }): JSX.Element {
  const share = () => (props.capacity > 0 ? Math.min(props.taken / props.capacity, 1) : 0);
  const full = () => props.taken >= props.capacity;
  return (
    <div class="fill-bar">
      <div
        class={`fill-bar__track ${full() ? 'fill-bar__track--full' : ''}`}
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.capacity}
        aria-valuenow={Math.min(props.taken, props.capacity)}
        aria-valuetext={`${props.taken} of ${props.capacity} taken`}
      >
        <div class="fill-bar__fill" style={{ width: `${share() * 100}%` }} />
      </div>
      <p class="fill-bar__words">
        <strong>
          {props.taken} of {props.capacity}
        </strong>{' '}
        taken · {full() ? 'full' : `${props.capacity - props.taken} ${props.capacity - props.taken === 1 ? 'place' : 'places'} left`}
        {props.overflow ? ` · ${props.overflow} ${props.overflowLabel ?? 'waiting'}` : ''}
      </p>
    </div>
  );
}
