import { afterAll, describe, expect, it } from 'vitest';
import { PlanEditor } from '../test-support/care-plan-editor.js';
import { gql, startTestServer, useTestServer, type TestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

describe('a care plan edited through two server instances at once', () => {
  const a = useTestServer();
  let b: TestServer | undefined;
  const editors: PlanEditor[] = [];
  afterAll(async () => {
    await Promise.all(editors.map((e) => e.disconnect()));
    await b?.stop();
  });

  it('delivers each instance’s edits live to editors on the other, and both converge to what is stored', async () => {
    b = await startTestServer();
    const world = await makeWorld(a().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const coach = new PlanEditor(a().wsUrl, await signInAs(a().url, world.users.coach), patient.id);
    const physio = new PlanEditor(b.wsUrl, await signInAs(b.url, world.users.fcp), patient.id);
    editors.push(coach, physio);
    await coach.connect();
    await physio.connect();

    coach.text().insert(0, 'Walk the dog. ');
    await physio.until(() => physio.text().toString().includes('Walk the dog.'), 'the coach’s edit on the other instance');

    // Interleaved typing on both instances: writes to one plan are serialised across instances.
    for (let i = 0; i < 10; i++) {
      coach.text().insert(coach.text().length, `c${i} `);
      physio.text().insert(0, `p${i} `);
    }
    await Promise.all([coach.settled(), physio.settled()]);
    await coach.until(() => coach.text().toString() === physio.text().toString(), 'convergence');
    expect(coach.text().toString()).toMatch(/c9/);
    expect(coach.text().toString()).toMatch(/p9/);

    const stored = await gql<{ carePlan: { view: { whatMatters: string } } }>(
      b.url,
      'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }',
      { p: patient.id },
      await signInAs(b.url, world.users.fcp),
    );
    expect(stored.data?.carePlan.view.whatMatters).toBe(coach.text().toString());
  });
});
