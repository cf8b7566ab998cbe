import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

describe("a user's organisation, wherever the user appears", () => {
  const server = useTestServer();

  it("a coach reads a linked specialist's handover with the author's organisation", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    await world.linkSpecialist(patient);
    const posted = await gql<{ postHandover: { id: string } }>(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Pacing advice', advice: 'Plan activity in short blocks.', urgency: 'ROUTINE', actions: [] } },
      await signInAs(server().url, world.users.specialist),
    );
    expect(posted.errors).toBeUndefined();
    const read = await gql<{ handover: { author: { name: string; organisation: { name: string; kind: string } } } }>(
      server().url,
      'query($id: ID!) { handover(id: $id) { author { name organisation { name kind } } } }',
      { id: posted.data!.postHandover.id },
      await signInAs(server().url, world.users.coach),
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.handover.author).toEqual({ name: world.users.specialist.name, organisation: { name: world.specialistService.name, kind: 'SPECIALIST_PAIN_SERVICE' } });
  });
});
