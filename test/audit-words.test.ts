import { describe, expect, it } from 'vitest';
import { auditActions } from '../server/src/audit/audit-actions.js';
import { actionChoices, actionWords, detailLine } from '../schema/src/audit-words.js';

describe('the audit view says what happened in words', () => {
  it('has words for every action the server records', () => {
    expect(auditActions.filter((action) => actionWords(action) === undefined)).toEqual([]);
  });

  it('offers every action the server records as an Action filter choice, whose value is the code the server filters by', () => {
    expect(actionChoices.map((c) => c.action).sort()).toEqual([...auditActions].sort());
    expect(actionChoices.find((c) => c.action === 'coach.diary')?.words).toBe("Opened a coach's diary");
  });

  it('names the people and the patient a detail gives by id, and shortens any other id', () => {
    const coach = '4fc100b2-5e1a-4c4d-9d7e-2a0c6f1b9e11';
    const lead = '0a6f7c55-1111-4a4a-8b8b-3c3c3c3c3c3c';
    const handover = 'b7e2d9a0-2222-4b4b-9c9c-4d4d4d4d4d4d';
    const line = detailLine(
      { coachId: coach, userId: lead, handoverId: handover, sessionsPerWeek: 12, filter: { action: 'patient.read', nhsNumber: 'given' } },
      { actorId: lead, actorName: 'Lena Lead', people: [{ id: coach, name: 'Cora Coach' }] },
    );
    expect(line).toBe("Coach: Cora Coach · User: Lena Lead · Handover note: ref. b7e2d9a0 · Sessions per week: 12 · Filter: action Opened a patient's record, NHS number given");
    expect(line).not.toContain(coach);
  });

  it('says a refused sign-in was only tried, and how a request reached Cairn', () => {
    expect(actionWords('auth.signIn')).toBe('Signed in');
    expect(actionWords('auth.signIn', 'DENIED')).toBe('Tried to sign in');
    expect(actionWords('patient.read', 'DENIED')).toBe("Opened a patient's record");
    expect(actionChoices.find((c) => c.action === 'auth.signIn')?.words).toBe('Signed in, or tried to');
    expect(detailLine({ reason: 'no relationship', transport: 'ws' })).toBe('Reason: no relationship · Through: the live connection');
    expect(detailLine({ transport: 'http' })).toBe('Through: a page or request');
  });

  it('gives the times and days a detail holds in UK time, as the rest of the view does', () => {
    // 14:30 UTC on a summer day is 15:30 in the UK; a winter one is the same hour.
    expect(detailLine({ startsAt: '2026-07-01T14:30:00.000Z', endsAt: '2026-12-01T09:05:00Z', from: '2026-03-04' })).toBe(
      'Starts at: 1 Jul 2026, 15:30 · Ends at: 1 Dec 2026, 09:05 · From: 4 Mar 2026',
    );
    expect(detailLine({ reason: '2026-13-45 is not a day', note: '2026-02-30' })).toBe('Reason: 2026-13-45 is not a day · Note: 2026-02-30');
  });
});
