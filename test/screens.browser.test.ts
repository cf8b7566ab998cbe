import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { PatientStatus, type Patient } from '../server/src/patients/patient.entity.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { fieldLayoutProblems, sidewaysScroll, widths } from './support/layout.js';
import { signInWithForm } from './support/sign-in.js';

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
    return signInWithForm(browser(), server().url, user, { viewport: sizeFor(width) });
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

  it('no main screen scrolls sideways, at 320, 390 or 1280 px (the conditions list once pushed patient pages 6 px wide)', { timeout: 150_000 }, async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    const screens = [
      { path: '/', ready: () => page.getByRole('heading', { level: 1, name: 'My patients' }).waitFor() },
      ...['', '/handover', '/discussion', '/timeline'].map((tab) => ({
        path: `/patients/${patient.id}${tab}`,
        ready: () => page.locator('#panel-heading').waitFor(),
      })),
      { path: '/handovers', ready: () => page.locator('.inbox-table').waitFor() },
    ];
    for (const width of widths) {
      await page.setViewportSize(sizeFor(width));
      for (const screen of screens) {
        await page.goto(`${server().url}${screen.path}`);
        await screen.ready();
        await page.waitForLoadState('networkidle');
        expect([width, screen.path, ...(await sidewaysScroll(page))]).toEqual([width, screen.path, 0]);
      }
    }
    await context.close();
  });

  it('on a phone the caseload is a card per patient, with status, review and lead in view; the top bar stays compact', async () => {
    const { context, page } = await signedIn(world.users.coach, 390);
    for (const width of widths) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(server().url);
      const row = page.locator('.caseload-table tbody tr', { hasText: 'Bethan' });
      await row.waitFor();
      // Every column of the row is on screen, none clipped or hidden behind a sideways scroll.
      expect([width, await fieldLayoutProblems(page, '.caseload-table tbody tr > *', ['.table-wrap'])]).toEqual([width, []]);
      for (const text of ['Active', 'Not set', 'Coach', formatNhsNumber(patient.nhsNumber)]) expect([width, text, await row.getByText(text, { exact: true }).isVisible()]).toEqual([width, text, true]);
      const bar = await page.locator('.top-bar').boundingBox();
      // One line on a laptop; on a phone a coach's six links wrap onto at most three short lines under the brand.
      expect([width, bar!.height <= (width === 1280 ? 64 : 190)]).toEqual([width, true]);
      expect([width, ...(await sidewaysScroll(page))]).toEqual([width, 0]);
      await shot(page, `caseload-${width}`);
    }
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it("every tab of a patient's record is in view at 1280 px, none behind a sideways scroll", async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    await page.goto(`${server().url}/patients/${patient.id}`);
    const tabs = page.getByRole('navigation', { name: 'Patient record' });
    await tabs.getByRole('link', { name: 'Timeline' }).waitFor();
    const box = (await tabs.boundingBox())!;
    for (const tab of await tabs.getByRole('link').all()) {
      const t = (await tab.boundingBox())!;
      expect([await tab.textContent(), t.x >= box.x && t.x + t.width <= box.x + box.width + 0.5]).toEqual([await tab.textContent(), true]);
    }
    await context.close();
  });

  it("from the patient banner, Tab reaches the record's tabs before the care team's controls; the care team follows the record on a phone too", async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    await page.goto(`${server().url}/patients/${patient.id}`);
    const tabs = page.getByRole('navigation', { name: 'Patient record' });
    await tabs.getByRole('link', { name: 'Timeline' }).waitFor();
    await page.getByRole('region', { name: 'Care team' }).getByRole('button').first().waitFor();
    // Start from the banner's last control, as a keyboard user who has read it would.
    await page.evaluate(() => {
      const controls = Array.from(document.querySelectorAll<HTMLElement>('.patient-header a[href], .patient-header button'));
      controls[controls.length - 1]!.focus();
    });
    let reached = '';
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        const at = document.activeElement;
        if (at?.closest('nav[aria-label="Patient record"]')) return 'record tabs';
        if (at?.closest('.care-team')) return 'care team';
        return '';
      });
    }
    expect(reached).toBe('record tabs');
    // On a laptop every tab is on one line beside the care team ("Timeline" once wrapped onto a second).
    const tabRows = await tabs.getByRole('link').evaluateAll((links) => new Set(links.map((l) => Math.round(l.getBoundingClientRect().top))).size);
    expect([await tabs.getByRole('link').count(), tabRows]).toEqual([8, 1]);
    for (const width of [1280, 390]) {
      await page.setViewportSize(sizeFor(width));
      const record = (await page.locator('.workspace__record').boundingBox())!;
      const team = (await page.locator('.care-team').boundingBox())!;
      // Beside the record on a laptop, below it on a phone: never above it, out of step with the keyboard.
      expect([width, width === 1280 ? team.x > record.x : team.y > record.y]).toEqual([width, true]);
      await page.screenshot({ path: path.join(artifactsDir, `patient-record-care-team-${width}.png`), fullPage: true });
    }
    // Below the record, the team is a tap away: who leads and how many more, then the team itself, with the keyboard there.
    const jump = page.getByRole('button', { name: /^Care team: / });
    expect(await jump.textContent()).toBe(`Care team: ${world.users.coach.name} (lead) and 2 others`);
    await jump.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('care-team-heading');
    const heading = (await page.locator('#care-team-heading').boundingBox())!;
    expect(heading.y >= 0 && heading.y < sizeFor(390).height).toBe(true);
    await page.setViewportSize(sizeFor(1280));
    expect(await jump.isVisible()).toBe(false);
    await context.close();
  });

  it("the timeline keeps what it showed when a new filter cannot reach the server, says so, and \"Try again\" loads the filter once back online", async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    await page.goto(`${server().url}/patients/${patient.id}/timeline`);
    const history = page.getByRole('list', { name: 'History, newest first' });
    await history.getByText('Reduce the evening pregabalin and review sleep', { exact: false }).first().waitFor();
    const shown = await history.locator('li').count();
    // The handover's urgency in words, as its notification says it.
    await history.getByText('posted a handover needing a reply soon from', { exact: false }).first().waitFor();

    await page.route('**/graphql', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback()));
    await page.getByLabel('Show').selectOption('handover');
    const alert = page.getByText('What is shown below is as it was when last loaded.', { exact: false });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Cairn cannot reach the server just now.');
    expect(await history.locator('li').count()).toBe(shown);

    await page.unroute('**/graphql');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => alert.count()).toBe(0);
    await history.getByText('Reduce the evening pregabalin and review sleep', { exact: false }).first().waitFor();
    await context.close();
  });

  it("on a phone every one of the service lead's top-bar links is in view and a 44 px target, none behind a sideways scroll", async () => {
    const { context, page } = await signedIn(world.users.lead, 390);
    for (const width of [390, 320]) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(server().url);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Medication' }).waitFor();
      const links = await nav.getByRole('link').all();
      expect(links.length).toBe(7);
      for (const link of links) {
        const box = (await link.boundingBox())!;
        const inView = box.x >= 0 && box.x + box.width <= width && box.y >= 0 && box.height >= 44;
        expect([width, await link.textContent(), inView]).toEqual([width, await link.textContent(), true]);
      }
      expect([width, await nav.evaluate((el) => el.scrollWidth - el.clientWidth)]).toEqual([width, 0]);
      // The one handover this file's patient has is counted as one.
      expect((await page.getByText(/escalations? to act on/).textContent())?.trim()).toMatch(/· 1 unacknowledged handover$/);
      // The brand says where "home" leads, as on a laptop.
      expect([width, ((await page.locator('.top-bar__home-sub').boundingBox())?.width ?? 0) > 20]).toEqual([width, true]);
      await shot(page, `top-bar-lead-${width}`);
      expect(await seriousAccessibilityProblems(page)).toEqual([]);
    }
    await context.close();
  });

  it('the top bar is one line at 1280 px for the role with the most links', async () => {
    const { context, page } = await signedIn(world.users.lead, 1280);
    const bar = (await page.locator('.top-bar').boundingBox())!;
    expect(bar.height).toBeLessThanOrEqual(64);
    await context.close();
  });

  it('the notification panel and the account menu open inside the screen, on a phone as on a laptop', async () => {
    const { context, page } = await signedIn(world.users.coach, 390);
    for (const width of widths) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(server().url);
      await page.locator('.bell__button[aria-label^="Notifications,"]').waitFor();
      await page.locator('.bell__button').click();
      const panel = page.getByRole('region', { name: 'Notifications', exact: true });
      await panel.getByText('Reduce the evening pregabalin').waitFor();
      const box = (await panel.boundingBox())!;
      const viewport = page.viewportSize()!;
      expect([width, box.x >= 0, box.x + box.width <= viewport.width, box.y >= 0, box.y + box.height <= viewport.height]).toEqual([width, true, true, true, true]);
      if (width !== 320) await shot(page, `notifications-open-${width}`);
      if (width !== 1280) expect(await seriousAccessibilityProblems(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      {
        await page.getByRole('button', { name: /^Account: Coach/ }).click();
        const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
        await signOut.waitFor();
        const menu = (await page.locator('.account__panel').boundingBox())!;
        expect([width, menu.x >= 0, menu.x + menu.width <= viewport.width]).toEqual([width, true, true]);
        if (width === 390 || width === 1280) await shot(page, `account-menu-${width}`);
        await page.keyboard.press('Escape');
        await signOut.waitFor({ state: 'hidden' });
      }
    }
    await context.close();
  });

  it('"Sign out everywhere" is quieter than "Sign out" and asks before it ends every session', async () => {
    const { context, page } = await signedIn(world.users.pharm, 1280);
    // Who is signed in is named on the bar; the sign-out actions open from it.
    const account = page.getByRole('button', { name: `Account: ${world.users.pharm.name}` });
    expect(await account.textContent()).toContain(world.users.pharm.name);
    await account.click();
    const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
    const everywhere = page.getByRole('button', { name: 'Sign out everywhere…' });
    const look = (el: Element) => {
      const s = getComputedStyle(el);
      return { background: s.backgroundColor, border: s.borderTopWidth, weight: Number(s.fontWeight), size: parseFloat(s.fontSize) };
    };
    const [plain, quiet] = [await signOut.evaluate(look), await everywhere.evaluate(look)];
    // "Sign out" is a filled button; "Sign out everywhere" is smaller, lighter text with no fill and no border.
    expect(plain.background).not.toBe('rgba(0, 0, 0, 0)');
    expect(quiet).toMatchObject({ background: 'rgba(0, 0, 0, 0)', border: '0px' });
    expect(quiet.size).toBeLessThan(plain.size);
    expect(quiet.weight).toBeLessThan(plain.weight);

    const sessions = async () =>
      (await server().orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from session where user_id = ? and revoked_at is null', [world.users.pharm.id]))[0].n;
    const before = await sessions();
    await everywhere.click();
    const confirm = page.getByRole('group', { name: 'End every session of yours, on every device?' });
    await confirm.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out on every device');
    await shot(page, 'sign-out-everywhere-confirm-1280');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    // Cancel changes nothing; confirming ends every session.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await everywhere.waitFor();
    expect(await sessions()).toBe(before);
    await everywhere.click();
    await page.getByRole('button', { name: 'Sign out on every device' }).click();
    await page.getByText(/You have signed out on every device/).waitFor();
    expect(await sessions()).toBe(0);
    await context.close();
  });

  it('the printed plan names the practice and says whom to contact there', async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    await page.goto(`${server().url}/patients/${patient.id}/care-plan/print`);
    await page.emulateMedia({ media: 'print' });
    const contact = page.locator('.contact');
    expect(await contact.textContent()).toBe(
      `Your practice: ${world.practice.name}. Questions about this plan: contact your practice and ask for Coach (Health & wellbeing coach), who leads your care.`,
    );
    await shot(page, 'care-plan-print-1280');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });
  it('at 320 px a coach never scrolls the page sideways: the waiting list, the caseload pager, the care plan', { timeout: 150_000 }, async () => {
    const { gp, coach } = world.users;
    const referred = await world.patient([gp], { givenName: 'Olwen', familyName: `Referred ${world.tag}`, status: PatientStatus.REFERRED });
    const details = { reason: 'Persistent pain in both knees', wantsHelpWith: 'Walking further', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Weekday mornings' };
    const created = await gql(server().url, 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }', { input: { patientId: referred.id, details } }, await signInAs(server().url, gp));
    expect(created.errors).toBeUndefined();
    // A second page of the caseload, so the pager shows; the names sort after the patient the other tests read.
    for (let i = 0; i < 25; i++) await world.patient([coach], { givenName: 'Zara', familyName: `Pager ${i} ${world.tag}` });

    const { context, page } = await signedIn(coach, 320);
    const screens = [
      { name: 'referrals', path: '/referrals', ready: () => page.locator('article', { has: page.getByRole('heading', { name: `Olwen Referred ${world.tag}` }) }).waitFor() },
      {
        name: 'caseload',
        path: '/',
        ready: async () => {
          await page.getByRole('navigation', { name: 'Caseload pages' }).waitFor();
          // The search's example NHS number wraps whole or not at all (hazard UI-01).
          expect(await page.getByText(/^For example, Smith/).textContent()).toContain('999\u00a0123\u00a04567');
        },
      },
      {
        name: 'care-plan',
        path: `/patients/${patient.id}/care-plan`,
        ready: async () => {
          await page.getByLabel('New goal').fill('Be able to walk to the allotment and back without stopping');
          await page.getByRole('button', { name: 'Add goal' }).click();
          await page.getByRole('heading', { name: 'Goal 1' }).waitFor();
        },
      },
    ];
    for (const screen of screens) {
      await page.goto(`${server().url}${screen.path}`);
      await screen.ready();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(artifactsDir, `no-sideways-${screen.name}-320.png`), fullPage: true });
      expect([screen.name, ...(await sidewaysScroll(page))]).toEqual([screen.name, 0]);
    }
    await context.close();
  });
  it('the programme and diary pages are one main landmark with one page margin, as every other page', async () => {
    const { context, page } = await signedIn(world.users.coach, 1280);
    for (const where of ['/referrals', '/case-finding', '/diary', '/capacity']) {
      await page.goto(`${server().url}${where}`);
      const heading = page.getByRole('heading', { level: 1 });
      await heading.waitFor();
      expect([where, await page.getByRole('main').count()]).toEqual([where, 1]);
      // The heading starts at the page's own padding, not that padding twice over.
      const inset = await heading.evaluate((h) => h.getBoundingClientRect().left - document.getElementById('main')!.getBoundingClientRect().left);
      expect([where, inset]).toEqual([where, 24]);
    }
    await context.close();
  });
  it("the diary lists the day it opened on once, spaced from the week's buttons and list; a service lead picks whose diary", async () => {
    const { coach, lead } = world.users;
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    const booked = await gql(server().url, 'mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }', {
      input: { patientId: patient.id, coachId: coach.id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString(), mode: 'PHONE', purpose: `Pacing review ${world.tag}` },
    }, await signInAs(server().url, coach));
    expect(booked.errors).toBeUndefined();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(startsAt);

    const { context, page } = await signedIn(coach, 1280);
    for (const width of [1280, 390]) {
      await page.setViewportSize(sizeFor(width));
      await page.goto(`${server().url}/diary?date=${day}`);
      await page.locator('.diary-today .diary-entry', { hasText: `Pacing review ${world.tag}` }).waitFor();
      expect([width, await page.locator('.diary-entry', { hasText: `Pacing review ${world.tag}` }).count()]).toEqual([width, 1]);
      const [nav, today, week] = await Promise.all(['.diary-nav', '.diary-today', '.diary-week'].map(async (s) => (await page.locator(s).boundingBox())!));
      // A clear gap (at least 8 px) between the week's buttons, the day's card and the week's list.
      expect([width, today.y - (nav.y + nav.height) >= 8, week.y - (today.y + today.height) >= 8]).toEqual([width, true, true]);
      await page.screenshot({ path: path.join(artifactsDir, `diary-${width}.png`), fullPage: true });
    }
    await context.close();

    const asLead = await signedIn(lead, 1280);
    await asLead.page.goto(`${server().url}/diary`);
    const choice = asLead.page.getByRole('region', { name: 'Whose diary?' });
    await choice.getByRole('link', { name: coach.name }).waitFor();
    expect(await asLead.page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await asLead.page.getByRole('alert').count()).toBe(0);
    await shot(asLead.page, 'diary-lead-choice-1280');
    expect(await seriousAccessibilityProblems(asLead.page)).toEqual([]);
    await choice.getByRole('link', { name: coach.name }).click();
    await asLead.page.getByRole('heading', { level: 1, name: `Diary: ${coach.name}` }).waitFor();
    await asLead.context.close();
  });
  it("on a phone the record's tab strip shows the open tab, on opening and on moving back, and fades where more tabs lie", async () => {
    const { context, page } = await signedIn(world.users.coach, 390);
    const strip = page.getByRole('navigation', { name: 'Patient record' }).locator('ul');
    const currentInView = async () => {
      const current = page.getByRole('navigation', { name: 'Patient record' }).locator('[aria-current="page"]');
      await expect.poll(async () => {
        const [s, c] = [(await strip.boundingBox())!, (await current.boundingBox())!];
        return c.x >= s.x - 0.5 && c.x + c.width <= s.x + s.width + 0.5;
      }).toBe(true);
      return current.textContent();
    };
    for (const width of [390, 320]) {
      await page.setViewportSize(sizeFor(width));
      for (const [tab, label] of [['measures', 'Measures'], ['timeline', 'Timeline']]) {
        await page.goto(`${server().url}/patients/${patient.id}/${tab}`);
        await page.locator('#panel-heading').waitFor();
        expect([width, await currentInView()]).toEqual([width, label]);
        // More tabs lie to the left: that edge fades.
        expect([width, tab, await strip.getAttribute('data-more')]).toEqual([width, tab, expect.stringContaining('start')]);
        await strip.scrollIntoViewIfNeeded();
        await shot(page, `tabs-${tab}-${width}`);
      }
      await page.goBack();
      await page.locator('#panel-heading').waitFor();
      expect([width, await currentInView()]).toEqual([width, 'Measures']);
    }
    // Opened on a wider screen, then narrowed (a tablet turned, a window made smaller): the open tab stays in view.
    await page.setViewportSize(sizeFor(1280));
    await page.goto(`${server().url}/patients/${patient.id}/timeline`);
    await page.locator('#panel-heading').waitFor();
    await page.setViewportSize(sizeFor(390));
    expect(await currentInView()).toBe('Timeline');
    await context.close();
  });
  it("on a phone a care-plan goal's \"What I want to do\" and \"How we will know\" show their whole text", async () => {
    const owner = await world.patient([world.users.coach], { givenName: 'Gwen', familyName: `Goals ${world.tag}` });
    const { context, page } = await signedIn(world.users.coach, 390);
    await page.goto(`${server().url}/patients/${owner.id}/care-plan`);
    const what = 'Be able to walk to the allotment and back, and spend an hour there, twice a week by the spring';
    await page.getByLabel('New goal').fill(what);
    await page.getByRole('button', { name: 'Add goal' }).click();
    const goal = page.locator('.goal').first();
    await goal.getByLabel('How we will know').fill('She walks there and back twice in one week without needing a day in bed after');
    for (const width of [390, 320]) {
      await page.setViewportSize(sizeFor(width));
      for (const label of ['What I want to do', 'How we will know']) {
        const box = goal.getByLabel(label);
        // Nothing of the text is scrolled out of the box, sideways or down.
        const hidden = await box.evaluate((el) => [el.scrollWidth - el.clientWidth, el.scrollHeight - el.clientHeight]);
        expect([width, label, hidden]).toEqual([width, label, [0, 0]]);
      }
      expect(await goal.getByLabel('What I want to do').inputValue()).toBe(what);
      await goal.scrollIntoViewIfNeeded();
      await shot(page, `care-plan-goal-${width}`);
    }
    await context.close();
  });
});
