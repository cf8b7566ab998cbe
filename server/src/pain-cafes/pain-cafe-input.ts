import { badInput, changedSinceSeen } from '../platform/errors.js';
import { optionalText, requireText } from '../platform/validate.js';
import { listInWords } from '@cairn/schema/words';
import type { PainCafeInput } from './pain-cafe.types.js';

/** The limits a café is checked against; the migration's checks repeat the hard ones. */
export const cafeLimits = {
  maxCapacity: 500,
  maxHours: 8,
  maxDaysAhead: 730,
  maxFacilitators: 10,
} as const;

/** A café's fields, checked and tidied: what is stored. */
export interface CheckedCafe {
  title: string;
  description: string | null;
  startsAt: Date;
  endsAt: Date;
  venue: string | null;
  onlineLink: string | null;
  capacity: number;
  facilitatorIds: string[];
}

/**
 * Checks what an organiser typed, before anything is stored: a title, a start after `now` and an end after
 * the start, a venue or an https link (one, not both), at least one place, and at least one facilitator
 * (who they are is checked against the PCN's coaches by the service).
 */
export function checkCafeInput(input: PainCafeInput, now: Date): CheckedCafe {
  const cafe = tidyCafeInput(input);
  if (cafe.startsAt.getTime() <= now.getTime()) throw badInput('startsAt', 'A café is arranged for the future; this start time has passed.');
  if (cafe.startsAt.getTime() - now.getTime() > cafeLimits.maxDaysAhead * 86_400_000) throw badInput('startsAt', 'A café can be arranged at most two years ahead.');
  return cafe;
}

/**
 * Everything `checkCafeInput` checks but when the café is: a change's form is checked this way, and the
 * café it makes (on the café as it is now) is then checked whole, so a start time the organiser left as
 * shown, and a colleague has since moved, is not judged on its old value.
 */
export function tidyCafeInput(input: PainCafeInput): CheckedCafe {
  const title = requireText('title', input.title, 120);
  const description = optionalText('description', input.description, 2000);
  const startsAt = validDate('startsAt', input.startsAt);
  const endsAt = validDate('endsAt', input.endsAt);
  if (endsAt.getTime() <= startsAt.getTime()) throw badInput('endsAt', 'The café must end after it starts.');
  if (endsAt.getTime() - startsAt.getTime() > cafeLimits.maxHours * 3_600_000) throw badInput('endsAt', `A café lasts at most ${cafeLimits.maxHours} hours.`);
  const venue = optionalText('venue', input.venue, 300);
  const link = optionalText('onlineLink', input.onlineLink, 500);
  if (venue && link) throw badInput('venue', 'Give either a venue or an online link, not both.');
  if (!venue && !link) throw badInput('venue', 'Say where the café meets: a venue, or an online link.');
  const onlineLink = link === null ? null : httpsLink(link);
  if (!Number.isInteger(input.capacity) || input.capacity < 1) throw badInput('capacity', 'A café needs at least one place.');
  if (input.capacity > cafeLimits.maxCapacity) throw badInput('capacity', `A café has at most ${cafeLimits.maxCapacity} places.`);
  const facilitatorIds = [...new Set(input.facilitatorIds)];
  if (facilitatorIds.length === 0) throw badInput('facilitatorIds', 'Choose at least one coach to run the café.');
  if (facilitatorIds.length > cafeLimits.maxFacilitators) throw badInput('facilitatorIds', `At most ${cafeLimits.maxFacilitators} facilitators.`);
  return { title, description, startsAt, endsAt, venue, onlineLink, capacity: input.capacity, facilitatorIds };
}

function validDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, 'Please give a date and time.');
  return value;
}

/** A link patients can open safely: https only, with a host, and nothing hidden in it. */
function httpsLink(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput('onlineLink', 'The online link must be a full web address starting https://.');
  }
  if (url.protocol !== 'https:' || !text.startsWith('https://') || !url.hostname) throw badInput('onlineLink', 'The online link must start https:// (a secure link).');
  if (url.username || url.password) throw badInput('onlineLink', 'The online link must not carry a user name or password.');
  if (/\s/.test(text)) throw badInput('onlineLink', 'The online link must not contain spaces.');
  return text;
}

/** The café's fields an organiser changes one by one (its time is one: a start and an end are chosen together). */
type CafeField = Exclude<keyof CheckedCafe, 'facilitatorIds' | 'startsAt' | 'endsAt'>;
const cafeFieldWords: Record<CafeField, string> = {
  title: 'title',
  description: 'description',
  venue: 'venue',
  onlineLink: 'online link',
  capacity: 'number of places',
};

/** What the form showed, tidied as a stored café is (nothing checked: it was the café). */
export function seenCafe(seen: PainCafeInput): CheckedCafe {
  const text = (t: string | null | undefined) => (t?.trim() ? t.trim() : null);
  return {
    title: seen.title.trim(),
    description: text(seen.description),
    startsAt: seen.startsAt,
    endsAt: seen.endsAt,
    venue: text(seen.venue),
    onlineLink: text(seen.onlineLink),
    capacity: seen.capacity,
    facilitatorIds: [...new Set(seen.facilitatorIds)],
  };
}

/**
 * The café an organiser's change makes of the café as it is now (`current`), given what their form showed
 * (`seen`): a field they left as seen keeps its current value, even one a colleague has changed meanwhile;
 * one they changed takes their value, unless a colleague changed it too (CONFLICT, naming it). Facilitators
 * they added or took off are added to or taken off the current list.
 */
export function changeOnCurrent(sent: CheckedCafe, seen: CheckedCafe, current: CheckedCafe): CheckedCafe {
  const out: CheckedCafe = { ...current };
  const clashes: string[] = [];
  const slot = (c: CheckedCafe) => `${c.startsAt.getTime()}–${c.endsAt.getTime()}`;
  if (slot(sent) !== slot(seen)) {
    if (slot(current) !== slot(seen) && slot(current) !== slot(sent)) clashes.push('time');
    else Object.assign(out, { startsAt: sent.startsAt, endsAt: sent.endsAt });
  }
  for (const f of Object.keys(cafeFieldWords) as CafeField[]) {
    if (sent[f] === seen[f]) continue;
    if (current[f] !== seen[f] && current[f] !== sent[f]) clashes.push(cafeFieldWords[f]);
    else Object.assign(out, { [f]: sent[f] });
  }
  if (clashes.length > 0) {
    throw changedSinceSeen(
      `Someone else changed the café's ${listInWords(clashes)} since you opened this form. Nothing was saved: check the café as it is now, then make your change again.`,
    );
  }
  const removed = new Set(seen.facilitatorIds.filter((id) => !sent.facilitatorIds.includes(id)));
  const added = sent.facilitatorIds.filter((id) => !seen.facilitatorIds.includes(id));
  out.facilitatorIds = [...new Set([...current.facilitatorIds, ...added])].filter((id) => !removed.has(id));
  return out;
}
