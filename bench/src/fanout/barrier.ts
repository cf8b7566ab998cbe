/**
 * A meeting point for benchmark processes run side by side (bench/side-by-side.sh --storm): each arrives by
 * writing a file named for its pid into a shared directory, and goes on once `parties` have. Two servers'
 * reconnect storms then start within a poll of each other and meet the same machine.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '../support/sleep.js';

export async function meetAt(dir: string, parties: number, timeoutMs = 600_000, pollMs = 5): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, String(process.pid)), '');
  const started = Date.now();
  while (readdirSync(dir).length < parties) {
    if (Date.now() - started > timeoutMs) throw new Error(`only ${readdirSync(dir).length} of ${parties} reached the barrier at ${dir}`);
    await sleep(pollMs);
  }
}
