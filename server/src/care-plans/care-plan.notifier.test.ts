import { describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { CarePlanNotifier } from './care-plan.notifier.js';

describe("a plan's audience", () => {
  // No connection is made: listening and asking for the audience are this instance's own bookkeeping.
  const notifier = () => new CarePlanNotifier('postgres://unused', createLogger('error'));

  it('lists each listening user once, with their pairs, and is made again whenever the listeners change', () => {
    const n = notifier();
    expect(n.audience('p1')).toEqual({ users: [], pairs: [] });
    const stopA = n.listen('p1', 'user-a', () => undefined);
    n.listen('p1', 'user-a', () => undefined); // a second tab of the same user
    const first = n.audience('p1');
    expect(first).toEqual({ users: ['user-a'], pairs: [{ patientId: 'p1', userId: 'user-a' }] });
    expect(n.audience('p1')).toBe(first); // kept while nothing changes
    const stopB = n.listen('p1', 'user-b', () => undefined);
    expect(n.audience('p1').users).toEqual(['user-a', 'user-b']);
    stopB();
    expect(n.audience('p1').users).toEqual(['user-a']);
    stopA();
    expect(n.audience('p1').users).toEqual(['user-a']); // the other tab still listens
    expect(n.audience('p2').users).toEqual([]);
  });
});
