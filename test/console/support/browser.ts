import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, installed by scripts/test (FNGRAPH_CHROMIUM names another). */
export const CHROMIUM = process.env.FNGRAPH_CHROMIUM ?? '/usr/bin/chromium';

/** Where the tests leave screenshots of the main screens; the README shows them. */
export const SCREENSHOTS_DIR = new URL('../../../docs/screenshots/', import.meta.url).pathname;

/**
 * Chromium as the console's users run it, headless, in a fresh profile (Playwright gives
 * each launch a new user-data-dir and removes it on close): no sandbox (the tests may run
 * as root), nothing fetched from outside (no component updates, sync, background
 * networking or QUIC), so the only server it talks to is the test's.
 */
export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh context (no cookies, storage or cache shared with another) at a laptop size. */
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: scripts/test installs Debian's chromium package`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage({ colorScheme = 'light', width = 1366, height = 860 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion: 'reduce' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Opens the console and signs in with `key`; resolves once the functions list shows. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
}

/** A screenshot for the README: docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: false });
}
