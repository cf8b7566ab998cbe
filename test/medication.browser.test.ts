import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { gql, useTestServer, type GraphQLResponse } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';
import { addDays, dateInWords, ukToday } from '../server/src/platform/uk-dates.js';

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

  /** Morphine MR 30 mg twice a day on the patient's list since 300 days ago, recorded through the API. */
  async function listMorphine(patientId: string, token: string): Promise<GraphQLResponse<{ addMedication: { id: string } }>> {
    return gql<{ addMedication: { id: string } }>(server().url, 'mutation($input: AddMedicationInput!) { addMedication(input: $input) { id } }', {
      input: { patientId, medicineCode: 'morphine', form: 'modified-release tablet', strength: '30 mg', dose: 30, frequency: 'twice daily', startDate: addDays(ukToday(), -300), prescriber: 'Dr Rhian Example' },
    }, token);
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
      expect.stringMatching(/^Long-term opioidOpioids taken continuously since \d{1,2} [A-Z][a-z]+ \d{4}, more than 3 months\.$/),
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
    expect(await gpPage.locator('main').count()).toBe(1); // the layout's; the page is not a second main landmark
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
    const monthWords = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${today.slice(0, 7)}-01T00:00:00Z`));
    expect(await thisMonth.locator('th, td').allTextContents()).toEqual([monthWords, '1', '1', '1', '1', '0', '0', '120,000', '100%', '500', '1', '0']);
    // At 1280 the month-by-month table fits its frame: no column hidden past its edge.
    expect(await gpPage.locator('.indicators-page .table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    // One main landmark, the layout's: the page is not a second <main> inside it.
    expect(await gpPage.locator('main').count()).toBe(1);
    // The charts' text is drawn at 11 px or more, not scaled down with a fixed-width drawing.
    const chartText = await gpPage.locator('.line-chart text').evaluateAll((els) =>
      els.map((el) => parseFloat(getComputedStyle(el).fontSize) * (el.closest('svg')!.getBoundingClientRect().width / el.closest('svg')!.viewBox.baseVal.width)),
    );
    expect(Math.min(...chartText)).toBeGreaterThanOrEqual(11);
    // The two durations counted say what they leave out.
    expect(await gpPage.getByTestId('indicator-durations').textContent()).toContain('Someone on opioids for 6 to 12 months is in neither');
    expect(await gpPage.getByRole('link', { name: 'Download CSV' }).getAttribute('download')).toMatch(/^prescribing-indicators-practice-/);
    await shots(gpPage, 'medication-indicators');
    await gpSession.context.close();
  });

  it('one plan per medicine: a second proposal is refused in words, a proposal is withdrawn with its reason, and a newer approved plan replaces the one in force', { timeout: 180_000 }, async () => {
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp], { givenName: 'Idris', familyName: `Hughes ${world.tag}` });
    const today = ukToday();
    const token = await signInAs(server().url, pharm);
    const added = await listMorphine(patient.id, token);
    expect(added.errors).toBeUndefined();
    const { page } = await signedIn(pharm);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('60 mg');

    const proposeReduction = async (why: string, dose: string, from = addDays(today, 2)) => {
      await page.getByRole('button', { name: 'Propose a change' }).click();
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'Propose a change' }) });
      await form.getByLabel('Change').selectOption('REDUCE');
      await form.getByLabel('Why (agreed with the patient in the review)').fill(why);
      await form.getByLabel('Step 1 from').fill(from);
      await form.getByLabel('Step 1 dose').fill(dose);
      await form.getByLabel('Step 1 how often').fill('twice daily');
      await form.getByRole('button', { name: 'Send to the GP for approval' }).click();
      return form;
    };
    await (await proposeReduction('Drowsy at work', '20')).waitFor({ state: 'detached' });
    // A second proposal for the same morphine is refused in words, beside the form, while the first awaits.
    const second = await proposeReduction('Drowsy at work (again)', '25');
    await second.getByText(`A change to Morphine (oral) proposed by ${pharm.name} on ${dateInWords(today)} already awaits a GP's decision.`).waitFor();
    await shots(page, 'medication-second-proposal-refused');
    await second.getByRole('button', { name: 'Cancel' }).click();

    // Withdrawn, with the reason: the card says who and why, and the GP's list empties live.
    const gpSession = await signedIn(gp);
    await gpSession.page.locator('.top-bar__nav-link', { hasText: 'Medication' }).click();
    const awaiting = gpSession.page.locator('li', { hasText: 'Reduce Morphine (oral), proposed by Practitioner' });
    await awaiting.waitFor();
    const card = page.locator('.proposal-card').first();
    await card.getByRole('button', { name: 'Withdraw' }).click();
    await card.getByText('Please say why you are withdrawing it: the GPs it awaited are told.').waitFor();
    await card.getByLabel('Withdraw it before the GP decides, saying why').fill('Idris wants to talk it over with his family first');
    await card.getByRole('button', { name: 'Withdraw' }).click();
    await card.locator('.badge', { hasText: 'Withdrawn' }).waitFor();
    await card.getByText('Idris wants to talk it over with his family first').waitFor();
    await gpSession.page.getByText('Nothing awaits your approval.').waitFor();
    await shots(page, 'medication-withdrawn');

    // Proposed again and approved; then a slower plan: the GP is told it ends the one in force, and approving it does.
    await (await proposeReduction('Drowsy at work; agreed with the family', '20')).waitFor({ state: 'detached' });
    const gpPage = gpSession.page;
    await gpPage.goto(`${server().url}/patients/${patient.id}/medication`);
    const firstPlan = gpPage.locator('.proposal-card', { hasText: 'agreed with the family' });
    await firstPlan.getByRole('button', { name: 'Approve' }).click();
    await firstPlan.locator('.badge', { hasText: 'Approved by GP' }).waitFor();
    await (await proposeReduction('Slower: a flare-up after the first step', '25', today)).waitFor({ state: 'detached' });
    const slower = gpPage.locator('.proposal-card', { hasText: 'Slower: a flare-up' });
    await slower.getByText(`Approving this ends the plan for Morphine (oral) now in force, approved by ${gp.name}`).waitFor();
    await shots(gpPage, 'medication-replaces');
    await slower.getByRole('button', { name: 'Approve' }).click();
    await slower.locator('.badge', { hasText: 'Approved by GP' }).waitFor();
    await firstPlan.locator('.badge', { hasText: 'Replaced by a newer plan' }).waitFor();
    await firstPlan.getByText(`when ${gp.name} approved a newer plan for Morphine (oral)`).waitFor();
    // Its step begins today, and the list still says 30 mg twice a day: the tab says the list is behind, and why.
    const behind = gpPage.locator('.medication-flag', { hasText: 'The list is behind an approved plan' });
    await behind.getByText(`step from ${dateInWords(today)} (25 mg twice a day) has begun, but the list still records Morphine (oral) 30 mg twice a day`).waitFor();
    await shots(gpPage, 'medication-list-behind-plan');
    // "Change dose" starts from what is listed, and the same dose again is refused beside the field.
    await gpPage.getByRole('button', { name: 'Change dose of Morphine (oral)' }).click();
    const changeForm = gpPage.locator('form', { has: gpPage.getByRole('heading', { name: 'Change the dose of Morphine (oral)' }) });
    expect(await changeForm.getByLabel(/^Dose per time/).inputValue()).toBe('30');
    await changeForm.getByRole('button', { name: 'Record the new dose' }).click();
    await changeForm.getByText('That is what the list records already').waitFor();
    await changeForm.getByRole('button', { name: 'Cancel' }).click();
    await changeForm.waitFor({ state: 'detached' });
    // From the flag, the form starts from the step: its dose, how often, and the day it began. The old entry stops as the new one starts.
    await behind.getByRole('button', { name: "Record this step's dose" }).click();
    expect([await changeForm.getByLabel(/^Dose per time/).inputValue(), await changeForm.getByLabel('How often').inputValue(), await changeForm.getByLabel('New dose from').inputValue()]).toEqual(['25', 'twice daily', today]);
    // The listed 30 mg tablets may not make up the new dose: the strength is asked for afresh, and required.
    expect(await changeForm.getByLabel('Strength').inputValue()).toBe('');
    await changeForm.getByRole('button', { name: 'Record the new dose' }).click();
    expect(await changeForm.getByLabel('Strength').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    await changeForm.getByLabel('Strength').fill('25 mg MR tablets');
    await changeForm.getByLabel('Why it changed (optional)').fill('Taper step 1');
    await shots(gpPage, 'medication-change-dose');
    await changeForm.getByRole('button', { name: 'Record the new dose' }).click();
    await changeForm.waitFor({ state: 'detached' });
    await expect.poll(() => gpPage.getByTestId('ome-total').textContent()).toBe('50 mg');
    await expect.poll(() => behind.count()).toBe(0);
    // The care plan shows the one plan in force.
    await gpPage.goto(`${server().url}/patients/${patient.id}`);
    const tapers = gpPage.locator('.approved-taper');
    await tapers.first().waitFor();
    expect(await tapers.count()).toBe(1);
    expect(await tapers.textContent()).toContain('25 mg twice a day');
    // Its one step began today: the care plan says the plan has nothing left to start.
    expect(await tapers.textContent()).toContain('every step has begun, the last on');
    await gpPage.goto(`${server().url}/patients/${patient.id}/timeline`);
    await gpPage.getByText('withdrew the proposed change to Morphine (oral) before a GP decided it').waitFor();
    await gpPage.getByText('ended the earlier Morphine (oral) plan by approving a newer one').waitFor();
    await gpSession.context.close();
  });

  it('the medication reviews page shows each role only its own lists: approvals to a GP, reviews due to those who keep them, neither to a coach', { timeout: 120_000 }, async () => {
    const headings = async (user: User) => {
      const { page, context } = await signedIn(user);
      await page.goto(`${server().url}/medication-reviews`);
      await page.getByRole('heading', { name: 'Medication reviews', level: 1 }).waitFor();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      const found = await page.getByRole('heading', { level: 2 }).allTextContents();
      if (user === world.users.coach) await shots(page, 'medication-reviews-coach');
      await context.close();
      return found;
    };
    expect(await headings(world.users.gp)).toEqual(['Awaiting your approval', 'Reviews due']);
    expect(await headings(world.users.pharm)).toEqual(['Reviews due']);
    expect(await headings(world.users.coach)).toEqual(['No medication lists for you']);
  });

  it('a patient with nothing recorded is told so, never a total of 0 mg oral morphine', { timeout: 120_000 }, async () => {
    const { gp } = world.users;
    const patient = await world.patient([gp], { givenName: 'Noah', familyName: `Baker ${world.tag}` });
    const { page, context } = await signedIn(gp);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    await page.getByRole('heading', { name: 'No medicines recorded' }).waitFor();
    // Nothing recorded is not a confirmed zero: no total, and no "No current opioid".
    expect(await page.getByTestId('ome-total').count()).toBe(0);
    expect(await page.locator('.medication-tab').innerText()).not.toMatch(/0 mg oral morphine|No current opioid/);
    await shots(page, 'medication-nothing-recorded');
    await context.close();
  });

  it('a medicine reads once: its strength and form without "tablets tablet", the total said once, the long-term flag dated as in the UK', { timeout: 120_000 }, async () => {
    const { gp } = world.users;
    const patient = await world.patient([gp], { givenName: 'George', familyName: `Davies ${world.tag}` });
    const started = addDays(ukToday(), -200);
    const added = await gql(server().url, 'mutation($input: AddMedicationInput!) { addMedication(input: $input) { id } }', {
      input: { patientId: patient.id, medicineCode: 'codeine', form: 'tablet', strength: '30 mg tablets', dose: 30, frequency: 'four times daily', startDate: started, prescriber: 'Dr Rhian Example' },
    }, await signInAs(server().url, gp));
    expect(added.errors).toBeUndefined();
    const { page, context } = await signedIn(gp);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('12 mg');
    expect(await page.locator('.medication-item__name').textContent()).toBe('Codeine phosphate 30 mg tablets');
    expect(await page.locator('.medication-tab').innerText()).not.toContain('tablets tablet');
    // The heading gives the total; the one medicine's row gives its working: "Total: 12 mg" is not said twice.
    expect((await page.locator('.medication-tab').innerText()).match(/Total: 12 mg/g)).toHaveLength(1);
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${started}T00:00:00Z`));
    await page.locator('.medication-flag', { hasText: `Opioids taken continuously since ${day}, more than 3 months.` }).waitFor();
    await shots(page, 'medication-one-codeine');
    await context.close();
  });

  it('a patient with no medicines: a plan to start one is proposed from the tab', { timeout: 120_000 }, async () => {
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp], { givenName: 'Nia', familyName: `Rowlands ${world.tag}` });
    const { page } = await signedIn(pharm);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    await page.getByRole('button', { name: 'Propose a change' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Propose a change' }) });
    // Nothing is listed to reduce, stop or switch from: a start is the one change offered.
    expect(await form.getByLabel('Change').locator('option').allTextContents()).toEqual(['Start a medicine']);
    await form.getByLabel('Medicine to start').selectOption('codeine');
    await form.getByLabel('Why (agreed with the patient in the review)').fill('Paracetamol alone no longer enough for walking');
    await form.getByLabel('Step 1 from').fill(addDays(ukToday(), 3));
    await form.getByLabel('Step 1 dose').fill('30');
    await form.getByLabel('Step 1 how often').fill('four times daily');
    await shots(page, 'medication-start-with-nothing-listed');
    await form.getByRole('button', { name: 'Send to the GP for approval' }).click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.proposal-card', { hasText: 'Start Codeine phosphate' }).waitFor();
  });

  it('a switch begun is recorded from its flags: the stop in one click, the start from a form that begins at the step', { timeout: 120_000 }, async () => {
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp], { givenName: 'Olwen', familyName: `Pryce ${world.tag}` });
    const today = ukToday();
    const [token, gpToken] = [await signInAs(server().url, pharm), await signInAs(server().url, gp)];
    const added = await listMorphine(patient.id, token);
    const proposed = await gql<{ proposeMedicationChange: { id: string } }>(server().url, 'mutation($input: ProposeMedicationChangeInput!) { proposeMedicationChange(input: $input) { id } }', {
      input: { patientId: patient.id, kind: 'SWITCH', medicationId: added.data!.addMedication.id, medicineCode: 'oxycodone', rationale: 'Constipation on morphine', steps: [{ startDate: today, dose: 10, frequency: 'twice daily' }] },
    }, token);
    const approved = await gql(server().url, 'mutation($input: DecideMedicationChangeInput!) { decideMedicationChange(input: $input) { id } }', { input: { proposalId: proposed.data!.proposeMedicationChange.id, decision: 'APPROVE' } }, gpToken);
    expect(approved.errors).toBeUndefined();

    const { page, context } = await signedIn(pharm);
    await page.goto(`${server().url}/patients/${patient.id}/medication`);
    const behind = page.locator('.medication-flag', { hasText: 'The list is behind an approved plan' });
    // The page's first load, on a busy machine, can take longer than a poll's second.
    await behind.nth(1).waitFor();
    await expect.poll(() => behind.count()).toBe(2);
    await behind.getByText('but the list still records Morphine (oral) 30 mg twice a day').waitFor();
    await behind.getByText('but the list does not have Oxycodone (oral)').waitFor();
    // A switch is paused as a switch, not as a taper.
    await page.getByLabel('Flare-up? Pause the switch, saying why').waitFor();
    await shots(page, 'medication-switch-behind');

    // The stop: one click, on the day the switch began, with the plan as its reason.
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${today}T00:00:00Z`));
    await page.getByRole('button', { name: new RegExp(`^Record Morphine \\(oral\\) stopped from ${day}`) }).click();
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('0 mg');
    // 0 mg is the list's, not the patient's: the switch's start is still to be recorded.
    expect(await page.locator('.ome-total').textContent()).toContain('No current opioid on the list.');
    expect(await page.getByTestId('ome-behind').textContent()).toBe('This total is of the list as recorded, which is behind an approved plan (see Flags): the patient may be taking more or less than it says.');
    await page.getByText('Stopped medicines (1)').click();
    await page.getByText(`(Approved plan, step from ${dateInWords(today)})`).waitFor();
    // What a stopped medicine gave is said as past, in plain type, not beside the total as if still taken.
    expect(await page.locator('.medication-history .medication-item__side').textContent()).toBe('was 60 mg OME/day');
    expect(await page.locator('.medication-history .medication-item__ome').count()).toBe(0);

    // The start: the form begins at the medicine and the step; the practitioner adds what a plan does not hold.
    await page.getByRole('button', { name: `Record Oxycodone (oral) from ${day}` }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Record a medicine' }) });
    expect([await form.getByLabel('Medicine').inputValue(), await form.getByLabel(/^Dose/).inputValue(), await form.getByLabel('How often').inputValue(), await form.getByLabel('Started').inputValue()]).toEqual(['oxycodone', '10', 'twice daily', today]);
    await form.getByLabel('Form').selectOption('modified-release tablet');
    await form.getByLabel('Strength').fill('10 mg MR tablets');
    await form.getByLabel('Prescriber').fill('Dr Rhian Example');
    await shots(page, 'medication-switch-start');
    await form.getByRole('button', { name: 'Record medicine' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('ome-total').textContent()).toBe('30 mg');
    await expect.poll(() => behind.count()).toBe(0);
    expect(await page.getByTestId('ome-behind').count()).toBe(0);
    await context.close();
  });
});
