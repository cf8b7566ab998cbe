import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { APPLY, b64 } from '../../test-support/care-plan-editor.js';
import { errorCode, gql, useTestServer } from '../../test-support/harness.js';
import { makeWorld, signInAs } from '../../test-support/world.js';
import { createCarePlanDoc, initialCarePlanUpdate } from '../care-plan.doc.js';
import { runSql, sql } from '../../platform/sql.js';
import { bindStoredClients } from './0012-care-plan-clients.js';

describe('binding the client ids of care-plan updates stored before bindings existed', () => {
  const server = useTestServer();

  it('binds each client id to the first user who wrote with it, and the server then refuses it to anyone else', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    const em = server().orm.em.fork();

    // A log as an earlier Cairn stored it, with no bindings: the coach writes as client 5001, then the
    // physio sends the whole state (the coach's structs too) with an edit of its own as client 5002.
    const coachDoc = createCarePlanDoc();
    coachDoc.clientID = 5001;
    const fromInitial = Y.encodeStateVector(coachDoc);
    coachDoc.getText('whatMatters').insert(0, 'Walk');
    const coachUpdate = Y.encodeStateAsUpdate(coachDoc, fromInitial);
    const fcpDoc = createCarePlanDoc(initialCarePlanUpdate, coachUpdate);
    fcpDoc.clientID = 5002;
    fcpDoc.getText('medication').insert(0, 'Naproxen');
    const fcpUpdate = Y.encodeStateAsUpdate(fcpDoc);
    await runSql(em, sql`insert into care_plan (patient_id, snapshot, view) values (${patient.id}, ${Buffer.from(initialCarePlanUpdate)}, '{}')`);
    for (const [actor, update] of [
      [coach, coachUpdate],
      [fcp, fcpUpdate],
    ] as const) {
      await runSql(em, sql`insert into care_plan_update (patient_id, update, actor_id, client_update_id) values (${patient.id}, ${Buffer.from(update)}, ${actor.id}, ${randomUUID()})`);
    }
    await runSql(em, sql`update care_plan set last_seq = (select max(seq) from care_plan_update where patient_id = ${patient.id}) where patient_id = ${patient.id}`);

    await bindStoredClients((query, params) => em.getConnection().execute(query, params));
    await bindStoredClients((query, params) => em.getConnection().execute(query, params)); // again: nothing changes
    const bound = await runSql<{ client_id: string; user_id: string }>(em, sql`select client_id, user_id from care_plan_client where patient_id = ${patient.id} order by client_id`);
    expect(bound.map((b) => [Number(b.client_id), b.user_id])).toEqual([
      [5001, coach.id],
      [5002, fcp.id],
    ]);

    // The physio may not write as the coach's client; the coach may.
    const [coachToken, fcpToken] = [await signInAs(server().url, coach), await signInAs(server().url, fcp)];
    const asCoachClient = (edit: (d: Y.Doc) => void) => {
      const d = createCarePlanDoc(coachUpdate, fcpUpdate);
      d.clientID = 5001;
      const sv = Y.encodeStateVector(d);
      edit(d);
      return b64(Y.encodeStateAsUpdate(d, sv));
    };
    const claim = await gql(server().url, APPLY, { p: patient.id, u: asCoachClient((d) => d.getText('whatMatters').insert(4, ' (not me)')), c: `claim-${randomUUID()}` }, fcpToken);
    expect(errorCode(claim)).toBe('BAD_USER_INPUT');
    const own = await gql(server().url, APPLY, { p: patient.id, u: asCoachClient((d) => d.getText('whatMatters').insert(4, ' daily')), c: `own-${randomUUID()}` }, coachToken);
    expect(errorCode(own)).toBeUndefined();
    const plan = await gql<{ carePlan: { view: { whatMatters: string; medication: string } } }>(
      server().url,
      'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters medication } } }',
      { p: patient.id },
      coachToken,
    );
    expect(plan.data?.carePlan.view).toEqual({ whatMatters: 'Walk daily', medication: 'Naproxen' });
  });
});
