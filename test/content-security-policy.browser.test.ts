import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, TEST_PASSWORD, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');

describe('the app under its content security policy, in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let patient: Patient;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    patient = await world.patient([world.users.coach], { givenName: 'Amara', familyName: `Okafor ${world.tag}` });
  });

  /** Every CSP violation the page reports, from the DOM event and from the console. */
  function watchViolations(page: Page): string[] {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to (load|apply|execute|connect|frame)/i.test(m.text())) violations.push(`console: ${m.text()}`);
    });
    void page.exposeFunction('reportCspViolation', (v: string) => violations.push(`event: ${v}`));
    void page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return violations;
  }

  it('loads, signs in, edits the care plan live and prints it with no CSP violation, and cannot be framed', async () => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const violations = watchViolations(page);

    const first = await page.goto(server().url);
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email address').fill(world.users.coach.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My patients' }).waitFor();

    // The care plan: the rich-text editor (Quill, inline styles), and the live WebSocket (connect-src).
    await page.goto(`${server().url}/patients/${patient.id}`);
    await page.getByRole('heading', { level: 2, name: 'Care plan' }).waitFor();
    const whatMatters = page.getByRole('textbox', { name: 'What matters to me', exact: true });
    await whatMatters.click();
    await page.keyboard.press('Control+b');
    await page.keyboard.type('Gardening again', { delay: 10 });
    await whatMatters.locator('strong', { hasText: 'Gardening again' }).waitFor();
    // Stored through the socket's mutation: the plan read back over HTTP holds it.
    await expect.poll(async () => page.evaluate(async (id) => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ carePlan(patientId: "${id}") { view { whatMatters } } }` }) });
      return JSON.stringify(await res.json());
    }, patient.id), { timeout: 10_000 }).toContain('Gardening again');
    await page.screenshot({ path: path.join(artifactsDir, 'csp-care-plan-1280.png') });

    await page.goto(`${server().url}/patients/${patient.id}/care-plan/print`);
    await page.getByText('Gardening again').first().waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'csp-print-1280.png') });

    // Another page cannot frame Cairn: Chromium refuses the frame and says why.
    const framed = await context.newPage();
    const frameRefusals = watchViolations(framed);
    await framed.setContent(`<iframe src="${server().url}/"></iframe>`);
    await expect.poll(() => frameRefusals.join('\n'), { timeout: 10_000 }).toMatch(/frame-ancestors/);
    await framed.close();

    expect(violations).toEqual([]);
    await context.close();
  });
});
