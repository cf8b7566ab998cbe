import { For, type JSX } from 'solid-js';
import { sectionAnchor } from './plan-context.js';
import { sectionLabels, sections } from './plan-doc.js';
import type { CarePlanSection } from '@cairn/schema/operations';
import { useScrollStrip } from '../ui/scroll-strip.js';

/**
 * Jump links to each section of the plan. Plain links (Tab reaches them, Enter follows one); following
 * one scrolls the section under the sticky bar and moves focus to its heading, so the keyboard carries on
 * from there rather than from the top of the page.
 */
export function SectionMenu(): JSX.Element {
  const jump = (e: MouseEvent, section: CarePlanSection) => {
    const target = document.getElementById(sectionAnchor(section));
    if (!target) return;
    e.preventDefault();
    // Just under the sticky bar, whatever its height at this width.
    const bar = target.closest('.care-plan')?.querySelector('.care-plan__bar');
    const barHeight = bar?.getBoundingClientRect().height ?? 0;
    window.scrollTo({ top: window.scrollY + target.getBoundingClientRect().top - barHeight - 8 });
    target.querySelector<HTMLElement>('[tabindex="-1"]')?.focus({ preventScroll: true });
  };
  let list: HTMLUListElement | undefined;
  useScrollStrip(() => list);
  return (
    <nav class="section-menu" aria-label="Sections of the plan">
      <ul ref={list} class="section-menu__list scroll-strip">
        <For each={sections}>
          {(section) => (
            <li>
              <a class="section-menu__link" href={`#${sectionAnchor(section)}`} onClick={(e) => jump(e, section)}>
                {sectionLabels[section]}
              </a>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
