import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { User } from '../server/src/auth/user.entity.js';
import { createCarePlanDoc, goalMap, strategyMap } from '../server/src/care-plans/care-plan.doc.js';
import { gql, ownerQuery, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const shotsDir = process.env.CAIRN_SHOTS_DIR ?? artifactsDir;

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('coaching sessions in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
    mkdirSync(shotsDir, { recursive: true });
  });

  async function signedIn(user: User): Promise<{ context: BrowserContext; page: Page }> {
    return signInWithForm(browser(), server().url, user, { viewport: desktop });
  }

  async function shots(page: Page, name: string): Promise<void> {
    await page.setViewportSize(desktop);
    await page.screenshot({ path: path.join(shotsDir, `${name}-1280.png`), fullPage: true });
    await page.setViewportSize(phone);
    await page.screenshot({ path: path.join(shotsDir, `${name}-390.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await page.setViewportSize(desktop);
  }

  it('a coach books and records a session with goal check-ins, sees the cadence and the diary; the lead sees capacity', { timeout: 180_000 }, async () => {
    const { coach, gp, lead } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Nia', familyName: `Pryce ${world.tag}` });
    const token = await signInAs(server().url, coach);
    const doc = createCarePlanDoc();
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      doc.getArray('goals').push([goalMap({ id: 'goal-walk', what: 'Walk to the allotment twice a week', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [{ date: '2026-01-02', rating: 3, note: '' }] })]);
      doc.getArray('strategies').push([strategyMap({ id: 'strategy-pacing', category: 'ACTIVITY_PACING', what: 'Ten-minute blocks with rests', howOften: 'Daily', suggestedBy: coach.name })]);
    });
    const seeded = await gql(server().url, `mutation($p: ID!, $u: String!, $c: String!) { applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: $c) { seq } }`, { p: patient.id, u: Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString('base64'), c: 'browser-seed' }, token);
    expect(seeded.errors).toBeUndefined();

    const { page } = await signedIn(coach);
    await page.goto(`${server().url}/patients/${patient.id}/sessions`);
    await page.getByRole('heading', { name: 'Sessions', exact: true, level: 2 }).waitFor();
    await page.getByText('No session booked.').waitFor();

    // Book one a few minutes from now (UK time), so it can be recorded today.
    const start = new Date(Date.now() + 3 * 60_000);
    await page.getByRole('button', { name: 'Book a session' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Book a session' }) });
    await form.getByLabel('Date').fill(day.format(start));
    await form.getByLabel('Start time').fill(clock.format(start));
    await form.getByLabel('Length').selectOption('30');
    await form.getByLabel('How').selectOption('VIDEO');
    await form.getByLabel('Purpose').fill('Review pacing and the walking goal');
    await shots(page, 'sessions-book');
    await form.getByRole('button', { name: 'Book session' }).click();
    await form.waitFor({ state: 'detached' });
    const booked = page.locator('.session-item', { hasText: 'Review pacing and the walking goal' });
    await booked.getByText('Booked', { exact: true }).waitFor();

    // Someone else moves it while the coach's Move form is open: the coach's move is refused, and the form
    // takes in the new start (not edited here), keeps the length the coach chose and says where it now is.
    await booked.getByRole('button', { name: 'Move' }).click();
    const move = page.locator('form', { has: page.getByRole('heading', { name: 'Move this session' }) });
    await move.getByLabel('Length').selectOption('45');
    await move.getByLabel('Why it is moving').fill('Patient asked for longer');
    await ownerQuery(`update coaching_session set starts_at = starts_at + interval '1 minute', ends_at = ends_at + interval '1 minute' where patient_id = $1`, [patient.id]);
    await move.getByRole('button', { name: 'Move session' }).click();
    await move.getByText('Someone else moved this session while you had this form open').waitFor();
    const movedStart = new Date(start.getTime() + 60_000);
    expect(await move.getByLabel('Start time').inputValue()).toBe(clock.format(movedStart));
    expect(await move.getByLabel('Length').inputValue()).toBe('45');
    await shots(page, 'sessions-moved-meanwhile');
    // Moved again from there, knowingly: the colleague's start, the coach's length.
    await move.getByRole('button', { name: 'Move session' }).click();
    await move.waitFor({ state: 'detached' });
    await expect.poll(() => booked.textContent()).toContain(`${clock.format(movedStart)}–${clock.format(new Date(movedStart.getTime() + 45 * 60_000))}`);

    // The diary shows it today, with the patient to open.
    await page.getByRole('link', { name: 'Diary' }).click();
    const today = page.locator('section', { has: page.getByRole('heading', { name: /^Today,/ }) });
    await today.getByRole('link', { name: `Nia Pryce ${world.tag}` }).waitFor();
    await expect.poll(() => today.textContent()).toContain('Video · Review pacing and the walking goal');
    await shots(page, 'sessions-diary');
    // Next week opens on its Monday, and nothing there is called today.
    await page.getByRole('button', { name: 'Next week →' }).click();
    await page.locator('#today-heading', { hasText: /^Monday / }).waitFor();
    expect(await page.getByRole('heading', { name: /^Today,/ }).count()).toBe(0);
    expect(await page.getByText('(today)').count()).toBe(0);
    await page.getByRole('button', { name: 'This week' }).click();
    await today.getByRole('link', { name: `Nia Pryce ${world.tag}` }).click();
    await page.getByRole('heading', { name: 'Sessions', exact: true, level: 2 }).waitFor();

    // Record it: attended, the walking goal at 7/10, pacing practised.
    await page.locator('.session-item', { hasText: 'Review pacing and the walking goal' }).getByRole('button', { name: 'Record' }).click();
    const record = page.locator('form', { has: page.getByRole('heading', { name: 'Record what happened' }) });
    // The form says which time it records (and sends it, so a colleague's move meanwhile is refused).
    await record.getByText(/^The session booked for \w+,? \d+ \w+ \d{4},? \d\d:\d\d–\d\d:\d\d\.$/).waitFor();
    await record.getByLabel('What was discussed').fill('Two walks this week; used the pacing blocks.');
    await record.getByLabel(/Walk to the allotment twice a week/).check();
    await record.getByLabel('Rating for “Walk to the allotment twice a week”').selectOption('7');
    await record.getByLabel('Ten-minute blocks with rests').check();
    await record.getByLabel('Agreed next steps').fill('Add a third walk.');
    await record.getByLabel('PSEQ-10').check();
    await shots(page, 'sessions-record');
    await record.getByRole('button', { name: 'Record session' }).click();
    await record.waitFor({ state: 'detached' });
    await page.getByText('Session recorded.').waitFor();
    // Its heading names the level once ("as now", not "as now; was weekly"); each reason is a sentence on its own line.
    // Polled: before the session, the suggestion was "Weekly" too, until the sessions are read again.
    await expect.poll(() => page.locator('#cadence-heading').textContent()).toBe('Suggested next: Weekly (as now)');
    expect(await page.locator('.cadence__why li').allTextContents()).toEqual(['1 session attended so far while meeting weekly; at least 2 before meeting less often.']);
    const history = page.locator('.session-item--record', { hasText: 'Two walks this week' });
    await history.getByText('Walk to the allotment twice a week 7/10').waitFor();
    expect(await history.locator('p', { hasText: 'Measures taken:' }).textContent()).toBe('Measures taken: PSEQ-10 (scores on the Measures tab)');
    await shots(page, 'sessions-tab');

    // The rating is a check-in on the care plan's goal.
    const plan = await gql<{ carePlan: { view: { goals: Array<{ checkIns: Array<{ rating: number }> }> } } }>(server().url, `query($id: ID!) { carePlan(patientId: $id) { view { goals { checkIns { rating } } } } }`, { id: patient.id }, token);
    expect(plan.data!.carePlan.view.goals[0]!.checkIns.map((c) => c.rating)).toEqual([3, 7]);

    // Discharge: the drafted summary from the record, to sign; no suggested next session beside it.
    const cadence = page.getByRole('heading', { name: /^Suggested next/ });
    expect(await cadence.count()).toBe(1);
    await page.getByRole('button', { name: 'Discharge…' }).click();
    const summary = page.getByLabel(/Summary for the GP/);
    await expect.poll(() => summary.inputValue()).toMatch(/1 session attended/);
    // The PSEQ-10 taken at the session has no score yet: the GP is told that, not "no outcome measures".
    expect(await summary.inputValue()).toMatch(/\n- PSEQ-10: taken at the session on \d+ \w+ \d{4}, but no score entered in Cairn\n/);
    expect(await cadence.count()).toBe(0);
    await page.getByText(`Signing sends this summary to ${gp.name}`).waitFor();
    // Edits survive a change of reason; drafting again is the coach's choice.
    await summary.fill(`${await summary.inputValue()}\nShe will phone if the pain flares.`);
    await page.getByLabel('Reason').selectOption('PATIENT_CHOICE');
    await page.getByText('You changed the reason after editing the summary.').waitFor();
    expect(await summary.inputValue()).toMatch(/goals met\.[\s\S]*She will phone if the pain flares\.$/);
    await shots(page, 'sessions-discharge-reason-changed');
    await page.getByRole('button', { name: 'Draft again', exact: true }).click();
    await expect.poll(() => summary.inputValue()).toMatch(/the patient's choice\./);
    expect(await summary.inputValue()).not.toContain('She will phone');
    expect(await page.getByText('You changed the reason after editing the summary.').count()).toBe(0);
    await shots(page, 'sessions-discharge');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await cadence.waitFor();

    // Capacity: the coach sets theirs; the service lead sees every coach of the PCN.
    await page.getByRole('link', { name: 'Capacity' }).click();
    await page.getByLabel('Sessions a week').fill('20');
    await page.getByLabel(/Caseload size/).fill('30');
    await page.getByRole('button', { name: 'Save capacity' }).click();
    await page.getByText('Saved.').waitFor();
    await expect.poll(() => page.locator('.capacity-card').textContent()).toMatch(/Active caseload1 of 30 patients/);
    await shots(page, 'sessions-capacity-coach');

    const asLead = await signedIn(lead);
    await asLead.page.getByRole('link', { name: 'Capacity', exact: true }).click();
    await asLead.page.getByRole('link', { name: coach.name }).waitFor();
    await shots(asLead.page, 'sessions-capacity-lead');
  });
  it('the timeline names the coach of a booked session only when someone else booked it', { timeout: 60_000 }, async () => {
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Ffion', familyName: `Rees ${world.tag}` });
    const book = async (token: string, daysAhead: number, purpose: string) => {
      const startsAt = new Date(Date.now() + daysAhead * 24 * 3_600_000);
      const res = await gql(server().url, `mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }`, {
        input: { patientId: patient.id, coachId: coach.id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(), mode: 'PHONE', purpose },
      }, token);
      expect(res.errors).toBeUndefined();
    };
    await book(await signInAs(server().url, coach), 40, 'Booked by the coach');
    await book(await signInAs(server().url, gp), 41, 'Booked by the GP');

    const { page } = await signedIn(coach);
    await page.goto(`${server().url}/patients/${patient.id}/timeline`);
    const timeline = page.getByRole('list', { name: 'History, newest first' });
    const line = (purpose: string) => timeline.locator('.timeline__event', { hasText: purpose }).locator('.timeline__what');
    await line('Booked by the GP').waitFor();
    // Was "Coach Name booked a phone session with Coach Name".
    expect(await line('Booked by the coach').textContent()).toMatch(new RegExp(`^${coach.name} booked a phone session with the patient for \\S`));
    expect(await line('Booked by the GP').textContent()).toMatch(new RegExp(`^${gp.name} booked the patient a phone session with ${coach.name} for `));
    await shots(page, 'sessions-timeline-booked');
  });

  it('a GP on the care team, who may book but not record, cancels a session the patient called off', { timeout: 60_000 }, async () => {
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Owain', familyName: `Lloyd ${world.tag}` });
    const startsAt = new Date(Date.now() + 3 * 24 * 3_600_000);
    const booked = await gql<{ bookSession: { session: { id: string } } }>(server().url, `mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }`, {
      input: { patientId: patient.id, coachId: coach.id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString(), mode: 'PHONE', purpose: 'Review sleep' },
    }, await signInAs(server().url, coach));
    expect(booked.errors).toBeUndefined();

    const { page } = await signedIn(gp);
    await page.goto(`${server().url}/patients/${patient.id}/sessions`);
    const item = page.locator('.session-item', { hasText: 'Review sleep' });
    await item.getByRole('button', { name: 'Cancel…' }).click();
    expect(await item.getByRole('button', { name: 'Record', exact: true }).count()).toBe(0);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Cancel this session' }) });
    expect(await form.getByRole('radio').count()).toBe(0);
    await form.getByLabel('Cancelled by').selectOption('PATIENT');
    await form.getByLabel('Reason').fill('Owain has a hospital appointment that day');
    await shots(page, 'sessions-cancel-by-gp');
    // Meanwhile a colleague moves it to a time Owain agreed, unseen by the page (no event): the cancel is
    // refused, and the form shows where the session is now; sent again from there, it cancels it.
    const sessionId = booked.data!.bookSession.session.id;
    const movedTo = new Date(startsAt.getTime() + 26 * 3_600_000);
    await ownerQuery('update coaching_session set starts_at = $2, ends_at = $3 where id = $1', [sessionId, movedTo, new Date(movedTo.getTime() + 45 * 60_000)]);
    await form.getByRole('button', { name: 'Record cancellation' }).click();
    await form.getByText(new RegExp(`^Someone else moved this session while you had this form open: it is now .*${clock.format(movedTo)}–`)).waitFor();
    expect((await ownerQuery<{ status: string }>('select status from coaching_session where id = $1', [sessionId]))[0]!.status).toBe('BOOKED');
    // Sent again as it stands, the form still names the time it showed, and is refused again: the new time is
    // taken only by asking for it, with the keyboard already there.
    const takeIt = form.getByRole('button', { name: 'Cancel it at the new time' });
    await expect.poll(() => takeIt.evaluate((el) => el === document.activeElement)).toBe(true);
    const refusedAgain = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('cancelSession'));
    await form.getByRole('button', { name: 'Record cancellation' }).click();
    expect(await (await refusedAgain).text()).toContain('CONFLICT');
    expect((await ownerQuery<{ status: string }>('select status from coaching_session where id = $1', [sessionId]))[0]!.status).toBe('BOOKED');
    await takeIt.press('Enter');
    const bookedFor = form.getByText(new RegExp(`^The session booked for .*${clock.format(movedTo)}–`));
    await bookedFor.waitFor();
    // The button went with the notice: the keyboard is on the time the form now records.
    await expect.poll(() => bookedFor.evaluate((el) => el === document.activeElement)).toBe(true);
    await form.getByRole('button', { name: 'Record cancellation' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText('No session booked.').waitFor();
    await page.locator('.session-list', { hasText: 'Owain has a hospital appointment that day' }).waitFor();
  });
  it('a refresh of the sessions that cannot reach the server keeps them shown, and says so above them', { timeout: 60_000 }, async () => {
    const { coach } = world.users;
    const patient = await world.patient([coach], { givenName: 'Tomos', familyName: `Rees ${world.tag}` });
    const token = await signInAs(server().url, coach);
    const book = (purpose: string, daysAhead: number) => {
      const startsAt = new Date(Date.now() + daysAhead * 24 * 3_600_000);
      return gql(server().url, `mutation($input: BookSessionInput!) { bookSession(input: $input) { session { id } } }`, {
        input: { patientId: patient.id, coachId: coach.id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString(), mode: 'PHONE', purpose },
      }, token);
    };
    expect((await book('Review sleep', 3)).errors).toBeUndefined();
    const { page } = await signedIn(coach);
    await page.goto(`${server().url}/patients/${patient.id}/sessions`);
    const booked = page.locator('section[aria-labelledby="upcoming-heading"]');
    await booked.getByText('Review sleep').waitFor();
    // The tab follows the patient's events from its first reads; those must have reached the server.
    await page.waitForLoadState('networkidle');

    // The page's requests fail (not its socket): a session booked elsewhere asks for the list again.
    await page.route('**/graphql', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback()));
    expect((await book('Pacing check', 5)).errors).toBeUndefined();
    await booked.getByText('Cairn cannot reach the server just now.', { exact: false }).waitFor();
    expect(await booked.getByText('Review sleep').count()).toBe(1);
    await shots(page, 'sessions-refresh-failed');

    // Back online, "Try again" brings the list up to date and the message goes.
    await page.unroute('**/graphql');
    await booked.getByRole('button', { name: 'Try again' }).click();
    await booked.getByText('Pacing check').waitFor();
    expect(await booked.getByText('Cairn cannot reach the server just now.', { exact: false }).count()).toBe(0);
  });

  it('books in UK time on a computer set to another zone: 10:00 typed is 10:00 in the UK, in summer too', { timeout: 60_000 }, async () => {
    const { coach } = world.users;
    const patient = await world.patient([coach], { givenName: 'Sian', familyName: `Evans ${world.tag}` });
    const { page } = await signInWithForm(browser(), server().url, coach, { viewport: desktop, timezoneId: 'America/New_York' });
    await page.goto(`${server().url}/patients/${patient.id}/sessions`);
    await page.getByRole('button', { name: 'Book a session' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Book a session' }) });
    // The first day from two days on that falls in June, July or August: British Summer Time, within the year a booking may look ahead.
    let at = Date.now() + 2 * 24 * 3_600_000;
    while (![5, 6, 7].includes(new Date(at).getUTCMonth())) at += 24 * 3_600_000;
    const summer = day.format(new Date(at));
    await form.getByLabel('Date').fill(summer);
    await form.getByLabel('Start time').fill('10:00');
    await form.getByLabel('Purpose').fill('Summer review');
    await form.getByRole('button', { name: 'Book session' }).click();
    await form.waitFor({ state: 'detached' });
    const sessions = await gql<{ patientSessions: Array<{ session: { startsAt: string } }> }>(server().url, `query($id: ID!) { patientSessions(patientId: $id) { session { startsAt } } }`, { id: patient.id }, await signInAs(server().url, coach));
    expect(sessions.data!.patientSessions.map((s) => s.session.startsAt)).toEqual([`${summer}T09:00:00.000Z`]);
  });

  it("a coach opening another PCN's coach's diary is told there is no such coach, with no \"Try again\" that could not help", { timeout: 60_000 }, async () => {
    const elsewhere = await makeWorld(server().orm.em.fork());
    const { context, page } = await signInWithForm(browser(), server().url, world.users.coach, { viewport: desktop });
    await page.goto(`${server().url}/diary?coach=${elsewhere.users.coach.id}`);
    await page.getByText('No such coach, or you do not have access to it.').waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await context.close();
  });
});
