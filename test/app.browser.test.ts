import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { User } from '../server/src/auth/user.entity.js';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { PatientStatus } from '../server/src/patients/patient.entity.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import { addDays, ukToday } from '../server/src/platform/uk-dates.js';
import { createCarePlanDoc } from '../server/src/care-plans/care-plan.doc.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, TEST_PASSWORD, type World } from '../server/src/test-support/world.js';
import { accessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { fieldLayoutProblems, ownTextContrast, sidewaysScroll, widths } from './support/layout.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1366, height: 768 };
const tablet = { width: 768, height: 1024 };


describe('the Cairn web app in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let patients: { amara: Patient; david: Patient; gwen: Patient; notMine: Patient; otherTeam: Patient };

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    const { coach, gp, fcp, pharm, outsider } = world.users;
    patients = {
      // The coach leads Amara's and Gwen's care and is on David's team; the GP leads David's.
      amara: await world.patient([coach, fcp, gp], { givenName: 'Amara', familyName: `Okafor ${world.tag}`, conditions: ['Fibromyalgia', 'Chronic widespread pain'] }),
      david: await world.patient([gp, coach], { givenName: 'David', familyName: `Hughes ${world.tag}`, conditions: ['Chronic low back pain'], status: PatientStatus.REFERRED }),
      gwen: await world.patient([coach], { givenName: 'Gwen', familyName: `Price ${world.tag}`, conditions: ['Osteoarthritis'], status: PatientStatus.DISCHARGED }),
      // In the coach's PCN, but the coach is not on the team.
      notMine: await world.patient([pharm], { givenName: 'Nia', familyName: `Jones ${world.tag}` }),
      // At the coach's practice, but cared for only by someone from another PCN.
      otherTeam: await world.patient([outsider], { givenName: 'Oscar', familyName: `Reed ${world.tag}` }),
    };
  });

  /** A fresh browser profile (no cookies) at the given size. */
  async function open(viewport = laptop): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser().newContext({ viewport, locale: 'en-GB' });
    // Fail at the step that went wrong, well inside vitest's own timeout.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(server().url);
    await page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor();
    return { context, page };
  }

  async function signIn(page: Page, user: User, password = TEST_PASSWORD): Promise<void> {
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage });
  /** Waits until the caseload has settled on exactly this summary, e.g. "3 patients". */
  const summary = (page: Page, text: string) => page.locator('.page-heading__summary').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
  const rowNames = (page: Page) => page.locator('.caseload-table tbody th[scope=row]').allTextContents();

  /**
   * Every caseload filter whose chosen option its drop-down cuts off ("Any co…" for "Any condition"): a native
   * select clips its words silently, and the layout checks skip selects. A copy holding only that option, at its
   * own width, is the width needed.
   */
  const clippedFilters = (page: Page) =>
    page.locator('.caseload-filters__row select').evaluateAll((selects: HTMLSelectElement[]) =>
      selects.flatMap((select) => {
        const text = select.selectedOptions[0]?.text ?? '';
        const probe = select.cloneNode(false) as HTMLSelectElement;
        probe.removeAttribute('id');
        probe.append(new Option(text));
        probe.style.cssText = 'position: absolute; visibility: hidden; width: auto; min-width: 0';
        select.parentElement!.append(probe);
        const needed = probe.getBoundingClientRect().width;
        probe.remove();
        const has = select.getBoundingClientRect().width;
        return needed <= has ? [] : [`"${text}" needs ${Math.ceil(needed)} px in ${Math.floor(has)} px`];
      }),
    );

  /** Sets the care plan's next review date, as an edit of the plan by `by` would. */
  async function setNextReview(patient: Patient, by: User, isoDay: string): Promise<void> {
    const store = server().running.services.carePlans;
    const doc = createCarePlanDoc((await store.read(patient.id)).state);
    const seen = Y.encodeStateVector(doc);
    doc.getMap('review').set('nextReviewDate', isoDay);
    await store.apply(patient.id, by.id, Y.encodeStateAsUpdate(doc, seen), `review-${patient.id}`, 'test');
  }

  it('keeps a wrong password in the form, with the error beside it, and leaves the person signed out', async () => {
    const { context, page } = await open();
    await shot(page, 'sign-in-1366');
    await signIn(page, world.users.coach, 'not the password');
    const error = page.locator('form').getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toContain('That email and password do not match an account');
    expect(await page.getByLabel('Email address').inputValue()).toBe(world.users.coach.email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await shot(page, 'sign-in-error-1366');
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('shows the RATE_LIMITED message, with how long to wait, after repeated failures', async () => {
    const { context, page } = await open();
    // Five wrong guesses are free; after them each further attempt waits a growing time (1 s, 2 s, 4 s…).
    // However slowly this browser types, one of the next few attempts arrives inside its wait.
    const limited = page.getByRole('alert').getByText(/Too many attempts\. For your security, please wait \d+ (seconds?|minutes?) and try again\./);
    for (let i = 0; i < 12 && !(await limited.isVisible()); i++) {
      await signIn(page, world.users.fcp, `wrong ${i}`);
      await page.getByRole('alert').waitFor();
    }
    await limited.waitFor();
    expect(await page.getByRole('heading', { name: 'My patients' }).count()).toBe(0);
    await context.close();
  });

  it('signs in to "My patients": the coach sees their care teams and not the rest of the PCN', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.coach);
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    await summary(page, '3 patients');
    expect(await rowNames(page)).toEqual([`David Hughes ${world.tag}`, `Amara Okafor ${world.tag}`, `Gwen Price ${world.tag}`]);
    const amaraRow = page.locator('tbody tr', { hasText: patients.amara.givenName });
    expect(await amaraRow.textContent()).toContain(formatNhsNumber(patients.amara.nhsNumber));
    expect(await amaraRow.textContent()).toContain('Fibromyalgia, Chronic widespread pain');
    expect(await page.locator('.top-bar').textContent()).toContain('Health & wellbeing coach');
    // The bar marks where you are, its home link too: here, and nowhere else.
    expect(await page.locator('.top-bar [aria-current="page"]').allTextContents()).toEqual(['Cairn Caseload']);
    await shot(page, 'caseload-1366');
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('finds a patient by NHS number typed with spaces, and by part of a name', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.coach);
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    await page.getByLabel('Search by name or NHS number').fill(formatNhsNumber(patients.david.nhsNumber));
    await summary(page, '1 patient');
    expect(await rowNames(page)).toEqual([`David Hughes ${world.tag}`]);

    await page.getByLabel('Search by name or NHS number').fill(`gwen pri`);
    await page.keyboard.press('Enter');
    await page.locator('.caseload-table tbody th', { hasText: 'Gwen' }).waitFor();
    expect(await rowNames(page)).toEqual([`Gwen Price ${world.tag}`]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('gwen pri');

    await page.getByLabel('Search by name or NHS number').fill(`nobody ${world.tag}`);
    await page.getByRole('heading', { name: 'No patients match' }).waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await summary(page, '3 patients');
    await context.close();
  });

  it('filters by status and switches between my patients and all I can see', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.lead);
    // A service lead lands on their own home; their caseload is at /caseload. On no care team: an empty
    // caseload that says why, and the way to everyone else.
    await page.getByRole('heading', { level: 1, name: 'Service overview' }).waitFor();
    await page.goto(`${server().url}/caseload`);
    await page.getByRole('heading', { name: 'You are not on any care team yet' }).waitFor();
    await page.getByRole('button', { name: 'Show all patients I can see' }).click();
    await page.getByRole('heading', { name: 'All patients I can see' }).waitFor();
    // Every patient of the lead's PCN, whoever's care team they are on.
    await summary(page, '5 patients');

    await page.getByLabel('Status').selectOption('DISCHARGED');
    await summary(page, '1 patient');
    expect(await rowNames(page)).toEqual([`Gwen Price ${world.tag}`]);
    await page.getByLabel('My patients').check();
    await page.getByRole('heading', { name: 'No patients match' }).waitFor();
    await context.close();
  });

  it('pages through a long caseload with next and previous', async () => {
    // A world of its own, so these 27 patients crowd no other test's caseload.
    const busy = await makeWorld(server().orm.em.fork());
    for (let i = 1; i <= 27; i++) await busy.patient([busy.users.coach], { givenName: 'Page', familyName: `Patient ${String(i).padStart(2, '0')}` });
    const { context, page } = await open();
    await signIn(page, busy.users.coach);
    await summary(page, 'Showing 1–25 of 27 patients');
    expect((await rowNames(page))[0]).toBe('Page Patient 01');
    await page.getByRole('button', { name: 'Next page' }).click();
    await summary(page, 'Showing 26–27 of 27 patients');
    expect(await rowNames(page)).toEqual(['Page Patient 26', 'Page Patient 27']);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    // Greyed, not faded: still readable (4.5:1 at least; a faded label came to about 3:1).
    expect(await ownTextContrast(page.getByRole('button', { name: 'Next page' }))).toBeGreaterThanOrEqual(4.5);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await summary(page, 'Showing 1–25 of 27 patients');
    await context.close();
  });

  it('marks a care-plan review "Due" by the UK\'s date, on a computer whose own date is another day', async () => {
    // Of two zones a day apart, one has a different date from the UK's at any hour: the browser runs in it.
    const dayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
    const today = ukToday();
    const timezoneId = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((zone) => dayIn(zone) !== today)!;
    const ahead = dayIn(timezoneId) > today;
    // Ahead, the computer's today is the UK's tomorrow: a review tomorrow is not due yet. Behind, its today
    // is the UK's yesterday: a review today is due.
    const review = ahead ? addDays(today, 1) : today;
    const own = await makeWorld(server().orm.em.fork());
    const patient = await own.patient([own.users.coach], { givenName: 'Rhys', familyName: `Review ${own.tag}` });
    await setNextReview(patient, own.users.coach, review);

    const context = await browser().newContext({ viewport: laptop, locale: 'en-GB', timezoneId });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(server().url);
    await signIn(page, own.users.coach);
    await summary(page, '1 patient');
    expect(await page.evaluate(() => new Intl.DateTimeFormat('en-CA').format(new Date()))).not.toBe(today);
    const cell = page.locator('.caseload-table tbody tr', { hasText: 'Rhys' }).locator('td[data-label="Next review"]');
    await cell.waitFor();
    expect(await cell.textContent()).toMatch(/\d{4}/);
    expect(await cell.getByText('Due', { exact: true }).count()).toBe(ahead ? 0 : 1);
    await context.close();
  });

  it('sorts the caseload by next review, most overdue first and none last, kept in the address at every width', async () => {
    // A world of its own, so these review dates reorder no other test's caseload.
    const own = await makeWorld(server().orm.em.fork());
    const { coach, lead } = own.users;
    // By name the order is the reverse of by review, and newest first is neither: the list shows which sort it follows.
    const later = await own.patient([coach], { givenName: 'Bryn', familyName: `Bevan ${own.tag}` });
    const overdue = await own.patient([coach], { givenName: 'Ceri', familyName: `Cole ${own.tag}` });
    const none = await own.patient([coach], { givenName: 'Alys', familyName: `Ashby ${own.tag}` });
    await setNextReview(later, coach, addDays(ukToday(), 30));
    await setNextReview(overdue, coach, addDays(ukToday(), -10));
    const nameOf = (p: Patient) => `${p.givenName} ${p.familyName}`;
    const byName = [none, later, overdue].map(nameOf);
    const byReview = [overdue, later, none].map(nameOf);

    const { context, page } = await open({ width: 1280, height: 800 });
    await signIn(page, coach);
    await summary(page, '3 patients');
    expect(await rowNames(page)).toEqual(byName);
    const sortBy = page.getByLabel('Sort by');
    expect(await sortBy.inputValue()).toBe('NAME');
    // With the keyboard alone: to the control, then type the start of the choice.
    await sortBy.focus();
    await page.keyboard.type('Next review');
    await expect.poll(() => rowNames(page)).toEqual(byReview);
    expect(await sortBy.inputValue()).toBe('REVIEW_DATE');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('REVIEW_DATE');

    await page.reload();
    await summary(page, '3 patients');
    expect(await rowNames(page)).toEqual(byReview);
    expect(await page.getByLabel('Sort by').inputValue()).toBe('REVIEW_DATE');
    // To a patient and back: the list as it was left.
    await page.getByRole('link', { name: nameOf(later) }).click();
    await page.getByRole('heading', { level: 1, name: nameOf(later) }).waitFor();
    await page.goBack();
    await summary(page, '3 patients');
    expect(await rowNames(page)).toEqual(byReview);

    // A table on a laptop, a card per patient on a phone: the same order, every field in view.
    const filters = page.locator('.caseload-filters__row');
    const toggle = page.getByRole('button', { name: /filters and sort/i });
    for (const width of widths) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 844 });
      expect(await rowNames(page)).toEqual(byReview);
      if (width === widths[0]) {
        // A phone folds the filters and sort behind a button, so the list starts on the first screen; it unfolds them.
        expect([await filters.isVisible(), await toggle.textContent()]).toEqual([false, 'Filters and sort']);
        await toggle.click();
        expect([await filters.isVisible(), await toggle.getAttribute('aria-expanded')]).toEqual([true, 'true']);
      }
      // A laptop shows them as they are, with no button.
      if (width === 1280) expect([await filters.isVisible(), await toggle.isVisible()]).toEqual([true, false]);
      const first = page.locator('.caseload-table tbody tr').first();
      // Ten days past: overdue, not merely due (a review due today says "Due").
      const due = first.locator('td[data-label="Next review"]').getByText('Overdue', { exact: true });
      expect(await due.isVisible()).toBe(true);
      // The "Overdue" badge is a badge like the status beside it, not stretched to the height of the card's line.
      const heightOf = async (badge: typeof due) => Math.round((await badge.boundingBox())!.height);
      expect([width, await heightOf(due)]).toEqual([width, await heightOf(first.locator('td[data-label="Status"] .badge'))]);
      expect(await page.locator('.caseload-table tbody tr').last().locator('td[data-label="Next review"]').textContent()).toBe('Not set');
      expect([width, await fieldLayoutProblems(page, '.caseload-table tbody tr > *', ['.table-wrap'])]).toEqual([width, []]);
      expect([width, await fieldLayoutProblems(page, '.caseload-filters__row .field')]).toEqual([width, []]);
      expect([width, await clippedFilters(page)]).toEqual([width, []]);
      expect([width, ...(await sidewaysScroll(page))]).toEqual([width, 0]);
      await shot(page, `caseload-by-review-${width}`, true);
    }
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();

    // The service lead's "Every patient with a review due" opens the due list in the same order as their home.
    const leads = await open({ width: 1280, height: 800 });
    await signIn(leads.page, lead);
    const reviews = leads.page.locator('section', { has: leads.page.getByRole('heading', { name: 'Care-plan reviews due' }) });
    await reviews.getByRole('link', { name: 'Every patient with a review due' }).click();
    await leads.page.getByRole('heading', { level: 1, name: 'All patients I can see' }).waitFor();
    await summary(leads.page, '1 patient');
    expect(await rowNames(leads.page)).toEqual([nameOf(overdue)]);
    expect(await leads.page.getByLabel('Care-plan review').inputValue()).toBe('due');
    expect(await leads.page.getByLabel('Sort by').inputValue()).toBe('REVIEW_DATE');
    // Folded on a phone, the button says a filter is on: the one patient shown is not the whole caseload.
    await leads.page.setViewportSize({ width: 390, height: 844 });
    expect(await leads.page.getByRole('button', { name: /filters and sort/i }).textContent()).toBe('Filters and sort (1 on)');
    await leads.context.close();
  });

  it('opens the patient workspace: header, care team with the lead marked, and the record sections', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.coach);
    await page.getByRole('link', { name: `David Hughes ${world.tag}` }).click();
    await page.getByRole('heading', { level: 1, name: `David Hughes ${world.tag}` }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.title()).toBe(`David Hughes ${world.tag} – Cairn`);
    expect(new URL(page.url()).pathname).toBe(`/patients/${patients.david.id}`);

    const header = await page.locator('.patient-header').textContent();
    expect(header).toContain(formatNhsNumber(patients.david.nhsNumber));
    expect(formatNhsNumber(patients.david.nhsNumber)).toMatch(/^\d{3} \d{3} \d{4}$/);
    expect(header).toContain('17 May 1970');
    expect(header).toMatch(/\(\d+ years\)/);
    expect(header).toContain('Chronic low back pain');
    expect(header).toContain('Referred');
    expect(header).toContain(world.practice.name);

    const team = page.getByRole('region', { name: 'Care team' });
    const members = team.getByRole('listitem');
    expect(await members.count()).toBe(2);
    // The GP leads: listed first, marked "Lead" in words, with their team role.
    expect(await members.nth(0).textContent()).toMatch(/^GP\s*Lead/);
    expect(await members.nth(0).getByText('Lead', { exact: true }).count()).toBe(1);
    expect(await members.nth(1).textContent()).toContain('Coach');
    expect(await members.nth(1).textContent()).toContain('Health & wellbeing coach');
    expect(await members.nth(1).getByText('Lead', { exact: true }).count()).toBe(0);

    const sections = page.getByRole('navigation', { name: 'Patient record' });
    expect(await sections.getByRole('link').allTextContents()).toEqual(['Care plan', 'Sessions', 'Handover', 'Medication', 'Discussion', 'Referrals', 'Measures', 'Timeline']);
    expect(await sections.getByRole('link', { name: 'Care plan' }).getAttribute('aria-current')).toBe('page');
    await shot(page, 'workspace-1366');
    expect(await accessibilityProblems(page)).toEqual([]);
    await sections.getByRole('link', { name: 'Handover' }).click();
    await page.getByRole('heading', { level: 2, name: 'Handover' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/patients/${patients.david.id}/handover`);

    await page.setViewportSize(tablet);
    await sections.getByRole('link', { name: 'Care plan' }).click();
    await page.getByRole('heading', { level: 2, name: 'Care plan' }).waitFor();
    await shot(page, 'workspace-tablet');
    // Back through Care plan, Handover and Care plan to the caseload.
    for (let i = 0; i < 3; i++) await page.goBack();
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    await shot(page, 'caseload-tablet');
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('says "no such patient" for a patient outside my care teams, exactly as for one that does not exist', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.coach);
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    for (const id of [patients.otherTeam.id, patients.notMine.id, '00000000-0000-4000-8000-000000000000']) {
      await page.goto(`${server().url}/patients/${id}`);
      await page.getByRole('heading', { name: 'No such patient, or you do not have access' }).waitFor();
      expect(await page.locator('main').textContent()).not.toContain('Oscar');
    }
    await shot(page, 'not-found-1366');
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('signs in with the keyboard alone', async () => {
    const { context, page } = await open();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent);
    // The page opens with the cursor in the email field; Tab goes to the password, then the button.
    expect(await focused()).toBe('email');
    await page.keyboard.type(world.users.gp.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('password');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Sign in');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    // The first Tab on a signed-in page reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await context.close();
  });

  it('signs out back to the sign-in page, and the session is gone after a reload', async () => {
    const { context, page } = await open();
    await signIn(page, world.users.coach);
    await page.getByRole('link', { name: `Amara Okafor ${world.tag}` }).click();
    await page.getByRole('heading', { level: 1, name: `Amara Okafor ${world.tag}` }).waitFor();
    await page.getByRole('button', { name: /^Account: / }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor();
    expect(await page.getByText(patients.amara.givenName).count()).toBe(0);
    await context.close();
  });

  it('"Sign out everywhere" ends the session on another device, which returns to sign-in on its next request', async () => {
    // A practitioner of a world of their own, made afresh by each attempt (a retried attempt must not find
    // the first one's sessions), with a patient, so that their caseload has its filters.
    const own = await makeWorld(server().orm.em.fork());
    await own.patient([own.users.pharm]);
    const laptopSession = await open();
    const tabletSession = await open(tablet);
    // These are their only two sessions.
    await signIn(laptopSession.page, own.users.pharm);
    await signIn(tabletSession.page, own.users.pharm);
    // A pain management practitioner's home (role-homes.browser.test.ts); its caseload is at /caseload.
    await tabletSession.page.getByRole('heading', { name: 'Your day' }).waitFor();
    await laptopSession.page.getByRole('heading', { name: 'Your day' }).waitFor();
    await tabletSession.page.goto(`${server().url}/caseload`);
    await tabletSession.page.getByRole('heading', { name: 'My patients' }).waitFor();

    await laptopSession.page.getByRole('button', { name: /^Account: / }).click();
    await laptopSession.page.getByRole('button', { name: 'Sign out everywhere…' }).click();
    await laptopSession.page.getByRole('button', { name: 'Sign out on every device' }).click();
    await laptopSession.page.getByText(/You have signed out on every device \(2 sessions ended\)/).waitFor();

    // The tablet finds out (UNAUTHENTICATED) as soon as it asks the server for anything.
    await tabletSession.page.getByLabel('Status').selectOption('ACTIVE');
    await tabletSession.page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor();
    await tabletSession.page.getByText('Your session has ended. Please sign in again.').waitFor();
    await laptopSession.context.close();
    await tabletSession.context.close();
  });
});
