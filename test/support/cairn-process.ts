import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
export { freePort } from '../../server/src/platform/free-port.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface CairnProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the URL once Cairn says it is running; rejects if it exits first. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  /** Sends `signal` to the whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
}

/** The Node flags Cairn's server runs with (`npm start` passes them; see server/node-flags.json). */
export const serverNodeFlags: string[] = JSON.parse(fs.readFileSync(path.join(repoRoot, 'server/node-flags.json'), 'utf8'));

/**
 * Starts `node server/dist/main.js` (what `npm start` runs after building, with its flags) with the given environment,
 * as `npm start` would: none of the test runner's own settings (NODE_ENV=test, VITEST…) reach it. It leads
 * a process group of its own, like a command started from a terminal.
 */
export function startCairnProcess(env: Record<string, string>): CairnProcess {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_ENV|DATABASE_URL|VITEST.*|TEST)$/.test(k)));
  const child = spawn(process.execPath, [...serverNodeFlags, path.join(repoRoot, 'server/dist/main.js')], {
    cwd: repoRoot,
    env: { ...baseEnv, CAIRN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Cairn is running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`Cairn exited (${code}) before it was ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited, signalGroup: (signal) => process.kill(-child.pid!, signal) };
}

/** The pids of PostgreSQL servers running on a data directory under `dir` (Linux: read from /proc). */
export function postgresProcessesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const dataDir = argv[argv.indexOf('-D') + 1];
    if (path.basename(argv[0]) === 'postgres' && argv.includes('-D') && dataDir?.startsWith(dir)) pids.push(Number(entry));
  }
  return pids;
}
