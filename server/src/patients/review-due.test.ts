import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCarePlanDoc } from '../care-plans/care-plan.doc.js';
import { addDays, ukToday } from '../platform/uk-dates.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';

const LIST = `query($filter: PatientFilter) { patients(filter: $filter, first: 50) { totalCount nodes { id nextReviewDate } } }`;
type Page = { patients: { totalCount: number; nodes: Array<{ id: string; nextReviewDate: string | null }> } };

const isoDay = (offsetDays: number) => addDays(ukToday(), offsetDays);

describe("the caseload's care-plan review dates", () => {
  const server = useTestServer();

  /** Sets the patient's next review in their care plan, as the coach editing it would. */
  const setReview = async (world: World, patientId: string, date: string) => {
    const store = server().running.services.carePlans;
    const doc = createCarePlanDoc((await store.read(patientId)).state);
    const sv = Y.encodeStateVector(doc);
    doc.getMap('review').set('nextReviewDate', date);
    await store.apply(patientId, world.users.coach.id, Y.encodeStateAsUpdate(doc, sv), `review-${patientId}`, 'test');
  };

  it('shows each patient’s next review and filters to those due, from the plan’s typed view', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const [overdue, today, later, none] = [
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
      await world.patient([world.users.coach]),
    ];
    await setReview(world, overdue.id, isoDay(-3));
    await setReview(world, today.id, isoDay(0));
    await setReview(world, later.id, isoDay(10));
    const notMine = await world.patient([world.users.gp]);
    await setReview(world, notMine.id, isoDay(-1)).catch(() => undefined); // the coach may not edit it: refused, nothing stored

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

  it('leaves discharged patients out of the reviews due, though their plan still names an overdue date', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const [stillSeen, discharged] = [await world.patient([world.users.coach]), await world.patient([world.users.coach])];
    await setReview(world, stillSeen.id, isoDay(-5));
    await setReview(world, discharged.id, isoDay(-30));
    // Discharge keeps the plan as it was, review date and all.
    await server().orm.em.fork().getConnection().execute(`update patient set status = 'DISCHARGED' where id = ?`, [discharged.id]);

    const token = await signInAs(server().url, world.users.coach);
    const due = (await gql<Page>(server().url, LIST, { filter: { mine: true, reviewDue: true } }, token)).data!.patients;
    expect(due.nodes.map((n) => n.id)).toEqual([stillSeen.id]);
    expect(due.totalCount).toBe(1);
  });

  it('sorts by review date, most overdue first, a page at a time; patients with no review date come last', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const [aWeek, aMonth, today, none] = [
      await world.patient([world.users.coach], { familyName: 'Adams' }),
      await world.patient([world.users.coach], { familyName: 'Young' }),
      await world.patient([world.users.coach], { familyName: 'Baker' }),
      await world.patient([world.users.coach], { familyName: 'Cole' }),
    ];
    await setReview(world, aWeek.id, isoDay(-7));
    await setReview(world, aMonth.id, isoDay(-30));
    await setReview(world, today.id, isoDay(0));
    const token = await signInAs(server().url, world.users.coach);
    const BY_REVIEW = `query($after: String) { patients(filter: { mine: true }, sort: REVIEW_DATE, first: 2, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }`;
    type Sorted = { patients: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };
    const first = (await gql<Sorted>(server().url, BY_REVIEW, { after: null }, token)).data!.patients;
    const second = (await gql<Sorted>(server().url, BY_REVIEW, { after: first.pageInfo.endCursor }, token)).data!.patients;
    expect([...first.nodes, ...second.nodes].map((n) => n.id)).toEqual([aMonth.id, aWeek.id, today.id, none.id]);
    expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
  });
});
