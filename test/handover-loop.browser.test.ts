import { handoverUrgencies, urgencyHint, urgencyLabels } from '@cairn/schema/handover-urgency';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { escalationTimings } from '../server/src/handover/handover-escalation.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

describe('the handover loop in Chromium, from posting to every action done', () => {
  // Timings other than the defaults, so a hint written into the web app rather than from the server would show.
  const server = useTestServer({ webDist, handoverUrgentEscalationSeconds: 2 * 3600, handoverSoonEscalationWorkingDays: 3 });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  async function signedIn(user: User, viewport = laptop): Promise<{ context: BrowserContext; page: Page }> {
    return signInWithForm(browser(), server().url, user, { viewport });
  }
  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage });
  const handoverCount = async (patientId: string) =>
    (await server().orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from handover_note where patient_id = ?', [patientId]))[0].n;

  it('the author must choose the urgency, and each hint says what this server does, from the shared definition', async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Iwan', familyName: `Morgan ${world.tag}` });
    await world.linkSpecialist(patient);
    const { context, page } = await signedIn(specialist);
    await page.goto(`${server().url}/patients/${patient.id}/handover`);
    await page.getByRole('button', { name: 'Post a handover' }).click();
    const urgency = page.getByRole('group', { name: 'Urgency' });
    await urgency.getByText(urgencyHint('URGENT', escalationTimings(server().running.services.config))).waitFor();
    // Nothing is chosen for the author, and each choice says exactly what the server will do with it.
    const timings = escalationTimings(server().running.services.config);
    for (const u of handoverUrgencies) {
      const radio = urgency.getByRole('radio', { name: new RegExp(`^${urgencyLabels[u]}\\b`) });
      expect([u, await radio.isChecked()]).toEqual([u, false]);
      expect(await urgency.locator(`label:has(input[value="${u}"]) .urgency-choice__hint`).textContent()).toBe(urgencyHint(u, timings));
    }
    expect(await urgency.textContent()).toContain('within 2 hours');
    expect(await urgency.textContent()).toContain('within 3 working days');
    expect(await urgency.textContent()).toContain('Never escalated');

    await page.getByLabel('Summary').fill('Stop the amitriptyline at night');
    await page.getByLabel('Advice').fill('Dry mouth and morning drowsiness; stop, no taper needed.');
    await page.getByRole('button', { name: 'Post handover', exact: true }).click();
    await urgency.getByText('Choose how urgent this handover is.').waitFor();
    expect(await urgency.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(handoverUrgencies[0]);
    expect(await handoverCount(patient.id)).toBe(0);
    await shot(page, 'handover-urgency-required-1280');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);

    await urgency.getByRole('radio', { name: /^Soon\b/ }).check();
    expect(await urgency.getByText('Choose how urgent this handover is.').count()).toBe(0);
    await page.getByRole('button', { name: 'Post handover', exact: true }).click();
    await page.getByText('Your handover has been posted').waitFor();
    expect(await handoverCount(patient.id)).toBe(1);
    await context.close();
  });

  it('recommended actions are marked done by the assignee and the lead, with who and when, until the handover says all are done', { timeout: 120_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Rhian', familyName: `Pritchard ${world.tag}` });
    await world.linkSpecialist(patient);
    const posted = await gql<{ postHandover: { id: string } }>(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      {
        input: {
          patientId: patient.id,
          summary: 'Switch to a lidocaine plaster for the knee',
          advice: 'Twelve hours on, twelve off.',
          urgency: 'ROUTINE',
          actions: [
            { description: 'Prescribe lidocaine 5% plasters', assigneeId: gp.id, dueDate: '2030-01-10' },
            { description: 'Show the patient how to apply them' },
          ],
        },
      },
      await signInAs(server().url, specialist),
    );
    expect(posted.errors).toBeUndefined();

    // The GP's inbox: the open action, marked done there; then it is only under "done".
    const doctor = await signedIn(gp);
    await doctor.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Handovers' }).click();
    const mine = doctor.page.locator('section', { has: doctor.page.getByRole('heading', { name: 'Actions assigned to me' }) });
    const item = mine.locator('li', { hasText: 'Prescribe lidocaine 5% plasters' });
    await item.waitFor();
    await shot(doctor.page, 'my-actions-open-1280');
    expect(await seriousAccessibilityProblems(doctor.page)).toEqual([]);
    await item.getByRole('button', { name: /^Mark done\W+Prescribe lidocaine 5% plasters$/ }).click();
    await mine.getByText('No open recommended actions are assigned to you.').waitFor();
    await mine.getByLabel('Show done actions too').check();
    await item.getByText(/Done by GP on \d/).waitFor();
    expect(await item.getByRole('button', { name: /Mark done/ }).count()).toBe(0);
    await doctor.page.setViewportSize(phone);
    await shot(doctor.page, 'my-actions-done-390');
    expect(await seriousAccessibilityProblems(doctor.page)).toEqual([]);

    // The lead sees the GP's done, marks the unassigned one, and the note says all are done.
    const lead = await signedIn(coach);
    await lead.page.goto(`${server().url}/patients/${patient.id}/handover`);
    const note = lead.page.locator('.handover-note', { hasText: 'Switch to a lidocaine plaster' });
    await note.getByText(/Done by GP on \d/).waitFor();
    expect(await note.getByText('All actions done').count()).toBe(0);
    await note.getByRole('button', { name: /^Mark done\W+Show the patient how to apply them$/ }).click();
    await note.getByText('All actions done', { exact: true }).waitFor();
    await note.getByText(/Done by Coach on \d/).waitFor();
    expect(await note.getByRole('button', { name: /Mark done/ }).count()).toBe(0);
    await shot(lead.page, 'handover-actions-all-done-1280', true);
    expect(await seriousAccessibilityProblems(lead.page)).toEqual([]);

    // The author is told, and the timeline tells it in words.
    const author = await signedIn(specialist);
    await author.page.locator('.bell__button[aria-label="Notifications, 1 unread"]').waitFor();
    await author.page.locator('.bell__button').click();
    await author.page.getByRole('region', { name: 'Notifications', exact: true }).locator('.bell__item-title', { hasText: `Every recommended action in your handover for Rhian Pritchard ${world.tag} is done` }).waitFor();
    await lead.page.getByRole('navigation', { name: 'Patient record' }).getByRole('link', { name: 'Timeline' }).click();
    const timeline = lead.page.getByRole('list', { name: 'History, newest first' });
    await timeline.getByText("marked a handover's last recommended action done: all are done").waitFor();
    expect(await timeline.textContent()).toContain('marked a recommended action done');
    for (const s of [doctor, lead, author]) await s.context.close();
  });

  it('notifications and the timeline show a discussion post as plain text, never raw markdown', { timeout: 120_000 }, async () => {
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Owain', familyName: `Jenkins ${world.tag}` });
    const started = await gql(
      server().url,
      'mutation($input: StartThreadInput!) { startThread(input: $input) { id } }',
      { input: { patientId: patient.id, title: 'Sleep first', topic: 'PLAN_REVIEW', body: `@${gp.name} **Sleep** comes _first_: see [the leaflet](https://example.org/sleep)`, mentions: [gp.id] } },
      await signInAs(server().url, coach),
    );
    expect(started.errors).toBeUndefined();
    const replied = await gql(
      server().url,
      'mutation($t: ID!, $body: String!) { replyToThread(threadId: $t, body: $body) { id } }',
      { t: (started.data as { startThread: { id: string } }).startThread.id, body: '- **Wind-down** at ten\n- no screens' },
      await signInAs(server().url, coach),
    );
    expect(replied.errors).toBeUndefined();
    const { context, page } = await signedIn(gp, phone);
    await page.locator('.bell__button[aria-label^="Notifications, "][aria-label$="unread"]').waitFor();
    await page.locator('.bell__button').click();
    const item = page.getByRole('region', { name: 'Notifications', exact: true }).locator('li', { hasText: 'mentioned you in “Sleep first”' });
    await item.waitFor();
    expect(await item.locator('.bell__item-body').textContent()).toBe(`@${gp.name} Sleep comes first: see the leaflet`);
    await shot(page, 'notification-plain-text-390');
    await page.keyboard.press('Escape');
    await page.goto(`${server().url}/patients/${patient.id}/timeline`);
    const timeline = page.getByRole('list', { name: 'History, newest first' });
    await timeline.getByText('posted in a discussion').waitFor();
    const text = (await timeline.textContent()) ?? '';
    expect(text).toContain('Wind-down at ten no screens');
    expect(text).not.toMatch(/\*\*|\]\(|_first_/);
    await context.close();
  });
});
