import { describe, expect, it } from 'vitest';
import { CairnError } from '../platform/errors.js';
import { runSql, sql } from '../platform/sql.js';
import { PlanEditor, typistAt } from '../test-support/care-plan-editor.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { EditNotAllowed } from './care-plan.store.js';

/**
 * A group commit whose plans this instance wrote last reads nothing first: the plans, the authors' and
 * watchers' relationships and the client-id owners come from memory, and its store confirms them. These
 * tests hold the store to the answers a group that reads would give, whenever memory is out of date.
 */
describe('care-plan groups read from memory', () => {
  const server = useTestServer();
  const store = () => server().running.services.carePlans;
  const counts = () => ({ ...store().groupCounts });

  async function planFor(team: Array<'coach' | 'fcp'>) {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient(team.map((k) => world.users[k]));
    /** A person's own copy of the plan as stored now (see `typistAt`). */
    const typist = async () => typistAt((await store().read(patient.id)).state);
    const typed = await typist();
    const rows = async () =>
      runSql<{ client_update_id: string; actor_id: string }>(server().orm.em.fork(), sql`select client_update_id, actor_id from care_plan_update where patient_id = ${patient.id} order by seq`);
    return { world, patient, typed, typist, rows };
  }

  it("reads nothing before storing a plan's later edits, and stores, audits and streams them as a read group does", async () => {
    const { world, patient, typed, rows } = await planFor(['coach', 'fcp']);
    const watcher = new PlanEditor(server().wsUrl, await signInAs(server().url, world.users.fcp), patient.id);
    await watcher.connect();
    try {
      const coach = world.users.coach.id;
      const before = counts();
      await store().apply(patient.id, coach, typed('Walk'), 'm-1', 'test');
      const first = counts();
      expect(first.fromMemory).toBe(before.fromMemory); // nothing known of the plan yet: it read
      await store().apply(patient.id, coach, typed(' to'), 'm-2', 'test');
      await store().apply(patient.id, coach, typed(' the shop'), 'm-3', 'test');
      const after = counts();
      expect(after.done - first.done).toBe(2);
      expect(after.fromMemory - first.fromMemory).toBe(2);
      expect(after.readAgain).toBe(first.readAgain);

      expect((await rows()).map((r) => r.client_update_id)).toEqual(['m-1', 'm-2', 'm-3']);
      await watcher.until(() => watcher.text().toString() === 'Walk to the shop', 'every edit, live');
      const audited = await runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from audit_entry where action = 'carePlan.edit' and outcome = 'ALLOWED' and patient_id = ${patient.id}`);
      expect(Number(audited[0].n)).toBe(3);
      store().evict(patient.id);
      expect((await store().read(patient.id)).view.whatMatters).toBe('Walk to the shop');
    } finally {
      await watcher.disconnect();
    }
  });

  it('refuses an author taken off the care team since the last group, though memory still has them on it', async () => {
    const { world, patient, typed, rows } = await planFor(['coach', 'fcp']);
    const { coach, fcp } = world.users;
    await store().apply(patient.id, fcp.id, typed('Pace'), 'r-1', 'test');
    await store().apply(patient.id, fcp.id, typed(' walks'), 'r-2', 'test'); // from memory: fcp is known there
    const removed = await gql(server().url, 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: fcp.id }, await signInAs(server().url, coach));
    expect(removed.errors).toBeUndefined();

    const before = counts();
    await expect(store().apply(patient.id, fcp.id, typed(' daily'), 'r-3', 'test')).rejects.toBeInstanceOf(EditNotAllowed);
    expect(counts().readAgain - before.readAgain).toBe(1); // memory allowed it; the store found the team changed
    expect((await rows()).map((r) => r.client_update_id)).toEqual(['r-1', 'r-2']);
    store().evict(patient.id);
    expect((await store().read(patient.id)).view.whatMatters).toBe('Pace walks');
  });

  it('stops sending edits to a watcher taken off the care team since the last group', async () => {
    const { world, patient, typed } = await planFor(['coach', 'fcp']);
    const { coach, fcp } = world.users;
    const watcher = new PlanEditor(server().wsUrl, await signInAs(server().url, fcp), patient.id);
    await watcher.connect();
    try {
      await store().apply(patient.id, coach.id, typed('one'), 'w-1', 'test');
      await watcher.until(() => watcher.text().toString() === 'one', 'the first edit');
      const removed = await gql(server().url, 'mutation($p: ID!, $u: ID!) { removeCareTeamMember(patientId: $p, userId: $u) { id } }', { p: patient.id, u: fcp.id }, await signInAs(server().url, coach));
      expect(removed.errors).toBeUndefined();
      const before = counts();
      await store().apply(patient.id, coach.id, typed(' two'), 'w-2', 'test');
      expect(counts().readAgain - before.readAgain).toBe(1);
      await watcher.until(() => watcher.errors.length > 0, 'the stream to end with NOT_FOUND');
      expect(JSON.stringify(watcher.errors[0])).toContain('NOT_FOUND');
      expect(watcher.text().toString()).toBe('one');
    } finally {
      await watcher.disconnect();
    }
  });

  it('answers a resent edit as the repeat it is, and refuses its clientUpdateId to anyone else, with the plan known in memory', async () => {
    const { world, patient, typed, typist, rows } = await planFor(['coach', 'fcp']);
    const { coach, fcp } = world.users;
    const walk = typed('Walk');
    const first = await store().apply(patient.id, coach.id, walk, 'd-1', 'test');
    await store().apply(patient.id, coach.id, typed(' daily'), 'd-2', 'test');
    const physio = await typist();
    await store().apply(patient.id, fcp.id, physio(' and swim'), 'd-3', 'test');

    const before = counts();
    expect(await store().apply(patient.id, coach.id, walk, 'd-1', 'test')).toEqual({ ...first, duplicate: true });
    expect(counts().readAgain - before.readAgain).toBe(1); // memory cannot tell a repeat: it read

    // Both known in memory again, then another person's new edit under a clientUpdateId already stored.
    await Promise.all([store().apply(patient.id, coach.id, typed(' today'), 'd-4', 'test'), store().apply(patient.id, fcp.id, physio(' often'), 'd-5', 'test')]);
    const known = counts();
    const taken = await store().apply(patient.id, fcp.id, physio('!'), 'd-1', 'test').catch((e: unknown) => e);
    expect(taken instanceof CairnError && taken.code).toBe('BAD_USER_INPUT');
    expect(counts().readAgain - known.readAgain).toBe(1); // the store found the key taken
    expect((await rows()).map((r) => r.client_update_id)).toEqual(['d-1', 'd-2', 'd-3', 'd-4', 'd-5']);
    const hot = (await store().read(patient.id)).view.whatMatters;
    store().evict(patient.id);
    expect((await store().read(patient.id)).view.whatMatters).toBe(hot);
    expect(hot).not.toContain('!');
  });
});
