import type { Locator, Page } from 'playwright-core';

/** Viewport widths every screen must work at: the narrowest phone, a common phone, a laptop. */
export const widths = [320, 390, 1280] as const;

/**
 * What is wrong with how the fields matched by `fieldSelector` are laid out, as short lines (none is good):
 * two fields' boxes overlap, a field's text is drawn outside its own box or over another field's text, or a
 * field (or one of `containers`) is narrower than its content (scrollWidth > clientWidth: text clipped or
 * scrolled out of sight). Measured from the rendered boxes, never by eye.
 */
export async function fieldLayoutProblems(page: Page, fieldSelector: string, containers: string[] = []): Promise<string[]> {
  return page.evaluate(
    ({ fieldSelector, containers }) => {
      type Box = { left: number; right: number; top: number; bottom: number };
      const slack = 0.5;
      const overlap = (a: Box, b: Box) => a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
      const inside = (inner: Box, outer: Box) => inner.left >= outer.left - slack && inner.right <= outer.right + slack && inner.top >= outer.top - slack && inner.bottom <= outer.bottom + slack;
      const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''} "${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
      const textBoxes = (el: Element): Box[] => {
        const boxes: Box[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of Array.from(range.getClientRects())) if (r.width > 0 && r.height > 0) boxes.push(r);
        }
        return boxes;
      };
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      };
      const problems: string[] = [];
      const fields = Array.from(document.querySelectorAll(fieldSelector)).filter(visible);
      if (fields.length === 0) return [`no field matches ${fieldSelector}`];
      const boxes = fields.map((f) => f.getBoundingClientRect());
      const texts = fields.map(textBoxes);
      fields.forEach((f, i) => {
        if (f.scrollWidth > f.clientWidth) problems.push(`${name(f)} is clipped: content ${f.scrollWidth} px in ${f.clientWidth} px`);
        for (const child of Array.from(f.querySelectorAll('*'))) {
          const style = getComputedStyle(child);
          if (style.display === 'inline' || child.clientWidth === 0 || child instanceof HTMLSelectElement) continue;
          if (child.scrollWidth > child.clientWidth) problems.push(`${name(child)} in ${name(f)} is clipped: content ${child.scrollWidth} px in ${child.clientWidth} px`);
        }
        if (texts[i].some((t) => !inside(t, boxes[i]))) problems.push(`${name(f)} draws its text outside its own box`);
        if (boxes[i].left < -slack || boxes[i].right > document.documentElement.clientWidth + slack) problems.push(`${name(f)} runs off the screen`);
        for (let j = i + 1; j < fields.length; j++) {
          if (overlap(boxes[i], boxes[j])) problems.push(`${name(f)} overlaps ${name(fields[j])}`);
          if (texts[i].some((a) => texts[j].some((b) => overlap(a, b)))) problems.push(`the text of ${name(f)} is drawn over ${name(fields[j])}`);
        }
      });
      for (const selector of containers) {
        for (const c of Array.from(document.querySelectorAll(selector))) {
          if (visible(c) && c.scrollWidth > c.clientWidth) problems.push(`${selector} scrolls sideways: content ${c.scrollWidth} px in ${c.clientWidth} px`);
        }
      }
      return problems;
    },
    { fieldSelector, containers },
  );
}

/**
 * How far the page scrolls sideways (0 is good): the document's scroll width beyond the window's; when it
 * does, the elements reaching past the window's right edge follow, to say why.
 */
export async function sidewaysScroll(page: Page): Promise<Array<number | string>> {
  return page.evaluate(() => {
    const scroll = Math.max(0, document.scrollingElement!.scrollWidth - window.innerWidth);
    if (scroll === 0) return [0];
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(/\s+/).join('.')} right ${Math.round(el.getBoundingClientRect().right)}`);
    return [scroll, ...culprits.slice(0, 8)];
  });
}

/**
 * The contrast ratio (WCAG 2.1) of an element's text against its own background colour, both as computed.
 * For a button whose background is opaque: axe-core checks no disabled control, so this is how one is checked.
 * A see-through element's computed colours are not what is seen: it counts as 0.
 */
export function ownTextContrast(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = (css: string) => {
      const [r, g, b] = rgb(css).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const style = getComputedStyle(el);
    if (Number(style.opacity) < 1) return 0;
    const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  });
}
