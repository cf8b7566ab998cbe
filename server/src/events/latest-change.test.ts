import { describe, expect, it } from 'vitest';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const LATEST = '{ latestChangeSeq }';
const POST = 'mutation($i: PostHandoverInput!) { postHandover(input: $i) { id } }';

describe('the latest change among the patients one may open', () => {
  const server = useTestServer();

  it('moves with an event of a patient one may open, not with one of a patient one may not, and is not recorded as a read', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const { coach, gp } = world.users;
    const mine = await world.patient([coach]);
    const notMine = await world.patient([gp]);
    const url = server().url;
    const [coachToken, gpToken] = [await signInAs(url, coach), await signInAs(url, gp)];
    const latest = async (token: string) => (await gql<{ latestChangeSeq: string }>(url, LATEST, {}, token)).data!.latestChangeSeq;
    const auditedBy = async (userId: string) =>
      Number((await server().orm.em.fork().getConnection().execute<Array<{ n: string }>>('select count(*) as n from audit_entry where actor_id = ?', [userId]))[0].n);

    const before = await latest(coachToken);
    const entries = await auditedBy(coach.id);
    // The GP posts about a patient the coach may not open: nothing the coach can see has changed.
    expect((await gql(url, POST, { i: { patientId: notMine.id, summary: 'Not for the coach', advice: 'None', urgency: 'ROUTINE' } }, gpToken)).errors).toBeUndefined();
    expect(await latest(coachToken)).toBe(before);
    // The coach's own patient: it moves, to the seq of that patient's newest event.
    expect((await gql(url, POST, { i: { patientId: mine.id, summary: 'For the coach', advice: 'Some', urgency: 'ROUTINE' } }, coachToken)).errors).toBeUndefined();
    const [newest] = await server().orm.em.fork().getConnection().execute<Array<{ seq: string }>>('select max(seq) as seq from event where patient_id = ? and recipient_id is null', [mine.id]);
    expect(await latest(coachToken)).toBe(String(newest.seq));
    expect(BigInt(await latest(coachToken))).toBeGreaterThan(BigInt(before));
    // Asked of other kinds only, the post is not a change.
    const ofKinds = async (kinds: string[]) => gql<{ latestChangeSeq: string }>(url, 'query($k: [EventKind!]) { latestChangeSeq(kinds: $k) }', { k: kinds }, coachToken);
    expect((await ofKinds(['HANDOVER_POSTED'])).data!.latestChangeSeq).toBe(String(newest.seq));
    expect(BigInt((await ofKinds(['THREAD_STARTED', 'SESSION_BOOKED'])).data!.latestChangeSeq)).toBeLessThan(BigInt(newest.seq));
    expect(errorCode(await ofKinds([]))).toBe('BAD_USER_INPUT');
    // Asking names no patient: the coach's trail has only their own post's entries since.
    const posted = (await auditedBy(coach.id)) - entries;
    await latest(coachToken);
    await latest(coachToken);
    expect((await auditedBy(coach.id)) - entries).toBe(posted);
  });

  it('is asked only when signed in', async () => {
    expect(errorCode(await gql(server().url, LATEST, {}))).toBe('UNAUTHENTICATED');
  });
});
