import { describe, expect, it } from 'vitest';
import { checkDigit, formatNhsNumber, parseNhsNumber } from './nhs-number.js';

describe('NHS numbers', () => {
  it('accepts a number whose Modulus 11 check digit matches', () => {
    // 943 476 5919 is the NHS Data Dictionary's worked example.
    expect(parseNhsNumber('9434765919')).toEqual({ ok: true, value: '9434765919' });
    expect(parseNhsNumber('9990000018')).toEqual({ ok: true, value: '9990000018' });
  });

  it('accepts spaces and dashes on input and stores the bare digits', () => {
    expect(parseNhsNumber(' 943 476 5919 ')).toEqual({ ok: true, value: '9434765919' });
    expect(parseNhsNumber('943-476-5919')).toEqual({ ok: true, value: '9434765919' });
  });

  it('refuses a wrong check digit', () => {
    const result = parseNhsNumber('9434765918');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/check digit/);
  });

  it('refuses nine digits whose check digit would be 10', () => {
    // 1000000010 would need a check digit of 10, which no valid number has.
    expect(checkDigit('100000001')).toBeNull();
    expect(parseNhsNumber('1000000010').ok).toBe(false);
  });

  it('refuses the wrong length and non-digits', () => {
    expect(parseNhsNumber('943476591')).toEqual({ ok: false, reason: 'An NHS number has 10 digits; this has 9.' });
    expect(parseNhsNumber('94347659190')).toMatchObject({ ok: false });
    expect(parseNhsNumber('94347A5919')).toMatchObject({ ok: false });
    expect(parseNhsNumber('')).toMatchObject({ ok: false });
  });

  it('formats 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
