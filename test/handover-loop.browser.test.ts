import { handoverUrgencies, urgencyHint, urgencyLabels } from '@cairn/schema/handover-urgency';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { escalationTimings } from '../server/src/handover/handover-escalation.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, TEST_PASSWORD, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

describe('the handover loop in Chromium, from posting to every action done', () => {
  // Timings other than the defaults, so a hint written into the web app rather than from the server would show.
  const server = useTestServer({ webDist, handoverUrgentEscalationSeconds: 2 * 3600, handoverSoonEscalationWorkingDays: 3 });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  async function signedIn(user: User, viewport = laptop): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser().newContext({ viewport, locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error (${user.name}):`, e));
    await page.goto(server().url);
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    return { context, page };
  }
  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage });
  const handoverCount = async (patientId: string) =>
    (await server().orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from handover_note where patient_id = ?', [patientId]))[0].n;

  it('the author must choose the urgency, and each hint says what this server does, from the shared definition', async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Iwan', familyName: `Morgan ${world.tag}` });
    await world.linkSpecialist(patient);
    const { context, page } = await signedIn(specialist);
    await page.goto(`${server().url}/patients/${patient.id}/handover`);
    await page.getByRole('button', { name: 'Post a handover' }).click();
    const urgency = page.getByRole('group', { name: 'Urgency' });
    await urgency.getByText(urgencyHint('URGENT', escalationTimings(server().running.services.config))).waitFor();
    // Nothing is chosen for the author, and each choice says exactly what the server will do with it.
    const timings = escalationTimings(server().running.services.config);
    for (const u of handoverUrgencies) {
      const radio = urgency.getByRole('radio', { name: new RegExp(`^${urgencyLabels[u]}\\b`) });
      expect([u, await radio.isChecked()]).toEqual([u, false]);
      expect(await urgency.locator(`label:has(input[value="${u}"]) .urgency-choice__hint`).textContent()).toBe(urgencyHint(u, timings));
    }
    expect(await urgency.textContent()).toContain('within 2 hours');
    expect(await urgency.textContent()).toContain('within 3 working days');
    expect(await urgency.textContent()).toContain('Never escalated');

    await page.getByLabel('Summary').fill('Stop the amitriptyline at night');
    await page.getByLabel('Advice').fill('Dry mouth and morning drowsiness; stop, no taper needed.');
    await page.getByRole('button', { name: 'Post handover', exact: true }).click();
    await urgency.getByText('Choose how urgent this handover is.').waitFor();
    expect(await urgency.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(handoverUrgencies[0]);
    expect(await handoverCount(patient.id)).toBe(0);
    await shot(page, 'handover-urgency-required-1280');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);

    await urgency.getByRole('radio', { name: /^Soon\b/ }).check();
    expect(await urgency.getByText('Choose how urgent this handover is.').count()).toBe(0);
    await page.getByRole('button', { name: 'Post handover', exact: true }).click();
    await page.getByText('Your handover has been posted').waitFor();
    expect(await handoverCount(patient.id)).toBe(1);
    await context.close();
  });
});
