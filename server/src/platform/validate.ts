import { badInput } from './errors.js';

/** Trimmed, non-empty text of at most `max` characters, or BAD_USER_INPUT naming `field`. */
/**
 * Text a person had to write, trimmed. The refusal names the field as the form does: `label` where the field's
 * own name would read oddly ("what the patient wants help with", not "the wants help with").
 */
export function requireText(field: string, value: string, max: number, label?: string): string {
  const text = value.trim();
  const name = label ?? theField(field);
  if (!text) throw badInput(field, `Please fill in ${name}.`);
  if (text.length > max) throw badInput(field, `${capitalise(name)} is too long (at most ${max.toLocaleString('en-GB')} characters).`);
  return text;
}

/** Text a person may leave empty: null when blank, otherwise held to `requireText`'s rules. */
export function optionalText(field: string, value: string | null | undefined, max: number, label?: string): string | null {
  return value?.trim() ? requireText(field, value, max, label) : null;
}

/**
 * A real calendar date written YYYY-MM-DD. The refusal speaks to the person at a date picker, not to the wire
 * format: a picker sends a five-digit year (22030) or a day that does not exist as it was typed. `mustBe`
 * says more where the field asks more ("a real date, not in the future" for a date of birth); `label` names
 * the date where the field's own name would read oddly ("The date agreed", not "Agreed on").
 */
export function requireIsoDate(field: string, value: string, words: { mustBe?: string; label?: string } = {}): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== value.trim()) {
    throw badInput(field, `${words.label ?? capitalise(humanise(field))} must be ${words.mustBe ?? 'a real date, with a four-digit year'}.`);
  }
  return value.trim();
}

/**
 * A field's name in words: `nextReviewDue` → "next review due"; an item of a list by its place, counted from
 * one as people count (`actions.0.dueDate` → "action 1's due date").
 */
function humanise(field: string): string {
  const parts = field.split('.');
  const words = (name: string) => name.replace(/([A-Z])/g, ' $1').toLowerCase();
  const last = words(parts[parts.length - 1]!);
  const index = parts.length >= 3 ? parts[parts.length - 2]! : '';
  if (!/^\d+$/.test(index)) return last;
  return `${words(parts[parts.length - 3]!).replace(/s$/, '')} ${Number(index) + 1}'s ${last}`;
}

/** "the reason", "the given name"; an item of a list already names its owner ("action 2's description"). */
function theField(field: string): string {
  const words = humanise(field);
  return words.includes("'s ") ? words : `the ${words}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
