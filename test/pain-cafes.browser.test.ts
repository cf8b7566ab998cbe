import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, ownerQuery, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const shotsDir = '/tmp/shots-pain-cafes';
const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('Pain Cafés in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    mkdirSync(shotsDir, { recursive: true });
  });

  /** A screenshot at the laptop size and at a phone's, full page; nothing may be wider than the phone. */
  async function shots(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [['1280', desktop], ['390', phone]] as const) {
      await page.setViewportSize(viewport);
      for (const dir of [artifactsDir, shotsDir]) await page.screenshot({ path: path.join(dir, `pain-cafes-${name}-${size}.png`), fullPage: true });
      if (size === '390') expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    }
    await page.setViewportSize(desktop);
  }

  /** A café a week ahead, run by the coach, with a place held for a new patient of each given name (through the API). */
  async function cafeWithPlaces(title: string, givenNames: string[], familyName: string): Promise<{ token: string; cafeId: string; places: string[] }> {
    const { coach } = world.users;
    const token = await signInAs(server().url, coach);
    const inAWeek = Date.now() + 7 * 24 * 3_600_000;
    const made = await gql<{ createPainCafe: { id: string } }>(server().url, `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id } }`, {
      input: { title, startsAt: new Date(inAWeek).toISOString(), endsAt: new Date(inAWeek + 90 * 60_000).toISOString(), venue: 'Riverside Library', capacity: 6, facilitatorIds: [coach.id] },
    }, token);
    expect(made.errors).toBeUndefined();
    const cafeId = made.data!.createPainCafe.id;
    const places: string[] = [];
    for (const givenName of givenNames) {
      const p = await world.patient([coach], { givenName, familyName: `${familyName} ${world.tag}` });
      const r = await gql<{ registerPatientForPainCafe: { id: string } }>(server().url, `mutation($cafe: ID!, $patient: ID!) { registerPatientForPainCafe(cafeId: $cafe, patientId: $patient) { id } }`, { cafe: cafeId, patient: p.id }, token);
      expect(r.errors).toBeUndefined();
      places.push(r.data!.registerPatientForPainCafe.id);
    }
    return { token, cafeId, places };
  }

  async function registerFromSearch(page: Page, name: string): Promise<void> {
    const register = page.locator('section', { has: page.getByRole('heading', { name: 'Register a patient' }) });
    await register.getByLabel('Find a patient on your caseload').fill(name);
    await register.getByRole('button', { name: 'Search' }).click();
    await register.getByRole('button', { name: `Register ${name}` }).click();
  }

  it('a coach arranges a café for one, registers two patients so one waits, cancels the first, and the second takes the place', { timeout: 180_000 }, async () => {
    const { coach } = world.users;
    const ann = await world.patient([coach], { givenName: 'Annie', familyName: `Walsh ${world.tag}` });
    const ben = await world.patient([coach], { givenName: 'Bernard', familyName: `Okoye ${world.tag}` });
    const { context, page } = await signInWithForm(browser(), server().url, coach, { viewport: desktop });
    await page.getByRole('heading', { name: 'My patients' }).waitFor();

    await page.getByRole('link', { name: 'Pain Cafés' }).click();
    await page.getByRole('heading', { name: 'Pain Cafés', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Arrange a café' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Arrange a Pain Café' }) });
    await form.getByLabel('Title').fill('Pain Café: moving with confidence');
    await form.getByLabel('Places').fill('0');
    await form.getByRole('textbox', { name: 'Venue' }).fill('Riverside Library, Community Room');
    await shots(page, 'create-form');
    // A refusal shows beside its field and stores nothing.
    await form.getByRole('button', { name: 'Arrange café' }).click();
    await form.getByText('A café needs at least one place.').waitFor();
    await form.getByLabel('Places').fill('1');
    await form.getByRole('button', { name: 'Arrange café' }).click();
    await page.getByRole('heading', { name: 'Pain Café: moving with confidence', level: 1 }).waitFor();

    await registerFromSearch(page, ann.givenName + ' ' + ann.familyName);
    await page.getByText(`${ann.givenName} ${ann.familyName} has a place.`).waitFor();
    await registerFromSearch(page, ben.givenName + ' ' + ben.familyName);
    await page.getByText(`The café is full: ${ben.givenName} ${ben.familyName} is number 1 on the waiting list.`).waitFor();
    const places = page.locator('section', { has: page.getByRole('heading', { name: /^Places/ }) });
    const waiting = page.locator('section', { has: page.getByRole('heading', { name: /^Waiting list/ }) });
    await expect.poll(() => places.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining(ann.familyName)]);
    await expect.poll(() => waiting.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining(ben.familyName)]);
    await page.getByText('1 of 1 taken · full · 1 on the waiting list').waitFor();
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await shots(page, 'cafe-waiting');
    // A turn on the waiting list is ended in its own words, not as a place.
    await waiting.getByRole('button', { name: `Take off the waiting list: ${ben.givenName} ${ben.familyName}` }).waitFor();

    // Annie cannot come: her place passes to Bernard, first on the waiting list, at once.
    await places.getByRole('button', { name: `Cancel place: ${ann.givenName} ${ann.familyName}` }).click();
    await places.getByText('Give up the place? The next on the waiting list takes it.').waitFor();
    await places.getByRole('button', { name: 'Yes, cancel' }).click();
    await expect.poll(() => places.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(new RegExp(`${ben.familyName}.*From the waiting list`))]);
    await waiting.getByText('Nobody is waiting.').waitFor();
    await page.getByText('1 of 1 taken · full').waitFor();

    // One more place: the café is changed through the same form.
    await page.getByRole('button', { name: 'Change the café…' }).click();
    const change = page.locator('form', { has: page.getByRole('heading', { name: 'Change the café' }) });
    expect(await change.getByLabel('Title').inputValue()).toBe('Pain Café: moving with confidence');
    await change.getByLabel('Places').fill('2');
    await shots(page, 'change-form');
    // Meanwhile a colleague moves it to the library: saving the places keeps their venue.
    const colleagueChanges = (set: string) => ownerQuery(`update pain_cafe set ${set}, updated_at = now() where title = 'Pain Café: moving with confidence' and pcn_id = $1`, [world.pcn.id]);
    await colleagueChanges(`venue = 'Library, Market Square'`);
    await change.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('1 of 2 taken · 1 place left').waitFor();
    await page.getByText('Library, Market Square').first().waitFor();

    // Both change the places: this form is refused, the page shows the colleague's figure, and the form says
    // what changed while keeping the figure typed here; saved again, knowingly, that figure stands.
    await page.getByRole('button', { name: 'Change the café…' }).click();
    await change.getByLabel('Places').fill('4');
    await colleagueChanges('capacity = 3');
    await change.getByRole('button', { name: 'Save changes' }).click();
    await change.getByText("Someone else changed the café's number of places while you had this form open.").waitFor();
    await page.getByText('1 of 3 taken · 2 places left').waitFor();
    expect(await change.getByLabel('Places').inputValue()).toBe('4');
    // The first change's "The café is changed" went when the form opened again: it would contradict the refusal.
    expect(await page.getByText('The café is changed.').count()).toBe(0);
    await shots(page, 'change-refused');
    await change.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('1 of 4 taken · 3 places left').waitFor();

    // The list shows the café and its fill.
    await page.getByRole('link', { name: 'All Pain Cafés' }).click();
    const card = page.locator('.cafe-card', { hasText: 'Pain Café: moving with confidence' });
    await card.getByText('1 of 4 taken · 3 places left').waitFor();
    await shots(page, 'list');

    // After the café (moved into the past in the database), the coach records attendance.
    await ownerQuery(`update pain_cafe set starts_at = now() - interval '2 hours', ends_at = now() - interval '30 minutes' where title = 'Pain Café: moving with confidence' and pcn_id = $1`, [world.pcn.id]);
    await card.getByRole('link').click();
    await places.getByRole('group', { name: `Attendance of ${ben.givenName} ${ben.familyName}` }).getByRole('button', { name: 'Attended' }).click();
    await places.getByText('Attended', { exact: true }).first().waitFor();
    await expect.poll(() => places.locator('.badge').allTextContents()).toContain('Attended');
    await shots(page, 'attendance');

    // It is on Bernard's timeline.
    await page.goto(`${server().url}/patients/${ben.id}/timeline`);
    await page.getByText('recorded that the patient attended a Pain Café').waitFor();
    await page.getByText('freed a place on a Pain Café, which passed to the patient from the waiting list').waitFor();
    await shots(page, 'timeline');
    await context.close();
  });

  it("shows a café at its UK time on a computer set to another zone: 14:00 on a summer day is 14:00 on the list, the café's page and the patient's", { timeout: 60_000 }, async () => {
    const { coach } = world.users;
    const patient = await world.patient([coach], { givenName: 'Carys', familyName: `Hughes ${world.tag}` });
    const token = await signInAs(server().url, coach);
    // The first day from two days on that falls in June, July or August: British Summer Time, so 14:00 in the UK is 13:00 UTC.
    let at = Date.now() + 2 * 24 * 3_600_000;
    while (![5, 6, 7].includes(new Date(at).getUTCMonth())) at += 24 * 3_600_000;
    const summer = ukDay.format(new Date(at));
    const title = `Summer Pain Café ${world.tag}`;
    const made = await gql<{ createPainCafe: { id: string } }>(server().url, `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id } }`, {
      input: { title, startsAt: `${summer}T13:00:00.000Z`, endsAt: `${summer}T14:30:00.000Z`, venue: 'Riverside Library', capacity: 8, facilitatorIds: [coach.id] },
    }, token);
    expect(made.errors).toBeUndefined();
    const cafeId = made.data!.createPainCafe.id;
    const registered = await gql(server().url, `mutation($cafe: ID!, $patient: ID!) { registerPatientForPainCafe(cafeId: $cafe, patientId: $patient) { id } }`, { cafe: cafeId, patient: patient.id }, token);
    expect(registered.errors).toBeUndefined();

    const { context, page } = await signInWithForm(browser(), server().url, coach, { viewport: desktop, timezoneId: 'America/New_York' });
    await page.goto(`${server().url}/pain-cafes`);
    const card = page.locator('.cafe-card', { hasText: title });
    await expect.poll(() => card.locator('.cafe-card__when').textContent()).toMatch(/\b14:00 to 15:30$/);
    await page.goto(`${server().url}/pain-cafes/${cafeId}`);
    await expect.poll(() => page.locator('.cafe-summary__when').textContent()).toMatch(/\b14:00 to 15:30$/);
    await page.goto(`${server().url}/patients/${patient.id}/sessions`);
    const place = page.locator('.session-item', { hasText: title });
    await expect.poll(() => place.locator('.session-item__when strong').textContent()).toMatch(/\b14:00$/);
    // The patient's timeline says the registration with the café's day, year and UK time.
    await page.goto(`${server().url}/patients/${patient.id}/timeline`);
    const year = summer.slice(0, 4);
    await page.getByRole('list', { name: 'History, newest first' }).getByText(new RegExp(`^${title}, \\w{3}, \\d{1,2} \\w{3} ${year}, 14:00$`)).first().waitFor();
    await context.close();
  });

  it('a café that has run shows what happened, "3 attended · 1 did not attend", on the list and its page, with no places left or waiting-list wording', { timeout: 90_000 }, async () => {
    const { coach } = world.users;
    const title = `Pain Café: looking back ${world.tag}`;
    const { token, cafeId, places } = await cafeWithPlaces(title, ['Dora', 'Elif', 'Femi', 'Gwen'], 'Past');
    // It ran last week (moved into the past in the database); three came and one did not.
    await ownerQuery(`update pain_cafe set starts_at = now() - interval '7 days', ends_at = now() - interval '7 days' + interval '90 minutes' where id = $1`, [cafeId]);
    for (const [i, id] of places.entries()) {
      const r = await gql(server().url, `mutation($id: ID!, $a: PainCafeAttendance!) { recordPainCafeAttendance(input: { registrationId: $id, attendance: $a }) { id } }`, { id, a: i === 3 ? 'DID_NOT_ATTEND' : 'ATTENDED' }, token);
      expect(r.errors).toBeUndefined();
    }

    const { context, page } = await signInWithForm(browser(), server().url, coach, { viewport: desktop });
    await page.goto(`${server().url}/pain-cafes`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Past cafés' }) }).locator('.cafe-card', { hasText: title });
    await card.getByText('3 attended · 1 did not attend').waitFor();
    expect(await card.textContent()).not.toMatch(/taken|places? left|waiting list/);
    await shots(page, 'past-list');

    await card.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.locator('.cafe-summary').getByText('3 attended · 1 did not attend').waitFor();
    await page.getByRole('heading', { name: 'Places held (4)' }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).not.toMatch(/taken|places? left|Waiting list|When the café is full/);
    await shots(page, 'past-cafe');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });

  it('a café that has started is listed under "On now" with its register, not under "Upcoming" with places left to book', { timeout: 90_000 }, async () => {
    const { coach } = world.users;
    const title = `Pain Café: under way ${world.tag}`;
    const { cafeId } = await cafeWithPlaces(title, ['Hana', 'Ifan'], 'Now');
    // It began half an hour ago and has an hour to go.
    await ownerQuery(`update pain_cafe set starts_at = now() - interval '30 minutes', ends_at = now() + interval '60 minutes' where id = $1`, [cafeId]);

    const { context, page } = await signInWithForm(browser(), server().url, coach, { viewport: desktop });
    await page.goto(`${server().url}/pain-cafes`);
    const onNow = page.locator('section', { has: page.getByRole('heading', { name: 'On now' }) });
    const card = onNow.locator('.cafe-card', { hasText: title });
    await card.getByText('2 places held · register not taken yet').waitFor();
    await card.getByText('On now', { exact: true }).waitFor();
    expect(await card.textContent()).not.toMatch(/taken on|places? left|waiting list/);
    const upcoming = page.locator('section', { has: page.getByRole('heading', { name: 'Upcoming' }) });
    expect(await upcoming.locator('.cafe-card', { hasText: title }).count()).toBe(0);
    await shots(page, 'on-now');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await context.close();
  });
});
