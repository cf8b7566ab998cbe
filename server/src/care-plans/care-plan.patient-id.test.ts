import { afterEach, describe, expect, it } from 'vitest';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { gql, useTestServer, wsConnect } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

interface PresenceRow {
  userId: string;
  section: string | null;
}
const BEAT = `mutation($p: ID!, $c: String) { carePlanPresence(patientId: $p, section: GOALS, clientId: $c) { userId section } }`;
const PRESENCE = `subscription($p: ID!) { carePlanPresenceChanged(patientId: $p) { userId section } }`;

describe('a patient id written in upper case', () => {
  const server = useTestServer();
  const editors: PlanEditor[] = [];
  afterEach(async () => {
    await Promise.all(editors.splice(0).map((e) => e.disconnect()));
  });

  async function setUp() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    return { world, patient, coach: await signInAs(server().url, world.users.coach), fcp: await signInAs(server().url, world.users.fcp) };
  }

  async function editor(token: string, patientId: string): Promise<PlanEditor> {
    const e = new PlanEditor(server().wsUrl, token, patientId);
    editors.push(e);
    await e.connect();
    return e;
  }

  it('edits and follows the same plan as the lower-case id: applyCarePlanUpdate and carePlanUpdates', async () => {
    const { patient, coach, fcp } = await setUp();
    const upper = await editor(coach, patient.id.toUpperCase());
    const lower = await editor(fcp, patient.id);
    upper.text().insert(0, 'Upper ');
    await upper.settled();
    expect(upper.acks.map((a) => a.duplicate)).toEqual([false]);
    await lower.until(() => lower.text().toString() === 'Upper ', 'the upper-case editor’s edit');
    lower.text().insert(6, 'lower');
    await lower.until(() => upper.text().toString() === 'Upper lower', 'the lower-case editor’s edit, live to the upper-case stream');
    const res = await gql<{ carePlan: { patientId: string; view: { whatMatters: string } } }>(
      server().url,
      'query($p: ID!) { carePlan(patientId: $p) { patientId view { whatMatters } } }',
      { p: patient.id.toUpperCase() },
      fcp,
    );
    expect(res.data?.carePlan).toEqual({ patientId: patient.id, view: { whatMatters: 'Upper lower' } });
    // The print view reads the same plan in memory, not a second copy of it under another spelling.
    const store = server().running.services.carePlans;
    const hot = store.hotCount;
    const page = await fetch(`${server().url}/patients/${patient.id.toUpperCase()}/care-plan/print`, { headers: { authorization: `Bearer ${fcp}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Upper lower');
    expect(store.hotCount).toBe(hot);
  });

  it('shares presence between upper- and lower-case ids', async () => {
    const { world, patient, coach, fcp } = await setUp();
    const socket = wsConnect(server().wsUrl, fcp);
    await socket.connected;
    try {
      const lists: PresenceRow[][] = [];
      let wake: () => void = () => undefined;
      const next = (pred: (l: PresenceRow[]) => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => (lists.length && pred(lists[lists.length - 1]) ? resolve() : (wake = check));
          check();
        });
      socket.client.subscribe<{ carePlanPresenceChanged: PresenceRow[] }>(
        { query: PRESENCE, variables: { p: patient.id.toUpperCase() } },
        { next: (r) => (lists.push(r.data!.carePlanPresenceChanged), wake()), error: () => undefined, complete: () => undefined },
      );
      await next((l) => l.length === 0);
      const beat = await gql<{ carePlanPresence: PresenceRow[] }>(server().url, BEAT, { p: patient.id, c: 'tab-lower' }, coach);
      expect(beat.errors).toBeUndefined();
      await next((l) => l.some((e) => e.userId === world.users.coach.id));
      const upperBeat = await gql<{ carePlanPresence: PresenceRow[] }>(server().url, BEAT, { p: patient.id.toUpperCase(), c: 'tab-upper' }, fcp);
      expect(upperBeat.data?.carePlanPresence.map((e) => e.userId).sort()).toEqual([world.users.coach.id, world.users.fcp.id].sort());
      await next((l) => l.length === 2);
      const left = await gql(server().url, 'mutation($p: ID!, $c: String) { leaveCarePlan(patientId: $p, clientId: $c) }', { p: patient.id.toUpperCase(), c: 'tab-lower' }, coach);
      expect(left.errors).toBeUndefined();
      await next((l) => l.length === 1 && l[0].userId === world.users.fcp.id);
    } finally {
      await socket.client.dispose();
    }
  });
});
