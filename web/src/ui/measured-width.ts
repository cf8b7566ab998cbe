import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * An element's rendered width in CSS pixels, kept up to date as it resizes. A chart drawn at this width (its
 * viewBox as wide as the element) draws its text at the size the stylesheet gives it; a fixed viewBox scaled
 * down to a phone's width shrinks the text with the drawing, to 5–6 px.
 */
export function createMeasuredWidth(initial: number): [width: Accessor<number>, measure: (el: Element) => void] {
  const [width, setWidth] = createSignal(initial);
  let observer: ResizeObserver | undefined;
  const measure = (el: Element) => {
    observer?.disconnect();
    observer = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      // Hidden (inside closed details, say) measures 0: keep the last width rather than draw nothing.
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
  };
  onCleanup(() => observer?.disconnect());
  return [width, measure];
}
