import { describe, expect, it } from 'vitest';
import { CairnError } from '../platform/errors.js';
import { parseFrequency, parsePatchInterval } from './frequency.js';

describe('reading a frequency', () => {
  it.each([
    ['once daily', 1, false],
    ['OD', 1, false],
    ['at night', 1, false],
    ['nocte', 1, false],
    ['in the morning', 1, false],
    ['twice daily', 2, false],
    ['BD', 2, false],
    ['twice a day', 2, false],
    ['TDS', 3, false],
    ['three times a day', 3, false],
    ['QDS', 4, false],
    ['4 times daily', 4, false],
    ['every 6 hours', 4, false],
    ['every 12 hours', 2, false],
    ['4-hourly', 6, false],
    ['q8h', 3, false],
    ['PRN, max 4 doses a day', 4, true],
    ['as needed up to 3 times a day', 3, true],
    ['when required, maximum 2 a day', 2, true],
    ['every 4-6 hours when required', 6, true],
    ['every 4 to 6 hours as needed, max 4 doses in 24 hours', 4, true],
    ['QDS PRN', 4, true],
  ] as const)('"%s" is %d doses a day (as needed: %s)', (text, doses, asNeeded) => {
    const f = parseFrequency(text);
    expect([f.dosesPerDay, f.asNeeded]).toEqual([doses, asNeeded]);
  });

  it('says the frequency back in its own words', () => {
    expect(parseFrequency('QDS').words).toBe('4 times a day');
    expect(parseFrequency('prn max 2 doses a day').words).toBe('as needed, at most 2 doses a day');
  });

  it.each([
    ['', /how often/],
    ['whenever', /cannot read/],
    ['every 5 hours', /cannot read/], // does not fit a day evenly
    ['every 4-6 hours', /cannot read/], // a range is only for "as needed"
    ['as needed', /no limit/],
    ['PRN max 8 tablets a day', /as doses or times/],
    ['every 6 hours as needed max 6 doses a day', /please say which/],
    ['25 times a day', /1 to 24/],
  ])('refuses "%s"', (text, message) => {
    expect(() => parseFrequency(text)).toThrow(CairnError);
    expect(() => parseFrequency(text)).toThrow(message);
  });
});

describe('reading a patch change interval', () => {
  it.each([
    ['every 72 hours', 72],
    ['change every 3 days', 72],
    ['every 96 hours', 96],
    ['every 7 days', 168],
    ['weekly', 168],
  ])('"%s" is %d hours', (text, hours) => {
    expect(parsePatchInterval(text, [72, 96, 168])).toBe(hours);
  });
  it('refuses words that are not an interval', () => {
    expect(() => parsePatchInterval('twice daily', [72])).toThrow(/patch change interval/);
  });
});
