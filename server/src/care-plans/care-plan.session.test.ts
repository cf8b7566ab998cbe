import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/session-token.js';
import { SocketClose } from '../auth/socket-registry.js';
import { runSql, sql } from '../platform/sql.js';
import { auditRowsEventually } from '../test-support/audit-rows.js';
import { APPLY, b64, typistAt } from '../test-support/care-plan-editor.js';
import { useTestServer } from '../test-support/harness.js';
import { rawGraphqlWs, type RawSocket } from '../test-support/raw-ws.js';
import { makeWorld, signInAs } from '../test-support/world.js';

/**
 * An edit sent on a socket is admitted without reading its session: the statement that stores it reads the
 * session instead, and an edit answered without being stored reads it first. Sessions here are revoked
 * straight in the database, as another instance's sign-out does, and the periodic sweep that would close
 * their sockets is slowed right down, so the edits reach the store.
 */
describe('care-plan edits from a session that has ended', () => {
  const server = useTestServer({ sessionSweepMs: 600_000 });
  const store = () => server().running.services.carePlans;

  async function planWithTwoEditors() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    /** A person's own copy of the plan as stored now (see `typistAt`), its edits as base64 updates. */
    const typist = async () => {
      const type = typistAt((await store().read(patient.id)).state);
      return (text: string) => b64(type(text));
    };
    const typed = await typist();
    /** Sends an edit as operation `id`, under clientUpdateId `clientUpdateId` (the same, unless given). */
    const edit = (socket: RawSocket, id: string, update: string, clientUpdateId = id) =>
      socket.send({ id, type: 'subscribe', payload: { query: APPLY, variables: { p: patient.id, u: update, c: clientUpdateId } } });
    const stored = async () =>
      (await runSql<{ client_update_id: string }>(server().orm.em.fork(), sql`select client_update_id from care_plan_update where patient_id = ${patient.id} order by seq`)).map(
        (r) => r.client_update_id,
      );
    const revoke = (token: string) => server().orm.em.fork().getConnection().execute('update session set revoked_at = now() where token_hash = ?', [hashToken(token)]);
    return { world, patient, typed, typist, edit, stored, revoke };
  }

  /** Within 10 s, or the test fails saying what the socket received. */
  function soon<T>(socket: RawSocket, what: string, promise: Promise<T>): Promise<T> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not come: ${JSON.stringify(socket.received)}`)), 10_000));
    return Promise.race([promise, timeout]);
  }

  /** The result of operation `id` (a refused operation gets none: its socket is closed first). */
  const resultOf = (socket: RawSocket, id: string) => soon(socket, `the result of ${id}`, socket.next('next', id));
  const closed = (socket: RawSocket) => soon(socket, 'the close frame', socket.closeFrame);
  const deniedOf = async (userId: string) =>
    (await auditRowsEventually(server().orm, "actor_id = ? and action = 'socket.operation'", [userId], (rows) => rows.length >= 1)).map((r) => [r.outcome, r.detail?.reason, r.detail?.operation]);

  it("is refused when its group stores it, stored nowhere and audited, closes the session's sockets, and a colleague's edit in the same group is stored", async () => {
    const { world, typed, typist, edit, stored, revoke } = await planWithTwoEditors();
    const coachToken = await signInAs(server().url, world.users.coach);
    const coach = await rawGraphqlWs(server().wsUrl, coachToken);
    const fcp = await rawGraphqlWs(server().wsUrl, await signInAs(server().url, world.users.fcp));
    try {
      edit(coach, 'coach-1', typed('Walk'));
      await resultOf(coach, 'coach-1');
      await revoke(coachToken);
      const before = { ...store().groupCounts };
      const fcpTyped = await typist();

      // Sent together, so both edits join one group, whose store finds the coach's session ended.
      edit(coach, 'coach-2', typed(' to the shop'));
      edit(fcp, 'fcp-1', fcpTyped(' with my daughter'));
      expect((await resultOf(fcp, 'fcp-1')).payload).toMatchObject({ data: { applyCarePlanUpdate: { clientUpdateId: 'fcp-1', duplicate: false } } });
      expect(await closed(coach)).toBe(SocketClose.Forbidden);
      expect(store().groupCounts.sessionsEnded - before.sessionsEnded).toBe(1);
      expect(coach.received.filter((m) => m.id === 'coach-2')).toEqual([]);
      expect(await stored()).toEqual(['coach-1', 'fcp-1']);
      expect(await deniedOf(world.users.coach.id)).toEqual([['DENIED', 'session ended', 'applyCarePlanUpdate']]);
    } finally {
      coach.destroy();
      fcp.destroy();
    }
  });

  it('is not told an edit it sent before was stored: a resent edit is refused, not answered as a repeat', async () => {
    const { world, typed, edit, stored, revoke } = await planWithTwoEditors();
    const token = await signInAs(server().url, world.users.coach);
    const coach = await rawGraphqlWs(server().wsUrl, token);
    try {
      const update = typed('Swim on Fridays');
      edit(coach, 'swim', update);
      await resultOf(coach, 'swim');
      await revoke(token);

      edit(coach, 'swim-again', update, 'swim');
      expect(await closed(coach)).toBe(SocketClose.Forbidden);
      expect(coach.received.filter((m) => m.id === 'swim-again')).toEqual([]);
      expect(await deniedOf(world.users.coach.id)).toEqual([['DENIED', 'session ended', 'applyCarePlanUpdate']]);
      expect(await stored()).toEqual(['swim']);
    } finally {
      coach.destroy();
    }
  });

  it('is read at admission for an operation that does more than one edit, as for any other operation', async () => {
    const { world, patient, typed, stored, revoke } = await planWithTwoEditors();
    const token = await signInAs(server().url, world.users.coach);
    const coach = await rawGraphqlWs(server().wsUrl, token);
    try {
      await revoke(token);
      const before = { ...store().groupCounts };
      const twice = `mutation($p: ID!, $u: String!, $v: String!) {
        a: applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: "twice-a") { seq }
        b: applyCarePlanUpdate(patientId: $p, update: $v, clientUpdateId: "twice-b") { seq } }`;
      coach.send({ id: 'twice', type: 'subscribe', payload: { query: twice, variables: { p: patient.id, u: typed('One'), v: typed(' two') } } });
      expect(await closed(coach)).toBe(SocketClose.Forbidden);
      expect(await deniedOf(world.users.coach.id)).toEqual([['DENIED', 'session ended', 'applyCarePlanUpdate']]);
      expect(store().groupCounts).toEqual(before); // refused at admission: no group stored or tried it
      expect(await stored()).toEqual([]);
    } finally {
      coach.destroy();
    }
  });
});
