import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Role, User } from '../server/src/auth/user.entity.js';
import { PatientStatus } from '../server/src/patients/patient.entity.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const shotsDir = '/tmp/shots-live-programme';
const CREATE_REFERRAL = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
const CREATE_CAFE = `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id } }`;
const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

/** Two coaches of one PCN, each in their own browser, see each other's work arrive without reloading. */
describe('the coaching programme, live for colleagues, in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let colleague: User;

  beforeAll(async () => {
    const em = server().orm.em.fork();
    world = await makeWorld(em);
    colleague = new User('Colleague Coach', `colleague.${world.tag}@test.example`, world.users.coach.passwordHash, Role.COACH, world.pcn);
    await em.persist(colleague).flush();
    fs.mkdirSync(shotsDir, { recursive: true });
  });

  async function signedIn(user: User, at: string): Promise<Page> {
    const { page } = await signInWithForm(browser(), server().url, user, { viewport: desktop });
    await page.goto(`${server().url}${at}`);
    return page;
  }

  /** Full-page screenshots at the laptop's size and a phone's; nothing wider than the phone. */
  async function shots(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [['1280', desktop], ['390', phone]] as const) {
      await page.setViewportSize(viewport);
      for (const dir of [artifactsDir, shotsDir]) await page.screenshot({ path: path.join(dir, `live-${name}-${size}.png`), fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    }
    await page.setViewportSize(desktop);
  }

  it("a GP's referral appears on both coaches' waiting lists; one declines it and it leaves the other's, with no reload", { timeout: 120_000 }, async () => {
    const { gp, coach } = world.users;
    const mine = await signedIn(coach, '/referrals');
    const theirs = await signedIn(colleague, '/referrals');
    for (const page of [mine, theirs]) await page.getByText('Nobody is waiting.').waitFor();
    // Each page is the document loaded once: a reload would lose this mark.
    for (const page of [mine, theirs]) await page.evaluate(() => Object.assign(window, { __loadedOnce: true }));

    const patient = await world.patient([gp], { givenName: 'Gwen', familyName: `Live ${world.tag}`, status: PatientStatus.REFERRED });
    const made = await gql(server().url, CREATE_REFERRAL, {
      input: { patientId: patient.id, details: { reason: 'Low back pain for two years; off work', wantsHelpWith: 'Back to the allotment', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Afternoons' } },
    }, await signInAs(server().url, gp));
    expect(made.errors).toBeUndefined();

    const card = (page: Page) => page.locator('article', { has: page.getByRole('heading', { name: `Gwen Live ${world.tag}` }) });
    for (const page of [mine, theirs]) await card(page).getByText('Awaiting triage').waitFor();
    await shots(mine, 'triage');

    await card(theirs).getByRole('button', { name: 'Decline', exact: true }).click();
    await card(theirs).getByLabel('Reason (the referrer is told)').fill('Already under the community back pain service');
    await card(theirs).getByRole('button', { name: 'Decline referral' }).click();
    await card(theirs).waitFor({ state: 'detached' });
    await card(mine).waitFor({ state: 'detached' });
    await mine.getByText('Nobody is waiting.').waitFor();
    expect(await mine.evaluate(() => (window as unknown as { __loadedOnce?: boolean }).__loadedOnce)).toBe(true);
  });

  it("a coach registers a patient and gives up the place: the other facilitator's café page and list follow, the patient not named to them", { timeout: 120_000 }, async () => {
    const { coach, lead } = world.users;
    await world.patient([coach], { givenName: 'Annest', familyName: `Cafe ${world.tag}` });
    await world.patient([coach], { givenName: 'Bryn', familyName: `Cafe ${world.tag}` });
    const created = await gql<{ createPainCafe: { id: string } }>(server().url, CREATE_CAFE, {
      input: { title: 'Pain Café: live together', startsAt: hours(72), endsAt: hours(74), venue: 'Riverside Library', capacity: 1, facilitatorIds: [coach.id, colleague.id] },
    }, await signInAs(server().url, lead));
    const cafeId = created.data!.createPainCafe.id;

    const theirList = await signedIn(colleague, '/pain-cafes');
    const listCard = theirList.locator('.cafe-card', { hasText: 'Pain Café: live together' });
    await listCard.getByText('0 of 1 taken').waitFor();
    const theirs = await signedIn(colleague, `/pain-cafes/${cafeId}`);
    const mine = await signedIn(coach, `/pain-cafes/${cafeId}`);
    for (const page of [theirs, theirList]) await page.evaluate(() => Object.assign(window, { __loadedOnce: true }));
    await theirs.getByText('Nobody holds a place yet.').waitFor();

    const register = async (name: string) => {
      const section = mine.locator('section', { has: mine.getByRole('heading', { name: 'Register a patient' }) });
      await section.getByLabel('Find a patient on your caseload').fill(name);
      await section.getByRole('button', { name: 'Search' }).click();
      await section.getByRole('button', { name: `Register ${name}` }).click();
    };
    await register(`Annest Cafe ${world.tag}`);
    await mine.getByText(`Annest Cafe ${world.tag} has a place.`).waitFor();
    await register(`Bryn Cafe ${world.tag}`);
    await mine.getByText(/is number 1 on the waiting list/).waitFor();

    // The colleague's page: full, one waiting, neither named (they are not on the colleague's caseload).
    const places = theirs.locator('section', { has: theirs.getByRole('heading', { name: /^Places/ }) });
    const waiting = theirs.locator('section', { has: theirs.getByRole('heading', { name: /^Waiting list/ }) });
    await theirs.getByText('1 of 1 taken · full · 1 on the waiting list').waitFor();
    await expect.poll(() => places.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('A patient not on your caseload')]);
    expect(await theirs.getByText(`Cafe ${world.tag}`).count()).toBe(0);
    await listCard.getByText('1 of 1 taken · full · 1 on the waiting list').waitFor();
    await shots(theirs, 'cafe-colleague');
    await shots(mine, 'cafe');

    // Annest cannot come: Bryn takes the place, and the colleague's page shows the waiting list empty.
    const myPlaces = mine.locator('section', { has: mine.getByRole('heading', { name: /^Places/ }) });
    await myPlaces.getByRole('button', { name: `Cancel place: Annest Cafe ${world.tag}` }).click();
    await myPlaces.getByRole('button', { name: 'Yes, cancel' }).click();
    await waiting.getByText('Nobody is waiting.').waitFor();
    await theirs.getByText('1 of 1 taken · full').waitFor();
    await expect.poll(() => places.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('From the waiting list')]);
    for (const page of [theirs, theirList]) expect(await page.evaluate(() => (window as unknown as { __loadedOnce?: boolean }).__loadedOnce)).toBe(true);
  });
});
