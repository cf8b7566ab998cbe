import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
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

  /** A patient's coach editing on the first instance and physio on the second, both connected. */
  async function editorsOnBothInstances() {
    b ??= await startTestServer();
    const world = await makeWorld(a().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const coach = new PlanEditor(a().wsUrl, await signInAs(a().url, world.users.coach), patient.id);
    const physio = new PlanEditor(b.wsUrl, await signInAs(b.url, world.users.fcp), patient.id);
    editors.push(coach, physio);
    await coach.connect();
    await physio.connect();
    return { world, patient, coach, physio, second: b };
  }

  it('delivers each instance’s edits live to editors on the other, and both converge to what is stored', async () => {
    const { world, patient, coach, physio, second } = await editorsOnBothInstances();

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
      second.url,
      'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }',
      { p: patient.id },
      await signInAs(second.url, world.users.fcp),
    );
    expect(stored.data?.carePlan.view.whatMatters).toBe(coach.text().toString());
  });

  it('stores an edit again when the other instance wrote the plan between its read and its store: both kept, each once', async () => {
    const { patient, coach, physio } = await editorsOnBothInstances();
    coach.text().insert(0, 'Pace the walks.');
    await coach.settled();
    await physio.until(() => physio.text().toString() === 'Pace the walks.', 'the first edit on the other instance');

    // Both instances read the plan, then wait to store it behind a lock held here; the first to get it
    // writes, and the other finds the plan moved on: its statement undoes itself and it reads again.
    const holder = new pg.Client({ connectionString: inject('databaseUrl') });
    await holder.connect();
    const waiting = async (n: number) => {
      for (let i = 0; i < 500; i++) {
        const { rows } = await holder.query<{ n: number }>("select count(*)::int as n from pg_locks where not granted and locktype in ('tuple', 'transactionid')");
        if (rows[0].n >= n) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`${n} stores never waited for the plan`);
    };
    try {
      await holder.query('begin');
      await holder.query('select 1 from care_plan where patient_id = $1 for update', [patient.id]);
      coach.text().insert(coach.text().length, ' Coach: rest days.');
      await waiting(1);
      physio.text().insert(0, 'Physio: stretch first. ');
      await waiting(2);
      await holder.query('commit');
      await Promise.all([coach.settled(), physio.settled()]);
    } finally {
      await holder.end();
    }
    await coach.until(() => coach.text().toString() === physio.text().toString(), 'convergence');
    expect(coach.text().toString()).toBe('Physio: stretch first. Pace the walks. Coach: rest days.');
    const acked = [...coach.acks, ...physio.acks].filter((ack) => !ack.duplicate);
    expect(acked).toHaveLength(3);
    const stored = await a().orm.em.fork().getConnection().execute<Array<{ seqs: string[]; last_seq: string }>>(
      'select array(select seq::text from care_plan_update where patient_id = ? order by seq) as seqs, (select last_seq::text from care_plan where patient_id = ?) as last_seq',
      [patient.id, patient.id],
    );
    // One row per acknowledged edit (none left by the statement that undid itself), the plan at the newest.
    expect(stored[0].seqs).toEqual(acked.map((ack) => String(ack.seq)).sort((x, y) => Number(x) - Number(y)));
    expect(stored[0].last_seq).toBe(stored[0].seqs[stored[0].seqs.length - 1]);
  });
});
