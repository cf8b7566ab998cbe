import { describe, expect, it } from 'vitest';
import { addDays, addMonths, ageOn, ukDate, ukMidnight, ukTime, ukToday, weekStartOf } from './uk-dates.js';

describe('UK calendar days', () => {
  it("is today's UK day, not the UTC day, either side of midnight in summer and in winter", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST); 23:30 UTC on 31 December is still the 31st.
    expect(ukToday(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(ukToday(new Date('2026-06-30T22:59:00Z'))).toBe('2026-06-30');
    expect(ukToday(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    expect(ukDate(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01-01');
  });

  it('begins a UK day at 00:00 London time across the clock changes', () => {
    expect(ukMidnight('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z'); // clocks go forward at 01:00 GMT
    expect(ukMidnight('2026-03-30').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(ukMidnight('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z'); // clocks go back at 02:00 BST
    expect(ukMidnight('2026-10-26').toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect(ukTime(ukMidnight('2026-07-14'))).toBe('00:00');
  });

  it('counts whole years of age on a UK day, a birthday counting from its own day', () => {
    expect(ageOn('1970-05-17', '2026-05-16')).toBe(55);
    expect(ageOn('1970-05-17', '2026-05-17')).toBe(56);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
    expect(ageOn('2000-02-29', '2026-03-01')).toBe(26);
    // Late on the evening before a birthday in summer, the UK day is already the birthday.
    expect(ageOn('1970-07-01', ukToday(new Date('2026-06-30T23:30:00Z')))).toBe(56);
  });

  it('moves by days and by calendar months, clamping to the end of a shorter month', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonths('2028-05-31', -3)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', 12)).toBe('2027-01-15');
    expect(weekStartOf('2026-12-06')).toBe('2026-11-30'); // a Sunday's week began on the Monday before
    expect(weekStartOf('2026-11-30')).toBe('2026-11-30');
  });
});
