/**
 * A seeded, realistic typing trace for one long-lived text: single-character inserts and deletes as a
 * clinician's keyboard produces them over many sessions. Runs of typing (words, sentences, new
 * paragraphs), typos fixed with backspace, forward deletes, cursor jumps (mostly to the end, sometimes
 * back into earlier text), and whole phrases or sentences backspaced away when a passage is rewritten.
 * The text is kept under `maxChars` (Cairn caps one plan text at 20 000 characters), so once it is long
 * the writer revises more than it adds, as a plan reviewed over years does.
 */
export interface TypingTrace {
  /** How many operations. */
  length: number;
  /** Position of each operation in the text as it is just before that operation. */
  pos: Uint32Array;
  /** Character code inserted, or 0 for "delete the character at pos". */
  char: Uint16Array;
  /** The text after every operation, for checking a replay. */
  finalText: string;
  inserts: number;
  deletes: number;
  cursorJumps: number;
}

export interface TraceOptions {
  ops: number;
  seed: number;
  /** The text never grows beyond this many characters. */
  maxChars: number;
}

export const defaultTraceOptions: TraceOptions = { ops: 260_000, seed: 0xca1e, maxChars: 18_000 };

/** mulberry32: small, fast, seeded; good enough for workloads. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (
  'pain walking sleep work family gardening swimming pacing breathing flare goal week morning evening back knee ' +
  'shoulder grandchildren dog walk minutes steps stairs shopping cooking bath stretch relax worse better tired ' +
  'medication review physio coach plan manage activity rest heat cold practice daily little more less able ' +
  'want would like to be the and a of in on for with my I it is that when before after each every try keep'
).split(' ');

export function generateTypingTrace(options: Partial<TraceOptions> = {}): TypingTrace {
  const { ops, seed, maxChars } = { ...defaultTraceOptions, ...options };
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pos = new Uint32Array(ops);
  const char = new Uint16Array(ops);
  // The text itself is needed to type sensible characters and to check replays; an array of codes keeps
  // inserts cheap enough (the text stays under maxChars).
  const text: number[] = [];
  let n = 0;
  let cursor = 0;
  let inserts = 0;
  let deletes = 0;
  let cursorJumps = 0;

  const insert = (c: string) => {
    if (n >= ops || text.length >= maxChars) return;
    pos[n] = cursor;
    char[n++] = c.charCodeAt(0);
    text.splice(cursor, 0, c.charCodeAt(0));
    cursor++;
    inserts++;
  };
  const backspace = () => {
    if (n >= ops || cursor === 0) return;
    cursor--;
    pos[n] = cursor;
    char[n++] = 0;
    text.splice(cursor, 1);
    deletes++;
  };
  const forwardDelete = () => {
    if (n >= ops || cursor >= text.length) return;
    pos[n] = cursor;
    char[n++] = 0;
    text.splice(cursor, 1);
    deletes++;
  };
  const typeWord = () => {
    let w = words[Math.floor(random() * words.length)];
    if (random() < 0.04) w = w[0].toUpperCase() + w.slice(1);
    for (const c of w) {
      insert(c);
      // A typo noticed straight away: wrong key, backspace, right key.
      if (random() < 0.03) {
        insert(String.fromCharCode(97 + Math.floor(random() * 26)));
        backspace();
      }
    }
  };
  const typeRun = () => {
    const wordsInRun = between(2, 40);
    for (let i = 0; i < wordsInRun && n < ops; i++) {
      typeWord();
      const r = random();
      if (r < 0.07) insert('.'), insert(' ');
      else if (r < 0.1) insert(','), insert(' ');
      else if (r < 0.115) insert('.'), insert('\n');
      else insert(' ');
      // Second thoughts about the last word or two.
      if (random() < 0.05) for (let k = between(2, 14); k > 0; k--) backspace();
    }
  };
  const jump = () => {
    cursorJumps++;
    // Mostly back to the end; sometimes into the middle to add or fix something.
    cursor = random() < 0.55 ? text.length : Math.floor(random() * (text.length + 1));
  };

  while (n < ops) {
    const full = text.length / maxChars;
    const r = random();
    if (r < 0.55 - 0.35 * full) typeRun();
    else if (r < 0.7 - 0.2 * full) jump();
    else if (r < 0.8) for (let k = between(1, 6); k > 0; k--) forwardDelete();
    else if (r < 0.9 - 0.1 * full) for (let k = between(1, 10); k > 0; k--) backspace();
    else {
      // A passage rewritten: jump somewhere and backspace a phrase, a sentence or a paragraph.
      jump();
      for (let k = between(20, 40 + Math.floor(300 * full)); k > 0; k--) backspace();
    }
  }
  return { length: n, pos, char, finalText: codesToString(text), inserts, deletes, cursorJumps };
}

function codesToString(codes: number[]): string {
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

/**
 * Splits the trace into the updates a client sends: each update carries the next 1–`maxBatch` keystrokes
 * (seeded uniform), as an editor that sends what was typed since its last update does.
 */
export function batchTrace(trace: TypingTrace, seed: number, maxBatch = 20): number[] {
  const random = seededRandom(seed ^ 0x5eed);
  const ends: number[] = [];
  for (let i = 0; i < trace.length; ) {
    i = Math.min(trace.length, i + 1 + Math.floor(random() * maxBatch));
    ends.push(i);
  }
  return ends;
}
