import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from '../../server/src/test-support/world.js';

export interface SignInOptions {
  viewport?: { width: number; height: number };
  password?: string;
  /** A script every page of the context runs first (e.g. to keep its WebSockets within reach). */
  initScript?: () => void;
  /** The computer's time zone (London unless a test asks for another). */
  timezoneId?: string;
}

/**
 * A fresh browser context for `user`, signed in through the sign-in form, on their first page: the caseload,
 * or the home of a role that has one. Waits until the form has gone (a navigation before then can abandon
 * the sign-in) and a page heading is shown. Page errors are printed with the user's name.
 */
export async function signInWithForm(browser: Browser, baseUrl: string, user: { name: string; email: string }, options: SignInOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  // Cairn serves the UK: days and times are read as in London whatever the machine's zone.
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: options.timezoneId ?? 'Europe/London' });
  if (options.initScript) await context.addInitScript(options.initScript);
  // Waits and screenshots get 20 s: on two cores shared with the whole suite, a full-page screenshot of the
  // admin page once took over 10 s (a fresh-clone CI run), which is the machine's load, not Cairn's answer.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error (${user.name}):`, e));
  await page.goto(baseUrl);
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(options.password ?? TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Password').waitFor({ state: 'detached' });
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  return { context, page };
}
