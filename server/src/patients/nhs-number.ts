/**
 * NHS numbers: ten digits, the last a Modulus 11 check digit. People type them with spaces or dashes
 * ("999 123 4567", "999-123-4567"); Cairn stores the bare digits and shows them 3-3-4.
 */
export type NhsNumberCheck = { ok: true; value: string } | { ok: false; reason: string };

export function parseNhsNumber(input: string): NhsNumberCheck {
  const bare = input.trim().replace(/[\s-]/g, '');
  if (!/^\d+$/.test(bare)) return { ok: false, reason: 'An NHS number has only digits (spaces and dashes are fine).' };
  if (bare.length !== 10) return { ok: false, reason: `An NHS number has 10 digits; this has ${bare.length}.` };
  const expected = checkDigit(bare.slice(0, 9));
  if (expected === null || expected !== Number(bare[9])) {
    return { ok: false, reason: 'This is not a valid NHS number: its check digit does not match. Please check it for a typo.' };
  }
  return { ok: true, value: bare };
}

/** The Modulus 11 check digit for nine digits, or null when none exists (a remainder of 10). */
export function checkDigit(nineDigits: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const digit = 11 - (sum % 11);
  if (digit === 11) return 0;
  if (digit === 10) return null;
  return digit;
}

export function formatNhsNumber(bare: string): string {
  return `${bare.slice(0, 3)} ${bare.slice(3, 6)} ${bare.slice(6)}`;
}
