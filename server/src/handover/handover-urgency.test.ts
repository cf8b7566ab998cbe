import { escalationRules, formatSeconds, handoverUrgencies, urgencyHint, type EscalationTimings, type HandoverUrgency } from '@cairn/schema/handover-urgency';
import { describe, expect, it } from 'vitest';
import { lastCommittedSeq, readEventsAfter } from '../events/event-log.js';
import { errorCode, gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { escalateDueHandovers, escalationTimings } from './handover-escalation.js';

/** What the author is told about an urgency, read back: the wait it promises before escalation, or never. */
function promisedWait(hint: string): string | null {
  if (/^Never escalated\b/.test(hint)) return null;
  const m = /^Escalated to the PCN's service lead if not acknowledged within (.+)\.$/.exec(hint);
  if (!m) throw new Error(`A hint that says neither "escalated within" nor "never escalated": ${hint}`);
  return m[1];
}

describe('handover urgency: the hints and the escalation sweep read one definition', () => {
  const server = useTestServer();
  const url = () => server().url;

  it('escalates exactly the urgencies whose hints say so, after exactly the wait the hint names', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    // Short enough to test around, distinct from the defaults so a hard-coded hint would show.
    const timings: EscalationTimings = { urgentEscalationSeconds: 5400, soonEscalationWorkingDays: 3 };
    const em = server().orm.em.fork();
    const insert = async (urgency: HandoverUrgency, secondsAgo: number) => {
      const [row] = await em.getConnection().execute<Array<{ id: string }>>(
        `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
         values (gen_random_uuid(), ?, ?, 'Pain clinic', 'Advice', 'Advice', ?, now() - make_interval(secs => ?)) returning id`,
        [patient.id, world.users.coach.id, urgency, secondsAgo],
      );
      return row.id;
    };
    // For every urgency: one posted a month ago, long past any wait, and one just inside the wait its hint names.
    const cases: Array<{ urgency: HandoverUrgency; wait: string | null; longAgo: string; justInside: string }> = [];
    for (const urgency of handoverUrgencies) {
      const wait = promisedWait(urgencyHint(urgency, timings));
      const rule = escalationRules[urgency];
      const inside = rule.escalates && rule.unit === 'seconds' ? timings.urgentEscalationSeconds - 60 : 3600;
      cases.push({ urgency, wait, longAgo: await insert(urgency, 30 * 86_400), justInside: await insert(urgency, inside) });
    }
    // The hints name the configured waits, in words.
    expect(Object.fromEntries(cases.map((c) => [c.urgency, c.wait]))).toEqual({ URGENT: formatSeconds(5400), SOON: '3 working days', ROUTINE: null });
    expect(formatSeconds(5400)).toBe('1 hour 30 minutes');

    await escalateDueHandovers(server().orm.em.fork(), timings);
    const rows = await em.getConnection().execute<Array<{ id: string; escalated: boolean }>>('select id, escalated_at is not null as escalated from handover_note where patient_id = ?', [patient.id]);
    const escalated = new Map(rows.map((r) => [r.id, r.escalated]));
    for (const c of cases) {
      expect([c.urgency, 'long ago', escalated.get(c.longAgo)]).toEqual([c.urgency, 'long ago', c.wait !== null]);
      expect([c.urgency, 'just inside the wait', escalated.get(c.justInside)]).toEqual([c.urgency, 'just inside the wait', false]);
    }
    // An URGENT handover one minute past its wait escalates: the hint's hour and a half is the server's.
    const justPast = await insert('URGENT', timings.urgentEscalationSeconds + 60);
    await escalateDueHandovers(server().orm.em.fork(), timings);
    expect((await em.getConnection().execute('select escalated_at is not null as escalated from handover_note where id = ?', [justPast]))[0]).toEqual({ escalated: true });
  });

  it('tells a signed-in client the timings this server escalates by, so its hints can be written from them', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const query = '{ handoverEscalationTimings { urgentEscalationSeconds soonEscalationWorkingDays } }';
    expect(errorCode(await gql(url(), query))).toBe('UNAUTHENTICATED');
    const res = await gql<{ handoverEscalationTimings: EscalationTimings }>(url(), query, {}, await signInAs(url(), world.users.specialist));
    expect(res.data?.handoverEscalationTimings).toEqual(escalationTimings(server().running.services.config));
    expect(res.data?.handoverEscalationTimings).toEqual({ urgentEscalationSeconds: 4 * 3600, soonEscalationWorkingDays: 2 });
  });

  it('refuses a handover posted without an urgency, writing nothing', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const before = await lastCommittedSeq(server().orm.em.fork());
    const res = await gql(
      url(),
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Taper', advice: 'Slowly.', actions: [] } },
      await signInAs(url(), world.users.coach),
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/urgency/);
    expect(await server().orm.em.fork().getConnection().execute('select count(*)::int as n from handover_note where patient_id = ?', [patient.id])).toEqual([{ n: 0 }]);
    expect(await readEventsAfter(server().orm.em.fork(), before, 100, { patientId: patient.id })).toEqual([]);
  });
});
