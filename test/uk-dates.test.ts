import { describe, expect, it } from 'vitest';
import { formatUkDayOf, instantOf, ukClockOf } from '../web/src/platform/dates.js';

describe('dates typed in the web app are UK dates and times, whatever the computer’s zone', () => {
  it('reads a typed day and time as UK time, in winter and in summer', () => {
    expect(instantOf('2027-01-14', '10:00')?.toISOString()).toBe('2027-01-14T10:00:00.000Z');
    expect(instantOf('2027-07-14', '10:00')?.toISOString()).toBe('2027-07-14T09:00:00.000Z');
    expect(ukClockOf(new Date('2027-07-14T09:00:00Z'))).toBe('10:00');
  });

  it('takes a time the clocks skip as the hour after, and a time they repeat as the second (GMT) one', () => {
    // 28 March 2027: 01:00 GMT becomes 02:00 BST, so 01:30 never happens; 31 October: 01:00–02:00 happens twice.
    expect(instantOf('2027-03-28', '01:30')?.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(instantOf('2027-10-31', '01:30')?.toISOString()).toBe('2027-10-31T01:30:00.000Z');
    expect(instantOf('2027-10-31', '00:30')?.toISOString()).toBe('2027-10-30T23:30:00.000Z');
  });

  it('answers null for what is not a day and a time', () => {
    for (const [day, time] of [['2027-02-31', '10:00'], ['2027-07-14', '10:75'], ['2027-07-14', '24:00'], ['14/07/2027', '10:00'], ['2027-07-14', '']]) {
      expect(instantOf(day!, time!), `${day} ${time}`).toBeNull();
    }
  });

  it('says which UK day an instant fell on: half past midnight in summer is already the next day', () => {
    expect(formatUkDayOf('2026-06-02T23:30:00Z')).toBe('3 June 2026');
    expect(formatUkDayOf('2026-12-02T23:30:00Z')).toBe('2 December 2026');
    expect(formatUkDayOf('not a time')).toBe('not a time');
  });
});
