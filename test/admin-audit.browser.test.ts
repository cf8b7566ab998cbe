import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome, recordAudit } from '../server/src/audit/audit.service.js';
import type { User } from '../server/src/auth/user.entity.js';
import { CareTeamMember } from '../server/src/care-teams/care-team-member.entity.js';
import { Organisation, OrganisationKind } from '../server/src/organisations/organisation.entity.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import { Patient, PatientStatus } from '../server/src/patients/patient.entity.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, TEST_PASSWORD, uniqueNhsNumber, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const NEW_PASSWORD = 'copper kettle harbour 5120';

describe('administration and the audit view in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;

  beforeAll(async () => {
    const em = server().orm.em.fork();
    world = await makeWorld(em);
    // More organisations than a select offers at once, so choosing one goes through the find box.
    const elsewhere = new Organisation(`Elsewhere network ${world.tag}`, OrganisationKind.PCN, null);
    em.persist([elsewhere, ...Array.from({ length: 60 }, (_, i) => new Organisation(`Filler practice ${world.tag} ${i}`, OrganisationKind.GP_PRACTICE, elsewhere))]);
    await em.flush();
  });

  async function newPage(b: Browser): Promise<Page> {
    const context = await b.newContext({ viewport: desktop, locale: 'en-GB', acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server().url });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    return page;
  }

  async function signIn(page: Page, email: string, password: string, landing: string): Promise<void> {
    await page.goto(server().url);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: landing, level: 1 }).waitFor();
  }

  async function signedIn(user: User, landing: string): Promise<Page> {
    const page = await newPage(browser());
    await signIn(page, user.email, TEST_PASSWORD, landing);
    return page;
  }

  /** Full-page screenshots at a laptop's size and a phone's (copies under /tmp/shots-admin-audit); nothing wider than the screen, down to 320 px. */
  async function shots(page: Page, name: string): Promise<void> {
    fs.mkdirSync('/tmp/shots-admin-audit', { recursive: true });
    for (const [size, viewport] of [['1280', desktop], ['390', phone]] as const) {
      await page.setViewportSize(viewport);
      const file = path.join(artifactsDir, `admin-audit-${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      fs.copyFileSync(file, path.join('/tmp/shots-admin-audit', path.basename(file)));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${size}`).toBeLessThanOrEqual(viewport.width);
    }
    // The narrowest phone: no screenshot, but nothing may scroll sideways there either.
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 320`).toBeLessThanOrEqual(320);
    await page.setViewportSize(desktop);
  }

  it('an admin adds a user and resets the password; the user sets one through the link and signs in; the link then fails', { timeout: 180_000 }, async () => {
    const admin = await signedIn(world.users.admin, 'Administration');
    await admin.getByRole('heading', { name: 'Users', level: 2 }).waitFor();
    await admin.getByLabel('Name or email').fill(world.tag);
    await admin.getByRole('cell', { name: world.users.coach.email }).or(admin.getByText(world.users.coach.email)).first().waitFor();
    await shots(admin, 'admin-home');
    expect(await seriousAccessibilityProblems(admin)).toEqual([]);

    // Add a user: the form says who chooses the password; an email already taken is refused beside nothing, said plainly.
    await admin.getByRole('button', { name: 'Add a user' }).click();
    const form = admin.locator('form', { has: admin.getByRole('heading', { name: 'Add a user' }) });
    await form.getByRole('button', { name: 'Add user and make their link' }).click();
    await form.getByText('Choose the organisation they work for.').waitFor();
    // Each attempt adds its own user: a retry after the add would otherwise be refused the same email.
    const attempt = Math.random().toString(36).slice(2, 6);
    const name = `Nia Evans ${world.tag} ${attempt}`;
    const email = `nia.evans.${world.tag}.${attempt}@test.example`;
    await form.getByLabel('Full name').fill(name);
    await form.getByLabel('Email address').fill(email);
    await form.getByLabel('Role').selectOption({ label: 'Health & wellbeing coach' });
    // Past 50 organisations, the select offers 50 and a find box narrows it; the PCN is found by its name.
    const choose = form.getByLabel('Organisation', { exact: true });
    expect(await choose.locator('option').count()).toBe(51);
    await expect.poll(() => form.getByText(/^50 of \d+ offered: type part of a name to find the rest\.$/).count()).toBe(1);
    await form.getByLabel('Find organisation').fill(world.pcn.name);
    await choose.selectOption({ label: `${world.pcn.name} (Primary Care Network)` });
    await form.getByLabel('Find organisation').fill('no such organisation anywhere');
    await form.getByText('No organisation has that in its name or its PCN’s.').waitFor();
    // The count answers what is typed: read out as it changes.
    expect(await form.getByText('No organisation has that in its name or its PCN’s.').getAttribute('aria-live')).toBe('polite');
    expect(await choose.inputValue()).toBe(world.pcn.id); // the one chosen stays offered
    await shots(admin, 'add-user');
    expect(await seriousAccessibilityProblems(admin)).toEqual([]);
    await form.getByRole('button', { name: 'Add user and make their link' }).click();
    const panel = admin.getByTestId('reset-link');
    await panel.getByRole('heading', { name: `${name}'s account is ready` }).waitFor();
    expect(await panel.textContent()).toContain('This link is shown once.');
    const firstLink = await panel.getByLabel('Link to set a password').inputValue();
    expect(firstLink).toMatch(new RegExp(`^${server().url}/set-password/[A-Za-z0-9_-]{43}$`));
    await panel.getByRole('button', { name: 'Copy link' }).click();
    await panel.getByText('Copied.').waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(firstLink);

    // Reset the new user's password from the list: confirmed first, then a new link; the first one stops working.
    await admin.getByRole('button', { name: 'I have given it to them: hide the link' }).click();
    await admin.getByLabel('Name or email').fill(email);
    await admin.getByRole('button', { name: `Reset password for ${name}` }).click();
    await admin.getByText(`Reset ${name}'s password? Their current password stops working`).waitFor();
    await shots(admin, 'reset-confirm');
    await admin.getByRole('button', { name: 'Yes, make a link' }).click();
    await panel.getByRole('heading', { name: `A link for ${name} to set a new password` }).waitFor();
    const link = await panel.getByLabel('Link to set a password').inputValue();
    expect(link).not.toBe(firstLink);
    await shots(admin, 'reset-link');
    expect(await seriousAccessibilityProblems(admin)).toEqual([]);
    // On a laptop the filters' first row lines its boxes up along the bottom, hint or no hint.
    const bottoms = await admin.getByRole('search', { name: 'Find users' }).locator('input, select').evaluateAll((boxes) => boxes.slice(0, 4).map((b) => Math.round(b.getBoundingClientRect().bottom)));
    expect(new Set(bottoms).size).toBe(1);

    // Deactivate and reactivate someone, each confirmed.
    await admin.getByLabel('Name or email').fill(world.users.fcp.email);
    await admin.getByRole('button', { name: `Deactivate ${world.users.fcp.name}` }).click();
    await admin.getByRole('button', { name: 'Yes, deactivate' }).click();
    await admin.getByText(`${world.users.fcp.name} is deactivated and has been signed out everywhere.`).waitFor();
    await admin.locator('tbody tr', { hasText: world.users.fcp.email }).getByText('Deactivated').waitFor();
    await admin.getByRole('button', { name: `Reactivate ${world.users.fcp.name}` }).click();
    await admin.getByRole('button', { name: 'Yes, reactivate' }).click();
    await admin.locator('tbody tr', { hasText: world.users.fcp.email }).getByText('Active', { exact: true }).waitFor();

    // The user, signed out, with the links.
    const user = await newPage(browser());
    await user.goto(firstLink);
    await user.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await user.goto(link);
    await user.getByRole('heading', { name: 'Set your password' }).waitFor();
    await user.getByLabel('New password').fill('password1234');
    await user.getByLabel('Type it again').fill('password1234');
    await user.getByRole('button', { name: 'Set password' }).click();
    await user.getByText('That password is too common or too easy to guess.').waitFor();
    await shots(user, 'set-password');
    expect(await seriousAccessibilityProblems(user)).toEqual([]);
    await user.getByLabel('New password').fill(NEW_PASSWORD);
    await user.getByLabel('Type it again').fill(NEW_PASSWORD);
    await user.getByRole('button', { name: 'Set password' }).click();
    await user.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await shots(user, 'password-set');
    await user.getByRole('link', { name: 'Go to sign in' }).click();
    await user.getByLabel('Email address').fill(email);
    await user.getByLabel('Password').fill(NEW_PASSWORD);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByRole('heading', { name: 'My patients' }).waitFor();

    const again = await newPage(browser());
    await again.goto(link);
    await again.getByRole('heading', { name: 'This link has been used' }).waitFor();
    await shots(again, 'link-used');

    // Organisations: at most 50 rows, found by their name or their PCN's; then add a practice to the PCN, and rename it.
    const organisations = admin.locator('section', { has: admin.getByRole('heading', { name: 'Organisations', level: 2 }) });
    expect(await organisations.locator('tbody tr').count()).toBeLessThanOrEqual(50);
    await organisations.getByLabel('Organisation or PCN name').fill(world.pcn.name);
    await organisations.getByRole('rowheader', { name: world.practice.name, exact: true }).waitFor();
    await expect.poll(() => organisations.getByRole('rowheader').allTextContents()).toEqual(expect.arrayContaining([world.pcn.name, world.practice.name]));
    await expect.poll(() => organisations.locator('.page-heading__summary').textContent()).toMatch(/^\d+ of \d+ organisations match$/);
    await shots(admin, 'organisations-found');
    const practice = `Brook Lane Surgery ${world.tag}`;
    await admin.getByRole('button', { name: 'Add an organisation' }).click();
    const orgForm = admin.locator('form', { has: admin.getByRole('heading', { name: 'Add an organisation' }) });
    await orgForm.getByLabel('Name').fill(practice);
    await orgForm.getByRole('button', { name: 'Add organisation' }).click();
    await orgForm.getByText('Choose the Primary Care Network this organisation works in.').waitFor();
    await orgForm.getByLabel('Primary Care Network').selectOption({ label: world.pcn.name });
    await orgForm.getByRole('button', { name: 'Add organisation' }).click();
    await admin.getByText(`${practice} is added.`).waitFor();
    await admin.getByRole('button', { name: `Rename ${practice}` }).click();
    await admin.getByLabel('New name').fill(`Brook Lane Medical Centre ${world.tag}`);
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('rowheader', { name: `Brook Lane Medical Centre ${world.tag}` }).waitFor();
  });

  it('a service lead filters the audit view to one patient and downloads it as CSV; nothing outside their remit shows', { timeout: 120_000 }, async () => {
    const em = server().orm.em.fork();
    const patient = await world.patient([world.users.gp], { givenName: 'Audit' });
    const farPractice = new Organisation(`Far practice ${world.tag}`, OrganisationKind.GP_PRACTICE, world.users.outsider.organisation);
    const far = new Patient({ nhsNumber: uniqueNhsNumber(), givenName: 'Far', familyName: world.tag, dateOfBirth: '1960-01-01', practice: farPractice, conditions: [], status: PatientStatus.ACTIVE });
    em.persist([farPractice, far, new CareTeamMember(far, world.users.gp, 'GP', true)]);
    await em.flush();
    const gp = await signInAs(server().url, world.users.gp);
    for (const id of [patient.id, far.id]) expect((await gql(server().url, 'query($id: ID!) { patient(id: $id) { id } }', { id }, gp)).errors).toBeUndefined();

    const lead = await signedIn(world.users.lead, 'Service overview');
    await lead.getByRole('link', { name: 'Audit', exact: true }).click();
    await lead.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await lead.locator('.audit-table tbody tr').first().waitFor();

    await lead.getByLabel("Patient's NHS number").fill('999 123 456');
    await lead.getByRole('button', { name: 'Apply filters' }).click();
    await lead.getByText('An NHS number has 10 digits; this has 9.').waitFor();

    await lead.getByLabel("Patient's NHS number").fill(formatNhsNumber(patient.nhsNumber));
    await lead.getByRole('button', { name: 'Apply filters' }).click();
    const rows = lead.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = await rows.first().textContent();
    expect(row).toContain(world.users.gp.name);
    expect(row).toContain('patient.read');
    expect(row).toContain(`Audit Test ${world.tag}`);
    expect(row).toContain(formatNhsNumber(patient.nhsNumber));
    await shots(lead, 'audit');
    expect(await seriousAccessibilityProblems(lead)).toEqual([]);

    const [download] = await Promise.all([lead.waitForEvent('download'), lead.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cairn-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('When (UK time),Person,Email,Role,Action,Outcome,Patient NHS number,Patient,Detail,When (UTC),Action code,Detail as recorded,Request id,Entry');
    // The lead's own look at the view just now is on the patient's trail too (newest first), then the GP's read.
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,${world.users.lead.name},${world.users.lead.email},Service lead,Read the audit trail,Allowed,${formatNhsNumber(patient.nhsNumber)},Audit Test ${world.tag},`);
    expect(lines[2]).toContain(`,${world.users.gp.name},${world.users.gp.email},GP,Opened a patient's record,Allowed,${formatNhsNumber(patient.nhsNumber)},Audit Test ${world.tag},`);

    // The GP read another PCN's patient too: not the lead's to see, by filter or without one.
    await lead.getByLabel("Patient's NHS number").fill(formatNhsNumber(far.nhsNumber));
    await lead.getByRole('button', { name: 'Apply filters' }).click();
    await lead.getByRole('heading', { name: 'No entries match' }).waitFor();
    await lead.getByRole('button', { name: 'Clear' }).click();
    await lead.getByLabel('Person (name or email)').fill(world.users.gp.email);
    await lead.getByRole('button', { name: 'Apply filters' }).click();
    // Every row is the GP's (name, then role) once the filter has applied.
    await expect.poll(async () => [...new Set(await lead.locator('.audit-table tbody td[data-label="Person"]').allTextContents())]).toEqual(['GPGP']);
    expect((await rows.allTextContents()).some((t) => t.includes(`Audit Test ${world.tag}`))).toBe(true);
    expect((await rows.allTextContents()).join('\n')).not.toContain(formatNhsNumber(far.nhsNumber));
  });

  it('a service lead reads entries in words: the action, the coach a detail names, a link to the patient; the Action filter offers actions in words', { timeout: 120_000 }, async () => {
    const { coach, lead } = world.users;
    const patient = await world.patient([coach], { givenName: 'Diary' });
    await recordAudit(server().orm.em.fork(), { actorId: lead.id, action: 'coach.diary', patientId: patient.id, requestId: randomUUID(), outcome: AuditOutcome.ALLOWED, detail: { coachId: coach.id } });

    const page = await signedIn(lead, 'Service overview');
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByLabel("Patient's NHS number").fill(formatNhsNumber(patient.nhsNumber));
    // A choice among the actions in words, whose value is the code the server filters by.
    const action = page.getByLabel('Action', { exact: true });
    expect(await action.evaluate((el) => el.tagName)).toBe('SELECT');
    await action.selectOption({ label: "Opened a coach's diary" });
    expect(await action.inputValue()).toBe('coach.diary');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    await row.locator('td[data-label="Details"]', { hasText: `Coach: ${coach.name}` }).waitFor();
    expect(await row.textContent()).not.toContain(coach.id);
    expect(await row.locator('td[data-label="Action"]').textContent()).toMatch(/^Opened a coach's diary/);
    await row.getByRole('link', { name: `Diary Test ${world.tag}` }).click();
    await page.waitForURL(`**/patients/${patient.id}`);
    await page.goBack();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.locator('.audit-table tbody tr').first().waitFor();
    await shots(page, 'audit-words');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
  });

  it('a coach opening the audit view is told plainly that it is for service leads and administrators, with no form and no "Try again"', { timeout: 120_000 }, async () => {
    const page = await signedIn(world.users.coach, 'My patients');
    await page.goto(`${server().url}/audit`);
    await page.getByRole('heading', { name: 'The audit trail is for service leads and administrators' }).waitFor();
    expect(await page.getByRole('form', { name: 'Filter the audit trail' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByText('Your role does not allow').count()).toBe(0);
    await shots(page, 'audit-coach');
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
  });
});
