import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../audit/audit-actions.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { appendEvent } from '../events/event-log.js';
import { excerpt } from '../events/event-kinds.js';
import { patientName } from '../handover/handover.service.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { links, notify } from '../notifications/notification.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { optionalText, requireText } from '../platform/validate.js';
import { findMedicine } from './catalogue.js';
import { Medication } from './medication.entity.js';
import { MedicationProposal, ProposalKind, ProposalStatus, TaperStep } from './medication-proposal.entity.js';
import { type By } from './medication.service.js';
import { Decision, type DecideMedicationChangeInput, type ProposeMedicationChangeInput } from './medication.types.js';
import { checkTaperSteps, type CheckedStep } from './taper-steps.js';
import { listDaily } from './listed-dose.js';
import { runSql, sql, takeTurns, type Sql } from '../platform/sql.js';
import { dateInWords, ukToday } from '../platform/uk-dates.js';

/**
 * Proposes a change with its schedule. It is a proposal only: not active until a GP approves it, and the GPs
 * on the care team are notified that it awaits them.
 */
export async function proposeMedicationChange(em: EntityManager, by: By, patient: Patient, input: ProposeMedicationChangeInput): Promise<MedicationProposal> {
  const rationale = requireText('rationale', input.rationale, 4000);
  const { from, code } = await subjectOf(em, patient, input);
  const steps = checkPlan(input.kind, code, from, input.steps);
  const entry = findMedicine(code)!;
  const proposal = Object.assign(new MedicationProposal(), {
    patientId: patient.id,
    kind: input.kind,
    medicationId: from?.id ?? null,
    medicineCode: code,
    medicineName: entry.name,
    rationale,
    proposedBy: by.actor,
  });
  await em.transactional(async (tx) => {
    await refuseSecondAwaiting(tx, proposal);
    tx.persist(proposal);
    stepEntities(proposal, steps).forEach((s) => tx.persist(s));
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.propose', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { proposalId: proposal.id } });
    await appendEvent(tx, { patientId: patient.id, kind: 'MEDICATION_CHANGE_PROPOSED', actorId: by.actor.id, payload: { proposalId: proposal.id, kind: proposal.kind, medicine: entry.name, steps: steps.length } });
    await notify(tx, await teamGpIds(tx, patient.id), {
      kind: NotificationKind.MEDICATION_APPROVAL_REQUESTED,
      patientId: patient.id,
      title: `${by.actor.name} asks you to approve a change for ${patientName(patient)}`,
      body: excerpt(`${kindWords(proposal.kind)} ${entry.name}: ${rationale}`),
      link: links.medication(patient.id),
      actorId: by.actor.id,
    });
  });
  return proposal;
}

/**
 * A GP approves, approves with amended steps, or declines; only a proposal awaiting a decision can be decided.
 * Approving ends the plan in force for the same medicine (REPLACED), so a medicine never has two.
 */
export async function decideMedicationChange(em: EntityManager, by: By, patient: Patient, proposal: MedicationProposal, input: DecideMedicationChangeInput): Promise<MedicationProposal> {
  const comment = optionalText('comment', input.comment, 4000);
  if (input.decision !== Decision.APPROVE && !comment) throw badInput('comment', `Please say why you ${input.decision === Decision.AMEND ? 'amended' : 'declined'} it.`);
  if (input.decision !== Decision.AMEND && input.steps?.length) throw badInput('steps', 'Steps are given only when amending.');
  await em.transactional(async (tx) => {
    await takeTurns(tx, plansKey(proposal.patientId));
    const locked = await tx.findOneOrFail(MedicationProposal, { id: proposal.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (locked.status !== ProposalStatus.AWAITING_APPROVAL) throw conflict(`This proposal was already ${statusWords[locked.status]}; only one awaiting a GP's decision can be decided.`);
    const amended = input.decision === Decision.DECLINE ? null : await stepsToApprove(tx, locked, input);
    locked.status = input.decision === Decision.DECLINE ? ProposalStatus.DECLINED : ProposalStatus.APPROVED;
    locked.decidedBy = by.actor;
    locked.decidedAt = new Date();
    locked.decisionComment = comment;
    locked.amended = amended !== null;
    if (amended) {
      await tx.nativeDelete(TaperStep, { proposal: locked.id });
      stepEntities(locked, amended).forEach((s) => tx.persist(s));
      forgetAgreement(locked);
    }
    await tx.flush();
    if (locked.status === ProposalStatus.APPROVED) await replaceEarlierPlans(tx, by, locked);
    const [first] = await tx.find(TaperStep, { proposal: locked.id }, { orderBy: { position: 'asc' }, limit: 1 });
    await recordAudit(tx, { actorId: by.actor.id, action: decisionAction[input.decision], patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { proposalId: locked.id } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'MEDICATION_CHANGE_DECIDED',
      actorId: by.actor.id,
      payload: { proposalId: locked.id, medicine: locked.medicineName, decision: input.decision, comment: comment ? excerpt(comment) : null, firstStep: first && locked.status === ProposalStatus.APPROVED ? `${first.startDate}: ${first.words}` : null },
    });
    await notify(tx, [proposal.proposedBy.id], {
      kind: NotificationKind.MEDICATION_CHANGE_DECIDED,
      patientId: patient.id,
      title: `${by.actor.name} ${decisionWords(input.decision)} the change to ${locked.medicineName} for ${patientName(patient)}`,
      body: excerpt(comment ?? 'No comment.'),
      link: links.medication(patient.id),
      actorId: by.actor.id,
    });
  });
  await em.refresh(proposal, { populate: ['decidedBy', 'proposedBy'] });
  return proposal;
}

/** Records that the patient agreed to the plan (any time after it is proposed; once for its steps as they stand, since a GP's amendment asks again). */
export async function recordPatientAgreement(em: EntityManager, by: By, proposal: MedicationProposal, note: string | null): Promise<MedicationProposal> {
  const text = optionalText('note', note, 2000);
  await em.transactional(async (tx) => {
    const locked = await tx.findOneOrFail(MedicationProposal, { id: proposal.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (isEnded(locked.status)) throw conflict(`This proposal was ${statusWords[locked.status]}; there is nothing to agree to.`);
    if (locked.patientAgreedAt) throw conflict("The patient's agreement is already recorded.");
    locked.patientAgreedAt = new Date();
    locked.patientAgreementNote = text;
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.agree', patientId: locked.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { proposalId: locked.id } });
    await appendEvent(tx, { patientId: locked.patientId, kind: 'MEDICATION_CHANGE_AGREED', actorId: by.actor.id, payload: { proposalId: locked.id, medicine: locked.medicineName } });
  });
  await em.refresh(proposal);
  return proposal;
}

/** Pauses an approved taper (a flare-up), with the reason; or resumes it. */
export async function setTaperPaused(em: EntityManager, by: By, proposal: MedicationProposal, paused: boolean, reason: string | null): Promise<MedicationProposal> {
  const why = paused ? requireText('reason', reason ?? '', 2000) : null;
  await em.transactional(async (tx) => {
    const locked = await tx.findOneOrFail(MedicationProposal, { id: proposal.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const from = paused ? ProposalStatus.APPROVED : ProposalStatus.PAUSED;
    if (locked.status !== from) throw conflict(paused ? 'Only an approved taper that is running can be paused.' : 'Only a paused taper can be resumed.');
    locked.status = paused ? ProposalStatus.PAUSED : ProposalStatus.APPROVED;
    locked.pauseReason = why;
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: paused ? 'medication.pause' : 'medication.resume', patientId: locked.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { proposalId: locked.id } });
    if (paused) await appendEvent(tx, { patientId: locked.patientId, kind: 'TAPER_PAUSED', actorId: by.actor.id, payload: { proposalId: locked.id, medicine: locked.medicineName, reason: excerpt(why!) } });
    else await appendEvent(tx, { patientId: locked.patientId, kind: 'TAPER_RESUMED', actorId: by.actor.id, payload: { proposalId: locked.id, medicine: locked.medicineName } });
  });
  await em.refresh(proposal);
  return proposal;
}

/**
 * Withdraws a proposal before a GP decides (a mistake in it, or the plan changed), saying why; the GPs it
 * awaited are told it no longer does. A decided proposal cannot be withdrawn: a running taper is paused, or
 * replaced by proposing a new plan.
 */
export async function withdrawMedicationChange(em: EntityManager, by: By, patient: Patient, proposal: MedicationProposal, reason: string): Promise<MedicationProposal> {
  if (!reason.trim()) throw badInput('reason', 'Please say why you are withdrawing it: the GPs it awaited are told.');
  const why = requireText('reason', reason, 2000);
  await em.transactional(async (tx) => {
    const locked = await tx.findOneOrFail(MedicationProposal, { id: proposal.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (locked.status !== ProposalStatus.AWAITING_APPROVAL) {
      throw conflict(`This proposal was already ${statusWords[locked.status]}; only one awaiting a GP's decision can be withdrawn.${locked.status === ProposalStatus.APPROVED ? ' To change an approved plan, pause it or propose a new one.' : ''}`);
    }
    Object.assign(locked, { status: ProposalStatus.WITHDRAWN, endedBy: by.actor, endedAt: new Date(), withdrawalReason: why });
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.withdraw', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { proposalId: locked.id } });
    await appendEvent(tx, { patientId: patient.id, kind: 'MEDICATION_CHANGE_WITHDRAWN', actorId: by.actor.id, payload: { proposalId: locked.id, medicine: locked.medicineName, reason: excerpt(why) } });
    await notify(tx, await teamGpIds(tx, patient.id), {
      kind: NotificationKind.MEDICATION_CHANGE_WITHDRAWN,
      patientId: patient.id,
      title: `${by.actor.name} withdrew the change to ${locked.medicineName} for ${patientName(patient)}; it no longer awaits your decision`,
      body: excerpt(why),
      link: links.medication(patient.id),
      actorId: by.actor.id,
    });
  });
  await em.refresh(proposal, { populate: ['endedBy', 'proposedBy'] });
  return proposal;
}

/** For a proposal awaiting a decision: the plan in force for the same medicine, which approving it would end. */
export async function planItWouldReplace(em: EntityManager, proposal: MedicationProposal): Promise<MedicationProposal | null> {
  if (proposal.status !== ProposalStatus.AWAITING_APPROVAL) return null;
  const [row] = await runSql<{ id: string }>(em, sql`select mp.id from medication_proposal mp where mp.status in ('APPROVED','PAUSED') and ${sameMedicine(proposal)} order by mp.decided_at desc limit 1`);
  return row ? em.findOne(MedicationProposal, { id: row.id }, { populate: ['proposedBy', 'decidedBy'] }) : null;
}

/** Proposals awaiting a decision on patients where `actor` may decide (a GP on the team), oldest first. */
export async function proposalsAwaitingApproval(em: EntityManager, decidable: Sql): Promise<MedicationProposal[]> {
  const rows = await runSql<{ id: string }>(em, sql`select id from medication_proposal where status = 'AWAITING_APPROVAL' and patient_id in (${decidable}) order by proposed_at`);
  const found = await em.find(MedicationProposal, { id: { $in: rows.map((r) => r.id) } }, { populate: ['proposedBy'] });
  return found.sort((a, b) => a.proposedAt.getTime() - b.proposedAt.getTime());
}

export function stepsOf(em: EntityManager, proposalIds: string[]): Promise<TaperStep[]> {
  return em.find(TaperStep, { proposal: { $in: proposalIds } }, { orderBy: { position: 'asc' } });
}

/** The medicine a proposal changes (current, on this patient) and the catalogue code its steps are in. */
async function subjectOf(em: EntityManager, patient: Patient, input: ProposeMedicationChangeInput): Promise<{ from: Medication | null; code: string }> {
  if (input.kind === ProposalKind.START) {
    if (input.medicationId) throw badInput('medicationId', 'A new medicine is started, not changed from one: leave the current medicine out.');
    const code = input.medicineCode?.trim() ?? '';
    if (!findMedicine(code)) throw badInput('medicineCode', code ? `"${code}" is not a medicine in Cairn's catalogue.` : 'Please choose the medicine to start.');
    return { from: null, code };
  }
  const today = ukToday();
  const from = input.medicationId ? await em.findOne(Medication, { id: input.medicationId, patientId: patient.id }) : null;
  if (!from || (from.stopDate !== null && from.stopDate <= today)) throw badInput('medicationId', 'Please choose one of the medicines this patient takes now.');
  if (input.kind === ProposalKind.SWITCH) {
    const code = input.medicineCode?.trim() ?? '';
    if (!findMedicine(code)) throw badInput('medicineCode', code ? `"${code}" is not a medicine in Cairn's catalogue.` : 'Please choose the medicine to switch to.');
    if (code === from.medicineCode) throw badInput('medicineCode', 'A switch is to a different medicine; to change the dose, propose a reduction.');
    return { from, code };
  }
  if (input.medicineCode && input.medicineCode !== from.medicineCode) throw badInput('medicineCode', `A ${kindWords(input.kind).toLowerCase()} keeps the same medicine (${from.name}).`);
  return { from, code: from.medicineCode };
}

/** The steps of a plan of `kind`, as proposed or as amended by the GP: each step checked, then the plan's shape. */
function checkPlan(kind: ProposalKind, code: string, from: Medication | null, steps: Parameters<typeof checkTaperSteps>[2]): CheckedStep[] {
  const checked = checkTaperSteps(code, from && kind !== ProposalKind.SWITCH ? listDaily(from) : null, steps);
  if (checked[0].startDate < ukToday()) throw badInput('steps.0.startDate', 'The first step cannot start in the past.');
  if (kind === ProposalKind.STOP && checked[checked.length - 1].dose !== 0) throw badInput('steps', 'A plan to stop must end with a step of dose 0 (stopped).');
  if (kind === ProposalKind.START && checked[0].dose === 0) throw badInput('steps.0.dose', 'A plan to start a medicine cannot begin by stopping it.');
  return checked;
}

/**
 * What approving `proposal` rests on, read inside the deciding transaction once its turn is taken, so that a
 * stop recorded while the decision waited is seen: the medicine it changes is still taken (its row held, so a
 * stop recorded now waits for the decision), and an amendment is a whole plan from it. The amended steps, or
 * null when approved as proposed.
 */
async function stepsToApprove(tx: EntityManager, proposal: MedicationProposal, input: DecideMedicationChangeInput): Promise<CheckedStep[] | null> {
  const from = proposal.medicationId ? await tx.findOne(Medication, { id: proposal.medicationId }, { lockMode: LockMode.PESSIMISTIC_READ }) : null;
  if (from?.stopDate && from.stopDate <= ukToday()) {
    throw conflict(`${from.name} was stopped on ${from.stopDate}, after this was proposed: decline it, and propose again from what the patient takes now.`);
  }
  // An amendment is held to everything a proposal is.
  return input.decision === Decision.AMEND ? checkPlan(proposal.kind, proposal.medicineCode, from, input.steps ?? []) : null;
}

/** The patient agreed to the steps as they were; amended, they have not seen these, so their agreement is asked for again. */
function forgetAgreement(p: MedicationProposal): void {
  p.patientAgreedAt = null;
  p.patientAgreementNote = null;
}

/** Proposals, approvals and withdrawals on one patient's medicines take turns, so each sees the others' outcome. */
function plansKey(patientId: string): string {
  return `medication-plans:${patientId}`;
}

/**
 * Proposals (rows `mp`) of `p`'s patient for the same medicine as `p`, so that one medicine has one plan. A
 * medicine is followed by what it is, not by one list entry: recording a step's dose stops the entry and adds
 * another (`changeMedication`), and a started medicine is listed only once it is recorded. So two plans are
 * for the same medicine when they share one (`medicinesOf`) of the same code, and of the same form where
 * both name a listed entry: the rule `plan-on-list.ts` follows a plan along the list by (`entryNowFor`).
 */
function sameMedicine(p: Pick<MedicationProposal, 'patientId' | 'kind' | 'medicationId' | 'medicineCode'>): Sql {
  return sql`mp.patient_id = ${p.patientId} and exists (
    select 1 from (${medicinesOf(p)}) mine
      join (select m.medicine_code as code, m.form from medication m where m.id = mp.medication_id
            union all select mp.medicine_code, null where mp.kind in ('START', 'SWITCH')) theirs
        on theirs.code = mine.code and (mine.form is null or theirs.form is null or theirs.form = mine.form))`;
}

/**
 * The medicines `p` governs, as rows (code, form): the listed entry it changes, and for a start or a switch
 * the medicine it starts, in whatever form it comes to be listed (form null).
 */
function medicinesOf(p: Pick<MedicationProposal, 'kind' | 'medicationId' | 'medicineCode'>): Sql {
  const changed = sql`select m.medicine_code as code, m.form from medication m where m.id = ${p.medicationId}::uuid`;
  const starts = p.kind === ProposalKind.START || p.kind === ProposalKind.SWITCH;
  return starts ? sql`${changed} union all select ${p.medicineCode}::text, null::text` : changed;
}

/**
 * One proposal per medicine awaits a GP at a time: a second would let a GP approve two plans for one
 * medicine, one after the other. The first is withdrawn, or decided, before another is proposed.
 */
async function refuseSecondAwaiting(tx: EntityManager, p: MedicationProposal): Promise<void> {
  await takeTurns(tx, plansKey(p.patientId));
  const [waiting] = await runSql<{ name: string; proposed_on: string }>(
    tx,
    sql`select u.name, to_char(mp.proposed_at at time zone 'Europe/London', 'YYYY-MM-DD') as proposed_on from medication_proposal mp join app_user u on u.id = mp.proposed_by_id
         where mp.status = 'AWAITING_APPROVAL' and ${sameMedicine(p)} order by mp.proposed_at limit 1`,
  );
  if (waiting) {
    throw conflict(`A change to ${p.medicineName} proposed by ${waiting.name} on ${dateInWords(waiting.proposed_on)} already awaits a GP's decision. Withdraw that proposal first, or wait for the GP to decide it.`);
  }
}

/** Ends every other approved or paused plan for the medicine `approved` changes: the newly approved one is in force. */
async function replaceEarlierPlans(tx: EntityManager, by: By, approved: MedicationProposal): Promise<void> {
  const ended = await runSql<{ id: string }>(
    tx,
    sql`update medication_proposal mp set status = 'REPLACED', ended_by_id = ${by.actor.id}, ended_at = now(), replaced_by_id = ${approved.id}
         where mp.status in ('APPROVED','PAUSED') and mp.id <> ${approved.id} and ${sameMedicine(approved)} returning mp.id`,
  );
  for (const { id } of ended) {
    await appendEvent(tx, { patientId: approved.patientId, kind: 'TAPER_REPLACED', actorId: by.actor.id, payload: { proposalId: id, medicine: approved.medicineName, replacedBy: approved.id } });
  }
}

/** The audit trail's action for each decision, as it was named when the decision was spelt into the code. */
const decisionAction: Record<Decision, AuditAction> = { APPROVE: 'medication.approve', AMEND: 'medication.amend', DECLINE: 'medication.decline' };

const statusWords: Record<ProposalStatus, string> = {
  AWAITING_APPROVAL: 'proposed',
  APPROVED: 'approved',
  DECLINED: 'declined',
  PAUSED: 'approved (and is paused)',
  WITHDRAWN: 'withdrawn',
  REPLACED: 'replaced by a newer plan',
};

function isEnded(status: ProposalStatus): boolean {
  return status === ProposalStatus.DECLINED || status === ProposalStatus.WITHDRAWN || status === ProposalStatus.REPLACED;
}

function stepEntities(proposal: MedicationProposal, steps: CheckedStep[]): TaperStep[] {
  return steps.map((s) => Object.assign(new TaperStep(), { ...s, proposal }));
}

/** The active GPs on the patient's care team: those who may decide its medication changes. */
export async function teamGpIds(em: EntityManager, patientId: string): Promise<string[]> {
  const rows = await runSql<{ id: string }>(em, sql`select u.id from care_team_member m join app_user u on u.id = m.user_id where m.patient_id = ${patientId} and u.role = 'GP' and u.active`);
  return rows.map((r) => r.id);
}

function kindWords(kind: ProposalKind): string {
  return { REDUCE: 'Reduce', STOP: 'Stop', SWITCH: 'Switch to', START: 'Start' }[kind];
}

function decisionWords(d: Decision): string {
  return { APPROVE: 'approved', AMEND: 'amended and approved', DECLINE: 'declined' }[d];
}

