import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDateTime as formatWhen, timeAgo } from '../web/src/notifications/when.js';
import { formatDateTime, formatUkDayOf, instantOf, ukClockOf } from '../web/src/platform/dates.js';

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

describe('instants shown in the web app', () => {
  it('writes an instant in UK time to the minute, and to the second only where asked, with one formatter for every screen', () => {
    expect(formatDateTime('2026-07-14T09:41:07Z')).toBe('14 Jul 2026, 10:41');
    expect(formatDateTime('2026-12-03T09:41:07Z', { seconds: true })).toBe('3 Dec 2026, 09:41:07');
    expect(formatDateTime('not a time')).toBe('not a time');
    expect(formatWhen).toBe(formatDateTime);
  });

  it('names the zone of every date formatter in the web app and the shared words: none follows the computer’s own', () => {
    // The plan's history once wrote its times in the computer's zone: an hour out from every other time on a
    // laptop left on UTC in summer, and so out of order with the timeline beside it.
    const root = path.resolve(import.meta.dirname, '..');
    const sources = ['web/src', 'schema/src'].flatMap((dir) => fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(dir, f)));
    const unzoned = sources.flatMap((file) =>
      [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/new Intl\.DateTimeFormat\([^;]*?\)/gs)].filter((m) => !/timeZone:/.test(m[0])).map(() => file),
    );
    expect(sources.length).toBeGreaterThan(100);
    expect(unzoned).toEqual([]);
  });

  it('says “just now” for a time up to two minutes ahead of this computer’s clock, as a server’s clock may be', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const at = (ms: number) => new Date(now + ms).toISOString();
    for (const ahead of [30_000, 60_000, 90_000, 120_000]) expect(timeAgo(at(ahead), now), `${ahead} ms ahead`).toBe('just now');
    expect(timeAgo(at(10 * 60_000), now)).toBe('in 10 minutes');
    expect(timeAgo(at(-30_000), now)).toBe('just now');
    expect(timeAgo(at(-60_000), now)).toBe('1 minute ago');
    expect(timeAgo(at(-3 * 3_600_000), now)).toBe('3 hours ago');
  });
});
