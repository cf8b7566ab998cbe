import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCarePlanDoc } from '../care-plans/care-plan.doc.js';
import { addDays, ukToday } from '../platform/uk-dates.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const LIST = `query($filter: PatientFilter) { patients(filter: $filter, first: 50) { totalCount nodes { id nextReviewDate } } }`;
type Page = { patients: { totalCount: number; nodes: Array<{ id: string; nextReviewDate: string | null }> } };

const isoDay = (offsetDays: number) => addDays(ukToday(), offsetDays);

describe("the caseload's care-plan review dates", () => {
  const server = useTestServer();

  it('shows each patient’s next review and filters to those due, from the plan’s typed view', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const store = server().running.services.carePlans;
    const setReview = async (patientId: string, date: string) => {
      const doc = createCarePlanDoc((await store.read(patientId)).state);
      const sv = Y.encodeStateVector(doc);
      doc.getMap('review').set('nextReviewDate', date);
      await store.apply(patientId, world.users.coach.id, Y.encodeStateAsUpdate(doc, sv), `review-${patientId}`, 'test');
    };
    const [overdue, today, later, none] = [
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
    ];
    await setReview(overdue.id, isoDay(-3));
    await setReview(today.id, isoDay(0));
    await setReview(later.id, isoDay(10));
    const notMine = await world.patient([world.users.gp]);
    await setReview(notMine.id, isoDay(-1)).catch(() => undefined); // the coach may not edit it: refused, nothing stored

    const token = await signInAs(server().url, world.users.coach);
    const all = (await gql<Page>(server().url, LIST, { filter: { mine: true } }, token)).data!.patients;
    const dates = new Map(all.nodes.map((n) => [n.id, n.nextReviewDate]));
    expect(dates.get(overdue.id)).toBe(isoDay(-3));
    expect(dates.get(later.id)).toBe(isoDay(10));
    expect(dates.get(none.id)).toBeNull();

    const due = (await gql<Page>(server().url, LIST, { filter: { mine: true, reviewDue: true } }, token)).data!.patients;
    expect(due.nodes.map((n) => n.id).sort()).toEqual([overdue.id, today.id].sort());
    expect(due.totalCount).toBe(2);
  });
});
