import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../auth/user.entity.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { indicatorsCsv, prescribingIndicators } from './indicators.service.js';
import { Medication, MedicationReview, Readiness } from './medication.entity.js';
import { assessDose } from './ome.js';

/** Writes a medicine into the history as it would have been recorded then. */
async function seed(em: EntityManager, by: User, patientId: string, code: string, dose: number, frequency: string, startDate: string, stopDate: string | null = null) {
  const a = assessDose({ medicineCode: code, dose, frequency });
  em.persist(
    Object.assign(new Medication(), {
      patientId, medicineCode: code, name: a.entry.name, medicineClass: a.entry.medicineClass, route: a.entry.route, form: a.entry.forms[0], strength: `${dose}`,
      dose, doseUnit: a.entry.doseUnit, frequency, frequencyWords: a.frequencyWords, dosesPerDay: a.dosesPerDay, asNeeded: a.asNeeded, patchChangeHours: a.patchChangeHours,
      omeMgPerDay: a.omeMgPerDay, omeWords: a.omeWords, startDate, stopDate, prescriber: 'Dr Seed', recordedBy: by,
    }),
  );
}

function review(by: User, patientId: string, reviewedOn: string) {
  return Object.assign(new MedicationReview(), {
    patientId, reviewer: by, reviewedOn, howTaken: '-', effectOnPainAndFunction: '-', sideEffects: '-', whatMatters: '-', readiness: Readiness.UNSURE, omeAtReview: 0, nextReviewDue: '2026-12-01',
  });
}

describe('prescribing indicators', () => {
  const server = useTestServer();

  it('are computed from the history of a seeded practice, matching the answers worked by hand', async () => {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const other = await makeWorld(em); // another PCN's practice: never counted
    const { pharm } = world.users;
    const [a, b, c] = [await world.patient([pharm]), await world.patient([pharm]), await world.patient([pharm])];
    await world.patient([pharm]); // D takes nothing: still a registered patient
    await seed(em, pharm, a.id, 'morphine', 60, 'BD', '2025-01-10', '2026-05-20'); // OME 120
    await seed(em, pharm, a.id, 'morphine', 40, 'BD', '2026-05-20'); // OME 80, the same run of use
    await seed(em, pharm, a.id, 'pregabalin', 150, 'BD', '2026-04-10'); // 300 mg = 1 DDD
    await seed(em, pharm, b.id, 'codeine', 30, 'QDS', '2026-02-01'); // OME 12
    await seed(em, pharm, c.id, 'tramadol', 50, 'QDS', '2026-03-01', '2026-04-20'); // OME 20, stopped in April
    await seed(em, pharm, c.id, 'gabapentin', 600, 'TDS', '2025-06-01'); // 1,800 mg = 1 DDD
    em.persist([review(pharm, a.id, '2026-05-10'), review(pharm, b.id, '2026-06-01')]);
    const otherPatient = await other.patient([other.users.pharm]);
    await seed(em, other.users.pharm, otherPatient.id, 'morphine', 100, 'BD', '2025-01-01');
    await em.flush();

    const months = await prescribingIndicators(em, { practiceId: world.practice.id }, { today: '2026-06-15', months: 3, highDoseOme: 120 });
    expect(months).toEqual([
      // 30 April: A 120 (with pregabalin, since Jan 2025), B 12 (since 1 Feb: not yet over 3 months); C's tramadol stopped 20 April.
      // OME 132 × 1000 / 4 patients = 33,000; items at high dose 1 of 2; DDDs 1 + 1 = 2 → 500 per 1,000;
      // reduced since 31 March: C, 20 → 0.
      { month: '2026-04', asOf: '2026-04-30', registeredPatients: 4, onOpioid: 2, onHighDoseOpioid: 1, opioidWithGabapentinoid: 1, opioid3To6Months: 0, opioidOver12Months: 1,
        omePer1000: 33000, highDoseItemShare: 0.5, gabapentinoidDddPer1000: 500, reviewsDone: 0, patientsReduced: 1, omeBeforeReductions: 20, omeAfterReductions: 0 },
      // 31 May: A 80 (one run since Jan 2025), B 12 (since 1 Feb: 3–6 months); 92 × 1000 / 4 = 23,000; A reduced 120 → 80; A reviewed.
      { month: '2026-05', asOf: '2026-05-31', registeredPatients: 4, onOpioid: 2, onHighDoseOpioid: 0, opioidWithGabapentinoid: 1, opioid3To6Months: 1, opioidOver12Months: 1,
        omePer1000: 23000, highDoseItemShare: 0, gabapentinoidDddPer1000: 500, reviewsDone: 1, patientsReduced: 1, omeBeforeReductions: 120, omeAfterReductions: 80 },
      // 15 June (today): unchanged doses; B reviewed.
      { month: '2026-06', asOf: '2026-06-15', registeredPatients: 4, onOpioid: 2, onHighDoseOpioid: 0, opioidWithGabapentinoid: 1, opioid3To6Months: 1, opioidOver12Months: 1,
        omePer1000: 23000, highDoseItemShare: 0, gabapentinoidDddPer1000: 500, reviewsDone: 1, patientsReduced: 0, omeBeforeReductions: 0, omeAfterReductions: 0 },
    ]);
    // The PCN's view is its practices' (here one); the other PCN's patient is in neither.
    expect(await prescribingIndicators(em, { pcnId: world.pcn.id }, { today: '2026-06-15', months: 3, highDoseOme: 120 })).toEqual(months);
    // A lower threshold (90 mg, as some national measures use) counts A's 120 in April only.
    const at90 = await prescribingIndicators(em, { practiceId: world.practice.id }, { today: '2026-06-15', months: 3, highDoseOme: 90 });
    expect(at90.map((m) => m.onHighDoseOpioid)).toEqual([1, 0, 0]);
    const csv = indicatorsCsv(months).split('\r\n');
    expect(csv[0]).toMatch(/^Month,As of,Registered patients,Patients on opioids,/);
    expect(csv[2]).toBe('May 2026,31 May 2026,4,2,0,1,1,1,23000,0,500,1,1,120,80');
  });

  it('are shown to the practice’s clinicians and its PCN’s service lead, not to another PCN', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const other = await makeWorld(server().orm.em.fork());
    const q = `query($practiceId: ID, $pcnId: ID) { prescribingIndicators(practiceId: $practiceId, pcnId: $pcnId, months: 2) { scopeName months { month registeredPatients } csv } }`;
    const url = server().url;
    const gp = await gql<{ prescribingIndicators: { scopeName: string; months: unknown[]; csv: string } }>(url, q, { practiceId: world.practice.id }, await signInAs(url, world.users.gp));
    expect(gp.errors).toBeUndefined();
    expect(gp.data!.prescribingIndicators.scopeName).toBe(world.practice.name);
    expect(gp.data!.prescribingIndicators.months).toHaveLength(2);
    const lead = await gql(url, q, { pcnId: world.pcn.id }, await signInAs(url, world.users.lead));
    expect(lead.errors).toBeUndefined();
    expect(errorCode(await gql(url, q, { pcnId: world.pcn.id }, await signInAs(url, world.users.gp)))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url, q, { practiceId: world.practice.id }, await signInAs(url, other.users.lead)))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url, q, { practiceId: world.practice.id }, await signInAs(url, world.users.coach)))).toBe('FORBIDDEN');
    expect(errorCode(await gql(url, q, {}, await signInAs(url, world.users.gp)))).toBe('BAD_USER_INPUT');
    const scopes = '{ indicatorScopes { id kind } }';
    expect((await gql<{ indicatorScopes: unknown[] }>(url, scopes, {}, await signInAs(url, world.users.lead))).data!.indicatorScopes).toEqual([
      { id: world.pcn.id, kind: 'PCN' },
      { id: world.practice.id, kind: 'GP_PRACTICE' },
    ]);
    expect((await gql<{ indicatorScopes: unknown[] }>(url, scopes, {}, await signInAs(url, world.users.gp))).data!.indicatorScopes).toEqual([{ id: world.practice.id, kind: 'GP_PRACTICE' }]);
    expect((await gql<{ indicatorScopes: unknown[] }>(url, scopes, {}, await signInAs(url, world.users.coach))).data!.indicatorScopes).toEqual([]);
  });

  it('every refusal is in the audit trail: a practice not theirs to see, and one that does not exist', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const q = `query($practiceId: ID, $pcnId: ID) { prescribingIndicators(practiceId: $practiceId, pcnId: $pcnId) { scopeName } }`;
    const url = server().url;
    const { coach, gp } = world.users;
    const unknown = randomUUID();
    const refused = await gql(url, q, { practiceId: world.practice.id }, await signInAs(url, coach));
    expect(errorCode(refused)).toBe('FORBIDDEN');
    const missing = await gql(url, q, { practiceId: unknown }, await signInAs(url, gp));
    expect([errorCode(missing), missing.errors?.[0]?.message]).toEqual(['NOT_FOUND', 'No such practice, or you do not have access to it.']);
    const denied = await ownerQuery<{ actor_id: string; organisation_id: string; reason: string }>(
      `select actor_id, detail->>'organisationId' as organisation_id, detail->>'reason' as reason from audit_entry
        where action = 'indicators.read' and outcome = 'DENIED' and actor_id = any($1::uuid[]) order by id`,
      [[coach.id, gp.id]],
    );
    expect(denied).toEqual([
      { actor_id: coach.id, organisation_id: world.practice.id, reason: 'not permitted' },
      { actor_id: gp.id, organisation_id: unknown, reason: 'no such practice' },
    ]);
  });
});
