import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * axe-core's WCAG 2.1 A/AA violations on the page as it stands. axe is evaluated through the browser's
 * debugging protocol, not added as a script tag, since Cairn's Content-Security-Policy refuses inline
 * scripts (as it should). Fails the test if axe checked nothing, so an empty page cannot pass.
 */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: result.violations, checked: result.passes.length };
  });
  expect(found.checked, 'axe-core checked nothing').toBeGreaterThan(0);
  return found.violations;
}

const described = (v: AxeViolation) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`;

/** Every violation, as short lines (none is good). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return (await axeViolations(page)).map(described);
}

/** The serious and critical violations only, as short lines (none is good). */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical').map(described);
}
