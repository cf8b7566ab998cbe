import { badInput } from '../platform/errors.js';

/**
 * How often a medicine is taken, read from the words a prescription uses ("twice daily", "every 6 hours",
 * "QDS", "at night", "as needed, max 4 times a day"). Anything not understood is refused rather than
 * guessed: a wrong count of doses is a wrong OME.
 */
export interface Frequency {
  /** Doses counted per day: for "as needed" the most allowed, so an OME is never understated. */
  dosesPerDay: number;
  asNeeded: boolean;
  /** The frequency in Cairn's own words, e.g. "4 times a day" or "as needed, at most 4 doses a day". */
  words: string;
}

const numberWords: Record<string, number> = { one: 1, once: 1, two: 2, twice: 2, three: 3, four: 4, five: 5, six: 6, eight: 8 };
const num = String.raw`(\d+|one|two|three|four|five|six|eight)`;
const perDay = String.raw`(?:a|per|each|every) day|daily|in 24 hours|per 24 hours|in a day`;

/** Fixed phrases and Latin abbreviations, each with its doses a day. */
const fixedPhrases: ReadonlyArray<[RegExp, number]> = [
  [/^(?:once (?:a |per )?day|once daily|daily|od|om|on|mane|nocte|(?:every|each|in the) morning|(?:at|every|each) night|at bedtime)$/, 1],
  [/^(?:twice (?:a |per )?day|twice daily|bd|bid|morning and night|morning and evening)$/, 2],
  [/^(?:tds|tid)$/, 3],
  [/^(?:qds|qid)$/, 4],
];

const asNeededPattern = /\b(?:prn|as needed|as required|when required|when needed|if needed)\b/;
const maxPattern = new RegExp(String.raw`(?:max(?:imum)?\.?|up to|no more than|not more than)\s+(?:of\s+)?${num}\s*(doses|times|tablets|capsules)?\s*(?:${perDay})`);

/** Parses `text`; refuses what it cannot read, naming the field `field`. */
export function parseFrequency(text: string, field = 'frequency'): Frequency {
  const normal = text.toLowerCase().replace(/[.,;()]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!normal) throw badInput(field, 'Please say how often it is taken, for example "twice daily" or "every 6 hours".');
  const asNeeded = asNeededPattern.test(normal);
  let rest = normal.replace(asNeededPattern, ' ');

  let max: number | null = null;
  const maxMatch = maxPattern.exec(rest);
  if (maxMatch) {
    if (maxMatch[2] === 'tablets' || maxMatch[2] === 'capsules') {
      throw badInput(field, 'Give the most a day as doses or times (the dose already says how much), for example "max 4 doses a day".');
    }
    max = toNumber(maxMatch[1]);
    rest = rest.replace(maxPattern, ' ');
  }
  rest = rest.replace(/\s+/g, ' ').trim();

  const regular = rest ? dosesPerDayOf(rest, asNeeded) : null;
  if (rest && regular === null) throw unreadable(field, text);

  if (!asNeeded) {
    if (max !== null && regular === null) throw unreadable(field, text);
    if (regular === null) throw unreadable(field, text);
    if (max !== null && max < regular) throw badInput(field, `"${text.trim()}" says ${regular} doses a day but at most ${max}; please say which.`);
    return checked(field, text, { dosesPerDay: regular, asNeeded: false, words: regularWords(regular) });
  }
  // As needed: the most a day is the stated maximum, else what the interval allows.
  const most = max ?? regular;
  if (most === null) {
    throw badInput(field, `"${text.trim()}" is as needed with no limit; add the most a day, for example "as needed, max 4 doses a day".`);
  }
  if (max !== null && regular !== null && max > regular) {
    throw badInput(field, `"${text.trim()}" allows ${regular} doses a day by its interval but says at most ${max}; please say which.`);
  }
  return checked(field, text, { dosesPerDay: most, asNeeded: true, words: `as needed, at most ${most} dose${most === 1 ? '' : 's'} a day` });
}

/** Doses a day of a regular phrase; null when not understood. Ranges ("every 4-6 hours") only when as needed. */
function dosesPerDayOf(phrase: string, asNeeded: boolean): number | null {
  for (const [pattern, doses] of fixedPhrases) if (pattern.test(phrase)) return doses;
  const times = new RegExp(String.raw`^${num} times (?:${perDay})$`).exec(phrase);
  if (times) return toNumber(times[1]);
  const hours = /^(?:every (\d+)(?:\s*(?:-|to)\s*(\d+))? ?(?:hours|hour|hrs|hr|h)|(\d+)(?:\s*(?:-|to)\s*(\d+))?[- ]?hourly|q(\d+)h)$/.exec(phrase);
  if (hours) {
    const shortest = Number(hours[1] ?? hours[3] ?? hours[5]);
    const longest = hours[2] ?? hours[4];
    if (longest !== undefined && !asNeeded) return null; // a regular dose needs one interval
    if (shortest < 1 || 24 % shortest !== 0) return null; // doses must fit a day evenly
    return 24 / shortest;
  }
  return null;
}

function checked(field: string, text: string, f: Frequency): Frequency {
  if (!Number.isInteger(f.dosesPerDay) || f.dosesPerDay < 1 || f.dosesPerDay > 24) {
    throw badInput(field, `"${text.trim()}" comes to ${f.dosesPerDay} doses a day; Cairn accepts 1 to 24.`);
  }
  return f;
}

function regularWords(n: number): string {
  return n === 1 ? 'once a day' : n === 2 ? 'twice a day' : `${n} times a day`;
}

function toNumber(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : numberWords[word];
}

function unreadable(field: string, text: string) {
  return badInput(
    field,
    `Cairn cannot read "${text.trim()}" as a frequency. Use words such as "once daily", "twice daily", "every 6 hours", "QDS", "at night", or "as needed, max 4 doses a day".`,
  );
}

/** A patch's change interval from words ("every 72 hours", "every 3 days", "weekly"), in hours. */
export function parsePatchInterval(text: string, allowedHours: readonly number[], field = 'frequency'): number {
  const normal = text.toLowerCase().replace(/[.,;]/g, ' ').replace(/\s+/g, ' ').replace(/^change /, '').trim();
  let hours: number | null = null;
  const h = /^every (\d+) ?(?:hours|hrs|h)$/.exec(normal);
  const d = /^every (\d+|three|four|seven) days$/.exec(normal);
  if (h) hours = Number(h[1]);
  else if (d) hours = 24 * ({ three: 3, four: 4, seven: 7 }[d[1]] ?? Number(d[1]));
  else if (/^(?:weekly|once (?:a |per )?week|every week|every 7 days)$/.test(normal)) hours = 168;
  if (hours === null) {
    throw badInput(field, `Cairn cannot read "${text.trim()}" as a patch change interval. Use "every 72 hours", "every 96 hours" or "every 7 days".`);
  }
  if (!allowedHours.includes(hours)) {
    throw badInput(field, `This patch is changed every ${allowedHours.map(intervalWords).join(' or ')}, not every ${intervalWords(hours)}.`);
  }
  return hours;
}

/** "72 hours", "7 days". */
export function intervalWords(hours: number): string {
  return hours % 24 === 0 && hours >= 168 ? `${hours / 24} days` : `${hours} hours`;
}
