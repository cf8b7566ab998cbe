import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { npmChromium, type ChromiumBinary } from './npm-chromium.js';

/** Where browser tests leave screenshots for people to look at. */
export const artifactsDir = path.resolve(import.meta.dirname, '../artifacts');

/** A system Chromium starts faster than npm's, which is unpacked on first use; .ci/run installs Debian's. */
const systemChromiums = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Which Chromium to drive: `CHROMIUM_PATH` if it names one that exists, else a system one, else the one
 * npm installed (@sparticuz/chromium), so `npm install && npm test` needs nothing but Node.
 * `prefer: 'npm'` skips the search (to test that path on a machine that has a system Chromium).
 */
export async function chromiumBinary(prefer: 'system' | 'npm' = 'system'): Promise<ChromiumBinary> {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : systemChromiums;
  const found = prefer === 'system' ? candidates.find((p) => fs.existsSync(p)) : undefined;
  return found ? { executablePath: found } : npmChromium();
}

/**
 * Chromium, headless, with the flags this closed network needs. Playwright gives every launch a fresh
 * temporary profile of its own (it refuses a `--user-data-dir` argument) and removes it on close.
 */
export async function launchChromium(prefer: 'system' | 'npm' = 'system'): Promise<Browser> {
  const { executablePath, env } = await chromiumBinary(prefer);
  return chromium.launch({
    executablePath,
    env,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** One browser for the file's tests. */
export function useChromium(prefer: 'system' | 'npm' = 'system'): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    fs.mkdirSync(artifactsDir, { recursive: true });
    browser = await launchChromium(prefer);
  }, 120_000); // npm's Chromium is unpacked on a machine's first run (about 15 s here, longer on a busy one)
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium has not started');
    return browser;
  };
}
