import { describe, expect, it } from 'vitest';
import { ageAt, requireDateOfBirth } from './date-of-birth.js';

// 23:30 UTC on 30 June is 00:30 on 1 July in the UK (BST): the UK day has begun, the UTC day has not.
const ukJustAfterMidnight = new Date('2026-06-30T23:30:00Z');

describe('a date of birth, on the UK calendar', () => {
  it('accepts a baby born on the UK day that has just begun, though the UTC day is still the one before', () => {
    expect(requireDateOfBirth('2026-07-01', ukJustAfterMidnight)).toBe('2026-07-01');
  });

  it('refuses the UK day after, as in the future, naming the field', () => {
    expect(() => requireDateOfBirth('2026-07-02', ukJustAfterMidnight)).toThrow(expect.objectContaining({ field: 'dateOfBirth', message: 'The date of birth cannot be in the future.' }));
  });

  it('refuses a date before 1900 and one that is not a date', () => {
    expect(() => requireDateOfBirth('1899-12-31', ukJustAfterMidnight)).toThrow(expect.objectContaining({ field: 'dateOfBirth' }));
    expect(() => requireDateOfBirth('31/12/1950', ukJustAfterMidnight)).toThrow(expect.objectContaining({ field: 'dateOfBirth' }));
  });

  it('says what a person can do about a date that is not one: a five-digit year from a date picker, or 30 February', () => {
    for (const value of ['22030-05-17', '2026-02-30']) {
      expect(() => requireDateOfBirth(value, ukJustAfterMidnight)).toThrow(expect.objectContaining({ field: 'dateOfBirth', message: 'Date of birth must be a real date, not in the future.' }));
    }
  });

  it('counts a birthday from UK midnight', () => {
    expect(ageAt('1990-07-01', ukJustAfterMidnight)).toBe(36);
    expect(ageAt('1990-07-01', new Date('2026-06-30T22:30:00Z'))).toBe(35); // 23:30 on 30 June in the UK
    expect(ageAt('1990-07-01', new Date('2026-12-31T23:30:00Z'))).toBe(36); // GMT: the UK and UTC days agree
  });
});
