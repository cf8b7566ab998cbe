import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../server/src/test-support/harness.js';
import { artifactsDir, chromiumBinary, useChromium } from './support/browser.js';
import { npmChromiumPackage } from './support/npm-chromium.js';

const webDist = path.resolve(import.meta.dirname, '../web/dist');
const npmPackage = npmChromiumPackage();

describe('on a machine with no Chromium of its own', () => {
  const savedPath = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (savedPath === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = savedPath;
  });

  it('the tests find the Chromium npm installed when the one named is missing', async () => {
    process.env.CHROMIUM_PATH = '/nowhere/chromium';
    const binary = await chromiumBinary();
    expect(binary.executablePath).toContain(`cairn-chromium-${npmPackage.version}`);
    expect(fs.statSync(binary.executablePath).mode & 0o111).not.toBe(0);
  }, 120_000); // unpacks it on the machine's first run

  describe("npm's Chromium", () => {
    const server = useTestServer({ webDist });
    const browser = useChromium('npm');

    it('runs the app: the sign-in page renders and takes input', async () => {
      expect(browser().version().split('.')[0]).toBe(npmPackage.version.split('.')[0]);
      const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(server().url);
      await page.getByRole('heading', { name: 'Sign in to Cairn' }).waitFor({ timeout: 15_000 });
      await page.getByLabel('Email address').fill('nobody@test.example');
      expect(await page.getByLabel('Email address').inputValue()).toBe('nobody@test.example');
      await page.screenshot({ path: path.join(artifactsDir, 'npm-chromium-sign-in-390.png') });
      await page.close();
    });
  });
});
