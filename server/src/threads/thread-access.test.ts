import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const START = 'mutation($input: StartThreadInput!) { startThread(input: $input) { id posts { id } } }';
const THREAD = 'query($t: ID!) { thread(id: $t) { id title } }';
const REPLY = 'mutation($t: ID!) { replyToThread(threadId: $t, body: "Me too") { id } }';
const EDIT = 'mutation($p: ID!) { editThreadPost(postId: $p, body: "Rewritten") { id body } }';

describe('discussions and posts outside your reach', () => {
  const server = useTestServer();

  it('answer an id on a hidden patient exactly as an id that does not exist, and audit both', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const started = await gql<{ startThread: { id: string; posts: Array<{ id: string }> } }>(
      server().url,
      START,
      { input: { patientId: patient.id, title: 'Sleep', body: 'How is sleep going?' } },
      await signInAs(server().url, world.users.coach),
    );
    const thread = started.data!.startThread;
    const outsider = await signInAs(server().url, world.users.outsider);
    const missing = randomUUID();
    const cases: Array<[string, string, string, string]> = [
      ['thread', THREAD, 't', 'discussion'],
      ['replyToThread', REPLY, 't', 'discussion'],
      ['editThreadPost', EDIT, 'p', 'post'],
    ];
    for (const [name, query, variable, noun] of cases) {
      const existing = variable === 'p' ? thread.posts[0].id : thread.id;
      const hidden = await gql(server().url, query, { [variable]: existing }, outsider);
      const absent = await gql(server().url, query, { [variable]: missing }, outsider);
      expect([errorCode(hidden), errorCode(absent)], name).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      expect(hidden.errors?.[0].message, name).toBe(absent.errors?.[0].message);
      expect(hidden.errors?.[0].message, name).toBe(`No such ${noun}, or you do not have access to it.`);
    }
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.outsider.id]);
    expect(denials).toHaveLength(6);
    expect(denials.filter((d) => d.detail?.threadId === missing || d.detail?.postId === missing)).toHaveLength(3);
  });

  it("refuses to edit another author's post, and audits the refusal", async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const started = await gql<{ startThread: { id: string; posts: Array<{ id: string }> } }>(
      server().url,
      START,
      { input: { patientId: patient.id, title: 'Pacing', body: 'Original words' } },
      await signInAs(server().url, world.users.coach),
    );
    const postId = started.data!.startThread.posts[0].id;
    const res = await gql(server().url, EDIT, { p: postId }, await signInAs(server().url, world.users.fcp));
    expect(errorCode(res)).toBe('FORBIDDEN');
    const [denial] = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED'", [world.users.fcp.id]);
    expect(denial).toMatchObject({ action: 'thread.edit', patient_id: patient.id, detail: { postId, reason: 'not the author' } });
    const [post] = await server().orm.em.fork().getConnection().execute('select body from thread_post where id = ?', [postId]);
    expect(post.body).toBe('Original words');
  });
});
