import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { type ConsoleBrowser, launchConsoleBrowser, screenshot, signIn } from './support/browser.js';

describe('web console: sign in and out, keyboard, themes', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses a wrong key on the sign-in page, signs in with a good one and out again', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await screenshot(page, 'sign-in');
    await page.getByLabel('API key').fill('fng_wrong_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/UNAUTHENTICATED/);
    await signIn(page, server.url, server.adminKey);
    expect(await page.evaluate(() => ({ session: sessionStorage.length, local: Object.keys(localStorage).filter((key) => key.includes('Key')) }))).toEqual({
      session: 1,
      local: [],
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('is usable from the keyboard: the first Tab reaches "Skip to content", which moves focus to the screen', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    const route = await page.evaluate('window.location.hash');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    expect(await page.evaluate('window.location.hash')).toBe(route);
  });

  it('follows the system colour scheme and switches theme from the top bar', async () => {
    const page = await browser.newPage({ colorScheme: 'dark' });
    const theme = () => page.evaluate('document.documentElement.dataset.theme');
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').waitFor();
    expect(await theme()).toBe('dark');
    await signIn(page, server.url, server.adminKey);
    expect(await theme()).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await theme()).toBe('light');
  });
});
