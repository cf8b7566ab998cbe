import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const POST = 'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }';
const READ = 'query($id: ID!) { handover(id: $id) { id summary } }';
const ACK = 'mutation($id: ID!) { acknowledgeHandover(handoverId: $id) { id } }';
const ADDENDUM = 'mutation($id: ID!) { addHandoverAddendum(handoverId: $id, body: "More") { id } }';

describe('handover notes outside your reach', () => {
  const server = useTestServer();

  it('answer an id on a hidden patient exactly as an id that does not exist, and audit both', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const posted = await gql<{ postHandover: { id: string } }>(
      server().url,
      POST,
      { input: { patientId: patient.id, summary: 'Flare plan', advice: 'Heat and pacing.', urgency: 'ROUTINE', actions: [] } },
      await signInAs(server().url, world.users.coach),
    );
    expect(posted.errors).toBeUndefined();
    const outsider = await signInAs(server().url, world.users.outsider);
    const missing = randomUUID();
    for (const query of [READ, ACK, ADDENDUM]) {
      const hidden = await gql(server().url, query, { id: posted.data!.postHandover.id }, outsider);
      const absent = await gql(server().url, query, { id: missing }, outsider);
      expect([errorCode(hidden), errorCode(absent)]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      expect(hidden.errors?.[0].message).toBe(absent.errors?.[0].message);
      expect(hidden.errors?.[0].message).toBe('No such handover note, or you do not have access to it.');
    }
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.outsider.id]);
    expect(denials).toHaveLength(6);
    expect(denials.filter((d) => d.detail?.handoverId === missing)).toHaveLength(3);
  });
});
