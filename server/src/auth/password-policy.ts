import { badInput } from '../platform/errors.js';
import { commonPasswordsText } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;
/** Checked before anything is hashed: an absurd length costs the server, and no one types it. */
export const MAX_PASSWORD_LENGTH = 256;

const common = new Set(commonPasswordsText.split('\n').map((l) => l.trim()).filter(Boolean));
/** Runs people walk along a keyboard or count up and down (any stretch of these is refused). */
const runs = ['qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', 'abcdefghijklmnopqrstuvwxyz', '12345678901234567890', '09876543210987654321'];

/**
 * Refuses a password being set (a new user, a reset, a change) that is too short, too long, only
 * spaces, or guessable: a common password (common-passwords.ts), one padded with digits or symbols, a
 * repeat of a short piece or of a common word, or a run along the keyboard or the digits. Throws
 * BAD_USER_INPUT naming `field`.
 */
export function requireAcceptablePassword(field: string, password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw badInput(field, problem);
  return password;
}

export function passwordProblem(password: string): string | null {
  if (password.length > MAX_PASSWORD_LENGTH) return `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.trim() === '') return 'A password cannot be only spaces.';
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (isGuessable(password)) return 'That password is too common or too easy to guess. Try a few unrelated words together.';
  return null;
}

function isGuessable(password: string): boolean {
  const squashed = password.toLowerCase().replace(/[\s_.-]+/g, '');
  // The word inside the padding: "Password123!" → "password".
  const stem = squashed.replace(/^[^a-z]+|[^a-z]+$/g, '');
  return [squashed, stem].some((candidate) => candidate !== '' && (common.has(candidate) || isRepeat(candidate) || isRun(candidate)));
}

/** "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword": a short or common piece said again and again. */
function isRepeat(s: string): boolean {
  const unit = /^(.+?)\1+$/.exec(s)?.[1];
  return unit !== undefined && (unit.length <= 4 || common.has(unit));
}

function isRun(s: string): boolean {
  return s.length >= 4 && runs.some((r) => r.includes(s));
}
