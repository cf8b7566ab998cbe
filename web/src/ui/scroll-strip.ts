import { createEffect, onCleanup, onMount } from 'solid-js';

/**
 * A row of links that scrolls sideways on a narrow screen (a record's tabs, a plan's sections). It brings the
 * current link (`[aria-current]`) into view when `current` changes or the strip is resized, since on a phone it could sit off-screen
 * with nothing to say which one was open, and marks the edges with more beyond them (`data-more="start end"`)
 * so the stylesheet can fade them as a cue that the row scrolls.
 */
export function useScrollStrip(list: () => HTMLElement | undefined, current: () => unknown = () => undefined): void {
  const mark = () => {
    const el = list();
    if (!el) return;
    const more = [el.scrollLeft > 1 ? 'start' : '', el.scrollLeft + el.clientWidth < el.scrollWidth - 1 ? 'end' : ''].filter(Boolean).join(' ');
    if (more) el.dataset.more = more;
    else delete el.dataset.more;
  };
  const reveal = () => {
    const el = list();
    const item = el?.querySelector('[aria-current]');
    if (el && item) {
      const strip = el.getBoundingClientRect();
      const box = item.getBoundingClientRect();
      // The strip alone scrolls, the item centred where it can be: scrollIntoView would move the page too.
      if (box.left < strip.left || box.right > strip.right) el.scrollLeft += box.left - strip.left - (strip.width - box.width) / 2;
    }
    mark();
  };
  onMount(() => {
    const el = list();
    if (!el) return;
    el.addEventListener('scroll', mark, { passive: true });
    // A narrower strip (a tablet turned, a window made smaller) can leave the open item out of view.
    const resized = new ResizeObserver(reveal);
    resized.observe(el);
    onCleanup(() => {
      el.removeEventListener('scroll', mark);
      resized.disconnect();
    });
  });
  createEffect(() => {
    current();
    // After this change's attributes are in the DOM and laid out.
    const frame = requestAnimationFrame(reveal);
    onCleanup(() => cancelAnimationFrame(frame));
  });
}
