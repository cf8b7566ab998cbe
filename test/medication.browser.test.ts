import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';
import { addDays, ukToday } from '../server/src/platform/uk-dates.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

describe('analgesia review in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  async function signedIn(user: User): Promise<{ context: BrowserContext; page: Page }> {
    return signInWithForm(browser(), server().url, user, { viewport: desktop });
  }

  /** A screenshot at the laptop size and at a phone's, full page. */
  async function shots(page: Page, name: string): Promise<void> {
    await page.setViewportSize(desktop);
    await page.screenshot({ path: path.join(artifactsDir, `${name}-1280.png`), fullPage: true });
    await page.setViewportSize(phone);
    await page.screenshot({ path: path.join(artifactsDir, `${name}-390.png`), fullPage: true });
    // Nothing may be wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await page.setViewportSize(desktop);
  }

  async function addMedicine(page: Page, m: { code: string; form: string; strength: string; dose: string; frequency: string; started: string }): Promise<void> {
    await page.getByRole('button', { name: 'Record a medicine' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Record a medicine' }) });
    await form.getByLabel('Medicine').selectOption(m.code);
    await form.getByLabel('Form').selectOption(m.form);
    await form.getByLabel('Strength').fill(m.strength);
    await form.getByLabel(/^Dose/).fill(m.dose);
    await form.getByLabel('How often').fill(m.frequency);
    await form.getByLabel('Started').fill(m.started);
    await form.getByLabel('Prescriber').fill('Dr Rhian Example');
    await form.getByRole('button', { name: 'Record medicine' }).click();
    await form.waitFor({ state: 'detached' });
  }

  it('the practitioner records medicines and sees OME and flags, proposes a taper; the GP approves it and it shows in the care plan and on the timeline', { timeout: 180_000 }, async () => {
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp], { givenName: 'Gwen', familyName: `Morgan ${world.tag}` });
    const today = ukToday();
    const { page } = await signedIn(pharm);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    await expect.poll(() => page.getByRole('note').textContent()).toContain('Cairn advises and records; it never prescribes');

    // A refusal is shown beside its field, and nothing is recorded.
    await page.getByRole('button', { name: 'Record a medicine' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Record a medicine' }) });
    await form.getByLabel('Medicine').selectOption('morphine');
    await form.getByLabel('Strength').fill('60 mg');
    await form.getByLabel(/^Dose/).fill('60');
    await form.getByLabel('How often').fill('now and then');
    await form.getByLabel('Prescriber').fill('Dr Rhian Example');
    await form.getByRole('button', { name: 'Record medicine' }).click();
    await form.getByText('Cairn cannot read "now and then" as a frequency').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();

    await addMedicine(page, { code: 'morphine', form: 'modified-release tablet', strength: '60 mg MR tablets', dose: '60', frequency: 'twice daily', started: addDays(today, -200) });
    await addMedicine(page, { code: 'pregabalin', form: 'capsule', strength: '75 mg capsules', dose: '75', frequency: 'BD', started: addDays(today, -30) });
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('120 mg');
    // The same morphine typed up again is refused in words, and the total counts it once.
    await page.getByRole('button', { name: 'Record a medicine' }).click();
    const again = page.locator('form', { has: page.getByRole('heading', { name: 'Record a medicine' }) });
    await again.getByLabel('Medicine').selectOption('morphine');
    await again.getByLabel('Form').selectOption('modified-release tablet');
    await again.getByLabel('Strength').fill('60 mg MR tablets');
    await again.getByLabel(/^Dose/).fill('60');
    await again.getByLabel('How often').fill('twice daily');
    await again.getByLabel('Started').fill(addDays(today, -200));
    await again.getByLabel('Prescriber').fill('Dr Rhian Example');
    await again.getByRole('button', { name: 'Record medicine' }).click();
    await again.getByText('is already on the current list. Change or stop that entry rather than adding it again.').waitFor();
    await shots(page, 'medication-duplicate');
    await again.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('120 mg');
    await page.getByText('Morphine (oral): 60 mg × 2 a day = 120 mg a day × 1 = 120 mg oral morphine a day.').first().waitFor();
    const flags = page.locator('.medication-flag');
    await expect.poll(() => flags.count()).toBe(3);
    await expect.poll(() => flags.allTextContents()).toEqual([
      'High-dose opioidTotal 120 mg oral morphine a day is at or above the 120 mg high-dose threshold.',
      'Opioid with a gabapentinoidMorphine (oral) with Pregabalin: an opioid with a gabapentinoid.',
      expect.stringMatching(/^Long-term opioidOpioids taken continuously since \d{4}-\d\d-\d\d, more than 3 months\.$/),
    ]);
    await shots(page, 'medication-list');

    // Propose a reduction in two steps.
    await page.getByRole('button', { name: 'Propose a change' }).click();
    const propose = page.locator('form', { has: page.getByRole('heading', { name: 'Propose a change' }) });
    await propose.getByLabel('Change').selectOption('REDUCE');
    await propose.getByLabel('Why (agreed with the patient in the review)').fill('Little benefit at 120 mg; Gwen wants a clearer head for her grandchildren');
    await propose.getByLabel('Step 1 from').fill(addDays(today, 1));
    await propose.getByLabel('Step 1 dose').fill('50');
    await propose.getByLabel('Step 1 how often').fill('twice daily');
    await propose.getByRole('button', { name: 'Add a step' }).click();
    await propose.getByLabel('Step 2 dose').fill('40');
    await propose.getByRole('button', { name: 'Send to the GP for approval' }).click();
    await propose.waitFor({ state: 'detached' });
    const card = page.locator('.proposal-card');
    await card.getByText('Awaiting GP approval').waitFor();
    expect(await card.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('50 mg twice a day100 mg'), expect.stringContaining('40 mg twice a day80 mg')]);
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0); // the practitioner cannot approve
    await shots(page, 'medication-proposed');

    // The practitioner records the person-centred review behind it.
    await page.getByRole('button', { name: 'Record a review' }).click();
    const review = page.locator('form', { has: page.getByRole('heading', { name: 'Record a medication review' }) });
    await review.getByLabel('What the patient takes, and how').fill('Both doses, sometimes late; extra paracetamol on bad days');
    await review.getByLabel('Effect on pain and on daily life').fill('Pain 7/10; drowsy in the afternoons');
    await review.getByLabel('Side effects').fill('Constipation, drowsiness');
    await review.getByLabel('What matters to them').fill('Collecting her grandchildren from school');
    await review.getByLabel('Readiness to change').selectOption('READY');
    await review.getByLabel('Next review due').fill(addDays(today, 28));
    await review.getByRole('button', { name: 'Record review' }).click();
    await review.waitFor({ state: 'detached' });
    await page.getByText('Next medication review due').waitFor();

    // The GP finds it awaiting approval and approves.
    const gpSession = await signedIn(gp);
    const gpPage = gpSession.page;
    await gpPage.locator('.top-bar__nav-link', { hasText: 'Medication' }).click();
    await gpPage.getByRole('heading', { name: 'Awaiting your approval' }).waitFor();
    const awaiting = gpPage.locator('li', { hasText: 'Reduce Morphine (oral), proposed by Practitioner' });
    await awaiting.waitFor();
    await shots(gpPage, 'medication-awaiting-approval');
    await awaiting.getByRole('link', { name: /Gwen Morgan/ }).click();
    // The GP slows the second step: an amendment needs a reason, and the refusal loses nothing typed.
    const gpCard = gpPage.locator('.proposal-card');
    await gpCard.getByRole('button', { name: 'Amend the steps' }).click();
    await gpCard.getByLabel('Step 2 dose').fill('45');
    await gpCard.getByRole('button', { name: 'Approve with these steps' }).click();
    await gpCard.getByText('Please say why you amended it.').waitFor();
    expect(await gpCard.getByLabel('Step 2 dose').inputValue()).toBe('45');
    await gpCard.getByLabel('Your comment (needed to amend or decline)').fill('Agreed, a smaller second step. Review at step 2.');
    await shots(gpPage, 'medication-amending');
    await gpCard.getByRole('button', { name: 'Approve with these steps' }).click();
    await gpCard.getByText('Approved by GP', { exact: true }).waitFor();
    await gpPage.getByText('Amended and approved by GP: “Agreed, a smaller second step. Review at step 2.”').waitFor();
    expect(await gpCard.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('50 mg twice a day100 mg'), expect.stringContaining('45 mg twice a day90 mg')]);
    await shots(gpPage, 'medication-approved');
    // The practitioner's screen follows live.
    await page.locator('.proposal-card').getByText('Approved by GP', { exact: true }).waitFor();

    // The approved taper shows in the care plan's medication section.
    await gpPage.goto(`${server().url}/patients/${patient.id}`);
    const tapers = gpPage.locator('.approved-tapers');
    await tapers.waitFor();
    expect(await tapers.textContent()).toContain('50 mg twice a day (100 mg oral morphine a day)');
    expect(await tapers.textContent()).toContain('Cairn advises and records; it never prescribes');
    await tapers.scrollIntoViewIfNeeded();
    await gpPage.setViewportSize(desktop);
    await gpPage.screenshot({ path: path.join(artifactsDir, 'medication-care-plan-1280.png') });
    await gpPage.setViewportSize(phone);
    await tapers.scrollIntoViewIfNeeded();
    await gpPage.screenshot({ path: path.join(artifactsDir, 'medication-care-plan-390.png') });
    await gpPage.setViewportSize(desktop);

    // And on the timeline.
    await gpPage.goto(`${server().url}/patients/${patient.id}/timeline`);
    await gpPage.getByText('amended and approved the change to Morphine (oral)').waitFor();

    // The practice's prescribing indicators count Gwen this month: on a high-dose opioid with a gabapentinoid, and reviewed.
    await gpPage.locator('.top-bar__nav-link', { hasText: 'Medication' }).click();
    await gpPage.getByRole('link', { name: 'Prescribing indicators' }).click();
    const thisMonth = gpPage.locator('.indicator-table tbody tr').last();
    await thisMonth.waitFor();
    expect(await thisMonth.locator('th, td').allTextContents()).toEqual([today.slice(0, 7), '1', '1', '1', '1', '0', '0', '120000', '100%', '500', '1', '0']);
    expect(await gpPage.getByRole('link', { name: 'Download CSV' }).getAttribute('download')).toMatch(/^prescribing-indicators-practice-/);
    await shots(gpPage, 'medication-indicators');
    await gpSession.context.close();
  });
});
