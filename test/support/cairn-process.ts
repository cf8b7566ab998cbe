import { spawn, type ChildProcess } from 'node:child_process';
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
}

/** Starts `node server/dist/main.js` (what `npm start` runs after building) with the given environment. */
export function startCairnProcess(env: Record<string, string>): CairnProcess {
  const baseEnv = { ...process.env };
  delete baseEnv.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(repoRoot, 'server/dist/main.js')], {
    cwd: repoRoot,
    env: { ...baseEnv, CAIRN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
  return { child, output: () => out, ready, exited };
}
