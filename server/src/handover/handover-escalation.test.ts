import type { EscalationTimings } from '@cairn/schema/handover-urgency';
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { escalateDueHandovers, escalationDueAt } from './handover-escalation.js';

const ESCALATED = '{ escalatedHandovers { id urgency escalationOpen } }';

// Ten working days always span at least twelve calendar days (two weekends), so a SOON note posted ten
// calendar days and an hour ago is past the sweep's calendar bound yet not due, whatever day the test runs.
const timings: EscalationTimings = { urgentEscalationSeconds: 3600, soonEscalationWorkingDays: 10 };
const BACKLOG = 120; // more than one sweep's batch

describe('the escalation sweep with a backlog of notes not yet due', () => {
  // Its own database, and a server that never sweeps by itself: the one sweep below is the test's, and it
  // sees only this file's notes (on the shared database, other files' overdue notes would share its batch).
  const server = useTestServer({
    databaseUrl: useOwnDatabase('handover_backlog'),
    escalationSweepMs: 3_600_000,
    handoverUrgentEscalationSeconds: timings.urgentEscalationSeconds,
    handoverSoonEscalationWorkingDays: timings.soonEscalationWorkingDays,
  });
  const sql = <T>(text: string, params: unknown[] = []) => server().orm.em.fork().getConnection().execute<T[]>(text, params);

  it('escalates a due URGENT note in one sweep however many older SOON notes wait past the calendar bound but inside their working days', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const soon = await sql<{ id: string; ms: number }>(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
       select gen_random_uuid(), ?, ?, 'Pain clinic', 'Review the taper this week', 'Advice', 'SOON', now() - make_interval(secs => 10 * 86400 + 3600 + g)
         from generate_series(1, ?) g
       returning id, (extract(epoch from created_at) * 1000)::float8 as ms`,
      [patient.id, world.users.specialist.id, BACKLOG],
    );
    const [urgent] = await sql<{ id: string }>(
      `insert into handover_note (id, patient_id, author_id, source_service, summary, advice, urgency, created_at)
       values (gen_random_uuid(), ?, ?, 'Pain clinic', 'New numbness: same-day GP review', 'Rule out cauda equina today.', 'URGENT', now() - make_interval(secs => 2 * 3600)) returning id`,
      [patient.id, world.users.specialist.id],
    );
    // The premise: every SOON note is older than the URGENT one and not yet due by the rules the hints state.
    for (const note of soon) expect(escalationDueAt('SOON', new Date(note.ms), timings)!.getTime()).toBeGreaterThan(Date.now());

    await escalateDueHandovers(server().orm.em.fork(), timings);

    const escalated = await sql<{ id: string }>('select id from handover_note where patient_id = ? and escalated_at is not null', [patient.id]);
    expect(escalated).toEqual([{ id: urgent.id }]);
    const seen = await gql<{ escalatedHandovers: Array<{ id: string; urgency: string; escalationOpen: boolean }> }>(server().url, ESCALATED, {}, await signInAs(server().url, world.users.lead));
    expect(seen.data?.escalatedHandovers).toEqual([{ id: urgent.id, urgency: 'URGENT', escalationOpen: true }]);
  });
});
