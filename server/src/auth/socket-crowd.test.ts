import { describe, expect, it } from 'vitest';
import { auditRows, auditRowsEventually } from '../test-support/audit-rows.js';
import { useTestServer, wsConnect, wsRequest, type TestSocket } from '../test-support/harness.js';
import { liveStream } from '../test-support/live.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { hashToken } from './session-token.js';
import { SocketClose } from './socket-registry.js';

const READ_PATIENT = 'query($id: ID!) { patient(id: $id) { id } }';
const PATIENT_EVENTS = 'subscription($p: ID!) { patientEvents(patientId: $p) { seq } }';

/**
 * Many sockets connecting and operating at once share their session reads, access reads and audit
 * inserts (a reconnect storm after a restart); each still gets its own check and its own audit entry.
 */
describe('a crowd of sockets at once', () => {
  const server = useTestServer({ maxSocketsPerSession: 100 });

  it('authenticates every connect, refuses a bad token, and sets up and audits every subscription', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.gp]);
    const tokens = [await signInAs(server().url, world.users.coach), await signInAs(server().url, world.users.gp)];
    const before = server().running.services.sockets.openCount;
    const n = 30;
    const sockets: TestSocket[] = Array.from({ length: n }, (_, i) => wsConnect(server().wsUrl, tokens[i % 2]));
    const impostor = wsConnect(server().wsUrl, 'not-a-session-token');
    const outsider = wsConnect(server().wsUrl, await signInAs(server().url, world.users.outsider));
    try {
      await Promise.all(sockets.map((s) => s.connected));
      expect(await impostor.closed).toBe(SocketClose.Unauthorized);
      await outsider.connected;
      expect(server().running.services.sockets.openCount - before).toBe(n + 1);

      // Every subscription asks the policy at once; the outsider is refused as for a patient that does not exist.
      const streams = sockets.map((s) => liveStream<{ patientEvents: { seq: string } }>(s.client, PATIENT_EVENTS, { p: patient.id }));
      const refused = await liveStream(outsider.client, PATIENT_EVENTS, { p: patient.id }).next();
      expect('errors' in refused && refused.errors[0].extensions?.code).toBe('NOT_FOUND');
      const rows = await auditRowsEventually(server().orm, "patient_id = ? and action = 'patient.read'", [patient.id], (r) => r.length >= n + 1);
      const reads = rows.filter((r) => r.actor_id !== world.users.outsider.id);
      expect(reads).toHaveLength(n);
      expect(reads.every((r) => r.outcome === 'ALLOWED' && r.detail?.transport === 'ws')).toBe(true);
      expect(reads.filter((r) => r.actor_id === world.users.coach.id)).toHaveLength(n / 2);
      expect(new Set(reads.map((r) => r.request_id)).size).toBe(n);
      expect(rows.filter((r) => r.actor_id === world.users.outsider.id)).toMatchObject([{ outcome: 'DENIED', detail: { reason: 'no relationship' } }]);
      await Promise.all(streams.map((s) => s.stop()));
    } finally {
      await Promise.all([...sockets, impostor, outsider].map((s) => s.client.dispose()));
    }
  });

  it('refuses the second operation of a socket whose session was revoked (elsewhere) between the two, while the others go on', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const [revokedToken, keptToken] = [await signInAs(server().url, world.users.coach), await signInAs(server().url, world.users.coach)];
    const revoked = wsConnect(server().wsUrl, revokedToken);
    const others = Array.from({ length: 10 }, () => wsConnect(server().wsUrl, keptToken));
    try {
      const first = await wsRequest<{ patient: { id: string } }>(revoked.client, READ_PATIENT, { id: patient.id });
      expect(first.data?.patient.id).toBe(patient.id);

      // As another instance's sign-out does: the row only, nothing this instance is told about.
      await server().orm.em.fork().getConnection().execute('update session set revoked_at = now() where token_hash = ?', [hashToken(revokedToken)]);
      const [second, ...rest] = await Promise.all([revoked, ...others].map((s) => wsRequest<{ patient: { id: string } }>(s.client, READ_PATIENT, { id: patient.id })));
      // Refused: the socket is closed at once (4403), so the client may see the close before the error.
      expect(second.data).toBeUndefined();
      expect(rest.map((r) => r.data?.patient.id)).toEqual(others.map(() => patient.id));
      expect(await revoked.closed).toBe(SocketClose.Forbidden);
      const refusals = await auditRows(server().orm, "actor_id = ? and action = 'socket.operation'", [world.users.coach.id]);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ outcome: 'DENIED', detail: { reason: 'session ended', operation: 'patient' } });
    } finally {
      await Promise.all([revoked, ...others].map((s) => s.client.dispose()));
    }
  });
});
