import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import type { User } from '../auth/user.entity.js';
import { appendEvent } from '../events/event-log.js';
import type { Patient } from '../patients/patient.entity.js';
import { badInput, conflict } from '../platform/errors.js';
import { optionalText, requireIsoDate, requireText } from '../platform/validate.js';
import { CATALOGUE, findMedicine, type CatalogueEntry } from './catalogue.js';
import { intervalWords } from './frequency.js';
import { defaultFlagSettings, medicationFlags, type FlagSettings } from './flags.js';
import { Medication, MedicationReview } from './medication.entity.js';
import { MedicationProposal, ProposalStatus, TaperStep } from './medication-proposal.entity.js';
import { plansAheadOfList, type RunningPlan } from './plan-on-list.js';
import { doseWords } from './listed-dose.js';
import type { AddMedicationInput, CatalogueMedicine, ChangeMedicationInput, MedicationSummary, StopMedicationInput } from './medication.types.js';
import { assessDose, totalOme } from './ome.js';
import { runSql, sql, takeTurns } from '../platform/sql.js';
import { ukToday } from '../platform/uk-dates.js';

export interface By {
  actor: User;
  requestId: string;
}

/** Records a medicine the patient takes; validated against the catalogue first, so nothing is stored on bad input. */
export async function addMedication(em: EntityManager, by: By, patient: Patient, input: AddMedicationInput): Promise<Medication> {
  const medication = newEntry(by, patient, input);
  await em.transactional(async (tx) => {
    await refuseCurrentDuplicate(tx, medication);
    tx.persist(medication);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.add', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { medicationId: medication.id } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'MEDICATION_ADDED',
      actorId: by.actor.id,
      payload: { medicationId: medication.id, medicine: medication.name, words: doseWords(medication), omeMgPerDay: medication.omeMgPerDay },
    });
  });
  return medication;
}

/**
 * Records a new dose (or form, strength or frequency) of a current medicine as one change: the entry is stopped
 * the day the new one starts and the new one added, in one transaction, so the list never holds both, or
 * neither, and the total OME is never counted from a half-made change.
 */
export async function changeMedication(em: EntityManager, by: By, patient: Patient, current: Medication, input: ChangeMedicationInput): Promise<Medication> {
  if (current.stopDate !== null) throw conflict(`${current.name} was stopped on ${current.stopDate}; add the new dose as a medicine instead.`);
  const medication = newEntry(by, patient, { ...input, patientId: patient.id, medicineCode: current.medicineCode });
  const reason = input.reason?.trim() ? requireText('reason', input.reason, 1000) : `Changed to ${doseWords(medication)}`;
  // The same day is allowed: a dose recorded wrongly this morning is corrected, the old entry never taken.
  if (medication.startDate < current.startDate) throw badInput('startDate', `The new dose cannot start before the current one began (${current.startDate}).`);
  const same = (['form', 'strength', 'dose', 'frequencyWords'] as const).every((k) => medication[k] === current[k]);
  if (same) throw badInput('dose', `That is what the list records already (${doseWords(current)}, ${current.form}, ${current.strength}); change something, or leave it as it is.`);
  await em.transactional(async (tx) => {
    await refuseCurrentDuplicate(tx, medication);
    const stopped = await runSql<{ id: string }>(
      tx,
      sql`update medication set stop_date = ${medication.startDate}, stop_reason = ${reason} where id = ${current.id} and stop_date is null returning id`,
    );
    if (stopped.length === 0) throw conflict(`${current.name} was stopped meanwhile; add the new dose as a medicine instead.`);
    tx.persist(medication);
    await tx.flush();
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.change', patientId: patient.id, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { from: current.id, to: medication.id } });
    await appendEvent(tx, {
      patientId: patient.id,
      kind: 'MEDICATION_CHANGED',
      actorId: by.actor.id,
      payload: { medicationId: medication.id, previousMedicationId: current.id, medicine: medication.name, from: doseWords(current), to: doseWords(medication), startDate: medication.startDate, omeMgPerDay: medication.omeMgPerDay },
    });
  });
  return medication;
}

/** A new list entry from what was typed, checked against the catalogue; nothing is stored. */
function newEntry(by: By, patient: Patient, input: AddMedicationInput): Medication {
  const assessed = assessDose({ medicineCode: input.medicineCode, dose: input.dose, frequency: input.frequency });
  const entry = assessed.entry;
  const form = requireText('form', input.form, 100);
  if (!entry.forms.includes(form)) throw badInput('form', `${entry.name} comes as ${entry.forms.join(', ')}; not "${form}".`);
  const strength = requireText('strength', input.strength, 100);
  const prescriber = requireText('prescriber', input.prescriber, 200);
  const startDate = requireIsoDate('startDate', input.startDate);
  if (startDate > ukToday()) throw badInput('startDate', 'A medicine is recorded once it has started; the start date cannot be in the future.');
  if (startDate < patient.dateOfBirth) throw badInput('startDate', 'The start date is before the patient was born.');

  return Object.assign(new Medication(), {
    patientId: patient.id,
    medicineCode: entry.code,
    name: entry.name,
    medicineClass: entry.medicineClass,
    route: entry.route,
    form,
    strength,
    dose: assessed.dose,
    doseUnit: entry.doseUnit,
    frequency: input.frequency.trim(),
    frequencyWords: assessed.frequencyWords,
    dosesPerDay: assessed.dosesPerDay,
    asNeeded: assessed.asNeeded,
    patchChangeHours: assessed.patchChangeHours,
    omeMgPerDay: assessed.omeMgPerDay,
    omeWords: assessed.omeWords,
    startDate,
    prescriber,
    recordedBy: by.actor,
  });
}

/**
 * Refuses a medicine already on the current list with the same form, strength, dose and frequency: the same
 * entry recorded twice (a form sent twice, two colleagues typing up one letter) would count its oral morphine
 * equivalent twice and raise flags the patient does not meet. Additions to one patient's list take turns, so
 * two sent at once cannot both pass. A second entry of the same medicine at another dose or form is allowed
 * (a regular and an as-needed morphine).
 */
async function refuseCurrentDuplicate(tx: EntityManager, m: Medication): Promise<void> {
  await takeTurns(tx, `medication-list:${m.patientId}`);
  const same = await runSql<{ id: string }>(
    tx,
    sql`select id from medication
         where patient_id = ${m.patientId} and stop_date is null and medicine_code = ${m.medicineCode} and form = ${m.form}
           and strength = ${m.strength} and dose = ${m.dose} and frequency_words = ${m.frequencyWords}
         limit 1`,
  );
  if (same.length > 0) throw conflict(`${doseWords(m)} (${m.form}, ${m.strength}) is already on the current list. Change or stop that entry rather than adding it again.`);
}

/** Stops a current medicine; its row stays, with the date and reason, as history. */
export async function stopMedication(em: EntityManager, by: By, medication: Medication, input: StopMedicationInput): Promise<Medication> {
  const today = ukToday();
  const stopDate = input.stopDate?.trim() ? requireIsoDate('stopDate', input.stopDate) : today;
  const reason = optionalText('reason', input.reason, 1000);
  if (stopDate > today) throw badInput('stopDate', 'Record a stop once it has happened; the stop date cannot be in the future.');
  if (stopDate < medication.startDate) throw badInput('stopDate', `The stop date cannot be before the start date (${medication.startDate}).`);
  await em.transactional(async (tx) => {
    const updated = await runSql<{ id: string }>(
      tx,
      sql`update medication set stop_date = ${stopDate}, stop_reason = ${reason} where id = ${medication.id} and stop_date is null returning id`,
    );
    if (updated.length === 0) throw conflict(`${medication.name} was already stopped.`);
    await recordAudit(tx, { actorId: by.actor.id, action: 'medication.stop', patientId: medication.patientId, requestId: by.requestId, outcome: AuditOutcome.ALLOWED, detail: { medicationId: medication.id } });
    await appendEvent(tx, { patientId: medication.patientId, kind: 'MEDICATION_STOPPED', actorId: by.actor.id, payload: { medicationId: medication.id, medicine: medication.name, stopDate, reason } });
  });
  await em.refresh(medication);
  return medication;
}

/** The patient's medicines today, the total OME with its working, the flags that fire, and the proposals. */
export async function medicationSummary(em: EntityManager, patient: Patient, settings: FlagSettings = defaultFlagSettings, on = ukToday()): Promise<MedicationSummary> {
  const all = await em.find(Medication, { patientId: patient.id }, { populate: ['recordedBy'], orderBy: { startDate: 'asc', createdAt: 'asc' } });
  const current = all.filter((m) => m.startDate <= on && (m.stopDate === null || m.stopDate > on));
  const stopped = all.filter((m) => m.stopDate !== null && m.stopDate <= on).sort((a, b) => (a.stopDate! < b.stopDate! ? 1 : -1));
  const total = totalOme(current.map((m) => ({ entry: entryOf(m), omeMgPerDay: m.omeMgPerDay })));
  const flags = medicationFlags(
    { history: all.map((m) => ({ entry: entryOf(m), startDate: m.startDate, stopDate: m.stopDate })), totalOmeMgPerDay: total.mgPerDay, dateOfBirth: patient.dateOfBirth, on },
    settings,
  );
  const [latest] = await em.find(MedicationReview, { patientId: patient.id }, { orderBy: { reviewedOn: 'desc', createdAt: 'desc' }, limit: 1 });
  const proposals = await em.find(MedicationProposal, { patientId: patient.id }, { populate: ['proposedBy', 'decidedBy', 'endedBy'], orderBy: { proposedAt: 'desc' } });
  flags.push(...plansAheadOfList(await runningPlans(em, proposals), all, on));
  return {
    patientId: patient.id,
    current,
    stopped,
    totalOmeMgPerDay: total.mgPerDay,
    omeWords: total.words,
    omeSource: total.source,
    flags,
    highDoseThreshold: settings.highDoseOmeMgPerDay,
    nextReviewDue: latest?.nextReviewDue ?? null,
    proposals,
  };
}

/** The approved plans not paused, with their steps in order. */
async function runningPlans(em: EntityManager, proposals: readonly MedicationProposal[]): Promise<RunningPlan[]> {
  const running = proposals.filter((p) => p.status === ProposalStatus.APPROVED);
  if (running.length === 0) return [];
  const steps = await em.find(TaperStep, { proposal: { $in: running.map((p) => p.id) } }, { orderBy: { position: 'asc' } });
  return running.map((p) => ({ kind: p.kind, medicationId: p.medicationId, medicineCode: p.medicineCode, medicineName: p.medicineName, steps: steps.filter((s) => s.proposal.id === p.id) }));
}

/** The catalogue as the app shows it: every medicine and how each opioid converts. */
export function catalogueView(): CatalogueMedicine[] {
  return CATALOGUE.map((e) => ({
    code: e.code,
    name: e.name,
    medicineClass: e.medicineClass,
    route: e.route,
    forms: [...e.forms],
    doseUnit: e.doseUnit,
    conversion: conversionWords(e),
    patchChangeHours: [...(e.patchChangeHours ?? [])],
  }));
}

function conversionWords(e: CatalogueEntry): string | null {
  if (!e.ome) return null;
  if (e.ome.kind === 'per-mg') return `× ${e.ome.factor} per mg`;
  const interval = e.patchChangeHours?.map(intervalWords).join(' or ');
  return `× ${e.ome.factor} per µg/h, giving mg a day${e.ome.rateStep ? ` (counted in ${e.ome.rateStep} µg/h steps)` : ''}; changed every ${interval}`;
}

/** A stored medicine's catalogue entry; a row always names one (codes are never removed). */
function entryOf(m: Medication): CatalogueEntry {
  const entry = findMedicine(m.medicineCode);
  if (!entry) throw new Error(`medication ${m.id} names ${m.medicineCode}, which the catalogue no longer has`);
  return entry;
}
