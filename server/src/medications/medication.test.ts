import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditedPatients, errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { sentWhileTurnHeld } from '../test-support/held-turn.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';
import { addDays, addMonths, dateInWords, ukToday } from '../platform/uk-dates.js';

const ADD = `mutation($input: AddMedicationInput!) { addMedication(input: $input) { id name omeMgPerDay omeWords frequencyWords asNeeded stopDate } }`;
const CHANGE = `mutation($input: ChangeMedicationInput!) { changeMedication(input: $input) { id dose frequencyWords startDate omeMgPerDay } }`;
const STOP = `mutation($input: StopMedicationInput!) { stopMedication(input: $input) { id stopDate stopReason } }`;
const SUMMARY = `query($id: ID!) { patientMedication(patientId: $id) {
  totalOmeMgPerDay omeWords omeSource highDoseThreshold nextReviewDue flags { code reason }
  current { id name } stopped { id name stopDate }
  planFlags: flags { code stepToRecord { medicationId startDate dose frequency } stopToRecord { medicationId stopDate reason } startToRecord { medicineCode startDate dose frequency } }
  proposals { id kind status amended decisionComment patientAgreedAt pauseReason decidedBy { name } steps { startDate dose words omeMgPerDay increases } } } }`;
const REVIEW = `mutation($input: RecordMedicationReviewInput!) { recordMedicationReview(input: $input) { id omeAtReview nextReviewDue reviewer { name } } }`;
const PROPOSE = `mutation($input: ProposeMedicationChangeInput!) { proposeMedicationChange(input: $input) { id status medicineName steps { position dose words omeMgPerDay increases } } }`;
const DECIDE = `mutation($input: DecideMedicationChangeInput!) { decideMedicationChange(input: $input) { id status amended decisionComment decidedBy { name } steps { dose words } } }`;
const AGREE = `mutation($id: ID!) { recordPatientAgreement(proposalId: $id, note: "Happy to try, wants to keep walking group") { patientAgreedAt } }`;
const PAUSE = `mutation($id: ID!) { pauseTaper(proposalId: $id, reason: "Flare-up after a fall") { status pauseReason } }`;
const RESUME = `mutation($id: ID!) { resumeTaper(proposalId: $id) { status } }`;
const WITHDRAW = `mutation($id: ID!, $reason: String!) { withdrawMedicationChange(proposalId: $id, reason: $reason) { status withdrawalReason endedAt endedBy { name } } }`;
const PLANS = `query($id: ID!) { patientMedication(patientId: $id) { proposals { id status medicationId replacedById endedBy { name } replaces { id status decidedBy { name } } } } }`;
const AWAITING = `{ medicationChangesAwaitingMyApproval { id patient { id } proposedBy { name } } }`;
const DUE = `{ medicationReviewsDue { patient { id } nextReviewDue } }`;
const NOTIFS = `{ myNotifications(first: 20) { kind title link } }`;
const TIMELINE = `query($id: ID!) { timeline(patientId: $id) { nodes { kind payload } } }`;

const today = ukToday();
const morphine = (patientId: string, extra: Record<string, unknown> = {}) => ({
  patientId, medicineCode: 'morphine', form: 'modified-release tablet', strength: '60 mg', dose: 60, frequency: 'twice daily', startDate: addMonths(today, -8), prescriber: 'Dr A Example', ...extra,
});
const taper = (patientId: string, medicationId: string) => ({
  patientId, kind: 'REDUCE', medicationId, rationale: 'High dose with little benefit; patient wants clearer head',
  steps: [
    { startDate: addDays(today, 1), dose: 50, frequency: 'twice daily' },
    { startDate: addDays(today, 15), dose: 40, frequency: 'twice daily' },
    { startDate: addDays(today, 29), dose: 30, frequency: 'twice daily' },
  ],
});

describe('medications', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  const fresh = async () => (world = await makeWorld(server().orm.em.fork()));
  const counts = async (patientId: string) => {
    const [row] = await server().orm.em.fork().getConnection().execute<Array<Record<string, string>>>(
      `select (select count(*) from medication where patient_id = ?) as meds, (select count(*) from medication_proposal where patient_id = ?) as proposals,
              (select count(*) from taper_step s join medication_proposal p on p.id = s.proposal_id where p.patient_id = ?) as steps,
              (select count(*) from event where patient_id = ?) as events, (select count(*) from audit_entry where patient_id = ? and outcome = 'ALLOWED' and action <> 'patient.read') as writes,
              (select string_agg(status || ':' || amended::text, ',') from medication_proposal where patient_id = ?) as statuses`,
      Array(6).fill(patientId),
    );
    return row;
  };

  it('the practitioner records medicines, sees the OME worked out and the flags with their reasons', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    const added = await gql<{ addMedication: { id: string; omeMgPerDay: number; omeWords: string } }>(url(), ADD, { input: morphine(patient.id) }, token);
    expect(added.errors).toBeUndefined();
    expect(added.data!.addMedication.omeMgPerDay).toBe(120); // 60 mg × 2 × 1
    expect(added.data!.addMedication.omeWords).toBe('Morphine (oral): 60 mg × 2 a day = 120 mg a day × 1 = 120 mg oral morphine a day.');
    const pregabalin = { patientId: patient.id, medicineCode: 'pregabalin', form: 'capsule', strength: '75 mg', dose: 75, frequency: 'BD', startDate: addMonths(today, -2), prescriber: 'Dr A Example' };
    expect((await gql(url(), ADD, { input: pregabalin }, token)).errors).toBeUndefined();

    const summary = (await gql<{ patientMedication: { totalOmeMgPerDay: number; omeWords: string; omeSource: string; flags: Array<{ code: string; reason: string }> } }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication;
    expect(summary.totalOmeMgPerDay).toBe(120);
    expect(summary.omeSource).toMatch(/Opioids Aware/);
    expect(summary.flags.map((f) => f.code)).toEqual(['HIGH_DOSE_OPIOID', 'OPIOID_WITH_GABAPENTINOID', 'LONG_TERM_OPIOID']);
    expect(summary.flags[1].reason).toBe('Morphine (oral) with Pregabalin: an opioid with a gabapentinoid.');
  });

  it('a reduction is proposed, waits for a GP, and is active only once a GP approves it; every step is audited and on the timeline', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const pharmToken = await signInAs(url(), pharm);
    const gpToken = await signInAs(url(), gp);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const review = await gql<{ recordMedicationReview: { omeAtReview: number } }>(url(), REVIEW, {
      input: { patientId: patient.id, howTaken: 'Takes both doses, sometimes late', effectOnPainAndFunction: 'Pain 7/10, little change', sideEffects: 'Constipation, drowsy', whatMatters: 'Playing with grandchildren', readiness: 'READY', nextReviewDue: addDays(today, 28) },
    }, pharmToken);
    expect(review.data?.recordMedicationReview.omeAtReview).toBe(120);

    const proposed = await gql<{ proposeMedicationChange: { id: string; status: string; steps: Array<{ words: string; omeMgPerDay: number; increases: boolean }> } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken);
    expect(proposed.errors).toBeUndefined();
    const p = proposed.data!.proposeMedicationChange;
    expect(p.status).toBe('AWAITING_APPROVAL');
    expect(p.steps.map((s) => [s.words, s.omeMgPerDay, s.increases])).toEqual([
      ['50 mg twice a day', 100, false],
      ['40 mg twice a day', 80, false],
      ['30 mg twice a day', 60, false],
    ]);
    // The GP is told and has it in their list; the practitioner cannot approve their own proposal.
    const notes = (await gql<{ myNotifications: Array<{ kind: string; link: string }> }>(url(), NOTIFS, {}, gpToken)).data!.myNotifications;
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'MEDICATION_APPROVAL_REQUESTED', link: `/patients/${patient.id}/medication` }));
    expect((await gql<{ medicationChangesAwaitingMyApproval: Array<{ id: string }> }>(url(), AWAITING, {}, gpToken)).data!.medicationChangesAwaitingMyApproval.map((x) => x.id)).toEqual([p.id]);
    expect((await gql<{ medicationChangesAwaitingMyApproval: unknown[] }>(url(), AWAITING, {}, pharmToken)).data!.medicationChangesAwaitingMyApproval).toEqual([]);
    const before = await counts(patient.id);
    const selfApproval = await gql(url(), DECIDE, { input: { proposalId: p.id, decision: 'APPROVE' } }, pharmToken);
    expect(errorCode(selfApproval)).toBe('FORBIDDEN');
    expect(selfApproval.errors![0].message).toBe('Only a GP on the care team can approve, amend or decline a medication change.');
    expect(await counts(patient.id)).toEqual(before);

    const approved = await gql<{ decideMedicationChange: { status: string; decidedBy: { name: string } } }>(url(), DECIDE, { input: { proposalId: p.id, decision: 'APPROVE', comment: 'Agree; review at step 2' } }, gpToken);
    expect(approved.data?.decideMedicationChange).toMatchObject({ status: 'APPROVED', decidedBy: { name: gp.name } });
    expect(errorCode(await gql(url(), DECIDE, { input: { proposalId: p.id, decision: 'DECLINE', comment: 'changed my mind' } }, gpToken))).toBe('CONFLICT');
    expect((await gql<{ medicationChangesAwaitingMyApproval: unknown[] }>(url(), AWAITING, {}, gpToken)).data!.medicationChangesAwaitingMyApproval).toEqual([]);
    const proposer = (await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), NOTIFS, {}, pharmToken)).data!.myNotifications;
    expect(proposer[0]).toMatchObject({ kind: 'MEDICATION_CHANGE_DECIDED', title: expect.stringMatching(/^GP approved the change to Morphine/) });

    expect((await gql<{ recordPatientAgreement: { patientAgreedAt: string } }>(url(), AGREE, { id: p.id }, pharmToken)).data?.recordPatientAgreement.patientAgreedAt).toBeTruthy();
    expect((await gql<{ pauseTaper: { status: string } }>(url(), PAUSE, { id: p.id }, pharmToken)).data?.pauseTaper).toEqual({ status: 'PAUSED', pauseReason: 'Flare-up after a fall' });
    expect((await gql<{ resumeTaper: { status: string } }>(url(), RESUME, { id: p.id }, pharmToken)).data?.resumeTaper).toEqual({ status: 'APPROVED' });

    const kinds = (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patient.id }, gpToken)).data!.timeline.nodes.map((n) => n.kind);
    expect(kinds).toEqual(['TAPER_RESUMED', 'TAPER_PAUSED', 'MEDICATION_CHANGE_AGREED', 'MEDICATION_CHANGE_DECIDED', 'MEDICATION_CHANGE_PROPOSED', 'MEDICATION_REVIEWED', 'MEDICATION_ADDED']);
    const audited = await server().orm.em.fork().getConnection().execute<Array<{ action: string; actor_id: string }>>(
      `select action, actor_id from audit_entry where patient_id = ? and outcome = 'ALLOWED' and action like 'medication.%' and action <> 'medication.manage' order by id`,
      [patient.id],
    );
    // The GP's list of changes awaiting them named the patient once (the practitioner's, and the GP's after approving, were empty).
    expect(audited.map((a) => a.action)).toEqual(['medication.add', 'medication.review', 'medication.propose', 'medication.awaitingApproval', 'medication.approve', 'medication.agree', 'medication.pause', 'medication.resume']);
    expect([audited[3].actor_id, audited[4].actor_id]).toEqual([gp.id, gp.id]);
  });

  it('a GP may amend the steps (saying why) or decline; an amendment is checked like a proposal', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [pharmToken, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const first = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).data!.proposeMedicationChange.id;
    const noReason = await gql(url(), DECIDE, { input: { proposalId: first, decision: 'AMEND', steps: [{ startDate: addDays(today, 1), dose: 55, frequency: 'BD' }] } }, gpToken);
    expect([errorCode(noReason), noReason.errors![0].message]).toEqual(['BAD_USER_INPUT', 'Please say why you amended it.']);
    const past = await gql(url(), DECIDE, { input: { proposalId: first, decision: 'AMEND', comment: 'Already begun', steps: [{ startDate: addDays(today, -30), dose: 55, frequency: 'BD' }] } }, gpToken);
    expect([errorCode(past), past.errors![0].message]).toEqual(['BAD_USER_INPUT', 'The first step cannot start in the past.']);
    const upward = await gql(url(), DECIDE, { input: { proposalId: first, decision: 'AMEND', comment: 'slower', steps: [{ startDate: addDays(today, 1), dose: 70, frequency: 'BD' }] } }, gpToken);
    expect(upward.errors![0].message).toBe('Step 1 raises the daily dose from 120 to 140 mg; say so explicitly (mark it as an increase) or correct it.');
    const amended = await gql<{ decideMedicationChange: { status: string; amended: boolean; steps: Array<{ words: string }> } }>(url(), DECIDE, {
      input: { proposalId: first, decision: 'AMEND', comment: 'Smaller first step', steps: [{ startDate: addDays(today, 2), dose: 55, frequency: 'BD' }, { startDate: addDays(today, 20), dose: 45, frequency: 'BD' }] },
    }, gpToken);
    expect(amended.data?.decideMedicationChange).toMatchObject({ status: 'APPROVED', amended: true, steps: [{ words: '55 mg twice a day' }, { words: '45 mg twice a day' }] });

    const second = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: { ...taper(patient.id, medId), kind: 'STOP', steps: [{ startDate: addDays(today, 3), dose: 0 }] } }, pharmToken)).data!.proposeMedicationChange.id;
    const declined = await gql<{ decideMedicationChange: { status: string; decisionComment: string } }>(url(), DECIDE, { input: { proposalId: second, decision: 'DECLINE', comment: 'Too abrupt; taper instead' } }, gpToken);
    expect(declined.data?.decideMedicationChange).toMatchObject({ status: 'DECLINED', decisionComment: 'Too abrupt; taper instead' });
    expect(errorCode(await gql(url(), PAUSE, { id: second }, pharmToken))).toBe('CONFLICT');

    // A plan to start may not be amended into one that begins by stopping.
    const start = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: { patientId: patient.id, kind: 'START', medicineCode: 'paracetamol', rationale: 'Regular paracetamol first', steps: [{ startDate: addDays(today, 2), dose: 1000, frequency: 'four times a day' }] } }, pharmToken));
    expect(start.errors).toBeUndefined();
    const stopFirst = await gql(url(), DECIDE, { input: { proposalId: start.data!.proposeMedicationChange.id, decision: 'AMEND', comment: 'Not yet', steps: [{ startDate: addDays(today, 2), dose: 0 }] } }, gpToken);
    expect([errorCode(stopFirst), stopFirst.errors![0].message]).toEqual(['BAD_USER_INPUT', 'A plan to start a medicine cannot begin by stopping it.']);

    // The medicine was stopped after the plan was proposed: neither approved nor amended, only declined.
    const third = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).data!.proposeMedicationChange.id;
    await ownerQuery(`update medication set stop_date = $2 where id = $1`, [medId, today]);
    for (const decision of [{ decision: 'APPROVE' }, { decision: 'AMEND', comment: 'Smaller', steps: [{ startDate: addDays(today, 2), dose: 55, frequency: 'BD' }] }]) {
      const refused = await gql(url(), DECIDE, { input: { proposalId: third, ...decision } }, gpToken);
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0].message).toMatch(/was stopped on .*, after this was proposed: decline it/);
    }
    expect((await counts(patient.id)).statuses).toContain('AWAITING_APPROVAL');
    expect((await gql(url(), DECIDE, { input: { proposalId: third, decision: 'DECLINE', comment: 'Stopped already' } }, gpToken)).errors).toBeUndefined();
  });

  it('one plan per medicine: a second proposal waits until the first is withdrawn or decided, and approving a new plan replaces the one in force', async () => {
    await fresh();
    const { pharm, gp, coach } = world.users;
    const patient = await world.patient([pharm, gp, coach]);
    const [pharmToken, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const propose = async (input: Record<string, unknown> = taper(patient.id, medId)) => gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input }, pharmToken);
    const plans = async () => (await gql<{ patientMedication: { proposals: Array<{ id: string; status: string; medicationId: string | null; replacedById: string | null; endedBy: { name: string } | null; replaces: { id: string; status: string; decidedBy: { name: string } } | null }> } }>(url(), PLANS, { id: patient.id }, pharmToken)).data!.patientMedication.proposals;

    // Sent three times at once (queued for one turn), one proposal is stored; the others, and any later one, name it.
    const answers = await sentWhileTurnHeld(`medication-plans:${patient.id}`, [1, 2, 3].map(() => () => propose()));
    const first = answers.filter((r) => !r.errors);
    expect(first).toHaveLength(1);
    const waiting = `A change to Morphine (oral) proposed by ${pharm.name} on ${dateInWords(today)} already awaits a GP's decision. Withdraw that proposal first, or wait for the GP to decide it.`;
    for (const r of [...answers.filter((r) => r.errors), await propose()]) expect([errorCode(r), r.errors?.[0]?.message]).toEqual(['CONFLICT', waiting]);
    const firstId = first[0]!.data!.proposeMedicationChange.id;
    // Another medicine is another plan: a start of paracetamol may await beside it, once.
    const paracetamol = { patientId: patient.id, kind: 'START', medicineCode: 'paracetamol', rationale: 'Regular paracetamol first', steps: [{ startDate: addDays(today, 2), dose: 1000, frequency: 'four times a day' }] };
    expect((await propose(paracetamol)).errors).toBeUndefined();
    expect(errorCode(await propose(paracetamol))).toBe('CONFLICT');

    // Withdrawing needs a reason and the right to propose; then the GPs are told and it leaves their list.
    const noReason = await gql(url(), WITHDRAW, { id: firstId, reason: '  ' }, pharmToken);
    expect([errorCode(noReason), noReason.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'Please say why you are withdrawing it: the GPs it awaited are told.']);
    expect(errorCode(await gql(url(), WITHDRAW, { id: firstId, reason: 'Wrong dose' }, await signInAs(url(), coach)))).toBe('FORBIDDEN');
    expect((await counts(patient.id)).statuses).toBe('AWAITING_APPROVAL:false,AWAITING_APPROVAL:false');
    const withdrawn = await gql<{ withdrawMedicationChange: { status: string; withdrawalReason: string; endedBy: { name: string } } }>(url(), WITHDRAW, { id: firstId, reason: 'Patient wants to talk it over with family first' }, pharmToken);
    expect(withdrawn.data?.withdrawMedicationChange).toMatchObject({ status: 'WITHDRAWN', withdrawalReason: 'Patient wants to talk it over with family first', endedBy: { name: pharm.name } });
    const gpNotes = (await gql<{ myNotifications: Array<{ kind: string; title: string }> }>(url(), NOTIFS, {}, gpToken)).data!.myNotifications;
    expect(gpNotes[0]).toMatchObject({ kind: 'MEDICATION_CHANGE_WITHDRAWN', title: `${pharm.name} withdrew the change to Morphine (oral) for ${patient.givenName} ${patient.familyName}; it no longer awaits your decision` });
    expect((await gql<{ medicationChangesAwaitingMyApproval: Array<{ id: string }> }>(url(), AWAITING, {}, gpToken)).data!.medicationChangesAwaitingMyApproval.map((p) => p.id)).not.toContain(firstId);
    // A withdrawn proposal is not decided, agreed to or withdrawn again.
    for (const [query, variables] of [[DECIDE, { input: { proposalId: firstId, decision: 'APPROVE' } }], [AGREE, { id: firstId }], [WITHDRAW, { id: firstId, reason: 'again' }]] as const) {
      const refused = await gql(url(), query, variables, query === DECIDE ? gpToken : pharmToken);
      expect([errorCode(refused), refused.errors?.[0]?.message]).toEqual(['CONFLICT', expect.stringMatching(/^This proposal was withdrawn|^This proposal was already withdrawn/)]);
    }

    // Approved, a plan is in force; a new one may be proposed for the same medicine, and says what it replaces.
    const running = (await propose()).data!.proposeMedicationChange.id;
    expect((await gql(url(), DECIDE, { input: { proposalId: running, decision: 'APPROVE' } }, gpToken)).errors).toBeUndefined();
    expect(errorCode(await gql(url(), WITHDRAW, { id: running, reason: 'Changed my mind' }, pharmToken))).toBe('CONFLICT');
    expect((await gql(url(), PAUSE, { id: running }, pharmToken)).errors).toBeUndefined();
    const slower = { ...taper(patient.id, medId), rationale: 'Slower after the flare-up', steps: [{ startDate: addDays(today, 7), dose: 55, frequency: 'BD' }, { startDate: addDays(today, 35), dose: 45, frequency: 'BD' }] };
    const newer = (await propose(slower)).data!.proposeMedicationChange.id;
    expect((await plans()).find((p) => p.id === newer)?.replaces).toEqual({ id: running, status: 'PAUSED', decidedBy: { name: gp.name } });
    expect((await gql(url(), DECIDE, { input: { proposalId: newer, decision: 'APPROVE', comment: 'Agree: slower' } }, gpToken)).errors).toBeUndefined();

    const after = await plans();
    expect(after.find((p) => p.id === running)).toMatchObject({ status: 'REPLACED', replacedById: newer, endedBy: { name: gp.name }, replaces: null });
    expect(after.filter((p) => p.medicationId === medId && ['APPROVED', 'PAUSED'].includes(p.status)).map((p) => p.id)).toEqual([newer]);
    expect(errorCode(await gql(url(), RESUME, { id: running }, pharmToken))).toBe('CONFLICT');
    const kinds = (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patient.id }, pharmToken)).data!.timeline.nodes;
    expect(kinds.find((e) => e.kind === 'TAPER_REPLACED')?.payload).toEqual({ proposalId: running, medicine: 'Morphine (oral)', replacedBy: newer });
    expect(kinds.find((e) => e.kind === 'MEDICATION_CHANGE_WITHDRAWN')?.payload).toEqual({ proposalId: firstId, medicine: 'Morphine (oral)', reason: 'Patient wants to talk it over with family first' });
    const audited = await ownerQuery<{ action: string }>(`select action from audit_entry where patient_id = $1 and action = 'medication.withdraw' and outcome = 'ALLOWED'`, [patient.id]);
    expect(audited).toHaveLength(1);

    // Withdrawn and approved at the same moment: one of them happens, the other is refused.
    const raced = (await propose({ ...slower, rationale: 'Faster after all' })).data!.proposeMedicationChange.id;
    const [w, d] = await Promise.all([gql(url(), WITHDRAW, { id: raced, reason: 'Not needed' }, pharmToken), gql(url(), DECIDE, { input: { proposalId: raced, decision: 'APPROVE' } }, gpToken)]);
    expect([w, d].filter((r) => !r.errors)).toHaveLength(1);
    expect(errorCode([w, d].find((r) => r.errors)!)).toBe('CONFLICT');
    const inForce = (await plans()).filter((p) => p.medicationId === medId && ['APPROVED', 'PAUSED'].includes(p.status)).map((p) => p.id);
    expect(inForce).toEqual([d.errors ? newer : raced]);
  });

  it('flags a list behind an approved plan: once its step begins, until the dose now taken is recorded', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [token, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    type Flags = { totalOmeMgPerDay: number; flags: Array<{ code: string; reason: string }>; planFlags: Array<{ code: string; stepToRecord: unknown }> };
    const flags = async () => (await gql<{ patientMedication: Flags }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication;
    const steps = [{ startDate: today, dose: 50, frequency: 'twice daily' }, { startDate: addDays(today, 14), dose: 40, frequency: 'twice daily' }];
    const proposal = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: { ...taper(patient.id, medId), steps } }, token)).data!.proposeMedicationChange.id;
    // Awaiting a GP, the plan is not in force: nothing is behind.
    expect((await flags()).flags.map((f) => f.code)).not.toContain('PLAN_AHEAD_OF_LIST');
    expect((await gql(url(), DECIDE, { input: { proposalId: proposal, decision: 'APPROVE' } }, gpToken)).errors).toBeUndefined();
    const behind = await flags();
    expect(behind.totalOmeMgPerDay).toBe(120);
    expect(behind.planFlags.find((f) => f.code === 'PLAN_AHEAD_OF_LIST')?.stepToRecord).toEqual({ medicationId: medId, startDate: today, dose: 50, frequency: 'twice daily' });
    expect(behind.flags.find((f) => f.code === 'PLAN_AHEAD_OF_LIST')?.reason).toBe(
      `Morphine (oral): the approved plan's step from ${dateInWords(today)} (50 mg twice a day) has begun, but the list still records Morphine (oral) 60 mg twice a day. Record what the patient takes now, so the total OME and the flags are right.`,
    );
    // Paused for a flare-up, the patient holds the dose they are on: no flag while paused.
    expect((await gql(url(), PAUSE, { id: proposal }, token)).errors).toBeUndefined();
    expect((await flags()).flags.map((f) => f.code)).not.toContain('PLAN_AHEAD_OF_LIST');
    expect((await gql(url(), RESUME, { id: proposal }, token)).errors).toBeUndefined();
    // The practitioner records the step: the old entry stopped, the new dose added; the list is up to date.
    expect((await gql(url(), STOP, { input: { medicationId: medId, reason: 'Taper step 1' } }, token)).errors).toBeUndefined();
    expect((await gql(url(), ADD, { input: morphine(patient.id, { strength: '50 mg', dose: 50, startDate: today }) }, token)).errors).toBeUndefined();
    const caughtUp = await flags();
    expect([caughtUp.totalOmeMgPerDay, caughtUp.flags.map((f) => f.code)]).toEqual([100, expect.not.arrayContaining(['PLAN_AHEAD_OF_LIST'])]);
  });

  it('a switch begun is recorded from its flags: the stop and the start they carry are what stopMedication and addMedication take', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [token, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    type Flags = { totalOmeMgPerDay: number; planFlags: Array<{ code: string; stopToRecord: { medicationId: string; stopDate: string; reason: string } | null; startToRecord: { medicineCode: string; startDate: string; dose: number; frequency: string } | null }> };
    const flags = async () => (await gql<{ patientMedication: Flags }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication;
    const switchTo = { patientId: patient.id, kind: 'SWITCH', medicationId: medId, medicineCode: 'oxycodone', rationale: 'Constipation on morphine', steps: [{ startDate: today, dose: 20, frequency: 'twice daily' }] };
    const proposal = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: switchTo }, token)).data!.proposeMedicationChange.id;
    expect((await gql(url(), DECIDE, { input: { proposalId: proposal, decision: 'APPROVE' } }, gpToken)).errors).toBeUndefined();

    const behind = (await flags()).planFlags.filter((f) => f.code === 'PLAN_AHEAD_OF_LIST');
    expect(behind.map((f) => f.stopToRecord)).toEqual([{ medicationId: medId, stopDate: today, reason: `Approved plan, step from ${dateInWords(today)}` }, null]);
    expect(behind.map((f) => f.startToRecord)).toEqual([null, { medicineCode: 'oxycodone', startDate: today, dose: 20, frequency: 'twice daily' }]);

    const stopped = await gql<{ stopMedication: { stopDate: string; stopReason: string } }>(url(), STOP, { input: behind[0]!.stopToRecord }, token);
    expect(stopped.data?.stopMedication).toEqual({ id: medId, stopDate: today, stopReason: `Approved plan, step from ${dateInWords(today)}` });
    const afterStop = await flags();
    expect([afterStop.totalOmeMgPerDay, afterStop.planFlags.map((f) => Boolean(f.startToRecord))]).toEqual([0, [true]]);

    const { medicineCode, startDate, dose, frequency } = behind[1]!.startToRecord!;
    const started = { patientId: patient.id, medicineCode, startDate, dose, frequency, form: 'modified-release tablet', strength: '20 mg', prescriber: 'Dr A Example' };
    expect((await gql(url(), ADD, { input: started }, token)).errors).toBeUndefined();
    const caughtUp = await flags();
    expect([caughtUp.totalOmeMgPerDay, caughtUp.planFlags.map((f) => f.code)]).toEqual([60, expect.not.arrayContaining(['PLAN_AHEAD_OF_LIST'])]);
  });

  it('changes a dose in one step: the old entry stops the day the new one starts, the total moves once, and bad changes store nothing', async () => {
    await fresh();
    const { pharm, gp, coach } = world.users;
    const patient = await world.patient([pharm, gp, coach]);
    const token = await signInAs(url(), pharm);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    const change = (extra: Record<string, unknown> = {}) => ({ medicationId: medId, form: 'modified-release tablet', strength: '50 mg', dose: 50, frequency: 'twice daily', startDate: today, prescriber: 'Dr A Example', reason: 'Taper step 1', ...extra });
    const before = await counts(patient.id);
    const refusals: Array<[Record<string, unknown>, string, string]> = [
      [change({ dose: 60, strength: '60 mg' }), 'BAD_USER_INPUT', 'That is what the list records already (Morphine (oral) 60 mg twice a day, modified-release tablet, 60 mg); change something, or leave it as it is.'],
      [change({ startDate: addMonths(today, -9) }), 'BAD_USER_INPUT', `The new dose cannot start before the current one began (${addMonths(today, -8)}).`],
      [change({ startDate: addDays(today, 1) }), 'BAD_USER_INPUT', 'A medicine is recorded once it has started; the start date cannot be in the future.'],
      [change({ frequency: 'now and then' }), 'BAD_USER_INPUT', expect.stringContaining('Cairn cannot read "now and then" as a frequency') as unknown as string],
      [change({ form: 'patch' }), 'BAD_USER_INPUT', expect.stringContaining('not "patch"') as unknown as string],
    ];
    for (const [input, code, message] of refusals) {
      const r = await gql(url(), CHANGE, { input }, token);
      expect([errorCode(r), r.errors?.[0]?.message], JSON.stringify(input)).toEqual([code, message]);
    }
    expect(errorCode(await gql(url(), CHANGE, { input: change() }, await signInAs(url(), coach)))).toBe('FORBIDDEN');
    expect(await counts(patient.id)).toEqual(before);

    const changed = await gql<{ changeMedication: { id: string; dose: number; frequencyWords: string; startDate: string; omeMgPerDay: number } }>(url(), CHANGE, { input: change() }, token);
    expect(changed.data?.changeMedication).toMatchObject({ dose: 50, frequencyWords: 'twice a day', startDate: today, omeMgPerDay: 100 });
    const summary = (await gql<{ patientMedication: { totalOmeMgPerDay: number; current: Array<{ id: string }>; stopped: Array<{ id: string; stopDate: string }> } }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication;
    expect([summary.totalOmeMgPerDay, summary.current.map((m) => m.id), summary.stopped]).toEqual([100, [changed.data!.changeMedication.id], [{ id: medId, name: 'Morphine (oral)', stopDate: today }]]);
    // The old entry keeps why it stopped; one event says what changed, and the change is audited.
    const [old] = await ownerQuery<{ stop_reason: string }>('select stop_reason from medication where id = $1', [medId]);
    expect(old?.stop_reason).toBe('Taper step 1');
    const events = (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patient.id }, token)).data!.timeline.nodes;
    expect(events[0]).toMatchObject({ kind: 'MEDICATION_CHANGED', payload: { from: 'Morphine (oral) 60 mg twice a day', to: 'Morphine (oral) 50 mg twice a day', startDate: today, omeMgPerDay: 100 } });
    expect(await ownerQuery(`select 1 from audit_entry where patient_id = $1 and action = 'medication.change' and outcome = 'ALLOWED'`, [patient.id])).toHaveLength(1);
    // The old entry is history now: changing it again is refused, and changing the new one twice at once happens once.
    const again = await gql(url(), CHANGE, { input: change({ dose: 40, strength: '40 mg' }) }, token);
    expect([errorCode(again), again.errors?.[0]?.message]).toEqual(['CONFLICT', `Morphine (oral) was stopped on ${today}; add the new dose as a medicine instead.`]);
    const newId = changed.data!.changeMedication.id;
    const both = await Promise.all([40, 45].map((dose) => gql(url(), CHANGE, { input: change({ medicationId: newId, dose, strength: `${dose} mg` }) }, token)));
    expect(both.filter((r) => !r.errors)).toHaveLength(1);
    expect(errorCode(both.find((r) => r.errors)!)).toBe('CONFLICT');
    const current = (await gql<{ patientMedication: { current: Array<{ id: string }> } }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication.current;
    expect(current).toHaveLength(1);
  });

  it('refuses bad input with a clear message and stores nothing', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    const before = await counts(patient.id);
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      [ADD, { input: morphine(patient.id, { medicineCode: 'unobtainium' }) }, '"unobtainium" is not a medicine in Cairn\'s catalogue.'],
      [ADD, { input: morphine(patient.id, { dose: -5 }) }, 'The dose of Morphine (oral) must be a positive amount in mg.'],
      [ADD, { input: morphine(patient.id, { dose: 5000 }) }, '5000 mg of Morphine (oral) is above the 300 mg Cairn accepts for one dose; please check it.'],
      [ADD, { input: morphine(patient.id, { frequency: 'now and then' }) }, 'Cairn cannot read "now and then" as a frequency.'],
      [ADD, { input: morphine(patient.id, { form: 'suppository' }) }, 'Morphine (oral) comes as'],
      [ADD, { input: morphine(patient.id, { startDate: addDays(today, 3) }) }, 'the start date cannot be in the future'],
      [ADD, { input: { ...morphine(patient.id), medicineCode: 'fentanyl-patch', form: 'transdermal patch', dose: 25, frequency: 'twice daily' } }, 'as a patch change interval'],
      [PROPOSE, { input: { ...taper(patient.id, medId), steps: [{ startDate: addDays(today, 1), dose: 50, frequency: 'BD' }, { startDate: addDays(today, 8), dose: 60, frequency: 'BD' }] } }, 'Step 2 raises the daily dose from 100 to 120 mg; say so explicitly'],
      [PROPOSE, { input: { ...taper(patient.id, medId), steps: [{ startDate: addDays(today, 1), dose: 50, frequency: 'whenever' }] } }, 'Step 1: Cairn cannot read "whenever"'],
      [PROPOSE, { input: { ...taper(patient.id, medId), kind: 'STOP' } }, 'A plan to stop must end with a step of dose 0 (stopped).'],
      [PROPOSE, { input: { ...taper(patient.id, medId), steps: [] } }, 'A proposal needs at least one step'],
      [STOP, { input: { medicationId: medId, stopDate: addDays(today, 5) } }, 'the stop date cannot be in the future'],
    ];
    for (const [query, variables, message] of refusals) {
      const res = await gql(url(), query, variables, token);
      expect(errorCode(res), message).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toContain(message);
    }
    expect(await counts(patient.id)).toEqual(before);
  });

  it('records a current medicine once: the same entry again, or sent several times at once, is CONFLICT and the OME is counted once', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    const add = () => gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token);
    const answers = await sentWhileTurnHeld(`medication-list:${patient.id}`, [add, add, add]);
    const added = answers.filter((r) => !r.errors);
    expect(added).toHaveLength(1);
    const message = 'Morphine (oral) 60 mg twice a day (modified-release tablet, 60 mg) is already on the current list. Change or stop that entry rather than adding it again.';
    for (const r of answers.filter((r) => r.errors)) expect([errorCode(r), r.errors?.[0]?.message]).toEqual(['CONFLICT', message]);
    const again = await gql(url(), ADD, { input: morphine(patient.id) }, token);
    expect([errorCode(again), again.errors?.[0]?.message]).toEqual(['CONFLICT', message]);
    const total = async () => (await gql<{ patientMedication: { totalOmeMgPerDay: number } }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication.totalOmeMgPerDay;
    expect(await total()).toBe(120);
    // The same medicine as needed, at another dose, is another entry.
    expect((await gql(url(), ADD, { input: morphine(patient.id, { form: 'oral solution', strength: '10 mg/5 ml', dose: 10, frequency: 'every 4 hours as needed' }) }, token)).errors).toBeUndefined();
    // Once the first is stopped, it may be recorded again (restarted).
    expect((await gql(url(), STOP, { input: { medicationId: added[0]!.data!.addMedication.id, reason: 'Paused by the hospital' } }, token)).errors).toBeUndefined();
    expect((await gql(url(), ADD, { input: morphine(patient.id) }, token)).errors).toBeUndefined();
  });

  it('records a review once: the same review sent several times at once, or again, is CONFLICT; a different one the same day is kept', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    const input = { patientId: patient.id, howTaken: 'As prescribed', effectOnPainAndFunction: 'Pain 6/10', sideEffects: 'None', whatMatters: 'Gardening', readiness: 'UNSURE', nextReviewDue: addDays(today, 90) };
    const review = () => gql(url(), REVIEW, { input }, token);
    const answers = await sentWhileTurnHeld(`medication-reviews:${patient.id}`, [review, review, review]);
    expect(answers.filter((r) => !r.errors)).toHaveLength(1);
    const message = 'This review is already recorded (you saved the same review today). It is in the history once.';
    for (const r of [...answers.filter((r) => r.errors), await gql(url(), REVIEW, { input }, token)]) expect([errorCode(r), r.errors?.[0]?.message]).toEqual(['CONFLICT', message]);
    expect((await gql(url(), REVIEW, { input: { ...input, sideEffects: 'Mild constipation' } }, token)).errors).toBeUndefined();
    // The GP's review of the same words is the GP's own.
    expect((await gql(url(), REVIEW, { input }, await signInAs(url(), gp))).errors).toBeUndefined();
    const reviews = await gql<{ medicationReviews: unknown[] }>(url(), `query($id: ID!) { medicationReviews(patientId: $id) { id } }`, { id: patient.id }, token);
    expect(reviews.data?.medicationReviews).toHaveLength(3);
  });

  it('an explicit increase is accepted and marked; a stop keeps the medicine in the history', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    const res = await gql<{ proposeMedicationChange: { steps: Array<{ increases: boolean }> } }>(url(), PROPOSE, {
      input: { ...taper(patient.id, medId), steps: [{ startDate: addDays(today, 1), dose: 40, frequency: 'BD' }, { startDate: addDays(today, 8), dose: 50, frequency: 'BD', increase: true }] },
    }, token);
    expect(res.data?.proposeMedicationChange.steps.map((s) => s.increases)).toEqual([false, true]);
    const stopped = await gql<{ stopMedication: { stopDate: string } }>(url(), STOP, { input: { medicationId: medId, reason: 'Switched by hospital' } }, token);
    expect(stopped.data?.stopMedication).toMatchObject({ stopDate: today, stopReason: 'Switched by hospital' });
    expect(errorCode(await gql(url(), STOP, { input: { medicationId: medId } }, token))).toBe('CONFLICT');
    const summary = (await gql<{ patientMedication: { current: unknown[]; stopped: Array<{ id: string }>; totalOmeMgPerDay: number } }>(url(), SUMMARY, { id: patient.id }, token)).data!.patientMedication;
    expect([summary.current, summary.stopped.map((s) => s.id), summary.totalOmeMgPerDay]).toEqual([[], [medId], 0]);
  });

  it('follows the care-team rule: an outsider gets NOT_FOUND, a coach on the team reads but cannot write', async () => {
    await fresh();
    const { pharm, gp, coach, outsider } = world.users;
    const patient = await world.patient([pharm, gp, coach]);
    const pharmToken = await signInAs(url(), pharm);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const proposalId = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).data!.proposeMedicationChange.id;
    const before = await counts(patient.id);
    const outsiderToken = await signInAs(url(), outsider);
    for (const [query, variables] of [
      [SUMMARY, { id: patient.id }],
      [ADD, { input: morphine(patient.id) }],
      [STOP, { input: { medicationId: medId } }],
      [PROPOSE, { input: taper(patient.id, medId) }],
      [DECIDE, { input: { proposalId, decision: 'APPROVE' } }],
      [AGREE, { id: proposalId }],
      [WITHDRAW, { id: proposalId, reason: 'Not needed' }],
    ] as const) {
      expect(errorCode(await gql(url(), query, variables, outsiderToken))).toBe('NOT_FOUND');
    }
    const coachToken = await signInAs(url(), coach);
    expect((await gql(url(), SUMMARY, { id: patient.id }, coachToken)).errors).toBeUndefined();
    expect(errorCode(await gql(url(), ADD, { input: morphine(patient.id) }, coachToken))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url(), DECIDE, { input: { proposalId, decision: 'APPROVE' } }, coachToken))).toBe('FORBIDDEN');
    expect(await counts(patient.id)).toEqual(before);
    expect((await gql<{ medicationReviewsDue: Array<{ patient: { id: string } }> }>(url(), DUE, {}, outsiderToken)).data!.medicationReviewsDue.map((d) => d.patient.id)).not.toContain(patient.id);
  });

  it('lists reviews due: an opioid never reviewed is due now; a review sets the next date', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const token = await signInAs(url(), pharm);
    await gql(url(), ADD, { input: morphine(patient.id) }, token);
    const due = async () => (await gql<{ medicationReviewsDue: Array<{ patient: { id: string }; nextReviewDue: string | null }> }>(url(), DUE, {}, token)).data!.medicationReviewsDue.filter((d) => d.patient.id === patient.id);
    expect(await due()).toEqual([{ patient: { id: patient.id }, nextReviewDue: null }]);
    const input = { patientId: patient.id, howTaken: 'as prescribed', effectOnPainAndFunction: 'some', sideEffects: 'none', whatMatters: 'work', readiness: 'UNSURE', nextReviewDue: today };
    expect(errorCode(await gql(url(), REVIEW, { input }, token))).toBe('BAD_USER_INPUT'); // due today is not "next"
    await gql(url(), REVIEW, { input: { ...input, nextReviewDue: addDays(today, 90) } }, token);
    expect(await due()).toEqual([]);
    await server().orm.em.fork().getConnection().execute('update medication_review set next_review_due = ? where patient_id = ?', [addDays(today, -1), patient.id]);
    expect(await due()).toEqual([{ patient: { id: patient.id }, nextReviewDue: addDays(today, -1) }]);
  });

  it("one plan per medicine follows the medicine, not one list entry: a plan from a step's recorded dose, or a reduction of a medicine a plan started, replaces the plan in force", async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [pharmToken, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    type Plan = { id: string; status: string; replacedById: string | null; replaces: { id: string; status: string } | null };
    const plans = async () => (await gql<{ patientMedication: { proposals: Plan[] } }>(url(), PLANS, { id: patient.id }, pharmToken)).data!.patientMedication.proposals;
    const inForce = async () => (await plans()).filter((p) => ['APPROVED', 'PAUSED'].includes(p.status)).map((p) => p.id).sort();
    const propose = async (input: Record<string, unknown>) => {
      const r = await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input }, pharmToken);
      expect(r.errors).toBeUndefined();
      return r.data!.proposeMedicationChange.id;
    };
    const approve = async (proposalId: string) => expect((await gql(url(), DECIDE, { input: { proposalId, decision: 'APPROVE' } }, gpToken)).errors).toBeUndefined();

    // A reduction approved, then its first step's dose recorded: the entry it was proposed from stops and a new one stands for it.
    const m1 = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const first = await propose(taper(patient.id, m1));
    await approve(first);
    const stepDose = { medicationId: m1, form: 'modified-release tablet', strength: '50 mg', dose: 50, frequency: 'twice daily', startDate: today, prescriber: 'Dr A Example', reason: 'Taper step 1' };
    const m2 = (await gql<{ changeMedication: { id: string } }>(url(), CHANGE, { input: stepDose }, pharmToken)).data!.changeMedication.id;
    const slower = await propose({ ...taper(patient.id, m2), rationale: 'Slower after the flare-up', steps: [{ startDate: addDays(today, 7), dose: 45, frequency: 'twice daily' }, { startDate: addDays(today, 35), dose: 40, frequency: 'twice daily' }] });
    expect((await plans()).find((p) => p.id === slower)?.replaces).toEqual({ id: first, status: 'APPROVED', decidedBy: { name: gp.name } });
    await approve(slower);
    expect((await plans()).find((p) => p.id === first)).toMatchObject({ status: 'REPLACED', replacedById: slower });
    expect(await inForce()).toEqual([slower]);

    // A plan to start paracetamol, then a reduction of the entry recorded for it: one medicine, one plan.
    const startParacetamol = { patientId: patient.id, kind: 'START', medicineCode: 'paracetamol', rationale: 'Regular paracetamol first', steps: [{ startDate: addDays(today, 1), dose: 1000, frequency: 'four times a day' }] };
    const start = await propose(startParacetamol);
    await approve(start);
    const listed = { patientId: patient.id, medicineCode: 'paracetamol', form: 'tablet', strength: '500 mg', dose: 1000, frequency: 'four times a day', startDate: today, prescriber: 'Dr A Example' };
    const p1 = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: listed }, pharmToken)).data!.addMedication.id;
    const less = await propose({ patientId: patient.id, kind: 'REDUCE', medicationId: p1, rationale: 'Pain better; less paracetamol', steps: [{ startDate: addDays(today, 3), dose: 500, frequency: 'four times a day' }] });
    expect((await plans()).find((p) => p.id === less)?.replaces).toMatchObject({ id: start });
    // While it awaits a GP, another plan to start paracetamol is a second proposal for the same medicine.
    expect(errorCode(await gql(url(), PROPOSE, { input: startParacetamol }, pharmToken))).toBe('CONFLICT');
    await approve(less);
    expect((await plans()).find((p) => p.id === start)).toMatchObject({ status: 'REPLACED', replacedById: less });
    expect(await inForce()).toEqual([slower, less].sort());
  });

  it('a plan to start that ends in a stop: once the stop begins the tab and a review still work, asking for the stop until it is recorded', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [token, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const course = { patientId: patient.id, kind: 'START', medicineCode: 'paracetamol', rationale: 'A week of regular paracetamol for the flare-up', steps: [{ startDate: addDays(today, 1), dose: 500, frequency: 'twice daily' }, { startDate: addDays(today, 8), dose: 0 }] };
    const proposalId = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: course }, token)).data!.proposeMedicationChange.id;
    expect((await gql(url(), DECIDE, { input: { proposalId, decision: 'APPROVE' } }, gpToken)).errors).toBeUndefined();
    // A week on: the course began a week ago, it was recorded, and its stop begins today.
    await ownerQuery(`update taper_step set start_date = case position when 0 then $2::date else $3::date end where proposal_id = $1`, [proposalId, addDays(today, -7), today]);
    const listed = { patientId: patient.id, medicineCode: 'paracetamol', form: 'tablet', strength: '500 mg', dose: 500, frequency: 'twice daily', startDate: addDays(today, -7), prescriber: 'Dr A Example' };
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: listed }, token)).data!.addMedication.id;

    type Summary = { planFlags: Array<{ code: string; stopToRecord: { medicationId: string; stopDate: string; reason: string } | null; startToRecord: unknown }> };
    const summary = await gql<{ patientMedication: Summary }>(url(), SUMMARY, { id: patient.id }, token);
    expect(summary.errors).toBeUndefined();
    const behind = summary.data!.patientMedication.planFlags.filter((f) => f.code === 'PLAN_AHEAD_OF_LIST');
    expect(behind.map((f) => [f.stopToRecord, f.startToRecord])).toEqual([[{ medicationId: medId, stopDate: today, reason: `Approved plan, step from ${dateInWords(today)}` }, null]]);
    const review = { patientId: patient.id, howTaken: 'As the course said', effectOnPainAndFunction: 'Flare settled', sideEffects: 'None', whatMatters: 'Back to work', readiness: 'READY', nextReviewDue: addDays(today, 90) };
    expect((await gql(url(), REVIEW, { input: review }, token)).errors).toBeUndefined();

    // The stop recorded, the list agrees with the plan: no flag, and no offer to start it again at 0 mg.
    expect((await gql(url(), STOP, { input: behind[0]!.stopToRecord }, token)).errors).toBeUndefined();
    const after = await gql<{ patientMedication: Summary }>(url(), SUMMARY, { id: patient.id }, token);
    expect(after.errors).toBeUndefined();
    expect(after.data!.patientMedication.planFlags.map((f) => f.code)).not.toContain('PLAN_AHEAD_OF_LIST');
  });

  it("amending the steps asks for the patient's agreement again: the agreement given to the proposed steps is not carried to the amended ones", async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [token, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, token)).data!.addMedication.id;
    const proposalId = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, token)).data!.proposeMedicationChange.id;
    expect((await gql<{ recordPatientAgreement: { patientAgreedAt: string } }>(url(), AGREE, { id: proposalId }, token)).data?.recordPatientAgreement.patientAgreedAt).toBeTruthy();

    const amend = { proposalId, decision: 'AMEND', comment: 'Smaller steps', steps: [{ startDate: addDays(today, 2), dose: 55, frequency: 'BD' }, { startDate: addDays(today, 20), dose: 45, frequency: 'BD' }] };
    expect((await gql(url(), DECIDE, { input: amend }, gpToken)).errors).toBeUndefined();
    const agreement = async () =>
      (await gql<{ patientMedication: { proposals: Array<{ id: string; status: string; patientAgreedAt: string | null; patientAgreementNote: string | null }> } }>(url(), `query($id: ID!) { patientMedication(patientId: $id) { proposals { id status patientAgreedAt patientAgreementNote } } }`, { id: patient.id }, token)).data!.patientMedication.proposals.find((p) => p.id === proposalId);
    expect(await agreement()).toEqual({ id: proposalId, status: 'APPROVED', patientAgreedAt: null, patientAgreementNote: null });

    const again = await gql<{ recordPatientAgreement: { patientAgreedAt: string } }>(url(), AGREE, { id: proposalId }, token);
    expect(again.errors).toBeUndefined();
    expect(await agreement()).toMatchObject({ patientAgreedAt: expect.any(String), patientAgreementNote: 'Happy to try, wants to keep walking group' });
  });

  it('an unknown medicine or proposal and one on a patient out of reach look alike to an outsider: the same NOT_FOUND, each refusal audited', async () => {
    await fresh();
    const { pharm, gp, outsider } = world.users;
    const patient = await world.patient([pharm, gp]);
    const pharmToken = await signInAs(url(), pharm);
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const proposalId = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).data!.proposeMedicationChange.id;
    const outsiderToken = await signInAs(url(), outsider);
    const change = (medicationId: string) => ({ input: { medicationId, form: 'modified-release tablet', strength: '50 mg', dose: 50, frequency: 'twice daily', startDate: today, prescriber: 'Dr A Example' } });
    const cases: Array<[string, (id: string) => Record<string, unknown>, string, string]> = [
      [DECIDE, (id) => ({ input: { proposalId: id, decision: 'APPROVE' } }), proposalId, 'No such medication proposal, or you do not have access to it.'],
      [AGREE, (id) => ({ id }), proposalId, 'No such medication proposal, or you do not have access to it.'],
      [STOP, (id) => ({ input: { medicationId: id } }), medId, 'No such medicine, or you do not have access to it.'],
      [CHANGE, change, medId, 'No such medicine, or you do not have access to it.'],
    ];
    for (const [query, variables, realId, message] of cases) {
      for (const id of [realId, randomUUID()]) {
        const r = await gql(url(), query, variables(id), outsiderToken);
        expect([errorCode(r), r.errors?.[0]?.message], `${query} ${id === realId ? 'real' : 'unknown'}`).toEqual(['NOT_FOUND', message]);
      }
    }
    const denied = await ownerQuery<{ action: string; on_patient: boolean }>(
      `select action, patient_id is not null as on_patient from audit_entry where actor_id = $1 and outcome = 'DENIED' order by id`,
      [outsider.id],
    );
    const pairs = (action: string) => [{ action, on_patient: true }, { action, on_patient: false }];
    expect(denied).toEqual([...pairs('medication.decide'), ...pairs('medication.manage'), ...pairs('medication.manage'), ...pairs('medication.manage')]);
  });

  it('the worklists record each patient they name in the audit trail', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [pharmToken, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    expect((await gql(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).errors).toBeUndefined();

    const due = await gql<{ medicationReviewsDue: Array<{ patient: { id: string } }> }>(url(), DUE, {}, pharmToken);
    expect(due.data!.medicationReviewsDue.map((d) => d.patient.id)).toEqual([patient.id]);
    expect(await auditedPatients(pharm.id, 'medication.reviewsDue')).toEqual([patient.id]);
    const awaiting = await gql<{ medicationChangesAwaitingMyApproval: Array<{ patient: { id: string } }> }>(url(), AWAITING, {}, gpToken);
    expect(awaiting.data!.medicationChangesAwaitingMyApproval.map((p) => p.patient.id)).toEqual([patient.id]);
    expect(await auditedPatients(gp.id, 'medication.awaitingApproval')).toEqual([patient.id]);
  });

  it('approving checks the medicine is still taken once its turn is taken: a stop recorded while the approval waited is seen, and the plan is not approved', async () => {
    await fresh();
    const { pharm, gp } = world.users;
    const patient = await world.patient([pharm, gp]);
    const [pharmToken, gpToken] = [await signInAs(url(), pharm), await signInAs(url(), gp)];
    const medId = (await gql<{ addMedication: { id: string } }>(url(), ADD, { input: morphine(patient.id) }, pharmToken)).data!.addMedication.id;
    const proposalId = (await gql<{ proposeMedicationChange: { id: string } }>(url(), PROPOSE, { input: taper(patient.id, medId) }, pharmToken)).data!.proposeMedicationChange.id;
    const [approval] = await sentWhileTurnHeld(`medication-plans:${patient.id}`, [() => gql(url(), DECIDE, { input: { proposalId, decision: 'APPROVE' } }, gpToken)], {
      whileHeld: async () => expect((await gql(url(), STOP, { input: { medicationId: medId, reason: 'Stopped by the hospital' } }, pharmToken)).errors).toBeUndefined(),
    });
    expect([errorCode(approval), approval.errors?.[0]?.message]).toEqual(['CONFLICT', `Morphine (oral) was stopped on ${today}, after this was proposed: decline it, and propose again from what the patient takes now.`]);
    expect((await counts(patient.id)).statuses).toBe('AWAITING_APPROVAL:false');
  });
});
