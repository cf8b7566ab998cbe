import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { PlanEditor } from '../server/src/test-support/care-plan-editor.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, TEST_PASSWORD, type World } from '../server/src/test-support/world.js';
import { accessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1366, height: 768 };

/** How soon one clinician must see another's words. */
const live = { timeout: 1000 };

describe('the live care plan in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  /** A fresh browser profile signed in as `user`, with the care plan open. */
  async function openPlan(user: User, whose: Patient, viewport = laptop): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser().newContext({ viewport, locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(server().url);
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The caseload, or the home of a role that has one (a service lead's): the user's first page.
    await page.getByLabel('Password').waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(`${server().url}/patients/${whose.id}`);
    await page.getByRole('heading', { level: 2, name: 'Care plan' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'What matters to me' }).waitFor();
    return { context, page };
  }

  const whatMatters = (page: Page) => page.getByRole('textbox', { name: 'What matters to me', exact: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });

  /** What a box shows: a field's value, or the text of the rich-text editor ("What matters to me"). */
  const valueOf = (box: Locator) => box.evaluate((el) => (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : (el as HTMLElement).innerText));

  /** Resolves once the box's value satisfies `test` (run in the page, re-checked on every frame). */
  async function untilValue(box: Locator, test: { includes?: string[]; equals?: string; excludes?: string }, options = live): Promise<void> {
    const handle = await box.elementHandle();
    await box.page().waitForFunction(
      ([el, t]) => {
        const v = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : (el as HTMLElement).innerText;
        return (t.equals === undefined || v === t.equals) && (t.includes ?? []).every((s) => v.includes(s)) && (t.excludes === undefined || !v.includes(t.excludes));
      },
      [handle, test] as const,
      options,
    );
  }

  const saved = (page: Page) => page.locator('.save-status[data-status="saved"]').waitFor();

  /** "What matters to me" as the server stored it: its typed view, formatting included. */
  async function storedRuns(whose: Patient): Promise<Array<{ insert: string; attributes?: Record<string, unknown> }>> {
    // The GraphQL view has only the plain text (whatMatters); the formatted runs are in the stored view.
    const rows = await server().orm.em.fork().getConnection().execute<Array<{ view: { whatMattersRuns: Array<{ insert: string; attributes?: Record<string, unknown> }> } }>>('select view from care_plan where patient_id = ?', [whose.id]);
    return rows[0].view.whatMattersRuns;
  }

  /** "What matters to me" as the server answers it to the coach. */
  async function storedWhatMatters(whose: Patient): Promise<string | undefined> {
    const token = await signInAs(server().url, world.users.coach);
    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: whose.id }, token);
    return stored.data?.carePlan.view.whatMatters;
  }

  it('two clinicians type into the same plan at once and each sees the other within a second', async () => {
    // The coach leads, the physio is on the team. A patient of this attempt's own, so a retry starts from an empty plan.
    const patient = await world.patient([world.users.coach, world.users.fcp], { givenName: 'Amara', familyName: `Okafor ${world.tag}`, conditions: ['Fibromyalgia'] });
    const coach = await openPlan(world.users.coach, patient);
    const physio = await openPlan(world.users.fcp, patient);
    const coachBox = whatMatters(coach.page);
    const physioBox = whatMatters(physio.page);
    await coachBox.click();
    await physioBox.click();

    // Each sees the other in the section they are editing.
    await physio.page.getByRole('list', { name: 'Also in What matters to me' }).getByText('Coach (Health & wellbeing coach) is editing').waitFor(live);
    await coach.page.getByRole('list', { name: 'Also in What matters to me' }).getByText('Physio (First Contact Physiotherapist) is editing').waitFor(live);

    const coachWords = 'Walking my dog to the park again. ';
    const physioWords = 'Sleeping through the night without waking.';
    await Promise.all([coach.page.keyboard.type(coachWords, { delay: 25 }), physio.page.keyboard.type(physioWords, { delay: 25 })]);
    await untilValue(physioBox, { includes: [coachWords.trim()] });
    await untilValue(coachBox, { includes: [physioWords] });

    // One more sentence from the coach while the physio's caret sits in the middle of the text.
    const more = ' Playing with my grandchildren.';
    await coach.page.keyboard.press('Control+End');
    await coach.page.keyboard.type(more, { delay: 10 });
    await untilValue(physioBox, { includes: [more.trim()] });

    // Converged: the same text on both screens, and the same text stored on the server.
    await Promise.all([saved(coach.page), saved(physio.page)]);
    const [a, b] = [await valueOf(coachBox), await valueOf(physioBox)];
    expect(a).toBe(b);
    expect(a).toContain(coachWords.trim());
    expect(a).toContain(physioWords);
    expect(await storedWhatMatters(patient)).toBe(a);

    // The coach writes what matters most in bold (Ctrl+B), then a bulleted list from the toolbar, and puts
    // one word in italics with the toolbar; the physio sees each format arrive.
    const coachToolbar = coach.page.getByRole('toolbar', { name: 'Formatting for What matters to me' });
    await coachBox.click();
    await coach.page.keyboard.press('Control+End');
    await coach.page.keyboard.press('Enter');
    await coach.page.keyboard.type('Most of all: ', { delay: 10 });
    await coach.page.keyboard.press('Control+b');
    expect(await coachToolbar.getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed')).toBe('true');
    await coach.page.keyboard.type('no flare-ups at work', { delay: 10 });
    await coach.page.keyboard.press('Control+b');
    await coach.page.keyboard.press('Enter');
    await coachToolbar.getByRole('button', { name: 'Bulleted list' }).click();
    expect(await coachToolbar.getByRole('button', { name: 'Bulleted list' }).getAttribute('aria-pressed')).toBe('true');
    await coach.page.keyboard.type('Swimming on Saturdays', { delay: 10 });
    await coach.page.keyboard.press('Enter');
    await coach.page.keyboard.type('Seeing my friends', { delay: 10 });
    await coach.page.keyboard.press('Control+Shift+ArrowLeft');
    await coachToolbar.getByRole('button', { name: 'Italic' }).click();
    expect(await coachToolbar.getByRole('button', { name: 'Italic' }).getAttribute('aria-pressed')).toBe('true');
    await coach.page.locator('section[data-section="WHAT_MATTERS"]').screenshot({ path: path.join(artifactsDir, 'care-plan-rich-text-toolbar.png') });
    await physioBox.locator('strong', { hasText: 'no flare-ups at work' }).waitFor(live);
    await physioBox.locator('li[data-list="bullet"]', { hasText: 'Swimming on Saturdays' }).waitFor(live);
    await physioBox.locator('li[data-list="bullet"] em', { hasText: 'friends' }).waitFor(live);
    expect(await physioBox.locator('li[data-list="bullet"]').allInnerTexts()).toEqual(['Swimming on Saturdays', 'Seeing my friends']);
    await shot(physio.page, 'care-plan-rich-text-1366');
    await physio.page.locator('section[data-section="WHAT_MATTERS"]').screenshot({ path: path.join(artifactsDir, 'care-plan-rich-text-section.png') });

    // Stored with its formatting: the bold run and the two list lines.
    await Promise.all([saved(coach.page), saved(physio.page)]);
    const runs = await storedRuns(patient);
    expect(runs).toContainEqual({ insert: 'no flare-ups at work', attributes: { bold: true } });
    expect(runs).toContainEqual({ insert: 'friends', attributes: { italic: true } });
    expect(runs.filter((r) => r.attributes?.list === 'bullet').map((r) => r.insert)).toEqual(['\n', '\n']);
    expect(await valueOf(physioBox)).toBe(await valueOf(coachBox));

    // The toolbar is one tab stop before the text, its buttons a step apart with the arrow keys; a colleague's
    // edit arriving meanwhile leaves the coach where they are (Quill would focus its text to move the caret).
    const isFocused = (button: Locator) => button.evaluate((el) => el === document.activeElement);
    await coach.page.keyboard.press('Shift+Tab');
    expect(await isFocused(coachToolbar.getByRole('button', { name: 'Bold' }))).toBe(true);
    await physio.page.keyboard.type(' Well rested.', { delay: 10 });
    await untilValue(coachBox, { includes: ['Well rested.'] });
    expect(await isFocused(coachToolbar.getByRole('button', { name: 'Bold' }))).toBe(true);
    await coach.page.keyboard.press('ArrowRight');
    expect(await isFocused(coachToolbar.getByRole('button', { name: 'Italic' }))).toBe(true);

    // The coach adds a goal; the physio sees it arrive.
    await coach.page.getByLabel('New goal').fill('Walk to the corner shop and back');
    await coach.page.getByRole('button', { name: 'Add goal' }).click();
    const physioGoal = physio.page.getByRole('textbox', { name: 'What I want to do' }).first();
    await physioGoal.waitFor(live);
    await untilValue(physioGoal, { equals: 'Walk to the corner shop and back' });

    // Progress check-ins draw a line chart.
    for (const [date, rating] of [['2025-01-06', '3'], ['2025-02-03', '5'], ['2025-03-03', '7']] as const) {
      const form = coach.page.getByRole('form', { name: /Add a check-in/ });
      await form.getByLabel('Date').fill(date);
      await form.getByLabel('Rating (0–10)').selectOption(rating);
      await form.getByRole('button', { name: 'Add check-in' }).click();
    }
    await physio.page.locator('svg.progress-chart circle').nth(2).waitFor(live);
    expect(await physio.page.locator('svg.progress-chart').getAttribute('aria-label')).toContain('from 3 out of 10 on 6 January 2025 to 7 out of 10 on 3 March 2025');

    // The coach records the patient's activation level; the suggestions follow it (smaller, concrete steps).
    await coach.page.getByLabel('Activation level', { exact: true }).selectOption('1');
    await coach.page.locator('.activation-level__when', { hasText: /Set \d/ }).waitFor();
    await coach.page.getByRole('button', { name: 'Suggestions' }).click();
    await coach.page.getByText("The patient's assessed level is 1.").waitFor();
    expect(await coach.page.getByLabel('Patient activation level').inputValue()).toBe('1');
    await coach.page.getByRole('button', { name: 'Add “Three slow breaths, out longer than in, when pain rises” to the plan' }).click();
    await physio.page.getByRole('textbox', { name: 'What to do' }).first().waitFor(live);
    await coach.page.getByRole('button', { name: 'Hide suggestions' }).click();

    // Agreed with the patient; then the physio changes it and the coach is told.
    await saved(coach.page);
    await coach.page.getByRole('button', { name: 'Record agreement with the patient…' }).click();
    await coach.page.getByLabel('Note (optional)').fill('Agreed on a video call');
    await coach.page.getByRole('button', { name: 'Record agreement with the patient', exact: true }).click();
    await coach.page.getByText('No changes since.').waitFor();
    await physioBox.click();
    await physio.page.keyboard.press('Control+End');
    await physio.page.keyboard.type(' Less pain at work.', { delay: 10 });
    await coach.page.locator('.sign-off__notice--changed').getByText('What matters to me').waitFor();

    await coach.page.locator('.save-status[data-status="saved"]').waitFor();
    // The physio's last words are stored before the history is read (else its newest revision ends mid-sentence).
    await saved(physio.page);
    await expect.poll(() => storedWhatMatters(patient), { timeout: 5000 }).toContain('Less pain at work.');
    await coachBox.blur();
    await shot(coach.page, 'care-plan-1366');
    expect(await accessibilityProblems(coach.page)).toEqual([]);

    // History: what the physio's last revision changed, word by word.
    await coach.page.getByRole('button', { name: 'History' }).click();
    const history = coach.page.getByRole('region', { name: 'History' });
    await history.getByRole('listitem').first().waitFor();
    expect(await history.getByRole('listitem').first().textContent()).toContain('Physio');
    await history.getByRole('button', { name: /^What changed in Physio, / }).first().click();
    const diff = coach.page.locator('.history__detail');
    // Each revision's time is to the second, so two a minute apart are told apart; the comparison's own close says what it closes.
    expect(await history.locator('.revision__who').first().textContent()).toMatch(/\d{4}, \d\d:\d\d:\d\d/);
    await diff.getByRole('button', { name: 'Close the comparison' }).waitFor();
    // Polled for its words, so a failure shows what the comparison did say.
    await expect.poll(() => diff.locator('ins').allInnerTexts(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('Less pain at work.'));
    await coach.page.locator('.history').scrollIntoViewIfNeeded();
    await shot(coach.page, 'care-plan-history-1366');
    expect(await accessibilityProblems(coach.page)).toEqual([]);

    // Restore the version before the physio's last change; both screens lose that sentence.
    await history.getByRole('button', { name: /^Restore the plan to how it was after / }).first().click();
    await coach.page.getByRole('alertdialog').getByRole('button', { name: 'Restore this version' }).click();
    await untilValue(physioBox, { excludes: 'Less pain at work.' }, { timeout: 2000 });
    await untilValue(coachBox, { excludes: 'Less pain at work.', includes: [coachWords.trim(), physioWords] }, { timeout: 2000 });
    // The formatting comes back with the words.
    await physioBox.locator('strong', { hasText: 'no flare-ups at work' }).waitFor(live);
    expect(await physioBox.locator('li[data-list="bullet"]').count()).toBe(2);

    await coach.context.close();
    await physio.context.close();
  }, 120_000);

  it('keeps edits made offline, says so, and sends them when the connection returns', async () => {
    const offlinePatient = await world.patient([world.users.coach, world.users.fcp], { givenName: 'Carys', familyName: `Evans ${world.tag}` });
    const coach = await openPlan(world.users.coach, offlinePatient);
    const physio = await openPlan(world.users.fcp, offlinePatient);
    // Edits go on the plan's socket while it is up; over HTTP only when it is not (plan-sync.ts, `send`).
    let editsOverHttp = 0;
    physio.page.on('request', (r) => {
      if (r.method() === 'POST' && r.postData()?.includes('applyCarePlanUpdate')) editsOverHttp++;
    });
    await whatMatters(physio.page).click();
    await physio.page.keyboard.type('Walks the dog. ', { delay: 10 });
    await saved(physio.page);
    await untilValue(whatMatters(coach.page), { includes: ['Walks the dog.'] }, { timeout: 10_000 });
    expect(editsOverHttp).toBe(0);
    await physio.context.setOffline(true);
    await whatMatters(physio.page).click();
    await physio.page.keyboard.type('Swimming on Saturdays.', { delay: 10 });
    await physio.page.getByText('Offline — your edits are kept and will be sent').waitFor();
    await whatMatters(coach.page).click();
    await coach.page.keyboard.type('Cooking for the family. ', { delay: 10 });
    await saved(coach.page);
    expect(await valueOf(whatMatters(coach.page))).not.toContain('Swimming');

    expect(editsOverHttp).toBeGreaterThan(0); // offline, it tried HTTP, which failed at once

    await physio.context.setOffline(false);
    await untilValue(whatMatters(coach.page), { includes: ['Swimming on Saturdays.', 'Cooking for the family.'] }, { timeout: 10_000 });
    await untilValue(whatMatters(physio.page), { includes: ['Swimming on Saturdays.', 'Cooking for the family.'] }, { timeout: 10_000 });
    await saved(physio.page);
    expect(await valueOf(whatMatters(physio.page))).toBe(await valueOf(whatMatters(coach.page)));
    await coach.context.close();
    await physio.context.close();
  }, 60_000);

  it('stores nothing typed after the session has ended elsewhere, and returns to sign-in', async () => {
    const endedPatient = await world.patient([world.users.coach], { givenName: 'Efa', familyName: `Lloyd ${world.tag}` });
    const coach = await openPlan(world.users.coach, endedPatient);
    await whatMatters(coach.page).click();
    await coach.page.keyboard.type('Gardening. ', { delay: 10 });
    await saved(coach.page);
    // Signed out everywhere (an administrator, or another of their devices): the socket is still open.
    await server().orm.em.fork().getConnection().execute('update session set revoked_at = now() where user_id = ? and revoked_at is null', [world.users.coach.id]);
    await coach.page.keyboard.type('Not this.', { delay: 10 });
    // The edit goes on the socket, which refuses it; asked again over HTTP, the answer takes the app to sign-in.
    await coach.page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor();
    await coach.page.getByText('Your session has ended. Please sign in again.').waitFor();
    const [row] = await server().orm.em.fork().getConnection().execute<Array<{ what_matters: string }>>('select what_matters from care_plan where patient_id = ?', [endedPatient.id]);
    expect(row.what_matters).toBe('Gardening. ');
    await coach.context.close();
  }, 60_000);

  it('stops "What matters to me" at 20,000 characters, typed or pasted, and Tab leaves the box', async () => {
    const longPatient = await world.patient([world.users.coach], { givenName: 'Dafydd', familyName: `Rees ${world.tag}` });
    const editor = new PlanEditor(server().wsUrl, await signInAs(server().url, world.users.coach), longPatient.id);
    await editor.connect();
    editor.text().insert(0, 'a'.repeat(19_990));
    await editor.settled();
    await editor.disconnect();

    const { context, page } = await openPlan(world.users.coach, longPatient);
    const box = whatMatters(page);
    await box.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('0123456789XYZ', { delay: 5 });
    await untilValue(box, { includes: ['a0123456789'], excludes: 'X' });
    // A paste is cut to the room left: five characters.
    for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
    await box.evaluate((el) => {
      const data = new DataTransfer();
      data.setData('text/plain', 'PASTED TEXT');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await untilValue(box, { includes: ['a01234PASTE'], excludes: 'PASTED' });

    // Tab moves on to the next field, as from any other box; it types no tab into the text.
    await page.keyboard.press('Tab');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(false);
    await saved(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    const token = await signInAs(server().url, world.users.coach);
    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(server().url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: longPatient.id }, token);
    expect(stored.data?.carePlan.view.whatMatters).toBe(`${'a'.repeat(19_990)}01234PASTE`);
    await context.close();
  }, 60_000);

  it('shows the plan to the PCN service lead, who may read but not edit, live and with nothing editable', async () => {
    // A plan of its own, written by the coach through the same API the editor uses.
    const readPatient = await world.patient([world.users.coach], { givenName: 'Bethan', familyName: `Morgan ${world.tag}` });
    const editor = new PlanEditor(server().wsUrl, await signInAs(server().url, world.users.coach), readPatient.id);
    await editor.connect();
    editor.text().insert(0, 'Gardening with my daughter.');
    await editor.settled();

    const { context, page } = await openPlan(world.users.lead, readPatient);
    await page.getByText('Read only').waitFor();
    const plan = page.locator('.care-plan');
    const story = plan.locator('section[data-section="WHAT_MATTERS"] .plan-read__text');
    expect(await story.textContent()).toBe('Gardening with my daughter.');
    expect(await plan.locator('input, textarea, select, [contenteditable]').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Record agreement/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Print the plan' }).getAttribute('href')).toBe(`/patients/${readPatient.id}/care-plan/print`);

    // The coach keeps typing; the reader sees it arrive.
    editor.text().insert(editor.text().length, ' Back to work part-time.');
    await story.getByText('Gardening with my daughter. Back to work part-time.').waitFor(live);

    // Formatting shows too: a bold word, and a bulleted list (a list line's format sits on its newline).
    editor.text().format(0, 'Gardening'.length, { bold: true });
    editor.text().insert(editor.text().length, '\nWalking the dog');
    editor.text().insert(editor.text().length, '\n', { list: 'bullet' });
    editor.text().insert(editor.text().length, 'Cooking with my grandchildren');
    editor.text().insert(editor.text().length, '\n', { list: 'bullet' });
    await story.locator('ul > li', { hasText: 'Cooking with my grandchildren' }).waitFor(live);
    expect(await story.locator('strong').allInnerTexts()).toEqual(['Gardening']);
    expect(await story.locator('ul > li').allInnerTexts()).toEqual(['Walking the dog', 'Cooking with my grandchildren']);
    await shot(page, 'care-plan-read-only-1366');
    expect(await accessibilityProblems(page)).toEqual([]);

    // The print view, as Chromium prints it for the patient: one clean A4 page with the formatting kept.
    await page.goto(`${server().url}/patients/${readPatient.id}/care-plan/print`);
    expect(await page.locator('ul > li').allInnerTexts()).toEqual(['Walking the dog', 'Cooking with my grandchildren']);
    const pdf = await page.pdf({ path: path.join(artifactsDir, 'care-plan-print.pdf'), preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    const [width, height] = (/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1')) ?? []).slice(1).map(Number);
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]); // A4, in points
    await shot(page, 'care-plan-print');
    await editor.disconnect();
    await context.close();
  }, 60_000);
});
