import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Role, User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { defaultTeamRole } from '../care-teams/team-roles.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { addDays, addMonths, ukToday } from '../platform/uk-dates.js';

const ADD = `mutation($input: AddMedicationInput!) { addMedication(input: $input) { id } }`;
const PROPOSE = `mutation($input: ProposeMedicationChangeInput!) { proposeMedicationChange(input: $input) { id } }`;
const DECIDE = `mutation($input: DecideMedicationChangeInput!) { decideMedicationChange(input: $input) { id status } }`;
const PAUSE = `mutation($id: ID!) { pauseTaper(proposalId: $id, reason: "Flare-up after a fall") { status } }`;
const RESUME = `mutation($id: ID!) { resumeTaper(proposalId: $id) { status } }`;
const NOTIFS = `{ myNotifications(first: 50) { kind patientId title body link } }`;
const TIMELINE = `query($id: ID!) { timeline(patientId: $id, kinds: [TAPER_STEP_DUE]) { nodes { kind actorId payload } } }`;

interface Heard {
  kind: string;
  patientId: string;
  title: string;
  body: string;
  link: string;
}

const today = ukToday();

/**
 * Taper steps fall due by the calendar, so the steps of a taper approved through the API are moved to known
 * days with the owner's SQL (the API takes only steps to come); the module's own sweep (every 100 ms here)
 * then reminds, as it would on a live service.
 */
describe('taper step reminders', () => {
  const server = useTestServer({ taperReminderSweepMs: 100 });
  const url = () => server().url;

  async function approvedTaper(status: 'APPROVE' | 'NONE' = 'APPROVE') {
    const world = await makeWorld(server().orm.em.fork());
    const { pharm, gp, coach } = world.users;
    const patient = await world.patient([coach, pharm, gp], { givenName: 'Gwen', familyName: `Morgan ${world.tag}` });
    const tokens = { pharm: await signInAs(url(), pharm), gp: await signInAs(url(), gp), coach: await signInAs(url(), coach) };
    const medicine = { patientId: patient.id, medicineCode: 'morphine', form: 'modified-release tablet', strength: '60 mg', dose: 60, frequency: 'twice daily', startDate: addMonths(today, -8), prescriber: 'Dr A Example' };
    const medicationId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: medicine }, tokens.pharm)).data!.addMedication.id;
    const steps = [50, 40, 30].map((dose, i) => ({ startDate: addDays(today, 1 + 14 * i), dose, frequency: 'twice daily' }));
    const proposed = await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: { patientId: patient.id, kind: 'REDUCE', medicationId, rationale: 'Little benefit at this dose', steps } }, tokens.pharm);
    expect(proposed.errors).toBeUndefined();
    const proposalId = proposed.data!.proposeMedicationChange.id;
    if (status === 'APPROVE') expect((await gql(url(), DECIDE, { input: { proposalId, decision: 'APPROVE' } }, tokens.gp)).errors).toBeUndefined();
    /** Moves steps (by 0-based position) to the days given, in one statement so no sweep sees half of it. */
    const moveSteps = (days: string[]) =>
      ownerQuery(`update taper_step set start_date = ($2::date[])[position + 1] where proposal_id = $1 and position < cardinality($2::date[])`, [proposalId, days]);
    const heard = async (token: string) => (await gql<{ myNotifications: Heard[] }>(url(), NOTIFS, {}, token)).data!.myNotifications.filter((n) => n.kind === 'TAPER_STEP_DUE' && n.patientId === patient.id);
    /** Until `enough` holds or three seconds pass (the sweep runs every 100 ms). */
    const heardUntil = async (token: string, enough: (h: Heard[]) => boolean) => {
      for (const deadline = Date.now() + 3000; ; await sleep(100)) {
        const h = await heard(token);
        if (enough(h) || Date.now() > deadline) return h;
      }
    };
    /** Who was reminded of this patient's taper, read from the store (whatever they may see now); within three seconds. */
    const remindedUntilSome = async () => {
      for (const deadline = Date.now() + 3000; ; await sleep(100)) {
        const rows = await ownerQuery<{ recipient_id: string }>(`select recipient_id from notification where kind = 'TAPER_STEP_DUE' and patient_id = $1 order by recipient_id`, [patient.id]);
        if (rows.length > 0 || Date.now() > deadline) return rows.map((r) => r.recipient_id);
      }
    };
    /** A second GP of the practice, on the patient's care team. */
    const secondGpOnTeam = async () => {
      const em = server().orm.em.fork();
      const gp2 = new User('Second GP', `second.gp.${world.tag}@test.example`, '', Role.GP, em.getReference(Organisation, world.practice.id));
      em.persist([gp2, new CareTeamMember(em.getReference(Patient, patient.id), gp2, defaultTeamRole(Role.GP), false)]);
      await em.flush();
      return gp2;
    };
    return { world, patient, tokens, proposalId, moveSteps, heard, heardUntil, remindedUntilSome, secondGpOnTeam };
  }

  it('reminds the practitioner and the approving GP once when a step falls due, naming the step, and puts it on the timeline', async () => {
    const t = await approvedTaper();
    // Nothing is due yet: the first step starts tomorrow.
    await sleep(400);
    expect(await t.heard(t.tokens.pharm)).toEqual([]);

    // Step 1 began three days ago and step 2 starts today: only step 2 is reminded (step 1's dose is past).
    await t.moveSteps([addDays(today, -3), today]);
    const pharm = await t.heardUntil(t.tokens.pharm, (h) => h.length > 0);
    expect(pharm).toEqual([
      {
        kind: 'TAPER_STEP_DUE',
        patientId: t.patient.id,
        title: `Step 2 of 3 of Gwen Morgan ${t.world.tag}'s Morphine (oral) taper is due`,
        body: `From ${today}: 40 mg twice a day. Cairn advises and records; the prescription is the prescriber's.`,
        link: `/patients/${t.patient.id}/medication`,
      },
    ]);
    expect((await t.heardUntil(t.tokens.gp, (h) => h.length > 0)).map((n) => n.title)).toEqual([pharm[0].title]);
    // The coach on the team is not a party to the prescription and is not told.
    expect(await t.heard(t.tokens.coach)).toEqual([]);

    // Once only: later sweeps leave it be.
    await sleep(500);
    expect(await t.heard(t.tokens.pharm)).toHaveLength(1);
    const timeline = await gql<{ timeline: { nodes: Array<{ kind: string; actorId: string | null; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: t.patient.id }, t.tokens.coach);
    expect(timeline.data!.timeline.nodes).toEqual([
      { kind: 'TAPER_STEP_DUE', actorId: null, payload: { proposalId: t.proposalId, medicine: 'Morphine (oral)', position: 2, steps: 3, startDate: today, words: '40 mg twice a day' } },
    ]);
    const [marked] = await ownerQuery<{ reminded: string }>(`select count(*) filter (where reminded_at is not null)::text as reminded from taper_step where proposal_id = $1`, [t.proposalId]);
    expect(marked.reminded).toBe('2');
  });

  it('reminds only those who may still open the record: a GP who left the team or a deactivated account is not told, and the team\'s GPs are told instead', async () => {
    const leaveTeam = (t: { patient: { id: string } }, user: { id: string }) => ownerQuery('delete from care_team_member where patient_id = $1 and user_id = $2', [t.patient.id, user.id]);
    // The approving GP has left the care team: the practitioner, still on it, is reminded, with a GP still on the team; not the GP who left.
    const gpLeft = await approvedTaper();
    const stayingGp = await gpLeft.secondGpOnTeam();
    await leaveTeam(gpLeft, gpLeft.world.users.gp);
    await gpLeft.moveSteps([today]);
    expect((await gpLeft.remindedUntilSome()).sort()).toEqual([gpLeft.world.users.pharm.id, stayingGp.id].sort());

    // The practitioner's account is deactivated and the GP has left: a GP still on the team is reminded instead.
    const bothGone = await approvedTaper();
    const gp2 = await bothGone.secondGpOnTeam();
    await ownerQuery('update app_user set active = false where id = $1', [bothGone.world.users.pharm.id]);
    await leaveTeam(bothGone, bothGone.world.users.gp);
    await bothGone.moveSteps([today]);
    expect(await bothGone.remindedUntilSome()).toEqual([gp2.id]);
    const [reminder] = await ownerQuery<{ title: string }>(`select title from notification where kind = 'TAPER_STEP_DUE' and recipient_id = $1`, [gp2.id]);
    expect(reminder?.title).toBe(`Step 1 of 3 of Gwen Morgan ${bothGone.world.tag}'s Morphine (oral) taper is due`);
  });

  it('says nothing of a paused taper or one awaiting approval; a resumed taper is reminded of the step it has reached', async () => {
    const paused = await approvedTaper();
    expect((await gql(url(), PAUSE, { id: paused.proposalId }, paused.tokens.pharm)).errors).toBeUndefined();
    await paused.moveSteps([addDays(today, -20), addDays(today, -6)]);
    const awaiting = await approvedTaper('NONE');
    await awaiting.moveSteps([today]);
    await sleep(600);
    expect(await paused.heard(paused.tokens.pharm)).toEqual([]);
    expect(await awaiting.heard(awaiting.tokens.pharm)).toEqual([]);

    expect((await gql(url(), RESUME, { id: paused.proposalId }, paused.tokens.pharm)).errors).toBeUndefined();
    const heard = await paused.heardUntil(paused.tokens.pharm, (h) => h.length > 0);
    expect(heard.map((n) => n.title)).toEqual([`Step 2 of 3 of Gwen Morgan ${paused.world.tag}'s Morphine (oral) taper is due`]);
    await sleep(400);
    expect(await paused.heard(paused.tokens.pharm)).toHaveLength(1);
    expect(await awaiting.heard(awaiting.tokens.pharm)).toEqual([]);
  });
});
