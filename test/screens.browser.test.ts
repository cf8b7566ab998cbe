import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, TEST_PASSWORD, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { fieldLayoutProblems, sidewaysScroll, widths } from './support/layout.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
/** The sizes screenshots are taken at: a laptop and a phone. */
const screenshotSizes = { 1280: { width: 1280, height: 800 }, 390: { width: 390, height: 844 } } as const;
const sizeFor = (width: number) => (width === 1280 || width === 390 ? screenshotSizes[width] : { width, height: 740 });

describe('Cairn on every screen from 320 px up, in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let patient: Patient;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp } = world.users;
    patient = await world.patient([coach, gp, fcp], {
      givenName: 'Bethan',
      familyName: `Llewellyn-Prytherch ${world.tag}`,
      conditions: ['Fibromyalgia', 'Chronic widespread pain', 'Osteoarthritis of both knees', 'Chronic primary pain', 'Irritable bowel syndrome'],
    });
    await world.linkSpecialist(patient);
    const posted = await gql(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Reduce the evening pregabalin and review sleep', advice: 'Step down by 75 mg.', urgency: 'SOON', actions: [] } },
      await signInAs(server().url, world.users.specialist),
    );
    expect(posted.errors).toBeUndefined();
  });

  async function signedIn(user: User, width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser().newContext({ viewport: sizeFor(width), locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(server().url);
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    return { context, page };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });

  it('the patient banner keeps every field, the NHS number first, inside its own box at 320, 390 and 1280 px', async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    for (const width of widths) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(`${server().url}/patients/${patient.id}`);
      await page.getByRole('heading', { level: 1, name: `Bethan Llewellyn-Prytherch ${world.tag}` }).waitFor();
      const nhs = page.locator('.patient-facts').getByText(formatNhsNumber(patient.nhsNumber), { exact: true });
      expect(await nhs.count()).toBe(1);
      expect([width, await fieldLayoutProblems(page, '.patient-facts > div', ['.patient-header', '.patient-facts'])]).toEqual([width, []]);
      if (width !== 320) await shot(page, `patient-banner-${width}`);
    }
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('the handover inbox shows each patient and NHS number whole on a phone, as on a laptop', async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    for (const width of widths) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(`${server().url}/handovers`);
      await page.getByRole('heading', { level: 1, name: 'Handovers' }).waitFor();
      await page.locator('.inbox-table').getByText('Reduce the evening pregabalin').waitFor();
      expect(await page.locator('.inbox-table').getByText(formatNhsNumber(patient.nhsNumber), { exact: true }).isVisible()).toBe(true);
      expect([width, await fieldLayoutProblems(page, '.inbox-table tbody tr > *', ['.table-wrap', '.inbox-section'])]).toEqual([width, []]);
      if (width !== 320) await shot(page, `handover-inbox-${width}`);
    }
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });
});
