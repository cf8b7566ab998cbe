import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The clinical hazard log's last column names, for every hazard, the tests that prove its control. A test
 * renamed, reworded or moved would leave the log naming one that no longer exists, and nobody would notice
 * until they went looking during an incident. So: every hazard names at least one test file; every file
 * named (a path from the repository's root, a file name found once, or a folder's `*.test.ts`) exists; and
 * every quoted phrase after a file (a test's title, or words the test looks for; "…" marks words left out)
 * is found in that file.
 */

const repoRoot = path.resolve(import.meta.dirname, '..');
const logPath = path.join(repoRoot, 'docs/clinical-safety/hazard-log.md');

interface Citation {
  hazard: string;
  /** As written in the log. */
  file: string;
  /** The phrases quoted after it, before the next file. */
  phrases: string[];
}

describe('the clinical hazard log', () => {
  const testFiles = listTestFiles();
  const hazards = hazardRows(fs.readFileSync(logPath, 'utf8'));

  it('lists its hazards, each with a test file that proves its control', () => {
    expect(hazards.length).toBeGreaterThan(100);
    expect(hazards.filter((h) => citationsOf(h.proof, h.id).length === 0).map((h) => h.id)).toEqual([]);
  });

  it('gives every hazard an id of its own, so that a commit or a note naming one names one', () => {
    const ids = hazards.map((h) => h.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('names only test files that exist, and quotes only what they hold', () => {
    const problems: string[] = [];
    for (const h of hazards) {
      for (const c of citationsOf(h.proof, h.id)) {
        const files = resolve(c.file, testFiles);
        if (files.length === 0 || (files.length > 1 && !c.file.includes('*'))) {
          problems.push(`${c.hazard}: \`${c.file}\` names ${files.length === 0 ? 'no test file' : `${files.length} test files`}`);
          continue;
        }
        const sources = files.map((f) => readable(textOf(f)));
        for (const phrase of c.phrases) {
          if (!sources.some((source) => holds(source, phrase))) problems.push(`${c.hazard}: "${phrase}" is not in \`${c.file}\``);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names, for every file it cites, at least one of that file\'s tests by its title', () => {
    const unnamed: string[] = [];
    for (const h of hazards) {
      for (const c of citationsOf(h.proof, h.id)) {
        if (c.file.includes('*')) continue; // the tests of a folder that run through a control, named as a group
        const [file] = resolve(c.file, testFiles);
        if (!file) continue; // reported by the test above
        const titles = testTitles(textOf(file));
        if (!c.phrases.some((phrase) => titles.some((title) => holds(title, phrase)))) unnamed.push(`${c.hazard}: \`${c.file}\``);
      }
    }
    expect(unnamed).toEqual([]);
  });

  it('finds what its check reads: a quoted phrase with words left out, a file given by name only, and a missing title', () => {
    // The second phrase is put together here, so this file does not hold it whole.
    const unwritten = ['a title', 'nobody wrote'].join(' ');
    const [row] = hazardRows(`| X-1 | h | c | e | control | \`hazard-log.test.ts\`: "names only test files…quotes only what they hold"; "${unwritten}" |\n`);
    const [citation] = citationsOf(row!.proof, row!.id);
    expect(resolve(citation!.file, testFiles)).toEqual(['test/hazard-log.test.ts']);
    const source = readable(textOf('test/hazard-log.test.ts'));
    expect(citation!.phrases.map((p) => holds(source, p))).toEqual([true, false]);
    // The first phrase is a test's title (with words left out); words the file holds elsewhere are not.
    const titles = testTitles(source);
    expect(titles).toContain('names only test files that exist, and quotes only what they hold');
    expect(['names only test files…quotes only what they hold', 'The second phrase is put together here'].map((p) => titles.some((t) => holds(t, p)))).toEqual([true, false]);
  });
});

/** Each test file's text, read once however many hazards (and checks) cite it. */
const texts = new Map<string, string>();
function textOf(file: string): string {
  let text = texts.get(file);
  if (text === undefined) texts.set(file, (text = fs.readFileSync(path.join(repoRoot, file), 'utf8')));
  return text;
}

function hazardRows(log: string): Array<{ id: string; proof: string }> {
  return log
    .split('\n')
    .filter((line) => /^\| [A-Z]+(-[A-Z0-9]+)+ \|/.test(line))
    .map((line) => ({ id: line.split('|')[1]!.trim(), proof: line.slice(line.lastIndexOf(' | ') + 3).replace(/\|\s*$/, '') }));
}

/** The files a row's last column names, in order, each with the phrases quoted after it. */
function citationsOf(proof: string, hazard: string): Citation[] {
  const citations: Citation[] = [];
  for (const m of proof.matchAll(/`([^`]+\.test\.ts)`|"((?:[^"\\]|\\.)+)"/g)) {
    if (m[1]) citations.push({ hazard, file: m[1], phrases: [] });
    else if (citations.length > 0) citations[citations.length - 1]!.phrases.push(m[2]!.replace(/\\"/g, '"'));
    else citations.push({ hazard, file: '(no file named before it)', phrases: [m[2]!] });
  }
  return citations;
}

function resolve(file: string, testFiles: readonly string[]): string[] {
  if (file.includes('*')) {
    const pattern = new RegExp(`^${file.split('*').map(escapeRegExp).join('[^/]*')}$`);
    return testFiles.filter((f) => pattern.test(f));
  }
  return testFiles.filter((f) => f === file || f.endsWith(`/${file}`));
}

/** Whether every stretch of `phrase` between its "…" is in `source`. */
function holds(source: string, phrase: string): boolean {
  return readable(phrase)
    .split(/…|\.\.\./)
    .map((part) => part.trim())
    .filter(Boolean)
    .every((part) => source.includes(part));
}

/** The titles of a file's tests (`it('…')`, `it("…")`, `it(\`…\`)`), as a reader sees them. */
function testTitles(source: string): string[] {
  return [...source.matchAll(/\bit\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((m) => readable(m[2]!));
}

/** Text as a reader sees it: escaped quotes unescaped, curly apostrophes straight. */
function readable(text: string): string {
  return text.replace(/\\(['"])/g, '$1').replace(/[‘’]/g, "'");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function listTestFiles(): string[] {
  return ['server/src', 'test', 'web/src', 'bench/src'].flatMap((dir) =>
    fs.existsSync(path.join(repoRoot, dir))
      ? (fs.readdirSync(path.join(repoRoot, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => `${dir}/${f}`)
      : [],
  );
}
