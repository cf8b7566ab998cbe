import { describe, expect, it } from 'vitest';
import { auditRows, auditRowsEventually } from '../test-support/audit-rows.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { rawGraphqlWs } from '../test-support/raw-ws.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { SocketClose } from './socket-registry.js';

const START_THREAD = 'mutation($input: StartThreadInput!) { startThread(input: $input) { id } }';
const READ_PATIENT = 'query($id: ID!) { patient(id: $id) { id name } }';

describe('a signed-out socket that ignores the close frame', () => {
  const server = useTestServer();

  it('is refused every operation after sign-out, each refusal audited, and is terminated within seconds', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const raw = await rawGraphqlWs(server().wsUrl, token);
    try {
      raw.send({ id: 'before', type: 'subscribe', payload: { query: READ_PATIENT, variables: { id: patient.id } } });
      expect((await raw.next('next', 'before')).payload).toEqual({ data: { patient: { id: patient.id, name: `Pat Test ${world.tag}` } } });

      expect((await gql(server().url, 'mutation { signOut }', {}, token)).data).toEqual({ signOut: true });
      const [signedOut] = await auditRows(server().orm, "actor_id = ? and action = 'auth.signOut'", [world.users.coach.id]);
      expect(await raw.closeFrame).toBe(SocketClose.Forbidden);
      const closeFrameAt = Date.now();

      // The client does not answer the close frame and goes on as the signed-out session.
      const title = `After sign-out ${world.tag}`;
      const sent = 6;
      for (let i = 0; i < sent / 2; i++) {
        raw.send({ id: `thread-${i}`, type: 'subscribe', payload: { query: START_THREAD, variables: { input: { patientId: patient.id, title, body: 'Still here?' } } } });
        raw.send({ id: `read-${i}`, type: 'subscribe', payload: { query: READ_PATIENT, variables: { id: patient.id } } });
      }
      const ended = await Promise.race([raw.ended.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
      expect(ended, 'the server terminates a socket that does not complete the close').toBe(true);
      expect(Date.now() - closeFrameAt).toBeLessThan(3000);

      const after = await auditRowsEventually(server().orm, 'actor_id = ? and id > ?', [world.users.coach.id, signedOut.id], (rows) => rows.length >= sent);
      expect(after.filter((r) => r.outcome !== 'DENIED')).toEqual([]);
      expect(after).toHaveLength(sent);
      expect(after.every((r) => r.action === 'socket.operation' && r.detail?.reason === 'session ended')).toBe(true);
      expect(after.map((r) => r.detail?.operation).sort()).toEqual([...Array(sent / 2).fill('patient'), ...Array(sent / 2).fill('startThread')]);
      const threads = await server().orm.em.fork().getConnection().execute('select id from thread where patient_id = ? and title = ?', [patient.id, title]);
      expect(threads).toEqual([]);
    } finally {
      raw.destroy();
    }
  });
});
