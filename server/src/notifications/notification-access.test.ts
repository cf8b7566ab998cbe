import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

describe("another user's notification", () => {
  const server = useTestServer();

  it('cannot be marked read by someone else; the attempt is audited and the notification stays unread', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp } = world.users;
    const patient = await world.patient([coach, gp]);
    const coachToken = await signInAs(server().url, coach);
    const started = await gql(
      server().url,
      'mutation($input: StartThreadInput!) { startThread(input: $input) { id } }',
      { input: { patientId: patient.id, title: 'Review', body: 'Please look', mentions: [gp.id] } },
      coachToken,
    );
    expect(started.errors).toBeUndefined();
    const [notification] = await server().orm.em.fork().getConnection().execute<Array<{ id: string }>>('select id from notification where recipient_id = ?', [gp.id]);
    const res = await gql(server().url, 'mutation($id: ID!) { markNotificationRead(id: $id) { id } }', { id: notification.id }, coachToken);
    expect(errorCode(res)).toBe('NOT_FOUND');
    const [denial] = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [coach.id]);
    expect(denial).toMatchObject({ action: 'notification.read', detail: { notificationId: notification.id } });
    const [row] = await server().orm.em.fork().getConnection().execute('select read_at from notification where id = ?', [notification.id]);
    expect(row.read_at).toBeNull();
  });
});
