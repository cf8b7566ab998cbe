import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { accessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1366, height: 768 };


/** The script-injection payloads a discussion post must render inert. */
const payloads = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">', '[x](javascript:window.__pwned=1)'];

describe('handovers, discussions and notifications in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  /** A fresh browser profile, signed in as `user`, on their first page (the caseload, or their role's home). */
  async function signedIn(user: User, options: { trackSockets?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    // Keeps the page's WebSockets within reach, so a test can drop them as a flaky network would.
    const signed = await signInWithForm(browser(), server().url, user, { viewport: laptop, initScript: options.trackSockets ? trackSockets : undefined });
    await markDocument(signed.page);
    return signed;
  }

  function trackSockets(): void {
    const sockets: WebSocket[] = [];
    (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
    window.WebSocket = class extends window.WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    };
  }
  const dropSockets = (page: Page) =>
    page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.filter((s) => s.readyState === WebSocket.OPEN).map((s) => (s.close(4999, 'network dropped'), s.url)).length);

  /** Marks the document; the mark is still there later only if the page never reloaded. */
  const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage });
  const bell = (page: Page) => page.locator('.bell__button');
  const bellSays = (page: Page, label: string) => page.locator(`.bell__button[aria-label="${label}"]`).waitFor();
  const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

  it('a specialist posts an URGENT handover; the lead coach sees the bell and a toast live, and acknowledges it with a reply', { timeout: 120_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Ffion', familyName: `Evans ${world.tag}` });
    await world.linkSpecialist(patient);
    const name = `Ffion Evans ${world.tag}`;

    const lead = await signedIn(coach);
    await bellSays(lead.page, 'Notifications, none unread');
    const spec = await signedIn(specialist);

    // The specialist posts, with a recommended action for the coach.
    await spec.page.goto(`${server().url}/patients/${patient.id}/handover`);
    await spec.page.getByRole('button', { name: 'Post a handover' }).click();
    await spec.page.getByLabel('Summary').fill('Stop the new gabapentinoid: dizziness and a fall');
    await spec.page.getByLabel('Advice').fill('Taper over one week.\n\nReview at the pain clinic in 6 weeks.');
    await spec.page.getByRole('radio', { name: /Urgent/ }).check();
    await spec.page.getByRole('button', { name: 'Add a recommended action' }).click();
    await spec.page.getByLabel('Action 1').fill('Call the patient about the taper');
    await spec.page.getByLabel('For', { exact: true }).selectOption({ label: 'Coach (Health & wellbeing coach)' });
    await spec.page.getByRole('button', { name: 'Post handover', exact: true }).click();
    await spec.page.getByText('Your handover has been posted').waitFor();
    await spec.page.locator('.handover-note').getByText('Awaiting acknowledgement').waitFor();

    // The coach, on another page that was already open: the count rises and a polite toast appears.
    await bellSays(lead.page, 'Notifications, 1 unread');
    const toast = lead.page.locator('.toast');
    await toast.waitFor();
    expect(await toast.locator('.toast__title').textContent()).toBe(`Urgent handover for ${name} from ${world.specialistService.name}`);
    expect(await toast.textContent()).toContain(name);
    expect(await lead.page.locator('.toasts').getAttribute('aria-live')).toBe('polite');
    expect(await lead.page.locator('.bell__count').textContent()).toBe('1');
    await shot(lead.page, 'handover-toast');

    // The inbox lists it with its urgency, patient and age; the action assigned to the coach is there too.
    await lead.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Handovers' }).click();
    await lead.page.getByRole('heading', { level: 1, name: 'Handovers' }).waitFor();
    const awaiting = lead.page.locator('section', { has: lead.page.getByRole('heading', { name: 'Awaiting my acknowledgement' }) });
    const row = awaiting.locator('tbody tr', { hasText: 'Stop the new gabapentinoid' });
    await row.waitFor();
    expect(await row.locator('.urgency').textContent()).toBe('URGENT');
    expect(await row.textContent()).toContain(name);
    expect(await row.textContent()).toMatch(/just now|minute/);
    const actions = lead.page.locator('section', { has: lead.page.getByRole('heading', { name: 'Actions assigned to me' }) });
    expect(await actions.textContent()).toContain('Call the patient about the taper');
    await shot(lead.page, 'handover-inbox');
    expect(await accessibilityProblems(lead.page)).toEqual([]);

    // Toasts leave on Escape from the keyboard.
    await toast.getByRole('link', { name: 'Open' }).focus();
    await lead.page.keyboard.press('Escape');
    await toast.waitFor({ state: 'detached' });

    // Open the bell, follow the notification to the note, and acknowledge it with a reply.
    await bell(lead.page).click();
    const panel = lead.page.getByRole('region', { name: 'Notifications', exact: true });
    await panel.waitFor();
    expect(await bell(lead.page).getAttribute('aria-expanded')).toBe('true');
    await shot(lead.page, 'bell-open');
    expect(await accessibilityProblems(lead.page)).toEqual([]);
    await panel.getByRole('link', { name: /Urgent handover/ }).click();
    await lead.page.waitForURL(/\/patients\/[^/]+\/handovers\/[^/]+$/);
    await bellSays(lead.page, 'Notifications, none unread');
    const note = lead.page.locator('.handover-note', { hasText: 'Stop the new gabapentinoid' });
    await note.getByLabel('Reply to Specialist (optional)').fill('Thank you. I will call her today.');
    await note.getByRole('button', { name: 'Acknowledge handover' }).click();
    await note.getByText('Acknowledged by Coach').waitFor();
    expect(await note.locator('.handover-note__reply').textContent()).toContain('I will call her today.');
    await shot(lead.page, 'handover-note', true);
    expect(await accessibilityProblems(lead.page)).toEqual([]);
    expect(await sameDocument(lead.page)).toBe(true);

    // The specialist is told, live, and the note on their page shows the acknowledgement.
    await bellSays(spec.page, 'Notifications, 1 unread');
    await spec.page.locator('.handover-note').getByText('Acknowledged by Coach').waitFor();

    // The inbox is clear now.
    await lead.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Handovers' }).click();
    await lead.page.getByText('Nothing is waiting for you to acknowledge.').waitFor();
    expect(await sameDocument(lead.page)).toBe(true);
    await lead.context.close();
    await spec.context.close();
  });

  it('renders script-injection payloads in a post inert, and an @mention tells the mentioned member live', { timeout: 120_000 }, async () => {
    const { coach, fcp, gp } = world.users;
    const patient = await world.patient([coach, fcp, gp], { givenName: 'Gareth', familyName: `Lloyd ${world.tag}` });
    const physio = await signedIn(fcp);
    const author = await signedIn(coach);

    await author.page.goto(`${server().url}/patients/${patient.id}/discussion`);
    await markDocument(author.page);
    await author.page.getByRole('button', { name: 'Start a discussion' }).click();
    await author.page.getByLabel('Title').fill('Pacing plan after the flare-up');
    await author.page.getByLabel('Topic').selectOption('PLAN_REVIEW');
    const first = author.page.getByLabel('First post');
    await first.fill(`Testing what survives:\n\n${payloads.join('\n')}\n\n`);
    // Mention the physio through the autocomplete, from the keyboard.
    await first.pressSequentially('Could @Phy');
    const option = author.page.getByRole('option', { name: /Physio/ });
    await option.waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await first.press('Enter');
    expect(await first.inputValue()).toContain('Could @Physio ');
    await first.pressSequentially('look at **pacing**?');
    await author.page.getByRole('button', { name: 'Start discussion' }).click();
    await author.page.getByRole('heading', { level: 3, name: 'Pacing plan after the flare-up' }).waitFor();

    const body = author.page.locator('.post__body').first();
    await body.getByText('Could').waitFor();
    // The payloads are shown as text, and nothing of them runs or becomes an element.
    expect(await body.textContent()).toContain('<script>window.__pwned=1</script>');
    expect(await body.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await body.locator('script, img, iframe, [onerror]').count()).toBe(0);
    expect(await author.page.locator('a[href^="javascript:"], img[src="x"]').count()).toBe(0);
    expect(await author.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await body.locator('.mention').textContent()).toBe('@Physio');
    expect(await body.locator('strong').textContent()).toBe('pacing');

    // The physio, already signed in elsewhere, is told without reloading, and opens the discussion.
    await bellSays(physio.page, 'Notifications, 1 unread');
    const toast = physio.page.locator('.toast');
    await toast.locator('.toast__title', { hasText: 'Coach mentioned you in “Pacing plan after the flare-up”' }).waitFor();
    await toast.getByRole('link', { name: 'Open' }).click();
    await physio.page.getByRole('heading', { level: 3, name: 'Pacing plan after the flare-up' }).waitFor();
    expect(await physio.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

    // The physio replies; the coach's open thread shows it without a reload.
    await physio.page.getByRole('button', { name: 'Reply to Coach' }).click();
    await physio.page.getByLabel('Reply to Coach').fill('Yes: *halve* the walking target for two weeks.');
    await physio.page.getByRole('button', { name: 'Post reply' }).click();
    const reply = author.page.locator('.post--reply', { hasText: 'the walking target for two weeks' });
    await reply.waitFor();
    expect(await reply.locator('em').textContent()).toBe('halve');
    expect(await sameDocument(author.page)).toBe(true);
    await shot(author.page, 'thread', true);
    expect(await accessibilityProblems(author.page)).toEqual([]);

    // Resolve, then the reply box gives way to a note; reopen brings it back.
    await author.page.getByRole('button', { name: 'Mark resolved' }).click();
    await author.page.getByText('This discussion is resolved. Reopen it to post again.').waitFor();
    await author.page.getByRole('button', { name: 'Reopen discussion' }).click();
    await author.page.getByLabel('Add to the discussion').waitFor();

    // The timeline lists the discussion, filterable by kind.
    await author.page.getByRole('navigation', { name: 'Patient record' }).getByRole('link', { name: 'Timeline' }).click();
    const timeline = author.page.getByRole('list', { name: 'History, newest first' });
    await timeline.getByText('started a discussion').waitFor();
    expect(await timeline.textContent()).toContain('replied in a discussion');
    await shot(author.page, 'timeline', true);
    await author.page.getByLabel('Show').selectOption({ label: 'Handovers' });
    await author.page.getByRole('heading', { name: 'No handovers yet' }).waitFor();
    await physio.context.close();
    await author.context.close();
  });

  it('a clinician whose connection drops misses nothing: a handover posted meanwhile reaches the bell when it returns, without a reload', { timeout: 120_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Gethin', familyName: `Rees ${world.tag}` });
    await world.linkSpecialist(patient);
    const lead = await signedIn(coach, { trackSockets: true });
    const unreadNow = async () => Number(/(\d+) unread/.exec((await bell(lead.page).getAttribute('aria-label')) ?? '')?.[1] ?? 0);
    await lead.page.locator('.bell__button[aria-label^="Notifications,"]').waitFor();
    const before = await unreadNow();

    // The network goes, and with it the open socket; reconnecting fails until it is back.
    await lead.context.setOffline(true);
    expect(await dropSockets(lead.page)).toBe(1);
    const reconnections: string[] = [];
    lead.page.on('websocket', (socket) => reconnections.push(socket.url()));
    const token = await signInAs(server().url, specialist);
    const posted = await gql(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Sleep has improved; keep the evening routine', advice: 'No change to medication.', urgency: 'ROUTINE', actions: [] } },
      token,
    );
    expect(posted.errors).toBeUndefined();
    await lead.page.waitForTimeout(1_500);
    expect(await unreadNow()).toBe(before); // offline: nothing can have arrived

    await lead.context.setOffline(false);
    await bellSays(lead.page, `Notifications, ${before + 1} unread`);
    expect(reconnections.length).toBeGreaterThan(0); // the socket really dropped: this came from the cursor on a new one
    await bell(lead.page).click();
    await lead.page.getByRole('region', { name: 'Notifications', exact: true }).getByRole('link', { name: /Sleep has improved|Handover for Gethin/ }).first().waitFor();
    expect(await sameDocument(lead.page)).toBe(true);
    await lead.context.close();
  });

  it('the handover inbox keeps its lists when a refresh cannot reach the server, and says so above them', { timeout: 60_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Iolo', familyName: `Price ${world.tag}` });
    await world.linkSpecialist(patient);
    const token = await signInAs(server().url, specialist);
    const post = (summary: string) =>
      gql(server().url, 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }', { input: { patientId: patient.id, summary, advice: 'No change to medication.', urgency: 'ROUTINE', actions: [] } }, token);
    expect((await post('Keep the evening stretches')).errors).toBeUndefined();
    const lead = await signedIn(coach);
    await lead.page.goto(`${server().url}/handovers`);
    const inbox = lead.page.locator('.handover-inbox');
    const awaiting = inbox.locator('section[aria-labelledby="awaiting-heading"]');
    await awaiting.getByRole('link', { name: 'Keep the evening stretches' }).waitFor();

    // The page's requests fail (not its socket): the next handover's notification asks for the lists again.
    await lead.page.route('**/graphql', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback()));
    expect((await post('Walk before lunch')).errors).toBeUndefined();
    await inbox.getByText('Cairn cannot reach the server just now.', { exact: false }).waitFor();
    expect(await awaiting.getByRole('link', { name: 'Keep the evening stretches' }).count()).toBe(1);
    expect(await inbox.getByRole('heading', { name: 'Actions assigned to me' }).count()).toBe(1);
    await shot(lead.page, 'handover-inbox-refresh-failed-1366');

    // Back online, "Try again" brings the lists up to date and the message goes.
    await lead.page.unroute('**/graphql');
    await inbox.getByRole('button', { name: 'Try again' }).click();
    await awaiting.getByRole('link', { name: 'Walk before lunch' }).waitFor();
    expect(await inbox.getByText('Cairn cannot reach the server just now.', { exact: false }).count()).toBe(0);
    await lead.context.close();
  });

  it("the inbox's link to an URGENT handover lands on the first card of the patient's Handover tab, above a newer SOON one", { timeout: 60_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Amelia', familyName: `White ${world.tag}` });
    await world.linkSpecialist(patient);
    const token = await signInAs(server().url, specialist);
    const post = async (summary: string, urgency: string) => {
      const res = await gql(server().url, 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }', { input: { patientId: patient.id, summary, advice: 'See the clinic letter.', urgency, actions: [] } }, token);
      expect(res.errors).toBeUndefined();
    };
    // The UX review's order: the URGENT note first, a SOON one after it.
    await post('New numbness in the left foot', 'URGENT');
    await post('Consider tapering pregabalin', 'SOON');
    const lead = await signedIn(coach);
    await lead.page.goto(`${server().url}/handovers`);
    await lead.page.locator('section[aria-labelledby="awaiting-heading"]').getByRole('link', { name: 'New numbness in the left foot' }).click();
    await lead.page.waitForURL(/\/patients\/[^/]+\/handovers\/[^/]+$/);
    const cards = lead.page.locator('.handover-list > *');
    await cards.nth(1).waitFor();
    expect(await cards.nth(0).textContent()).toContain('New numbness in the left foot');
    expect(await cards.nth(1).textContent()).toContain('Consider tapering pregabalin');
    // The card linked to is that first one, and has the focus.
    expect(await cards.nth(0).evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await lead.context.close();
  });

  it('a notification marked read from the keyboard keeps focus in the panel, so Escape still closes it and returns to the bell; a failure is said', { timeout: 60_000 }, async () => {
    const { coach, gp, specialist } = world.users;
    const patient = await world.patient([coach, gp], { givenName: 'Hywel', familyName: `Jones ${world.tag}` });
    await world.linkSpecialist(patient);
    const lead = await signedIn(coach);
    const posted = await gql(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Walking target halved for a fortnight', advice: 'No change to medication.', urgency: 'ROUTINE', actions: [] } },
      await signInAs(server().url, specialist),
    );
    expect(posted.errors).toBeUndefined();
    const panel = lead.page.locator('.bell__panel');
    const markRead = panel.getByRole('button', { name: new RegExp(`^Mark read\\W+Handover for Hywel Jones ${world.tag}`) });
    // Opening the panel reloads its list: wait for that, so the rows tabbed through are the ones that stay.
    const reloaded = lead.page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('NotificationsPanel'));
    await bell(lead.page).click();
    await reloaded;
    await markRead.waitFor();

    const focusedIs = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);
    for (let i = 0; i < 10 && !(await focusedIs(markRead)); i++) await lead.page.keyboard.press('Tab');
    expect(await focusedIs(markRead)).toBe(true);
    // The first try cannot reach the server: the panel says so, and the button stays, focused, to try again.
    await lead.page.route('**/graphql', (route) => ((route.request().postData() ?? '').includes('MarkNotificationRead') ? route.abort('internetdisconnected') : route.fallback()));
    await lead.page.keyboard.press('Enter');
    await panel.getByText('Cairn cannot reach the server just now.', { exact: false }).waitFor();
    expect(await focusedIs(markRead)).toBe(true);
    await lead.page.unroute('**/graphql');
    await lead.page.keyboard.press('Enter');
    await markRead.waitFor({ state: 'detached' });
    expect(await panel.getByText('Cairn cannot reach the server just now.', { exact: false }).count()).toBe(0);
    expect(await lead.page.evaluate(() => document.activeElement?.closest('.bell__panel') !== null)).toBe(true);

    await lead.page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await focusedIs(bell(lead.page))).toBe(true);
    await lead.context.close();
  });
});
