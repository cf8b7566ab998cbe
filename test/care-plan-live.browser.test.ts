import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyPlanReason } from '@cairn/schema/care-plan';
import type { User } from '../server/src/auth/user.entity.js';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, type World } from '../server/src/test-support/world.js';
import { accessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
/** Screenshots for people to open and look at, beside the run's artifacts. */
const shotsDir = process.env.CAIRN_SHOTS_DIR ?? artifactsDir;

/** How soon a colleague's agreement must reach another open plan (a loaded 2-core machine included). */
const live = { timeout: 5000 };

describe('the care plan, for everyone at once, in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    fs.mkdirSync(shotsDir, { recursive: true });
  });

  async function openPlan(user: User, whose: Patient): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await signInWithForm(browser(), server().url, user, { viewport: laptop });
    await page.goto(`${server().url}/patients/${whose.id}`);
    await page.getByRole('heading', { level: 3, name: 'What matters to me' }).waitFor();
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
  const saved = (page: Page) => page.locator('.save-status[data-status="saved"]').waitFor();
  const whatMatters = (page: Page) => page.getByRole('textbox', { name: 'What matters to me', exact: true });
  const openForm = (page: Page) => page.getByRole('button', { name: 'Record agreement with the patient…' });

  it("a colleague's agreement reaches the other open plan without a reload; history shows one session naming both, in words", async () => {
    const patient = await world.patient([world.users.coach, world.users.fcp], { givenName: 'Rhiannon', familyName: `Price ${world.tag}` });
    const coach = await openPlan(world.users.coach, patient);
    const physio = await openPlan(world.users.fcp, patient);

    // An empty plan cannot be agreed, and says why.
    expect(await openForm(coach.page).isDisabled()).toBe(true);
    expect(await coach.page.locator('#sign-off-why-not').textContent()).toBe(emptyPlanReason);
    expect(await openForm(coach.page).getAttribute('aria-describedby')).toBe('sign-off-why-not');

    // The coach writes what matters while the physio adds a goal.
    await whatMatters(coach.page).click();
    await coach.page.keyboard.type('Growing vegetables again.', { delay: 10 });
    await physio.page.getByLabel('New goal').fill('Walk to the allotment');
    await physio.page.getByRole('button', { name: 'Add goal' }).click();
    await coach.page.getByRole('textbox', { name: 'What I want to do' }).first().waitFor();
    await Promise.all([saved(coach.page), saved(physio.page)]);
    await physio.page.getByText('This plan has not yet been agreed with the patient.').waitFor();
    await physio.page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    // The coach records the agreement: the date is today by default, and a future day cannot be chosen.
    await openForm(coach.page).click();
    const form = coach.page.getByRole('form', { name: 'Record agreement with the patient' });
    const date = form.getByLabel('Date agreed with the patient');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect(await date.inputValue()).toBe(today);
    expect(await date.getAttribute('max')).toBe(today);
    await form.getByLabel('Note (optional)').fill('Agreed in clinic');
    await form.screenshot({ path: path.join(shotsDir, 'sign-off-form-1280.png') });
    expect(await accessibilityProblems(coach.page)).toEqual([]);
    await form.getByRole('button', { name: 'Record agreement with the patient', exact: true }).click();
    await coach.page.getByText('No changes since.').waitFor();

    // The physio's open copy follows, live: no reload, the same document.
    const agreed = physio.page.locator('.sign-off__notice--agreed');
    await agreed.waitFor(live);
    expect(await agreed.textContent()).toContain(`(${world.users.coach.name})`);
    expect(await physio.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // Both edit again within a minute: the physio marks the goal achieved with a target date, the coach adds a line.
    await physio.page.locator('section[data-section="GOALS"]').getByLabel('Target date').fill('2027-03-01');
    await physio.page.locator('section[data-section="GOALS"]').getByLabel('Status').selectOption('ACHIEVED');
    await whatMatters(coach.page).click();
    await coach.page.keyboard.press('Control+End');
    await coach.page.keyboard.type(' Seeing friends.', { delay: 10 });
    await Promise.all([saved(coach.page), saved(physio.page)]);
    await physio.page.locator('.sign-off__notice--changed').getByText('What matters to me, Goals').waitFor(live);

    // History: the session since the agreement is one revision naming both, and says what changed in words.
    await coach.page.getByRole('button', { name: 'History' }).click();
    const history = coach.page.getByRole('region', { name: 'History' });
    const sessions = history.locator('.revision');
    await sessions.first().waitFor();
    await coach.page.waitForFunction(() => document.querySelectorAll('.revision').length === 2);
    const newest = (await sessions.first().locator('.revision__who strong').textContent()) ?? '';
    expect([`${world.users.fcp.name} and ${world.users.coach.name}`, `${world.users.coach.name} and ${world.users.fcp.name}`]).toContain(newest);
    expect(await sessions.nth(1).locator('.revision__who strong').textContent()).toBe(`${world.users.coach.name} and ${world.users.fcp.name}`);
    expect(await sessions.nth(1).textContent()).toContain('Agreed with the patient');
    await history.getByRole('button', { name: `What changed in ${newest}, ` }).first().click();
    const changes = coach.page.locator('.history__detail .diff-changes li');
    await changes.first().waitFor();
    const sentences = await changes.allInnerTexts();
    expect(sentences).toContain("Goal 'Walk to the allotment' marked achieved; target date 1 March 2027");
    expect(sentences).toContain('What matters to me edited');
    await coach.page.locator('.history__detail ins', { hasText: 'Seeing friends.' }).waitFor();
    const detail = (await coach.page.locator('.history__detail').innerText()) ?? '';
    expect(detail).not.toMatch(/ACHIEVED|ACTIVE|ACTIVITY_PACING|2027-03-01/);
    await coach.page.locator('.history').scrollIntoViewIfNeeded();
    await shot(coach.page, 'history-1280');
    expect(await accessibilityProblems(coach.page)).toEqual([]);
    await coach.page.getByRole('button', { name: 'Close history' }).click();

    // The status bar stays in view however far down; the section menu jumps, by keyboard, to a section's heading.
    await checkStickyAndMenu(physio.page, 'plan-1280');

    // The same on a phone.
    for (const { page } of [coach, physio]) await page.setViewportSize(phone);
    await checkStickyAndMenu(physio.page, 'plan-390');
    await coach.page.evaluate(() => window.scrollTo(0, 0));
    await openForm(coach.page).click();
    await coach.page.getByRole('form', { name: 'Record agreement with the patient' }).scrollIntoViewIfNeeded();
    await shot(coach.page, 'sign-off-form-390');
    const formBox = (await coach.page.getByRole('form', { name: 'Record agreement with the patient' }).boundingBox())!;
    const buttonBox = (await coach.page.getByRole('button', { name: 'Record agreement with the patient', exact: true }).boundingBox())!;
    expect(buttonBox.x + buttonBox.width).toBeLessThanOrEqual(formBox.x + formBox.width);
    await coach.page.getByRole('button', { name: 'Cancel' }).click();
    await coach.page.getByRole('button', { name: 'History' }).click();
    await history.getByRole('button', { name: `What changed in ${newest}, ` }).first().click();
    await coach.page.locator('.history__detail .diff-changes li').first().waitFor();
    await coach.page.locator('.history__detail').scrollIntoViewIfNeeded();
    await shot(coach.page, 'history-390');
    // Nothing on the phone runs off the side of the page: no sideways scroll.
    expect(await coach.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    expect(await accessibilityProblems(coach.page)).toEqual([]);
    await coach.context.close();
    await physio.context.close();
  }, 120_000);

  it('records an agreement only for the plan as it stood when the form was opened: a colleague\'s change meanwhile is refused, in words', async () => {
    const patient = await world.patient([world.users.coach, world.users.fcp], { givenName: 'Owain', familyName: `Bevan ${world.tag}` });
    const coach = await openPlan(world.users.coach, patient);
    const physio = await openPlan(world.users.fcp, patient);
    await whatMatters(coach.page).click();
    await coach.page.keyboard.type('Fishing with my grandson.', { delay: 10 });
    await saved(coach.page);
    await openForm(coach.page).click();
    const form = coach.page.getByRole('form', { name: 'Record agreement with the patient' });
    // While the coach goes through the plan with the patient, the physio changes the medication plan.
    const medication = physio.page.getByRole('textbox', { name: 'Medication plan' });
    await medication.click();
    await physio.page.keyboard.type('Reduce to 5 mg.', { delay: 10 });
    await saved(physio.page);
    await expect.poll(() => coach.page.getByRole('textbox', { name: 'Medication plan' }).inputValue(), live).toContain('Reduce to 5 mg.');
    await form.getByRole('button', { name: 'Record agreement with the patient', exact: true }).click();
    await form.getByText('The plan changed while the agreement was being recorded: read the changes, then record the agreement again.').waitFor();
    const signOffs = async () => (await server().orm.em.fork().getConnection().execute<Array<{ n: string }>>('select count(*) as n from care_plan_sign_off where patient_id = ?', [patient.id]))[0].n;
    expect(await signOffs()).toBe('0');
    // Pressed again, once the change has been read, it records the plan as it is now.
    await form.getByRole('button', { name: 'Record agreement with the patient', exact: true }).click();
    await coach.page.getByText('No changes since.').waitFor();
    expect(await signOffs()).toBe('1');
    await coach.context.close();
    await physio.context.close();
  }, 60_000);

  it('says "Not saved", and holds back the agreement, once the server refuses an edit; a year of five digits is never sent', async () => {
    const patient = await world.patient([world.users.coach, world.users.fcp], { givenName: 'Catrin', familyName: `Morris ${world.tag}` });
    const coach = await openPlan(world.users.coach, patient);
    await whatMatters(coach.page).click();
    await coach.page.keyboard.type('Singing in the choir.', { delay: 10 });
    await saved(coach.page);
    // A year the browser lets through but no server takes: not written, so nothing is refused.
    const reviewDate = coach.page.locator('#review-date');
    expect(await reviewDate.getAttribute('max')).toBe('9999-12-31');
    await reviewDate.evaluate((input: HTMLInputElement) => {
      input.value = '20255-01-01';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await coach.page.keyboard.type(' And walking.', { delay: 10 });
    await saved(coach.page);
    expect(await coach.page.locator('.sign-off__why-not').count()).toBe(0);

    // The coach leaves the care team while the plan is open: the next edit is refused.
    await server().orm.em.fork().getConnection().execute('delete from care_team_member where patient_id = ? and user_id = ?', [patient.id, world.users.coach.id]);
    await server().orm.em.fork().getConnection().execute('update care_team_member set is_lead = true where patient_id = ? and user_id = ?', [patient.id, world.users.fcp.id]);
    await whatMatters(coach.page).click();
    await coach.page.keyboard.press('Control+End');
    await coach.page.keyboard.type(' Lost.', { delay: 10 });
    const status = coach.page.locator('.save-status[data-status="unsaved"]');
    await status.waitFor(live);
    expect(await status.textContent()).toContain('Not saved');
    await coach.page.getByText('Your last change could not be saved').waitFor();
    expect(await openForm(coach.page).isDisabled()).toBe(true);
    expect(await coach.page.locator('#sign-off-why-not').textContent()).toBe('Your last change was not saved: reload the plan first.');
    await shot(coach.page, 'plan-not-saved-1280');
    const [row] = await server().orm.em.fork().getConnection().execute<Array<{ what_matters: string }>>('select what_matters from care_plan where patient_id = ?', [patient.id]);
    expect(row.what_matters).toBe('Singing in the choir. And walking.');
    await coach.context.close();
  }, 60_000);

  /** Scrolls to the foot of the plan: the bar (save status, section menu) is still at the top of the screen. Then Review by keyboard. */
  async function checkStickyAndMenu(page: Page, name: string): Promise<void> {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const bar = page.locator('.care-plan__bar');
    await page.waitForFunction(() => window.scrollY > 200);
    const box = await bar.boundingBox();
    expect(box?.y).toBeGreaterThanOrEqual(-1);
    expect(box?.y).toBeLessThanOrEqual(1);
    expect(await page.locator('.save-status').isVisible()).toBe(true);
    const menu = page.getByRole('navigation', { name: 'Sections of the plan' });
    expect(await menu.getByRole('link').allInnerTexts()).toEqual(['What matters to me', 'Goals', 'Self-management strategies', 'Flare-up plan', 'Medication plan', 'Review']);
    await shot(page, `${name}-scrolled`);

    // Keyboard: focus the "Goals" link, press Enter; focus lands on the Goals heading, just under the bar.
    await menu.getByRole('link', { name: 'Goals' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Goals' && document.activeElement.tagName === 'H3');
    const heading = await page.locator('h3:focus').boundingBox();
    const barBottom = ((await bar.boundingBox())?.y ?? 0) + ((await bar.boundingBox())?.height ?? 0);
    expect(heading!.y).toBeGreaterThanOrEqual(barBottom - 1);
    expect(heading!.y).toBeLessThan(page.viewportSize()!.height / 2);
    await shot(page, `${name}-section-menu`);
    // Tab carries on from the section, not from the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-section]')?.getAttribute('data-section'))).toBe('GOALS');
  }
});
