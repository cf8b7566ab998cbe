import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../server/src/auth/user.entity.js';
import { PatientStatus } from '../server/src/patients/patient.entity.js';
import { gql, ownerQuery, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber, type World } from '../server/src/test-support/world.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
const details = (reason: string, extra: Record<string, unknown> = {}) => ({ reason, wantsHelpWith: 'Sleeping through the night and walking further', consentToContact: true, contactMethod: 'PHONE', contactTimes: 'Weekday mornings', ...extra });

/** Whether the element is the one with the keyboard's focus. */
const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);
/** Its aria-invalid, and the text of what describes it (aria-describedby), as a screen reader announces them. */
const describedAs = (locator: Locator) =>
  locator.evaluate((el) => ({
    invalid: el.getAttribute('aria-invalid'),
    description: (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' '),
  }));

describe('referrals and case finding in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    world = await makeWorld(server().orm.em.fork());
  });

  async function signedIn(user: User): Promise<Page> {
    return (await signInWithForm(browser(), server().url, user, { viewport: desktop })).page;
  }

  /** Full-page screenshots at the laptop's size and a phone's (also under /tmp/shots-referrals); nothing wider than the phone. */
  async function shots(page: Page, name: string): Promise<void> {
    fs.mkdirSync('/tmp/shots-referrals', { recursive: true });
    for (const [size, viewport] of [['1280', desktop], ['390', phone]] as const) {
      await page.setViewportSize(viewport);
      const file = path.join(artifactsDir, `referrals-${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      fs.copyFileSync(file, path.join('/tmp/shots-referrals', path.basename(file)));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    }
    await page.setViewportSize(desktop);
  }

  it('a coach triages a referral from the waiting list: waits and the breach flag shown, accepted inline, the patient assigned', { timeout: 180_000 }, async () => {
    const { gp, coach, fcp } = world.users;
    const gpToken = await signInAs(server().url, gp);
    const refer = async (givenName: string, daysAgo: number, extra: Record<string, unknown> = {}) => {
      const patient = await world.patient([gp], { givenName, familyName: `Referred ${world.tag}`, status: PatientStatus.REFERRED });
      const id = (await gql<{ createReferral: { id: string } }>(server().url, CREATE, { input: { patientId: patient.id, details: details(`Persistent pain (${givenName})`, extra) } }, gpToken)).data!.createReferral.id;
      await ownerQuery(`update referral set received_at = now() - make_interval(days => $2) where id = $1`, [id, daysAgo]);
      return id;
    };
    await refer('Olwen', 132, { interpreterNeeded: true, interpreterLanguage: 'Welsh', largePrint: true });
    await refer('Dafydd', 12);

    const page = await signedIn(coach);
    await page.getByRole('link', { name: 'Referrals', exact: true }).click();
    await page.getByRole('heading', { name: 'Waiting list' }).waitFor();
    const oldest = page.locator('article', { has: page.getByRole('heading', { name: `Olwen Referred ${world.tag}` }) });
    await expect.poll(() => oldest.textContent()).toContain('Breach: over 18 weeks');
    expect(await oldest.textContent()).toContain('Interpreter: Welsh · Large print');
    const items = await page.locator('.referral-list').first().locator('article h3').allTextContents();
    expect(items.indexOf(`Olwen Referred ${world.tag}`)).toBeLessThan(items.indexOf(`Dafydd Referred ${world.tag}`));
    await shots(page, 'triage');

    // Accept without a coach: told beside the field, nothing changes.
    await oldest.getByRole('button', { name: 'Accept', exact: true }).click();
    await oldest.getByRole('button', { name: 'Accept referral' }).click();
    await oldest.getByText("Choose an active coach of the patient's Primary Care Network.").waitFor();
    // The refusal is on the field itself: marked invalid, described by the message, and focused.
    await expect.poll(() => isFocused(oldest.getByLabel('Assign to coach'))).toBe(true);
    expect(await describedAs(oldest.getByLabel('Assign to coach'))).toEqual({ invalid: 'true', description: "Choose an active coach of the patient's Primary Care Network." });
    await oldest.getByLabel('Assign to coach').selectOption({ label: coach.name });
    await oldest.getByRole('button', { name: 'Accept referral' }).click();
    await expect.poll(() => oldest.textContent()).toContain(`Accepted, not yet seen (${coach.name})`);
    expect(await oldest.getByRole('button', { name: 'Accept referral' }).count()).toBe(0);

    // The coach is on the care team now: the patient's Referrals section and timeline show it.
    await oldest.getByRole('link', { name: `Olwen Referred ${world.tag}` }).click();
    await page.getByRole('navigation', { name: 'Patient record' }).getByRole('link', { name: 'Referrals' }).click();
    await expect.poll(() => page.locator('.referral-card').first().textContent()).toContain(`Accepted to ${coach.name}`);
    await shots(page, 'patient-referrals');
    await page.getByRole('navigation', { name: 'Patient record' }).getByRole('link', { name: 'Timeline' }).click();
    await page.getByText(`accepted the referral and assigned ${coach.name}`).waitFor();
    await page.goto(`${server().url}/referrals`);

    // The other is declined inline, with a reason; it leaves the waiting list.
    const other = page.locator('article', { has: page.getByRole('heading', { name: `Dafydd Referred ${world.tag}` }) });
    await other.getByRole('button', { name: 'Decline', exact: true }).click();
    await other.getByLabel('Reason (the referrer is told)').fill('Already under the specialist pain service');
    await other.getByRole('button', { name: 'Decline referral' }).click();
    await other.waitFor({ state: 'detached' });

    // The referrer's own list shows both outcomes.
    const gpPage = await signedIn(gp);
    await gpPage.goto(`${server().url}/referrals`);
    await expect.poll(() => gpPage.getByRole('region', { name: 'Referrals you made' }).textContent()).toContain('Already under the specialist pain service');

    // The referral form: an existing patient, found by name.
    await gpPage.getByRole('link', { name: 'Refer a patient' }).click();
    await gpPage.getByRole('heading', { name: 'Refer a patient to health & wellbeing coaching' }).waitFor();
    await shots(gpPage, 'form');
    const fcpPatient = await world.patient([fcp, gp], { givenName: 'Bethan', familyName: `Form ${world.tag}`, status: PatientStatus.DISCHARGED });
    await gpPage.getByLabel('Find the patient').fill(`Bethan Form ${world.tag}`);
    await gpPage.getByRole('button', { name: 'Find', exact: true }).click();
    await gpPage.getByRole('button', { name: 'Choose' }).click();
    await gpPage.getByLabel('Reason for referral').fill('Back pain since a fall; low confidence');
    await gpPage.getByLabel('What the patient wants help with').fill('Gardening again');
    await gpPage.getByRole('button', { name: 'Send referral' }).click();
    // Without consent: refused beside the box, which is marked invalid, described by the refusal and focused; nothing sent.
    await gpPage.getByText('a referral needs their consent to be contacted').waitFor();
    const consent = gpPage.getByLabel('The patient agrees to be contacted by the coaching service');
    await expect.poll(() => isFocused(consent)).toBe(true);
    const refused = await describedAs(consent);
    expect(refused.invalid).toBe('true');
    expect(refused.description).toContain('a referral needs their consent to be contacted');
    await consent.check();
    await gpPage.getByRole('button', { name: 'Send referral' }).click();
    await gpPage.getByText('Referral sent.').waitFor();
    const [{ n }] = await ownerQuery<{ n: number }>('select count(*)::int as n from referral where patient_id = $1', [fcpPatient.id]);
    expect(n).toBe(1);
  });

  it('a GP refers a patient of their practice who is on no care team, found by their whole NHS number', { timeout: 180_000 }, async () => {
    const { gp } = world.users;
    const patient = await world.patient([], { givenName: 'Carys', familyName: `Unteamed ${world.tag}`, status: PatientStatus.REFERRED });
    const page = await signedIn(gp);
    await page.goto(`${server().url}/referrals`);
    await page.getByRole('link', { name: 'Refer a patient' }).click();
    const search = page.getByLabel('Find the patient');

    // A mistyped number is refused on the field itself, from the keyboard.
    const typo = patient.nhsNumber.slice(0, 9) + String((Number(patient.nhsNumber[9]) + 1) % 10);
    await search.fill(formatNhsNumber(typo));
    await search.press('Enter');
    await page.getByText('its check digit does not match').waitFor();
    expect(await describedAs(search)).toMatchObject({ invalid: 'true', description: expect.stringContaining('its check digit does not match') });
    // Changing the number takes the refusal away: it was about the number that was there.
    await search.press('Backspace');
    expect(await describedAs(search)).toEqual({ invalid: null, description: 'Their name, or their whole NHS number to find any patient you may refer' });
    expect(await page.getByText('its check digit does not match').count()).toBe(0);
    // A number Cairn does not hold (or a patient not theirs to refer): the same words.
    await search.fill(formatNhsNumber(uniqueNhsNumber()));
    await search.press('Enter');
    await page.getByText('No patient you can refer has this NHS number.').waitFor();

    await search.fill(formatNhsNumber(patient.nhsNumber));
    await search.press('Enter');
    const match = page.getByRole('list', { name: 'Patient with this NHS number' });
    await expect.poll(() => match.textContent()).toContain(`Carys Unteamed ${world.tag} · born 17 May 1970 · NHS ${formatNhsNumber(patient.nhsNumber)} · ${world.practice.name}`);
    expect((await describedAs(search)).invalid).toBeNull();
    await shots(page, 'form-nhs-match');
    // The narrowest screen the app is made for: nothing wider.
    await page.setViewportSize({ width: 320, height: 700 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize(desktop);

    // Tab to "Choose" (past "Find") and press it: the keyboard lands on the chosen patient.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const choose = match.getByRole('button', { name: 'Choose' });
    await expect.poll(() => isFocused(choose)).toBe(true);
    await page.keyboard.press('Enter');
    const chosen = page.locator('.referral-form__chosen');
    await expect.poll(() => isFocused(chosen)).toBe(true);
    expect(await chosen.textContent()).toContain(`Carys Unteamed ${world.tag} · NHS ${formatNhsNumber(patient.nhsNumber)} · born 17 May 1970`);
    await page.getByLabel('Reason for referral').fill('Widespread pain after a viral illness; not sleeping');
    await page.getByLabel('What the patient wants help with').fill('Getting back to choir practice');
    await page.getByLabel('The patient agrees to be contacted by the coaching service').check();
    await page.getByRole('button', { name: 'Send referral' }).click();
    await page.getByText('Referral sent.').waitFor();
    const referrals = await ownerQuery<{ referrer_id: string; source: string; status: string }>('select referrer_id, source, status from referral where patient_id = $1', [patient.id]);
    expect(referrals).toEqual([{ referrer_id: gp.id, source: 'GP', status: 'RECEIVED' }]);

    // Found again, the patient is shown as referred already, with nothing to choose.
    await page.getByRole('link', { name: 'Refer a patient' }).click();
    await search.fill(patient.nhsNumber);
    await search.press('Enter');
    await expect.poll(() => match.textContent()).toContain('A referral awaits triage: no new referral needed');
    expect(await match.getByRole('button', { name: 'Choose' }).count()).toBe(0);
  });

  it('a coach saves a case-finding search, invites two patients by letter and records an answer', { timeout: 180_000 }, async () => {
    const { gp, coach } = world.users;
    const found = [];
    for (const name of ['Ffion', 'Gethin', 'Heledd']) found.push(await world.patient([gp], { givenName: name, familyName: `Found ${world.tag}`, conditions: ['Chronic widespread pain'], status: PatientStatus.DISCHARGED }));
    // Heledd's GP has referred her already: she cannot be invited, and says why, but the others can.
    const heledd = found[2];
    await gql(server().url, CREATE, { input: { patientId: heledd.id, details: details('Widespread pain; referred by her GP') } }, await signInAs(server().url, gp));
    const page = await signedIn(coach);
    await page.getByRole('link', { name: 'Referrals', exact: true }).click();
    await page.getByRole('navigation', { name: 'Coaching programme' }).getByRole('link', { name: 'Case finding' }).click();
    await page.getByRole('heading', { name: 'New search' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Widespread pain, adults');
    await page.getByRole('button', { name: /Show all/ }).click();
    await page.getByLabel('Chronic widespread pain').check();
    await page.getByLabel('From age').fill('18');
    // Everyone with the condition, so the search also finds those referred already.
    await page.getByLabel('Not on the programme').uncheck();
    await shots(page, 'case-finding');
    await page.getByRole('button', { name: 'Save and search' }).click();
    await page.getByRole('heading', { name: 'Widespread pain, adults' }).waitFor();
    const heleddBox = page.getByLabel(`Invite Heledd Found ${world.tag}`);
    expect(await heleddBox.isDisabled()).toBe(true);
    expect((await describedAs(heleddBox)).description).toBe('Referral awaiting triage: no invitation needed');
    await page.getByLabel(`Invite Ffion Found ${world.tag}`).check();
    await page.getByLabel(`Invite Gethin Found ${world.tag}`).check();
    await page.getByLabel('Invited by').selectOption('LETTER');
    await page.getByRole('button', { name: 'Record 2 invitations' }).click();
    await page.getByText('2 invitations recorded.').waitFor();
    await expect.poll(() => page.locator('li.invitation').count()).toBe(2);
    expect(await page.getByRole('alert').count()).toBe(0);
    const ffion = page.locator('li.invitation', { hasText: `Ffion Found ${world.tag}` });
    const answers = async () => (await ownerQuery<{ status: string }>(`select i.status from invitation i join patient p on p.id = i.patient_id where p.given_name = 'Ffion' and p.family_name = $1`, [`Found ${world.tag}`])).map((i) => i.status);
    // "Declined" asks first, naming her; "Keep" records nothing and gives the keyboard back to "Declined".
    await ffion.getByRole('button', { name: 'Record decline…' }).click();
    const confirm = ffion.getByRole('group', { name: `Record that Ffion Found ${world.tag} declined?` });
    await confirm.waitFor();
    await expect.poll(() => isFocused(confirm.getByRole('button', { name: 'Confirm' }))).toBe(true);
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(ffion.getByRole('button', { name: 'Record decline…' }))).toBe(true);
    expect(await answers()).toEqual(['INVITED']);
    // From the keyboard: Enter asks, Escape keeps, Enter then Enter records.
    await page.keyboard.press('Enter');
    await confirm.waitFor();
    await expect.poll(() => isFocused(confirm.getByRole('button', { name: 'Confirm' }))).toBe(true);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(ffion.getByRole('button', { name: 'Record decline…' }))).toBe(true);
    expect(await answers()).toEqual(['INVITED']);
    await page.keyboard.press('Enter');
    await expect.poll(() => isFocused(confirm.getByRole('button', { name: 'Confirm' }))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => ffion.textContent()).toContain(`recorded by ${coach.name}`);
    expect(await answers()).toEqual(['DECLINED']);
    // The list is read again and her row drawn anew: the keyboard stays on her row, and the answer is said.
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.invitation-list li.invitation')?.textContent ?? 'focus lost')).toContain(`Ffion Found ${world.tag}`);
    expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    await page.getByRole('status').filter({ hasText: `Recorded that Ffion Found ${world.tag} declined.` }).waitFor();
    const gethin = page.locator('li.invitation', { hasText: `Gethin Found ${world.tag}` });
    // "Record acceptance…" opens the referral's details with the keyboard in them; "Cancel" gives it back.
    await gethin.getByRole('button', { name: 'Record acceptance…' }).click();
    await expect.poll(() => isFocused(gethin.getByLabel('Reason for referral'))).toBe(true);
    await gethin.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => isFocused(gethin.getByRole('button', { name: 'Record acceptance…' }))).toBe(true);
    await gethin.getByRole('button', { name: 'Record acceptance…' }).click();
    await gethin.getByLabel('Reason for referral').fill('Found by case finding; widespread pain, no contact for a year');
    await gethin.getByLabel('What the patient wants help with').fill('Managing flare-ups');
    await gethin.getByLabel('The patient agrees to be contacted by the coaching service').check();
    await shots(page, 'invitations');
    await gethin.getByRole('button', { name: 'Record acceptance and refer' }).click();
    await expect.poll(() => gethin.textContent()).toContain('Accepted');
    await page.goto(`${server().url}/referrals`);
    await page.locator('article', { hasText: `Gethin Found ${world.tag}` }).getByText('Accepted an invitation', { exact: false }).waitFor();
  });

  it('accepting an invitation after the patient was referred another way meanwhile says the invitation joined that referral, and makes no second one', { timeout: 120_000 }, async () => {
    const { gp, coach } = world.users;
    const condition = `Hip osteoarthritis ${world.tag}`;
    const iolo = await world.patient([gp], { givenName: 'Iolo', familyName: `Joined ${world.tag}`, conditions: [condition], status: PatientStatus.DISCHARGED });
    const coachToken = await signInAs(server().url, coach);
    const searchId = (await gql<{ saveCaseSearch: { id: string } }>(server().url, 'mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { id } }', { input: { name: 'Hip pain', criteria: [{ kind: 'CONDITIONS', values: [condition] }] } }, coachToken)).data!.saveCaseSearch.id;
    const invited = await gql(server().url, 'mutation($input: InvitePatientsInput!) { invitePatients(input: $input) { id } }', { input: { searchId, patientIds: [iolo.id], channel: 'LETTER' } }, coachToken);
    expect(invited.errors).toBeUndefined();
    const page = await signedIn(coach);
    await page.goto(`${server().url}/case-finding/${searchId}`);
    const row = page.locator('li.invitation', { hasText: `Iolo Joined ${world.tag}` });
    await row.getByRole('button', { name: 'Record acceptance…' }).click();
    // While the coach fills in the details, the patient's GP refers him.
    expect((await gql(server().url, CREATE, { input: { patientId: iolo.id, details: details('Hip pain; referred by his GP') } }, await signInAs(server().url, gp))).errors).toBeUndefined();
    await row.getByLabel('Reason for referral').fill('Found by case finding; hip pain');
    await row.getByLabel('What the patient wants help with').fill('Walking to the shop');
    await row.getByLabel('The patient agrees to be contacted by the coaching service').check();
    await row.getByRole('button', { name: 'Record acceptance and refer' }).click();
    await row.getByText('They had been referred another way meanwhile: the invitation joined that referral, and no second referral was made.').waitFor();
    await page.getByRole('status').filter({ hasText: `Recorded that Iolo Joined ${world.tag} accepted. They had been referred another way meanwhile` }).waitFor();
    const referrals = await ownerQuery<{ reason: string }>('select reason from referral where patient_id = $1', [iolo.id]);
    expect(referrals.map((r) => r.reason)).toEqual(['Hip pain; referred by his GP']);
  });

  it('a saved search keeps its matches and invitations when a refresh cannot reach the server, says so above them, and "Try again" brings them up to date', { timeout: 120_000 }, async () => {
    const { gp, coach } = world.users;
    const condition = `Knee osteoarthritis ${world.tag}`;
    for (const name of ['Iwan', 'Jac']) await world.patient([gp], { givenName: name, familyName: `Offline ${world.tag}`, conditions: [condition], status: PatientStatus.DISCHARGED });
    const saved = await gql<{ saveCaseSearch: { id: string } }>(
      server().url,
      'mutation($input: SaveCaseSearchInput!) { saveCaseSearch(input: $input) { id } }',
      { input: { name: 'Knee pain, offline check', criteria: [{ kind: 'CONDITIONS', values: [condition] }] } },
      await signInAs(server().url, coach),
    );
    expect(saved.errors).toBeUndefined();
    const page = await signedIn(coach);
    await page.goto(`${server().url}/case-finding/${saved.data!.saveCaseSearch.id}`);
    await page.getByRole('heading', { name: '2 patients match' }).waitFor();
    await page.getByLabel(`Invite Iwan Offline ${world.tag}`).check();
    await page.getByRole('button', { name: 'Record 1 invitation' }).click();
    await expect.poll(() => page.locator('li.invitation').count()).toBe(1);

    // The search's reads fail (its writes still reach the server): the read after the next invitation cannot.
    await page.route('**/graphql', (route) => ((route.request().postData() ?? '').includes('CaseSearchView') ? route.abort('internetdisconnected') : route.fallback()));
    await page.getByLabel(`Invite Jac Offline ${world.tag}`).check();
    await page.getByRole('button', { name: 'Record 1 invitation' }).click();
    await page.getByText('What is shown below is as it was when last loaded.', { exact: false }).waitFor();
    expect(await page.getByRole('heading', { name: '2 patients match' }).count()).toBe(1);
    expect(await page.locator('li.invitation').count()).toBe(1);
    await shots(page, 'case-search-refresh-failed');

    await page.unroute('**/graphql');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.locator('li.invitation').count()).toBe(2);
    expect(await page.getByText('What is shown below is as it was when last loaded.', { exact: false }).count()).toBe(0);
    await page.context().close();
  });

  it("a patient's Referrals tab refers that patient, already chosen, and offers no referral the server would refuse; an empty form points at the patient first", { timeout: 180_000 }, async () => {
    const { gp } = world.users;
    const patient = await world.patient([gp], { givenName: 'Dilys', familyName: `From Record ${world.tag}`, status: PatientStatus.DISCHARGED });
    const onProgramme = await world.patient([gp], { givenName: 'Emyr', familyName: `On Programme ${world.tag}`, status: PatientStatus.ACTIVE });
    const page = await signedIn(gp);

    // On the programme: nothing to refer to, said instead of a link.
    await page.goto(`${server().url}/patients/${onProgramme.id}/referrals`);
    await page.getByText('On the programme: no referral needed.').waitFor();
    expect(await page.getByRole('link', { name: 'Refer to health & wellbeing coaching' }).count()).toBe(0);

    await page.goto(`${server().url}/patients/${patient.id}/referrals`);
    await page.getByRole('link', { name: 'Refer to health & wellbeing coaching' }).click();
    const chosen = page.locator('.referral-form__chosen');
    await expect.poll(() => chosen.textContent()).toContain(`Dilys From Record ${world.tag} · NHS ${formatNhsNumber(patient.nhsNumber)}`);
    expect(await page.getByRole('link', { name: '← The patient’s referrals' }).getAttribute('href')).toBe(`/patients/${patient.id}/referrals`);
    await shots(page, 'form-from-record');
    await page.getByLabel('Reason for referral').fill('Low back pain for two years; stopped walking the dog');
    await page.getByLabel('What the patient wants help with').fill('Walking the dog again');
    await page.getByLabel('The patient agrees to be contacted by the coaching service').check();
    await page.getByRole('button', { name: 'Send referral' }).click();
    await page.getByText('Referral sent.').waitFor();
    expect(await ownerQuery<{ referrer_id: string; status: string }>('select referrer_id, status from referral where patient_id = $1', [patient.id])).toEqual([{ referrer_id: gp.id, status: 'RECEIVED' }]);

    // Back on the record: the referral awaits triage, so no second one is offered.
    await page.goto(`${server().url}/patients/${patient.id}/referrals`);
    await page.getByText('A referral awaits triage: no new referral needed.').waitFor();
    expect(await page.getByRole('link', { name: 'Refer to health & wellbeing coaching' }).count()).toBe(0);

    // "Send referral" with nothing filled in: the keyboard goes to the patient search, which says what is missing.
    await page.goto(`${server().url}/referrals/new`);
    const search = page.getByLabel('Find the patient');
    await search.waitFor();
    await page.getByRole('button', { name: 'Send referral' }).click();
    await expect.poll(() => isFocused(search)).toBe(true);
    expect(await search.evaluate((el) => (el as HTMLInputElement).validationMessage)).toBe('Find and choose the patient first.');
  });
});
