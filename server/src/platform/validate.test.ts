import { describe, expect, it } from 'vitest';
import { requireIsoDate, requireText } from './validate.js';

/** The message and field of what `run` throws. */
function refusal(run: () => unknown): { field: unknown; message: unknown } {
  try {
    run();
  } catch (e) {
    const { field, message } = e as { field?: unknown; message?: unknown };
    return { field, message };
  }
  throw new Error('expected a refusal');
}

describe('the shared input rules speak of fields as people name them', () => {
  it('names an item of a list by its place counted from one, never by its path in the request', () => {
    expect(refusal(() => requireIsoDate('actions.0.dueDate', '2026-02-30'))).toEqual({ field: 'actions.0.dueDate', message: "Action 1's due date must be a real date, with a four-digit year." });
    expect(refusal(() => requireIsoDate('steps.2.startDate', '22030-01-01'))).toEqual({ field: 'steps.2.startDate', message: "Step 3's start date must be a real date, with a four-digit year." });
    expect(refusal(() => requireText('actions.1.description', '   ', 100))).toEqual({ field: 'actions.1.description', message: "Please fill in action 2's description." });
  });

  it('uses the words a caller gives for a date whose field name reads oddly, and what it must be', () => {
    expect(refusal(() => requireIsoDate('agreedOn', '2026-13-01', { label: 'The date agreed' })).message).toBe('The date agreed must be a real date, with a four-digit year.');
    expect(refusal(() => requireIsoDate('dateOfBirth', 'yesterday', { mustBe: 'a real date, not in the future' })).message).toBe('Date of birth must be a real date, not in the future.');
    expect(refusal(() => requireIsoDate('stopDate', '')).message).toBe('Stop date must be a real date, with a four-digit year.');
  });

  it('passes a real date through, trimmed', () => {
    expect(requireIsoDate('agreedOn', ' 2028-02-29 ')).toBe('2028-02-29');
  });
});
