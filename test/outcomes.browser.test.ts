import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { gql, gqlData, ownerQuery, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const RECORD = 'mutation($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id score } }';

describe('outcome measures in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  async function signedIn(user: User, viewport: { width: number; height: number }): Promise<Page> {
    return (await signInWithForm(browser(), server().url, user, { viewport })).page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });

  it('a coach records a PSEQ-10 and sees the chart, the latest score and its change from baseline change', { timeout: 120_000 }, async () => {
    const { coach } = world.users;
    const patient = await world.patient([coach], { givenName: 'Gwen', familyName: `Morgan ${world.tag}` });
    // Baseline through the API: 2 on every item = 20 (moderate).
    const token = await signInAs(server().url, coach);
    const baseline = await gql(server().url, RECORD, { input: { patientId: patient.id, instrument: 'PSEQ_10', answers: Array(10).fill(2), measuredOn: '2026-01-05' } }, token);
    expect(baseline.errors).toBeUndefined();

    const page = await signedIn(coach, { width: 1280, height: 800 });
    await page.goto(`${server().url}/patients/${patient.id}/measures`);
    await expect.poll(() => page.getByTestId('latest-PSEQ_10').textContent()).toBe('20');
    const pseqCard = page.locator('.measure-card', { has: page.getByTestId('latest-PSEQ_10') });
    expect(await pseqCard.locator('.score-chart__point').count()).toBe(0);
    expect(await pseqCard.locator('.score-chart__baseline').count()).toBe(1);
    // Four ePPOC bands shaded, and the threshold drawn at baseline ± 7.
    expect(await pseqCard.locator('.score-chart__band').count()).toBe(4);
    expect(await pseqCard.locator('.score-chart__guide text').allTextContents()).toEqual(['baseline +7', 'baseline −7']);
    // A lone measurement's date is under it, not at the left end of an axis it is not on.
    const offset = await pseqCard.locator('svg').evaluate((svg) => {
      const centre = (el: Element) => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; };
      const date = Array.from(svg.querySelectorAll('.score-chart__axis')).find((t) => t.textContent === '5 Jan 26')!;
      return Math.abs(centre(date) - centre(svg.querySelector('.score-chart__baseline rect')!));
    });
    expect(offset).toBeLessThan(2);

    await page.getByRole('button', { name: 'Record a measure' }).click();
    // 3 on every item = 30: +10 points (+50%) from 20, but both moderate, so not meaningful by ePPOC.
    for (let n = 1; n <= 10; n++) {
      await page.getByRole('group', { name: new RegExp(`^${n}\\. `) }).locator('label').nth(3).click();
    }
    await page.getByLabel('Date measured').fill('2026-03-02');
    await shot(page, 'outcomes-record-pseq-1280');
    await page.getByRole('button', { name: 'Save PSEQ-10' }).click();
    await page.getByText('PSEQ-10 recorded.').waitFor();
    await expect.poll(() => page.getByTestId('latest-PSEQ_10').textContent()).toBe('30');
    expect(await page.getByTestId('change-PSEQ_10').textContent()).toContain('+10 points (+50%) from baseline (20 on 5 January 2026)');
    expect(await page.getByTestId('change-PSEQ_10').textContent()).toContain('Not a meaningful change');
    expect(await pseqCard.locator('.score-chart__point').count()).toBe(1);
    expect(await pseqCard.locator('.score-chart__line').count()).toBe(1);
    // The trend line (20 → 30) crosses "baseline +7" (27) mid-plot: the label moves off it rather than be drawn through.
    const crossings = await labelCrossings(pseqCard.locator('svg'));
    expect(crossings).toEqual(['baseline +7: 0', 'baseline −7: 0']);
    // 30 is the top of moderate: drawn inside the moderate band, not on its edge with mild, and moderate's label
    // is the one in full ink.
    expect(await bandsHolding(pseqCard.locator('svg'), '.score-chart__point')).toEqual(['Moderate']);
    expect(await pseqCard.locator('.score-chart__band--latest text').textContent()).toBe('Moderate');
    // The PSEQ-2 has its own chart (items 5 and 9: 4 then 6), never mixed into the PSEQ-10's.
    await expect.poll(() => page.getByTestId('latest-PSEQ_2').textContent()).toBe('6');
    // It has no record of its own in the list below, so the card says where its score comes from.
    expect(await page.getByTestId('from-pseq10-PSEQ_2').textContent()).toBe('Scored from items 5 and 9 of the PSEQ-10 recorded that day.');
    await shot(page, 'outcomes-measures-1280');

    // The record's items open in place.
    await page.getByRole('button', { name: /2 March 2026\s*PSEQ-10\s*30/ }).click();
    await page.getByText('I can gradually become more active, despite the pain.').waitFor();

    const phone = await signedIn(coach, { width: 390, height: 844 });
    await phone.goto(`${server().url}/patients/${patient.id}/measures`);
    await expect.poll(() => phone.getByTestId('latest-PSEQ_10').textContent()).toBe('30');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    // The charts are drawn at the phone's width: their text at 11 px or more on the screen, not scaled down to 5–6 px.
    const sizes = await renderedFontSizes(phone.locator('main'), '.score-chart text');
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    await shot(phone, 'outcomes-measures-390');
  });

  it('a patient completes their link on a phone: date of birth first, then large questions; the coach sees it arrive live', { timeout: 120_000 }, async () => {
    const { coach } = world.users;
    const patient = await world.patient([coach], { givenName: 'Rhys', familyName: `Price ${world.tag}`, conditions: ['Osteoarthritis'] });
    const coachPage = await signedIn(coach, { width: 1280, height: 800 });
    await coachPage.goto(`${server().url}/patients/${patient.id}/measures`);
    await coachPage.getByRole('button', { name: 'Send a questionnaire link' }).click();
    await coachPage.getByRole('button', { name: 'Make the link' }).click();
    const link = await coachPage.getByLabel("The patient's link").inputValue();
    expect(link).toMatch(new RegExp(`^${server().url}/q/[A-Za-z0-9_-]{43}$`));
    // The link just made is listed with how it goes to the patient, in words.
    await coachPage.locator('.send-questionnaire__list li').filter({ hasText: 'by text message' }).first().waitFor();
    // Its measures as a sentence lists them: "PSEQ-10 and Confidence without medication, by text message, …".
    expect(await coachPage.locator('.send-questionnaire__list li').first().textContent()).toMatch(/^PSEQ-10 and Confidence without medication, by text message, /);
    await shot(coachPage, 'outcomes-send-link-1280');

    const context = await browser().newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    phone.on('pageerror', (e) => console.error('page error:', e));
    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Confirm your date of birth' }).waitFor();
    // Nothing about the patient before the date of birth matches.
    expect(await phone.locator('body').innerText()).not.toContain('Rhys');
    await shot(phone, 'outcomes-patient-dob-390');
    await phone.getByLabel('Day').fill('18');
    await phone.getByLabel('Month').fill('5');
    await phone.getByLabel('Year').fill('1970');
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.getByText(/does not match the one we have/).waitFor();
    expect(await phone.locator('body').innerText()).not.toContain('Rhys');
    await phone.getByLabel('Day').fill('17');
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.getByRole('heading', { name: 'Hello Rhys' }).waitFor();
    // PSEQ-10: 5 on every item = 50; confidence without medication: 7.
    for (let n = 1; n <= 10; n++) await phone.getByRole('group', { name: new RegExp(`^${n}\\. I can`) }).locator('label').nth(5).click();
    await phone.getByRole('group', { name: /manage your pain without medication/ }).locator('label').nth(7).click();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    // Each scale is one row, 0 to its top, so no point reads as the end of the scale.
    const rowsOf = (group: string | RegExp) => phone.getByRole('group', { name: group }).locator('.item-answer__point').evaluateAll((points) => new Set(points.map((p) => Math.round(p.getBoundingClientRect().top))).size);
    expect(await rowsOf(/manage your pain without medication/)).toBe(1);
    expect(await rowsOf(/^1\. I can/)).toBe(1);
    // And "10", the widest label, has room inside its box: at least 3 px either side of its digits.
    const room = await phone.getByRole('group', { name: /manage your pain without medication/ }).locator('.item-answer__point > span:first-of-type').last().evaluate((box) => {
      const digits = document.createRange();
      digits.selectNodeContents(box);
      return (box.clientWidth - digits.getBoundingClientRect().width) / 2;
    });
    expect(room).toBeGreaterThanOrEqual(3);
    await shot(phone, 'outcomes-patient-questions-390');
    await phone.getByRole('button', { name: 'Send my answers' }).click();
    await phone.getByRole('heading', { name: 'Thank you' }).waitFor();

    // The coach's open tab shows it without a reload, marked as completed by the patient; no toast covers
    // the page the notification links to, since that page refreshes itself.
    await expect.poll(() => coachPage.getByTestId('latest-PSEQ_10').textContent(), { timeout: 15_000 }).toBe('50');
    expect(await coachPage.locator('.toast__title', { hasText: 'completed their questionnaire' }).count()).toBe(0);
    expect(await coachPage.getByText('Completed by the patient').count()).toBeGreaterThan(0);

    // The link works once.
    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Already completed' }).waitFor();
    await context.close();
  });

  it('a service lead opens the dashboard: the evaluation line, figures with N, and a CSV download', { timeout: 120_000 }, async () => {
    // After the two tests above: Gwen's PSEQ-10 went 20 → 30 (+50%); Rhys has one PSEQ-10 only, so no pair.
    // One patient is too few to show a figure over: it is withheld, its N given.
    const page = await signedIn(world.users.lead, { width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Service dashboard', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('evaluation-line').textContent()).toBe('2 patients; PSEQ withheld (N = 1); no follow-up confidence rating yet; no GP visit counts yet.');
    // A figure with nothing to compute it over is said in words, not as a dash in the sentence.
    expect(await page.getByTestId('evaluation-line').textContent()).not.toContain('—');
    const outcomes = page.getByRole('region', { name: 'Outcomes' });
    expect(await outcomes.locator('.dashboard__table tbody tr').count()).toBe(2); // the practice and the total
    expect(await outcomes.locator('.dashboard__table tbody tr').first().locator('td').nth(2).textContent()).toBe('withheld N = 1');
    expect(await page.getByRole('region', { name: 'Charts' }).locator('.bar-chart').count()).toBe(2);
    // The programme's figures, by practice, with their charts.
    const programme = page.getByRole('region', { name: 'The programme' });
    expect(await programme.locator('.dashboard__table tbody tr').count()).toBe(2);
    expect(await programme.locator('.bar-chart').count()).toBe(2);
    await shot(page, 'outcomes-dashboard-1280');
    // The filters offer what the lead's patients have: one condition narrows the evaluation to Gwen.
    await page.getByLabel('Condition').selectOption('Fibromyalgia');
    await expect.poll(() => page.getByTestId('evaluation-line').textContent()).toBe('1 patient; PSEQ withheld (N = 1); no follow-up confidence rating yet; no GP visit counts yet.');
    expect(await page.getByLabel('Care-team lead').locator('option').allTextContents()).toEqual(['All leads', world.users.coach.name]);
    await page.getByLabel('Condition').selectOption('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cairn-outcomes-\d{4}-\d{2}-\d{2}\.csv$/);

    const phone = await signedIn(world.users.lead, { width: 390, height: 844 });
    await phone.goto(`${server().url}/dashboard`);
    await phone.getByTestId('evaluation-line').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    // Its tables are wider than a phone: each says that it scrolls, where a laptop needs no such word.
    const outcomesOnPhone = phone.locator('section', { has: phone.getByRole('heading', { name: 'Outcomes' }) });
    expect(await outcomesOnPhone.getByText('The table scrolls sideways.').isVisible()).toBe(true);
    expect(await outcomesOnPhone.locator('.dashboard__table-wrap').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.getByText('The table scrolls sideways.').first().isVisible()).toBe(false);
    await shot(phone, 'outcomes-dashboard-390');
  });

  it('the dashboard\'s bar charts read at a phone\'s width and at a laptop\'s: whole labels, text at its size, a share drawn out of 100', { timeout: 120_000 }, async () => {
    // A world of its own, whose practice has a long name, and one patient with five recorded sessions, one missed: a DNA rate of 20%.
    const own = await makeWorld(server().orm.em.fork());
    const name = `Riverside Medical Centre ${own.tag}`;
    await ownerQuery('update organisation set name = $1 where id = $2', [name, own.practice.id]);
    const { coach } = own.users;
    const patient = await own.patient([coach], { givenName: 'Carys' });
    const token = await signInAs(server().url, coach);
    for (const [i, outcome] of (['ATTENDED', 'ATTENDED', 'DNA', 'ATTENDED', 'ATTENDED'] as const).entries()) {
      // Booked in the future (the API books nothing in the past), moved back with the owner's SQL, then recorded.
      const startsAt = new Date(Date.now() + (30 + i) * 86_400_000);
      const booked = await gqlData<{ bookSession: { session: { id: string } } }>(server().url, 'mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }', {
        input: { patientId: patient.id, coachId: coach.id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString(), mode: 'PHONE', purpose: 'Pacing' },
      }, token);
      const [moved] = await ownerQuery<{ starts_at: Date; ends_at: Date }>(
        `update coaching_session set starts_at = ($2 || ' 10:00 Europe/London')::timestamptz, ends_at = ($2 || ' 10:45 Europe/London')::timestamptz where id = $1 returning starts_at, ends_at`,
        [booked.bookSession.session.id, `2026-02-0${i + 2}`],
      );
      await gqlData(server().url, 'mutation($input: RecordSessionInput!) { recordSession(input: $input) { detail { session { id } } } }', {
        input: { sessionId: booked.bookSession.session.id, outcome, discussed: outcome === 'ATTENDED' ? 'Pacing' : '', seen: { startsAt: moved!.starts_at.toISOString(), endsAt: moved!.ends_at.toISOString() } },
      }, token);
    }

    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await signedIn(coach, viewport);
      await page.goto(`${server().url}/dashboard`);
      const programme = page.getByRole('region', { name: 'The programme' });
      const dna = programme.locator('.bar-chart').nth(1);
      await dna.waitFor();
      // The whole name, on as many lines as it takes: not "Riverside Medical Cen…" with its first letter cut off.
      expect(await dna.locator('.bar-chart__label').textContent()).toBe(name);
      expect(await dna.locator('.bar-chart__label').evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().left >= 0)).toBe(true);
      expect(await dna.locator('.bar-chart__value').textContent()).toBe('20% (of 5)');
      // 20% is a fifth of the axis, not its whole length.
      const share = await dna.locator('.bar-chart__row').evaluate((row) => row.querySelector('.bar-chart__bar')!.getBoundingClientRect().width / row.querySelector('.bar-chart__track')!.getBoundingClientRect().width);
      expect(share).toBeGreaterThan(0.18);
      expect(share).toBeLessThan(0.22);
      // Every chart's text at 11 px or more as drawn on the screen, not a scaled-down drawing's 5–6 px.
      const sizes = await renderedFontSizes(page.locator('main'), '.bar-chart__label, .bar-chart__value');
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
      await shot(page, `outcomes-dashboard-charts-${viewport.width}`);
    }
  });

  it('never draws the trend line through a guide\'s label', { timeout: 120_000 }, async () => {
    // 10 → 29, as the review found it: the line crosses "baseline +7" (17) a little left of the middle, where the label was drawn.
    const own = await makeWorld(server().orm.em.fork());
    const { coach } = own.users;
    const patient = await own.patient([coach], { givenName: 'Noah' });
    const token = await signInAs(server().url, coach);
    for (const [answers, measuredOn] of [[Array(10).fill(1), '2026-10-01'], [[...Array(9).fill(3), 2], '2026-12-07']] as const) {
      expect((await gql(server().url, RECORD, { input: { patientId: patient.id, instrument: 'PSEQ_10', answers, measuredOn } }, token)).errors).toBeUndefined();
    }
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await signedIn(coach, viewport);
      await page.goto(`${server().url}/patients/${patient.id}/measures`);
      await expect.poll(() => page.getByTestId('latest-PSEQ_10').textContent()).toBe('29');
      const card = page.locator('.measure-card', { has: page.getByTestId('latest-PSEQ_10') });
      expect(await labelCrossings(card.locator('svg'))).toEqual(['baseline +7: 0', 'baseline −7: 0']);
      // Nor over the baseline's own label, which at a phone's width sits near the middle.
      const overBaselineLabel = await card.locator('svg').evaluate((svg) => {
        const b = svg.querySelector<SVGTextElement>('.score-chart__baseline text')!.getBBox();
        return Array.from(svg.querySelectorAll<SVGTextElement>('.score-chart__guide text')).filter((t) => {
          const g = t.getBBox();
          return g.x < b.x + b.width && b.x < g.x + g.width && g.y < b.y + b.height && b.y < g.y + g.height;
        }).length;
      });
      expect(overBaselineLabel).toBe(0);
      await shot(page, `outcomes-guide-labels-${viewport.width}`);
    }
  });

  it('a correction starts from the record it corrects: its date and answers are kept, so the baseline stays where it was', { timeout: 120_000 }, async () => {
    // A world of its own, so the dashboard's figures above count only their patients.
    const own = await makeWorld(server().orm.em.fork());
    const { coach } = own.users;
    const patient = await own.patient([coach], { givenName: 'Ffion' });
    const token = await signInAs(server().url, coach);
    // Baseline on 1 February: 2 on every item = 20; follow-up on 1 March: 3 on every item = 30.
    for (const [value, measuredOn] of [[2, '2026-02-01'], [3, '2026-03-01']] as const) {
      expect((await gql(server().url, RECORD, { input: { patientId: patient.id, instrument: 'PSEQ_10', answers: Array(10).fill(value), measuredOn } }, token)).errors).toBeUndefined();
    }
    const page = await signedIn(coach, { width: 1280, height: 800 });
    await page.goto(`${server().url}/patients/${patient.id}/measures`);
    await expect.poll(() => page.getByTestId('latest-PSEQ_10').textContent()).toBe('30');
    await page.getByRole('button', { name: /1 February 2026\s*PSEQ-10\s*20/ }).click();
    // The record says who recorded it and what its score means in sentences: 2 on items 5 and 9 is a PSEQ-2 of 4.
    await expect.poll(() => page.locator('.record-detail > p').first().textContent()).toBe(`Recorded by ${coach.name}. Severity band: moderate. PSEQ-2 (items 5 and 9): 4 of 12.`);
    await page.getByRole('button', { name: 'Correct this record' }).click();
    expect(await page.getByLabel('Date measured').inputValue()).toBe('2026-02-01');
    expect(await page.getByTestId('corrects').textContent()).toContain('Correcting the PSEQ-10 of 1 February 2026 (score 20)');
    // Every answer is there already; item 1 was mistyped: 3, not 2.
    expect(await page.getByRole('group', { name: /^7\. / }).getByRole('radio', { checked: true }).inputValue()).toBe('2');
    await page.getByRole('group', { name: /^1\. / }).locator('label').nth(3).click();
    await shot(page, 'outcomes-correct-pseq-1280');
    await page.getByRole('button', { name: 'Save PSEQ-10' }).click();
    // 21 is still the baseline of 1 February; the follow-up is +9 from it.
    await expect.poll(() => page.getByTestId('change-PSEQ_10').textContent()).toContain('+9 points (+42.9%) from baseline (21 on 1 February 2026)');
    expect(await page.getByTestId('latest-PSEQ_10').textContent()).toBe('30');
  });

  it('charts a rating of change without a baseline and a count on an axis fitted to it, saying which way is better', { timeout: 120_000 }, async () => {
    const own = await makeWorld(server().orm.em.fork());
    const { coach } = own.users;
    const patient = await own.patient([coach], { givenName: 'Elin' });
    const token = await signInAs(server().url, coach);
    const inputs = [
      // PGIC: "No change" in January, "Much improved" in March.
      { instrument: 'PGIC', answers: [4], measuredOn: '2026-01-10' },
      { instrument: 'PGIC', answers: [2], measuredOn: '2026-03-01' },
      // GP appointments for pain: 3, then 1, over three months each.
      { instrument: 'GP_APPOINTMENTS', answers: [3], periodFrom: '2025-10-10', periodTo: '2026-01-09', gpSource: 'PRACTICE_RECORD' },
      { instrument: 'GP_APPOINTMENTS', answers: [1], periodFrom: '2026-01-10', periodTo: '2026-04-09', gpSource: 'PRACTICE_RECORD' },
    ];
    for (const input of inputs) expect((await gql(server().url, RECORD, { input: { patientId: patient.id, ...input } }, token)).errors).toBeUndefined();

    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await signedIn(coach, viewport);
      await page.goto(`${server().url}/patients/${patient.id}/measures`);
      await expect.poll(() => page.getByTestId('latest-PGIC').textContent()).toBe('Much improved');
      const pgic = page.locator('.measure-card', { has: page.getByTestId('latest-PGIC') });
      // Its answers are changes already: no baseline, no change from one, and its ends named.
      expect(await pgic.textContent()).not.toMatch(/baseline/i);
      expect(await pgic.locator('.score-chart__baseline').count()).toBe(0);
      // Each answer stands on its own: two points, no line joining them as if a trend.
      expect([await pgic.locator('.score-chart__point').count(), await pgic.locator('.score-chart__line').count()]).toEqual([2, 0]);
      // Every answer has its number on the axis: "Much improved" (2) is not on an unnumbered level.
      expect((await pgic.locator('.score-chart__axis').allTextContents()).filter((t) => /^\d+$/.test(t)).map(Number).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await page.getByTestId('direction-PGIC').textContent()).toBe('Lower is better: 1 is “Very much improved”, 7 “Very much worse”.');
      const gp = page.locator('.measure-card', { has: page.getByTestId('latest-GP_APPOINTMENTS') });
      expect(await page.getByTestId('latest-GP_APPOINTMENTS').textContent()).toBe('1');
      expect(await gp.textContent()).not.toContain('/ 99');
      const axis = (await gp.locator('.score-chart__axis').allTextContents()).filter((t) => /^\d+$/.test(t)).map(Number);
      expect(Math.max(...axis)).toBeLessThanOrEqual(10);
      expect(axis).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await page.getByTestId('direction-GP_APPOINTMENTS').textContent()).toBe('Lower is better.');
      // A count changes by appointments, not points.
      expect(await page.getByTestId('change-GP_APPOINTMENTS').textContent()).toMatch(/^2 fewer appointments \(−66\.7%\) than at baseline \(3 on /);
      expect(await gp.getByRole('img').getAttribute('aria-label')).toContain('2 fewer appointments (−66.7%) than at baseline.');
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
      // The first point sits clear of the axis's numbers, and the falling line leaves the baseline's label alone.
      expect(await axisLabelsUnderMarkers(gp.locator('svg'))).toEqual([]);
      expect(await axisLabelsUnderMarkers(pgic.locator('svg'))).toEqual([]);
      expect(await labelCrossings(gp.locator('svg'), '.score-chart__baseline text')).toEqual(['baseline: 0']);
      await shot(page, `outcomes-pgic-gp-${viewport.width}`);
    }

    // One appointment more than at baseline, in the singular.
    expect((await gql(server().url, RECORD, { input: { patientId: patient.id, instrument: 'GP_APPOINTMENTS', answers: [4], periodFrom: '2026-04-10', periodTo: '2026-07-09', gpSource: 'PRACTICE_RECORD' } }, token)).errors).toBeUndefined();
    const page = await signedIn(coach, { width: 1280, height: 800 });
    await page.goto(`${server().url}/patients/${patient.id}/measures`);
    await expect.poll(() => page.getByTestId('change-GP_APPOINTMENTS').textContent()).toMatch(/^1 more appointment \(\+33\.3%\) than at baseline \(3 on /);
  });
});

/**
 * The font sizes the elements `selector` finds in `scope` are drawn at on the screen, in CSS pixels: each
 * one's computed size, times the scale its SVG's viewBox is drawn at (1 for HTML, or for a chart drawn at its
 * own width).
 */
function renderedFontSizes(scope: Locator, selector: string): Promise<number[]> {
  return scope.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const size = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      return !svg || svg.viewBox.baseVal.width === 0 ? size : size * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
    }),
  );
}

/** For each label of a score chart (its guides' by default), how many points along the trend line fall inside the label's box: "baseline +7: 0" when the line misses it. */
/** The bands whose shading holds a marker's centre, strictly inside (a centre on an edge is in neither). */
function bandsHolding(svg: Locator, marker: string): Promise<string[]> {
  return svg.evaluate((el, selector) => {
    const m = el.querySelector<SVGGraphicsElement>(selector)!.getBoundingClientRect();
    const cy = m.top + m.height / 2;
    return Array.from(el.querySelectorAll<SVGGElement>('.score-chart__band'))
      .filter((band) => {
        const r = band.querySelector('rect')!.getBoundingClientRect();
        return cy > r.top && cy < r.bottom;
      })
      .map((band) => band.querySelector('text')!.textContent ?? '');
  }, marker);
}

function labelCrossings(svg: Locator, labels = '.score-chart__guide text'): Promise<string[]> {
  return svg.evaluate((el, selector) => {
    const line = el.querySelector<SVGPolylineElement>('.score-chart__line')!;
    return Array.from(el.querySelectorAll<SVGTextElement>(selector)).map((t) => {
      const box = t.getBBox();
      let hits = 0;
      for (let at = 0; at <= line.getTotalLength(); at += 1) {
        const p = line.getPointAtLength(at);
        if (p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height) hits++;
      }
      return `${t.textContent}: ${hits}`;
    });
  }, labels);
}

/** The axis labels (ticks and dates) that a point or the baseline's diamond is drawn over. */
function axisLabelsUnderMarkers(svg: Locator): Promise<string[]> {
  return svg.evaluate((el) => {
    const markers = Array.from(el.querySelectorAll<SVGGraphicsElement>('.score-chart__point, .score-chart__baseline rect')).map((m) => m.getBoundingClientRect());
    return Array.from(el.querySelectorAll<SVGTextElement>('.score-chart__axis'))
      .filter((t) => {
        const b = t.getBoundingClientRect();
        return markers.some((m) => m.left < b.right && b.left < m.right && m.top < b.bottom && b.top < m.bottom);
      })
      .map((t) => t.textContent ?? '');
  });
}
