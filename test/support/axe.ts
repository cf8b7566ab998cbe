import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it stands: the serious and critical violations, as short
 * lines (none is good). Throws if axe checked nothing, so an empty page cannot pass.
 */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated by the browser's devtools protocol, not as a <script>: Cairn's Content-Security-Policy rightly
  // refuses inline scripts, and the test must not weaken it.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    type Violation = { id: string; help: string; impact: string | null; nodes: Array<{ target: unknown[] }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[]; passes: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: result.violations, checked: result.passes.length };
  });
  if (found.checked === 0) throw new Error('axe-core checked nothing');
  return found.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
