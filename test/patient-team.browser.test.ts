import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Role, User } from '../server/src/auth/user.entity.js';
import { PatientStatus } from '../server/src/patients/patient.entity.js';
import { gql, ownerQuery, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber, type World } from '../server/src/test-support/world.js';
import { seriousAccessibilityProblems } from './support/axe.js';
import { artifactsDir, useChromium } from './support/browser.js';
import { signInWithForm } from './support/sign-in.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

describe('the patient and their care team, in Chromium', () => {
  const server = useTestServer({ webDist });
  const browser = useChromium();
  let world: World;
  let jo: User;

  beforeAll(async () => {
    const em = server().orm.em.fork();
    world = await makeWorld(em);
    // A colleague of the PCN on no care team yet: the person the handover and the discussion reach for.
    jo = new User(`Jo Evans ${world.tag}`, `jo.evans.${world.tag}@test.example`, world.users.coach.passwordHash, Role.FCP, world.pcn);
    await em.persist(jo).flush();
  });

  async function signedIn(user: User): Promise<Page> {
    const { page } = await signInWithForm(browser(), server().url, user, { viewport: desktop });
    // Some roles land on a home of their own, with the caseload at /caseload: the tests start from the caseload.
    if ((await page.getByRole('heading', { name: 'My patients' }).count()) === 0) await page.goto(`${server().url}/caseload`);
    await page.getByRole('heading', { name: 'My patients' }).waitFor();
    return page;
  }

  /** Full-page screenshots at a laptop's size and a phone's; nothing wider than the phone, and axe finds nothing serious. */
  async function shots(page: Page, name: string, focus?: string): Promise<void> {
    fs.mkdirSync('/tmp/shots-patient-team', { recursive: true });
    for (const [size, viewport] of [['1280', desktop], ['390', phone]] as const) {
      await page.setViewportSize(viewport);
      const file = path.join(artifactsDir, `patient-team-${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      fs.copyFileSync(file, path.join('/tmp/shots-patient-team', path.basename(file)));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      if (focus && size === '390') {
        // The new part of a long page as a phone shows it, for looking at closely.
        await page.locator(focus).first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join('/tmp/shots-patient-team', `patient-team-${name}-390-view.png`) });
      }
    }
    // The narrowest phone too: nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    await page.screenshot({ path: path.join('/tmp/shots-patient-team', `patient-team-${name}-320.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize(desktop);
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
  }

  const rowOf = async (id: string) =>
    (
      await ownerQuery<{ nhs_number: string; given_name: string; family_name: string; date_of_birth: string; practice_id: string; status: string }>(
        "select nhs_number, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') as date_of_birth, practice_id, status from patient where id = $1",
        [id],
      )
    )[0]!;
  const teamOf = async (id: string) =>
    (await ownerQuery<{ user_id: string; is_lead: boolean; team_role: string }>('select user_id, is_lead, team_role from care_team_member where patient_id = $1 order by added_at', [id])).map((r) => [r.user_id, r.is_lead, r.team_role]);

  it('a coach adds a patient, corrects their details, manages the care team and changes their status with a reason', { timeout: 240_000 }, async () => {
    const { coach, gp } = world.users;
    const page = await signedIn(coach);

    // Add patient, from the caseload.
    await page.getByRole('link', { name: 'Add patient' }).click();
    await page.getByRole('heading', { name: 'Add a patient' }).waitFor();
    await shots(page, 'add');
    const nhsNumber = uniqueNhsNumber();
    const wrongDigit = nhsNumber.slice(0, 9) + String((Number(nhsNumber[9]) + 1) % 10);
    await page.getByLabel('NHS number').fill(wrongDigit);
    await page.getByLabel('Given name').fill('Morwenna');
    await page.getByLabel('Family name').fill(`Added ${world.tag}`);
    await page.getByLabel('Date of birth').fill('1968-03-09');
    await page.getByLabel('Fibromyalgia').check();
    await page.getByRole('button', { name: 'Add patient' }).click();
    // Refused beside the field; everything typed is still there.
    await page.getByText('its check digit does not match').waitFor();
    expect(await page.getByLabel('Given name').inputValue()).toBe('Morwenna');
    expect(await page.getByLabel('Fibromyalgia').isChecked()).toBe(true);
    await shots(page, 'add-error');
    await page.getByLabel('NHS number').fill(spaced(nhsNumber));
    await page.getByRole('button', { name: 'Add patient' }).click();
    await page.getByRole('heading', { name: `Morwenna Added ${world.tag}`, level: 1 }).waitFor();
    const patientId = new URL(page.url()).pathname.split('/')[2]!;
    expect(await teamOf(patientId)).toEqual([[coach.id, true, 'Health & wellbeing coach']]);

    // Edit details: a new NHS number must be confirmed as checked; another patient's is refused, nothing lost.
    const other = await world.patient([world.users.fcp], { givenName: 'Taken', familyName: `Number ${world.tag}` });
    await page.getByRole('button', { name: 'Edit details' }).click();
    await page.getByLabel('Given name').fill('Morwen');
    await page.getByRole('textbox', { name: 'NHS number' }).fill(other.nhsNumber);
    await page.getByText(`You are changing the NHS number from ${spaced(nhsNumber)} to ${spaced(other.nhsNumber)}`).waitFor();
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText("Confirm that you have checked the new NHS number against the patient's own documents.").waitFor();
    await page.getByLabel("I have checked the new NHS number against the patient's own documents").check();
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText("is already on another patient's record in Cairn").waitFor();
    expect(await page.getByLabel('Given name').inputValue()).toBe('Morwen');
    await shots(page, 'edit-details', '.details-form');
    expect(await rowOf(patientId)).toMatchObject({ nhs_number: nhsNumber, given_name: 'Morwenna' });
    await page.getByRole('textbox', { name: 'NHS number' }).fill(spaced(nhsNumber));
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('heading', { name: `Morwen Added ${world.tag}`, level: 1 }).waitFor();
    await page.getByText("The patient's details were saved.").waitFor();
    expect(await rowOf(patientId)).toMatchObject({ nhs_number: nhsNumber, given_name: 'Morwen' });

    // A colleague corrects the date of birth while this form is open: saving another field keeps it.
    const colleague = await signInAs(server().url, world.users.lead);
    const correctBirthDate = async (dateOfBirth: string) => {
      const row = await rowOf(patientId);
      const seen = { nhsNumber: row.nhs_number, givenName: row.given_name, familyName: row.family_name, dateOfBirth: row.date_of_birth, practiceId: row.practice_id };
      const res = await gql(server().url, 'mutation($input: UpdatePatientDemographicsInput!) { updatePatientDemographics(input: $input) { id } }', { input: { patientId, dateOfBirth, seen } }, colleague);
      expect(res.errors).toBeUndefined();
    };
    await page.getByRole('button', { name: 'Edit details' }).click();
    await correctBirthDate('1968-09-03');
    await page.getByLabel('Given name').fill('Morwenna');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText("The patient's details were saved.").waitFor();
    expect(await rowOf(patientId)).toMatchObject({ given_name: 'Morwenna', date_of_birth: '1968-09-03' });

    // Both change the date of birth: the form is refused, then shows the record's new date beside the typed one.
    await page.getByRole('button', { name: 'Edit details' }).click();
    await correctBirthDate('1968-03-10');
    await page.getByLabel('Date of birth').fill('1968-03-11');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Someone else changed these details while you were editing').waitFor();
    await page.locator('.details-form').getByText('Date of birth: 10 March 1968').waitFor();
    expect(await page.getByLabel('Date of birth').inputValue()).toBe('1968-03-11');
    expect(await rowOf(patientId)).toMatchObject({ given_name: 'Morwenna', date_of_birth: '1968-03-10' });
    await shots(page, 'edit-details-changed-meanwhile', '.details-form');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText("The patient's details were saved.").waitFor();
    expect(await rowOf(patientId)).toMatchObject({ given_name: 'Morwenna', date_of_birth: '1968-03-11' });

    // The care team: add a GP with their role on the team, make them lead, then remove the coach's colleague.
    const card = page.getByRole('region', { name: 'Care team' });
    await card.getByRole('button', { name: 'Add a member' }).click();
    await card.getByLabel('Find a colleague').fill(gp.name);
    await card.getByRole('button', { name: `Choose ${gp.name}` }).click();
    await card.getByLabel('Their role on this team').fill('GP, medication reviews');
    await shots(page, 'care-team-add', '.care-team__add-form');
    await card.getByRole('button', { name: 'Add to the care team' }).click();
    await card.getByText(`${gp.name} was added to the care team.`).waitFor();
    await card.getByText('GP, medication reviews').waitFor();

    await card.getByRole('button', { name: `Make lead (${gp.name})` }).click();
    await card.getByText(`${gp.name} now leads the care team.`).waitFor();
    await expect.poll(() => teamOf(patientId)).toEqual([
      [coach.id, false, 'Health & wellbeing coach'],
      [gp.id, true, 'GP, medication reviews'],
    ]);
    // The lead cannot be removed: it is not offered; the coach (no longer lead) can still be.
    await expect.poll(() => card.getByRole('button', { name: `Remove ${gp.name}` }).count()).toBe(0);

    // The coach is not the lead now, so no longer manages the team: a GP does.
    await expect.poll(() => card.getByRole('button', { name: 'Add a member' }).count()).toBe(0);
    const gpPage = await signedIn(gp);
    await gpPage.goto(`${server().url}/patients/${patientId}`);
    const gpCard = gpPage.getByRole('region', { name: 'Care team' });
    await gpCard.getByRole('button', { name: `Remove ${coach.name}` }).click();
    await gpCard.getByText(`Remove ${coach.name} from the care team?`).waitFor();
    await shots(gpPage, 'care-team-remove', '.care-team__confirm');
    await gpCard.getByRole('button', { name: 'Keep' }).click();
    expect(await teamOf(patientId)).toHaveLength(2);
    await gpCard.getByRole('button', { name: `Remove ${coach.name}` }).click();
    await gpCard.getByRole('button', { name: `Remove ${coach.name}`, exact: true }).click();
    await gpCard.getByText(`${coach.name} was removed from the care team.`).waitFor();
    expect(await teamOf(patientId)).toEqual([[gp.id, true, 'GP, medication reviews']]);

    // Status, by the lead: a reason is required; the refusal shows beside the form and changes nothing.
    await gpPage.getByRole('button', { name: 'Change status' }).click();
    const form = gpPage.locator('.status-form');
    await form.getByLabel('Active').check();
    await form.getByRole('button', { name: 'Change status' }).click();
    // The browser asks for the reason first (required); without it, the server's word is the same.
    expect(await form.getByLabel('Reason').evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing)).toBe(true);
    await form.getByLabel('Reason').fill('   ');
    await form.getByRole('button', { name: 'Change status' }).click();
    await form.getByText('Please fill in the reason.').waitFor();
    expect((await rowOf(patientId)).status).toBe('REFERRED');
    await form.getByLabel('Reason').fill('First coaching call agreed with the patient');
    await shots(gpPage, 'status', '.status-form');
    await form.getByRole('button', { name: 'Change status' }).click();
    await gpPage.getByText("The patient's status was changed; the reason is on the timeline.").waitFor();
    expect((await rowOf(patientId)).status).toBe('ACTIVE');

    // The timeline says all of it, in words.
    await gpPage.getByRole('navigation', { name: 'Patient record' }).getByRole('link', { name: 'Timeline' }).click();
    await gpPage.getByText("changed the patient's status from Referred to Active").waitFor();
    await gpPage.getByText('“First coaching call agreed with the patient”').waitFor();
    // Five corrections: the coach's two of the given name, the colleague's two of the date of birth and the coach's one.
    await expect.poll(() => gpPage.getByText("corrected the patient's details").count()).toBe(5);
    await expect.poll(() => gpPage.getByText('Changed: given name').count()).toBe(2);
    await expect.poll(() => gpPage.getByText('Changed: date of birth').count()).toBe(3);
    await gpPage.getByText(`made ${gp.name} the care-team lead`).waitFor();
    await gpPage.getByText(`removed ${coach.name} from the care team`).waitFor();
    await shots(gpPage, 'timeline');
    await page.context().close();
    await gpPage.context().close();
  });

  it('"Jo Evans is not on this care team: add them?" where a handover assigns an action and a discussion mentions her', { timeout: 240_000 }, async () => {
    const { coach, fcp, gp } = world.users;
    const patient = await world.patient([coach, fcp, gp], { givenName: 'Ffion', familyName: `Handover ${world.tag}`, status: PatientStatus.ACTIVE });

    // The lead posts a handover and gives an action to Jo, who is not on the team: offered to add her there.
    const page = await signedIn(coach);
    await page.goto(`${server().url}/patients/${patient.id}/handover`);
    await page.getByRole('button', { name: 'Post a handover' }).click();
    await page.getByLabel('Summary').fill('Pacing plan agreed with the pain clinic');
    await page.getByLabel('Advice').fill('Walk ten minutes twice a day; increase weekly.');
    await page.getByText('Routine', { exact: true }).click();
    await page.getByRole('button', { name: 'Add a recommended action' }).click();
    await page.getByLabel('Action 1').fill('Review walking tolerance at MSK clinic');
    await page.getByLabel('For').selectOption({ label: 'Someone not on the care team…' });
    await page.getByLabel('Find who should do action 1').fill('Jo Ev');
    await page.getByRole('button', { name: `Choose ${jo.name}` }).click();
    await page.getByText(`${jo.name} is not on this care team: add them?`).waitFor();
    await shots(page, 'handover-add-her', '.not-on-team');
    await page.getByRole('button', { name: `Add ${jo.name} to the care team` }).click();
    await expect.poll(() => page.getByLabel('For').inputValue()).toBe(jo.id);
    // What was typed is still there.
    expect(await page.getByLabel('Action 1').inputValue()).toBe('Review walking tolerance at MSK clinic');
    await page.getByRole('button', { name: 'Post handover' }).click();
    await page.getByRole('button', { name: 'Post a handover' }).waitFor();
    const [action] = await ownerQuery<{ assignee_id: string }>('select a.assignee_id from handover_action a join handover_note n on n.id = a.handover_id where n.patient_id = $1', [patient.id]);
    expect(action!.assignee_id).toBe(jo.id);
    expect((await teamOf(patient.id)).map((m) => m[0])).toContain(jo.id);
    // The care-team card shows her too.
    await page.getByRole('region', { name: 'Care team' }).locator('.care-team__name', { hasText: jo.name }).waitFor();

    // A member who may not manage the team is told plainly that the person will not see it.
    const other = await world.patient([coach, fcp], { givenName: 'Gethin', familyName: `Mention ${world.tag}` });
    const fcpPage = await signedIn(fcp);
    await fcpPage.goto(`${server().url}/patients/${other.id}/discussion`);
    await fcpPage.getByRole('button', { name: 'Start a discussion' }).click();
    await fcpPage.getByLabel('Title').fill('Knee pain and walking');
    const box = fcpPage.getByRole('combobox', { name: 'First post' });
    await box.click();
    await box.pressSequentially('Can @Jo Ev');
    await fcpPage.getByRole('option', { name: new RegExp(jo.name) }).click();
    await fcpPage.getByText(`${jo.name} is not on this care team, so they will not be told of this post and cannot open the discussion.`).waitFor();
    await fcpPage.getByText(`Ask the care team's lead, ${coach.name}, to add them.`).waitFor();
    await shots(fcpPage, 'mention-not-on-team', '.not-on-team');

    // The lead, on the same patient, adds her from the mention; the post then mentions her.
    await page.goto(`${server().url}/patients/${other.id}/discussion`);
    await page.getByRole('button', { name: 'Start a discussion' }).click();
    await page.getByLabel('Title').fill('Walking plan');
    const leadBox = page.getByRole('combobox', { name: 'First post' });
    await leadBox.click();
    await leadBox.pressSequentially('Over to @Jo Ev');
    await page.getByRole('option', { name: new RegExp(jo.name) }).click();
    await page.getByText(`${jo.name} is not on this care team: add them?`).waitFor();
    await page.getByRole('button', { name: `Add ${jo.name} to the care team` }).click();
    await page.getByText(`${jo.name} is not on this care team`).waitFor({ state: 'detached' });
    await leadBox.pressSequentially('please see the knee.');
    await page.getByRole('button', { name: 'Start discussion' }).click();
    await expect
      .poll(async () => (await ownerQuery<{ user_id: string }>('select m.user_id from thread_mention m join thread_post p on p.id = m.post_id join thread t on t.id = p.thread_id where t.patient_id = $1', [other.id])).map((r) => r.user_id))
      .toEqual([jo.id]);
    await page.context().close();
    await fcpPage.context().close();
  });

  it('the PCN service lead adds a patient on behalf of a clinician who leads the care team', { timeout: 120_000 }, async () => {
    const { lead, fcp } = world.users;
    const page = await signedIn(lead);
    await page.getByRole('link', { name: 'Add patient' }).click();
    await page.getByLabel('NHS number').fill(uniqueNhsNumber());
    await page.getByLabel('Given name').fill('Idris');
    await page.getByLabel('Family name').fill(`Lead ${world.tag}`);
    await page.getByLabel('Date of birth').fill('1959-11-30');
    await page.getByRole('button', { name: 'Add patient' }).click();
    await page.getByText('Choose the clinician who will lead the care team.').waitFor();
    await page.getByLabel('Find the clinician who will lead').fill(fcp.name);
    await page.getByRole('button', { name: `Choose ${fcp.name}` }).click();
    await page.getByRole('button', { name: 'Add patient' }).click();
    await page.getByRole('heading', { name: `Idris Lead ${world.tag}`, level: 1 }).waitFor();
    const patientId = new URL(page.url()).pathname.split('/')[2]!;
    expect(await teamOf(patientId)).toEqual([[fcp.id, true, 'First Contact Physiotherapist']]);

    // A specialist is not offered Add patient, and the page says why.
    const specialist = await signedIn(world.users.specialist);
    expect(await specialist.getByRole('link', { name: 'Add patient' }).count()).toBe(0);
    await specialist.goto(`${server().url}/patients/new`);
    await specialist.getByRole('heading', { name: 'Your role does not add patients' }).waitFor();
    await page.context().close();
    await specialist.context().close();
  });
});
