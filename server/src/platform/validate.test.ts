import { describe, expect, it } from 'vitest';
import { optionalText, requireIsoDate, requireText } from './validate.js';

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

  it('names a plain field with its article, and uses the words a caller gives where the name reads oddly', () => {
    expect(refusal(() => requireText('note', ' ', 100)).message).toBe('Please fill in the note.');
    expect(refusal(() => requireText('givenName', '', 100)).message).toBe('Please fill in the given name.');
    expect(refusal(() => requireText('wantsHelpWith', '', 100, 'what the patient wants help with')).message).toBe('Please fill in what the patient wants help with.');
    expect(refusal(() => requireText('reason', 'x'.repeat(2001), 2000)).message).toBe('The reason is too long (at most 2,000 characters).');
    expect(refusal(() => optionalText('contactTimes', 'x'.repeat(201), 200, 'the best times to contact')).message).toBe('The best times to contact is too long (at most 200 characters).');
  });

  it('gives back text trimmed, and nothing for optional text left blank', () => {
    expect(requireText('note', '  Seen today. ', 100)).toBe('Seen today.');
    expect(optionalText('note', '   ', 100)).toBeNull();
    expect(optionalText('note', undefined, 100)).toBeNull();
    expect(optionalText('note', ' kept ', 100)).toBe('kept');
  });

  it('passes a real date through, trimmed', () => {
    expect(requireIsoDate('agreedOn', ' 2028-02-29 ')).toBe('2028-02-29');
  });
});
