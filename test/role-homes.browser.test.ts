import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Role, User } from '../server/src/auth/user.entity.js';
import { escalateDueHandovers } from '../server/src/handover/handover-escalation.js';
import { Organisation } from '../server/src/organisations/organisation.entity.js';
import { formatNhsNumber } from '../server/src/patients/nhs-number.js';
import type { Patient } from '../server/src/patients/patient.entity.js';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

const POST = 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id actions { id } } }';
const ACK = 'mutation($id: ID!, $reply: String) { acknowledgeHandover(handoverId: $id, reply: $reply) { id } }';
const ADD_MED = 'mutation($input: AddMedicationInput!) { addMedication(input: $input) { id } }';

describe('each role lands on a home that serves its day', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let lead2: User;
  let seen: Patient; // linked to the specialist, with an escalated URGENT handover
  let shared: Patient; // linked too, the practitioner on its team: an acknowledged handover with an action for them
  let reviewDue: Patient; // the care plan's review is overdue

  const em = () => server().orm.em.fork();
  const sql = <T>(text: string, params: unknown[] = []) => em().getConnection().execute<T[]>(text, params);
  const escalated = async (patient: Patient, summary: string): Promise<string> => {
    const [row] = await sql<{ id: string }>(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
       values (gen_random_uuid(), ?, ?, 'County Pain Service', ?, 'Arrange a same-day GP review.', 'URGENT', now() - interval '5 hours') returning id`,
      [patient.id, world.users.specialist.id, summary],
    );
    await escalateDueHandovers(em(), { urgentEscalationSeconds: 4 * 3600, soonEscalationWorkingDays: 2 });
    return row.id;
  };

  beforeAll(async () => {
    world = await makeWorld(em());
    const { coach, fcp, gp, pharm, specialist } = world.users;
    const e = em();
    lead2 = new User('Rhian Second-Lead', `rhian.${world.tag}@test.example`, world.users.lead.passwordHash, Role.SERVICE_LEAD, e.getReference(Organisation, world.pcn.id));
    e.persist(lead2);
    await e.flush();

    seen = await world.patient([coach, gp, fcp], { givenName: 'Aled', familyName: `Pryce ${world.tag}` });
    shared = await world.patient([coach, pharm, gp], { givenName: 'Bethan', familyName: `Rees ${world.tag}` });
    reviewDue = await world.patient([coach], { givenName: 'Carys', familyName: `Owen ${world.tag}` });
    await world.linkSpecialist(seen);
    await world.linkSpecialist(shared);

    await escalated(seen, 'New numbness in the left foot: same-day GP review');
    const specialistToken = await signInAs(server().url, specialist);
    const posted = await gql<{ postHandover: { id: string } }>(
      server().url,
      POST,
      {
        input: {
          patientId: shared.id,
          summary: 'Clinic letter: sleep hygiene and dose timing',
          advice: 'Keep the wake-up time fixed; move the evening analgesia earlier.',
          urgency: 'ROUTINE',
          actions: [{ description: 'Review the timing of the evening dose', assigneeId: pharm.id, dueDate: null }],
        },
      },
      specialistToken,
    );
    await gql(server().url, ACK, { id: posted.data!.postHandover.id, reply: 'Discussed with the patient; trying the earlier dose.' }, await signInAs(server().url, coach));
    await gql(server().url, POST, { input: { patientId: seen.id, summary: 'Pacing plan from the pain clinic', advice: 'Ten-minute blocks.', urgency: 'SOON', actions: [] } }, specialistToken);

    const store = server().running.services.carePlans;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await store.read(reviewDue.id)).state);
    const sv = Y.encodeStateVector(doc);
    doc.getMap('review').set('nextReviewDate', new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10));
    await store.apply(reviewDue.id, coach.id, Y.encodeStateAsUpdate(doc, sv), `review-${reviewDue.id}`, 'test');

    const medication = { medicineCode: 'codeine', form: 'tablet', strength: '30 mg tablets', dose: 30, frequency: 'four times daily', startDate: '2026-01-10', prescriber: 'Dr Reilly' };
    const added = await gql(server().url, ADD_MED, { input: { patientId: shared.id, ...medication } }, await signInAs(server().url, pharm));
    expect(added.errors).toBeUndefined();
  });

  async function signedIn(user: User, viewport = laptop): Promise<{ context: BrowserContext; page: Page }> {
    return signInWithForm(browser(), server().url, user, { viewport });
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });

  /** The home at both sizes, looked at (screenshots) and checked with axe. */
  async function atBothSizes(user: User, name: string, ready: (page: Page) => Promise<void>): Promise<void> {
    for (const [size, viewport] of [['1280', laptop], ['390', phone]] as const) {
      const { context, page } = await signedIn(user, viewport);
      await ready(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect([size, overflow]).toEqual([size, 0]);
      await shot(page, `${name}-${size}`);
      expect(await seriousAccessibilityProblems(page)).toEqual([]);
      await context.close();
    }
  }

  it('the specialist sees the handovers they sent, acknowledged by whom and when, and the patients they keep sight of', async () => {
    await atBothSizes(world.users.specialist, 'home-specialist', async (page) => {
      await page.getByRole('heading', { level: 1, name: 'Your handovers' }).waitFor();
      const sent = page.locator('section', { has: page.getByRole('heading', { name: 'Handovers sent' }) });
      const acknowledged = sent.getByRole('listitem').filter({ hasText: 'Clinic letter: sleep hygiene and dose timing' });
      await acknowledged.getByText(`by ${world.users.coach.name}`).waitFor();
      expect(await acknowledged.textContent()).toContain('Discussed with the patient; trying the earlier dose.');
      const open = sent.getByRole('listitem').filter({ hasText: 'New numbness in the left foot' });
      expect(await open.textContent()).toContain('Escalated to service lead');
      // One state, one word for it, escalated or not.
      expect(await open.textContent()).toContain('Awaiting acknowledgement');
      expect(await sent.getByRole('listitem').filter({ hasText: 'Pacing plan from the pain clinic' }).textContent()).toContain('Awaiting acknowledgement');
      const patients = page.locator('section', { has: page.getByRole('heading', { name: 'Patients you keep sight of' }) });
      await patients.getByRole('link', { name: `Aled Pryce ${world.tag}` }).waitFor();
      expect(await patients.getByRole('link', { name: `Bethan Rees ${world.tag}` }).count()).toBe(1);
      expect(await patients.getByRole('link', { name: `Carys Owen ${world.tag}` }).count()).toBe(0);
    });
  });

  it('the pain management practitioner sees their actions, medication reviews due and their patients', async () => {
    await atBothSizes(world.users.pharm, 'home-practitioner', async (page) => {
      await page.getByRole('heading', { level: 1, name: 'Your day' }).waitFor();
      const actions = page.locator('section', { has: page.getByRole('heading', { name: 'Actions for you' }) });
      await actions.getByText('Review the timing of the evening dose').waitFor();
      const reviews = page.locator('section', { has: page.getByRole('heading', { name: 'Medication reviews due' }) });
      await reviews.getByRole('link', { name: `Bethan Rees ${world.tag}` }).waitFor();
      expect(await reviews.textContent()).toContain('On an opioid, never reviewed');
      expect(await reviews.getByRole('link', { name: 'All medication reviews' }).getAttribute('href')).toBe('/medication-reviews');
      const patients = page.locator('section', { has: page.getByRole('heading', { name: 'Your patients' }) });
      await patients.getByRole('link', { name: `Bethan Rees ${world.tag}` }).waitFor();
    });
  });

  it('the service lead sees escalations, unacknowledged handovers by age, reviews due and team caseloads', async () => {
    await atBothSizes(world.users.lead, 'home-service-lead', async (page) => {
      await page.getByRole('heading', { level: 1, name: 'Service overview' }).waitFor();
      const escalations = page.locator('section', { has: page.getByRole('heading', { name: 'Escalated handovers' }) });
      const item = escalations.getByRole('listitem').filter({ hasText: 'New numbness in the left foot' });
      await item.getByRole('button', { name: `Acknowledge on behalf of ${world.users.coach.name}` }).waitFor();
      await item.getByRole('button', { name: 'Reassign lead' }).waitFor();
      const byAge = page.locator('section', { has: page.getByRole('heading', { name: 'Unacknowledged handovers by age' }) });
      await byAge.getByRole('link', { name: 'Pacing plan from the pain clinic' }).waitFor();
      expect(await byAge.getByRole('row').filter({ hasText: 'New numbness in the left foot' }).textContent()).toContain('Escalated');
      expect(await byAge.getByRole('link', { name: 'Clinic letter: sleep hygiene and dose timing' }).count()).toBe(0);
      const reviews = page.locator('section', { has: page.getByRole('heading', { name: 'Care-plan reviews due' }) });
      await reviews.getByRole('link', { name: `Carys Owen ${world.tag}` }).waitFor();
      // The whole list in the home's order, most overdue first.
      expect(await reviews.getByRole('link', { name: 'Every patient with a review due' }).getAttribute('href')).toBe('/caseload?scope=all&review=due&sort=REVIEW_DATE');
      const caseloads = page.locator('section', { has: page.getByRole('heading', { name: 'Team caseloads' }) });
      await caseloads.getByRole('listitem').filter({ hasText: world.users.coach.name }).getByText('Active caseload 3 (capacity not set)', { exact: false }).waitFor();
      expect(await caseloads.getByRole('link', { name: 'Capacity and diaries' }).getAttribute('href')).toBe('/capacity');
    });
  });

  it('a lead acknowledges on behalf with a note; a second lead and the author see it handled live, without reloading', { timeout: 90_000 }, async () => {
    // Escalations of this attempt's own (a retried attempt must find them as they were), told apart by a tag.
    const { coach, gp, fcp, pharm } = world.users;
    const tag = randomUUID().slice(0, 8);
    const numbness = `New numbness in the left foot (${tag})`;
    const nightPain = `Worsening night pain (${tag})`;
    const mine = await world.patient([coach, gp, fcp], { givenName: 'Dewi', familyName: `Lloyd ${tag}` });
    const theirs = await world.patient([coach, pharm, gp], { givenName: 'Elin', familyName: `Morgan ${tag}` });
    await world.linkSpecialist(mine);
    await world.linkSpecialist(theirs);
    const escalatedId = await escalated(mine, `${numbness}: same-day GP review`);
    const secondEscalatedId = await escalated(theirs, `${nightPain}: review the evening dose today`);
    const other = await signedIn(lead2);
    const author = await signedIn(world.users.specialist);
    const acting = await signedIn(world.users.lead);
    const escalationIn = (page: Page) =>
      page.locator('section', { has: page.getByRole('heading', { name: 'Escalated handovers' }) }).getByRole('listitem').filter({ hasText: numbness });
    await escalationIn(other.page).getByRole('button', { name: 'Reassign lead' }).waitFor();
    await author.page.getByRole('listitem').filter({ hasText: numbness }).getByText('Escalated to service lead').waitFor();

    const item = escalationIn(acting.page);
    // The patient's name and NHS number are told apart, not run together ("Dewi Lloyd … 999 …").
    expect(await item.textContent()).toContain(`Dewi Lloyd ${tag} · NHS ${formatNhsNumber(mine.nhsNumber)}`);
    await item.getByRole('button', { name: `Acknowledge on behalf of ${world.users.coach.name}` }).click();
    // A note is required: the browser refuses an empty one, and the server refuses blanks.
    await item.getByLabel('Note for the record (required)').fill('   ');
    await item.getByRole('button', { name: 'Acknowledge on behalf', exact: true }).click();
    await item.getByText('Please fill in the note.').waitFor();
    expect((await sql<{ acknowledged_at: string | null }>('select acknowledged_at from handover_note where id = ?', [escalatedId]))[0].acknowledged_at).toBeNull();
    await shot(acting.page, 'home-service-lead-acknowledge-form-1280');
    // The refusal is on the box, read out with it, until the note is written.
    const noteBox = item.getByLabel('Note for the record (required)');
    expect(await noteBox.getAttribute('aria-invalid')).toBe('true');
    expect(await noteBox.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' '))).toContain('Please fill in the note.');
    await noteBox.fill('Phoned the coach: GP review booked for 3pm today.');
    expect(await noteBox.getAttribute('aria-invalid')).toBeNull();
    expect(await item.getByText('Please fill in the note.').count()).toBe(0);
    await item.getByRole('button', { name: 'Acknowledge on behalf', exact: true }).click();
    await item.getByText('Acknowledged on behalf').waitFor();

    // The second lead's list and the author's list change without a reload.
    const handledThere = escalationIn(other.page);
    await handledThere.getByText('Handled').waitFor();
    expect(await handledThere.textContent()).toContain(`by ${world.users.lead.name} (service lead) on behalf of ${world.users.coach.name}`);
    expect(await handledThere.getByRole('button').count()).toBe(0);
    const authorItem = author.page.getByRole('listitem').filter({ hasText: numbness });
    await authorItem.getByText('Acknowledged on behalf').waitFor();
    expect(await authorItem.textContent()).toContain('Phoned the coach: GP review booked for 3pm today.');
    await shot(other.page, 'home-service-lead-handled-live-1280');
    expect(await seriousAccessibilityProblems(acting.page)).toEqual([]);

    // The other escalation: make the practitioner the lead; it then awaits them.
    const second = acting.page
      .locator('section', { has: acting.page.getByRole('heading', { name: 'Escalated handovers' }) })
      .getByRole('listitem')
      .filter({ hasText: nightPain });
    await second.getByRole('button', { name: 'Reassign lead' }).click();
    await second.getByLabel('New lead').selectOption({ label: `${world.users.pharm.name} (Pain management practitioner)` });
    await second.getByLabel('Note (optional)').fill('Coach on leave until Monday');
    await shot(acting.page, 'home-service-lead-reassign-form-1280');
    await second.getByRole('button', { name: 'Make lead' }).click();
    await second.getByText('Awaiting the new lead').waitFor();
    expect(await sql<{ user_id: string }>('select user_id from care_team_member where patient_id = ? and is_lead', [theirs.id])).toEqual([{ user_id: pharm.id }]);
    expect((await sql<{ outcome: string }>('select escalation_outcome as outcome from handover_note where id = ?', [secondEscalatedId]))[0].outcome).toBe('LEAD_REASSIGNED');
    await escalationIn(other.page).waitFor();
    await other.page
      .locator('section', { has: other.page.getByRole('heading', { name: 'Escalated handovers' }) })
      .getByRole('listitem')
      .filter({ hasText: nightPain })
      .getByText('Awaiting the new lead')
      .waitFor();
    for (const s of [other, author, acting]) await s.context.close();
  });

  const section = (page: Page, heading: string) => page.locator('section', { has: page.getByRole('heading', { name: heading }) });
  /** A new patient of the PCN, with a care team and the specialist service linked, told apart by `tag`. */
  const pcnPatient = async (givenName: string, tag: string) => {
    const patient = await world.patient([world.users.coach, world.users.gp], { givenName, familyName: `Hughes ${tag}` });
    await world.linkSpecialist(patient);
    return patient;
  };

  it('a handover sent after the home opened, or stamped ahead of this computer’s clock, waits “Under 2 days” and the page keeps working', { timeout: 90_000 }, async () => {
    const tag = randomUUID().slice(0, 8);
    const ahead = `Stamped ten minutes ahead (${tag})`;
    const later = `Sent while the home is open (${tag})`;
    await sql(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
       values (gen_random_uuid(), ?, ?, 'County Pain Service', ?, 'No change to medication.', 'ROUTINE', now() + interval '10 minutes')`,
      [(await pcnPatient('Ffion', tag)).id, world.users.specialist.id, ahead],
    );
    const { context, page } = await signedIn(world.users.lead);
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.reload(); // the first load again, with its errors listened for from the start
    const byAge = section(page, 'Unacknowledged handovers by age');
    const waiting = (summary: string) => byAge.getByRole('row').filter({ hasText: summary }).getByText('Under 2 days');
    await waiting(ahead).waitFor();

    // A colleague posts; then an escalation (which the lead is told of) refreshes the list with the new note in it.
    const posted = await gql(
      server().url,
      POST,
      { input: { patientId: (await pcnPatient('Gwion', tag)).id, summary: later, advice: 'Ten-minute blocks.', urgency: 'ROUTINE', actions: [] } },
      await signInAs(server().url, world.users.specialist),
    );
    expect(posted.errors).toBeUndefined();
    const escalatedSummary = `Escalated meanwhile (${tag})`;
    await escalated(await pcnPatient('Heledd', tag), escalatedSummary);
    await byAge.getByRole('row').filter({ hasText: escalatedSummary }).waitFor();
    await waiting(later).waitFor();
    expect(await section(page, 'Escalated handovers').getByRole('listitem').filter({ hasText: escalatedSummary }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the service lead’s home shows a handover a colleague posted without a reload, though the lead is not told of it', { timeout: 60_000 }, async () => {
    const tag = randomUUID().slice(0, 8);
    const patient = await pcnPatient('Iolo', tag);
    const { context, page } = await signedIn(world.users.lead);
    const byAge = section(page, 'Unacknowledged handovers by age');
    await byAge.getByRole('link', { name: 'Pacing plan from the pain clinic' }).waitFor();

    // The GP on the care team posts: the care team is told, the PCN's service lead is not.
    const summary = `Posted by the GP (${tag})`;
    const posted = await gql(server().url, POST, { input: { patientId: patient.id, summary, advice: 'Review the evening dose.', urgency: 'SOON', actions: [] } }, await signInAs(server().url, world.users.gp));
    expect(posted.errors).toBeUndefined();
    // The lead comes back to the tab (the lists are also read again every minute while it is shown).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await byAge.getByRole('link', { name: summary }).waitFor();
    await context.close();
  });

  it('a home shown again with nothing changed reads none of its lists again, so its user is not put on every patient\'s trail each time', { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(world.users.lead);
    await section(page, 'Unacknowledged handovers by age').getByRole('link', { name: 'Pacing plan from the pain clinic' }).waitFor();
    const entries = async () => Number((await sql<{ n: string }>('select count(*) as n from audit_entry where actor_id = ?', [world.users.lead.id]))[0].n);
    const isCheck = (body: string | null) => (body ?? '').includes('latestChangeSeq');
    const checks: string[] = [];
    const listReads: string[] = [];
    page.on('request', (r) => void (r.url().endsWith('/graphql') && r.method() === 'POST' && (isCheck(r.postData()) ? checks : listReads).push(r.postData() ?? '')));
    const before = await entries();
    // A discussion started about one of the PCN's patients changes nothing the home lists.
    const started = await gql(server().url, 'mutation($i: StartThreadInput!) { startThread(input: $i) { id } }', {
      i: { patientId: (await pcnPatient('Lowri', randomUUID().slice(0, 8))).id, title: 'Sleep', topic: 'PLAN_REVIEW', body: 'Ideas for the evenings?', mentions: [] },
    }, await signInAs(server().url, world.users.coach));
    expect(started.errors).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/graphql') && isCheck(r.request().postData()));
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await answered;
    }
    // Time for a read that an answer might have set off, had it been taken as a change.
    await page.waitForTimeout(1_000);
    expect(listReads).toEqual([]);
    expect(await entries()).toBe(before);
    // It did ask, each time it was shown.
    expect(checks.length).toBeGreaterThanOrEqual(3);
    await context.close();
  });

  it('a refresh that cannot reach the server keeps the lists shown, and says so above them', { timeout: 60_000 }, async () => {
    const tag = randomUUID().slice(0, 8);
    const { context, page } = await signedIn(world.users.lead);
    const byAge = section(page, 'Unacknowledged handovers by age');
    await byAge.getByRole('link', { name: 'Pacing plan from the pain clinic' }).waitFor();

    // The network fails for the page's requests (not its socket): an escalation the lead is told of asks for the lists again.
    await page.route('**/graphql', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback()));
    const summary = `Escalated while offline (${tag})`;
    await escalated(await pcnPatient('Jac', tag), summary);
    await byAge.getByText('Cairn cannot reach the server just now.', { exact: false }).waitFor();
    expect(await byAge.getByRole('link', { name: 'Pacing plan from the pain clinic' }).count()).toBe(1);
    const escalations = section(page, 'Escalated handovers');
    expect(await escalations.getByRole('listitem').filter({ hasText: 'New numbness in the left foot' }).count()).toBeGreaterThan(0);
    await shot(page, 'home-service-lead-refresh-failed-1280');

    // Back online, "Try again" brings the lists up to date and the message goes.
    await page.unroute('**/graphql');
    await byAge.getByRole('button', { name: 'Try again' }).click();
    await byAge.getByRole('link', { name: summary }).waitFor();
    expect(await byAge.getByText('Cairn cannot reach the server just now.', { exact: false }).count()).toBe(0);
    await context.close();
  });

  it('a practitioner’s action marked done by the care-team lead leaves “Actions for you” at once', { timeout: 60_000 }, async () => {
    const tag = randomUUID().slice(0, 8);
    const { coach, pharm, specialist } = world.users;
    const patient = await world.patient([coach, pharm], { givenName: 'Kit', familyName: `Hughes ${tag}` });
    await world.linkSpecialist(patient);
    const description = `Check the night-time dose (${tag})`;
    const posted = await gql<{ postHandover: { actions: Array<{ id: string }> } }>(
      server().url,
      POST,
      { input: { patientId: patient.id, summary: `Night pain (${tag})`, advice: 'Move the evening dose earlier.', urgency: 'ROUTINE', actions: [{ description, assigneeId: pharm.id, dueDate: null }] } },
      await signInAs(server().url, specialist),
    );
    expect(posted.errors).toBeUndefined();
    const { context, page } = await signedIn(pharm);
    const actions = section(page, 'Actions for you');
    await actions.getByText(description).waitFor();

    // The coach leads the care team, and marks it done for the practitioner.
    const done = await gql(server().url, 'mutation($id: ID!) { markHandoverActionDone(actionId: $id) { id } }', { id: posted.data!.postHandover.actions[0]!.id }, await signInAs(server().url, coach));
    expect(done.errors).toBeUndefined();
    await actions.getByText(description).waitFor({ state: 'detached' });
    await context.close();
  });
});
