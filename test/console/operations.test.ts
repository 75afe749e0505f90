import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { register, waitForBuild } from '../support/functions.js';
import { graphqlData } from '../support/graphql-client.js';
import { createKey } from '../support/security.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { type ConsoleBrowser, launchConsoleBrowser, screenshot, signIn } from './support/browser.js';

/** Fails about one call in four, so the error-rate chart has something to show. */
const SOURCE = `
let calls = 0;
export default async () => {
  calls += 1;
  if (calls % 4 === 0) throw new Error('every fourth call fails');
  return { ok: true, calls };
};`;

/**
 * How long expect.poll waits for the page to catch up (its default, 1 s, is shorter than
 * one metrics snapshot interval, or a request on a busy test machine); locators wait 20 s.
 */
const SOON = { timeout: 15_000 };

describe('web console: live metrics, API keys, audit log, platform errors', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let functionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchConsoleBrowser();
    const registered = await register(server.url, 'metrics-demo', SOURCE);
    functionId = registered.id;
    expect((await waitForBuild(server.url, registered.id, registered.version)).buildStatus).toBe('READY');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Calls the function over HTTP as the admin, `times` times one after the other. */
  async function invoke(times: number): Promise<void> {
    for (let call = 0; call < times; call += 1) {
      const response = await fetch(`${server.url}/fn/metrics-demo`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      await response.arrayBuffer();
    }
  }

  const invocationTotal = async (page: Page) => Number(await page.getByTestId('invocation-total').textContent());
  const chartPoints = async (page: Page, title: string) => Number(await page.getByRole('figure', { name: title }).getAttribute('data-points'));

  it('shows the metrics of a function live: the invocation count and the charts grow as it is invoked', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminKey);
    await page.goto(`${server.url}/#/functions/${functionId}/metrics`);
    await page.getByRole('heading', { name: 'Metrics · metrics-demo' }).waitFor();
    await page.getByText(/^Live: a snapshot every 2 s/).waitFor();
    // The finest range (a snapshot a second) shows the bursts below apart.
    await page.getByRole('radio', { name: '1 min' }).check();
    await page.getByText(/^Live: a snapshot every 1 s/).waitFor();
    expect(await invocationTotal(page)).toBe(0);
    const pointsBefore = await chartPoints(page, 'Invocations per second');

    // Bursts, each seen on the page before the next, so the charts show them apart. A
    // snapshot counts the invocations that finished in its interval; one finishing right on
    // a snapshot's edge can be missed (the server's rolling window), hence "at least" a
    // share of the calls rather than exact totals.
    // Two more snapshots between bursts spread them over the chart (for the screenshot).
    let calls = 0;
    for (const burst of [5, 8, 3, 10, 6, 9]) {
      await invoke(burst);
      calls += burst;
      await expect.poll(() => invocationTotal(page), SOON).toBeGreaterThanOrEqual(Math.floor(calls * 0.7));
      const points = await chartPoints(page, 'Invocations per second');
      await expect.poll(() => chartPoints(page, 'Invocations per second'), SOON).toBeGreaterThanOrEqual(points + 2);
    }
    await expect.poll(() => chartPoints(page, 'Invocations per second'), SOON).toBeGreaterThan(pointsBefore);
    // The latest values are text in each chart's caption (its accessible name), not only lines.
    expect(await page.getByRole('figure', { name: /Duration/ }).textContent()).toMatch(/p50: .*p99: /);
    await screenshot(page, 'metrics');

    // Another range is another subscription: it starts empty and fills again.
    await page.getByRole('radio', { name: '15 min' }).check();
    await page.getByText(/^Live: a snapshot every 5 s/).waitFor();
    await expect.poll(() => chartPoints(page, 'Invocations per second'), SOON).toBeGreaterThan(0);
    await page.context().close();
  });

  it('tells a caller who may not read the metrics so, instead of showing empty charts', async () => {
    const stranger = await createKey(server.url, 'stranger', ['developer']);
    const page = await browser.newPage();
    await signIn(page, server.url, stranger);
    await page.goto(`${server.url}/#/functions/${functionId}/metrics`);
    // The stranger may not even see the function: the same answer as for a missing one.
    await page.getByRole('heading', { name: 'Function not found' }).waitFor();
    expect(await page.getByRole('figure').count()).toBe(0);
    await page.context().close();
  });

  it('creates a key showing its secret once; revoking it signs out the page using it, live', async () => {
    const admin = await browser.newPage();
    await signIn(admin, server.url, server.adminKey);
    await admin.goto(`${server.url}/#/keys`);
    await admin.getByRole('heading', { name: 'API keys' }).waitFor();
    await admin.getByRole('button', { name: 'Create key' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('dashboard watcher');
    await dialog.getByRole('checkbox', { name: /developer/ }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const shown = admin.getByRole('dialog', { name: 'Copy your new key' });
    await shown.getByText('This is the only time the key is shown').waitFor();
    const secret = await shown.getByLabel('Secret of “dashboard watcher”').inputValue();
    expect(secret).toMatch(/^fng_[a-z0-9]{12}_/);
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = admin.getByRole('row', { name: /^dashboard watcher / });
    await row.waitFor();
    expect(await row.textContent()).toContain(`fng_${secret.split('_')[1]}_…`);
    expect(await admin.content()).not.toContain(secret);

    // Another browser profile signs in with it and watches live metrics (a subscription).
    const watcher = await browser.newPage();
    await signIn(watcher, server.url, secret);
    await watcher.goto(`${server.url}/#/functions/${functionId}/metrics`);
    await watcher.getByText(/^Live: a snapshot every/).waitFor();

    // A key minted with it goes with it: the confirmation says so.
    await graphqlData(
      server.url,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'minted by the watcher', roles: ['developer'] } },
      secret,
    );
    await row.getByRole('button', { name: /^Revoke dashboard watcher/ }).click();
    const confirm = admin.getByRole('dialog', { name: 'Revoke “dashboard watcher”?' });
    await confirm.getByRole('listitem').filter({ hasText: 'minted by the watcher' }).waitFor();
    await confirm.getByRole('button', { name: 'Revoke 2 keys' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.filter({ hasText: 'revoked' }).waitFor();
    expect(await admin.getByRole('row', { name: /minted by the watcher/ }).textContent()).toMatch(/revoked/);

    // The server closed the watcher's subscription (4401): it is back on the sign-in page, told why, without a reload.
    await watcher.getByLabel('API key').waitFor();
    expect(await watcher.getByRole('status').textContent()).toMatch(/no longer accepts your key/);
    expect(await watcher.evaluate(() => sessionStorage.length)).toBe(0);

    await admin.getByRole('button', { name: 'Create key' }).waitFor();
    await screenshot(admin, 'api-keys');
    await watcher.context().close();
    await admin.context().close();
  });

  it('offers only the roles one holds, and revoking the key one is signed in with signs out', async () => {
    const developerKey = await createKey(server.url, 'devon', ['developer'], { name: 'devon laptop' });
    const page = await browser.newPage();
    await signIn(page, server.url, developerKey);
    await page.goto(`${server.url}/#/keys`);
    const own = page.getByRole('row', { name: /devon laptop/ });
    expect(await own.textContent()).toContain('this session');

    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    expect(await dialog.getByRole('checkbox').count()).toBe(1);
    expect(await dialog.getByRole('checkbox', { name: /developer/ }).isChecked()).toBe(true);
    expect(await dialog.getByLabel('Owner (optional)').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await own.getByRole('button', { name: /^Revoke devon laptop/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “devon laptop”?' });
    await confirm.getByText('This includes the key you are signed in with').waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/You revoked the key you were signed in with/);
    await page.context().close();
  });

  it('shows the audit log and platform errors to admins only', async () => {
    const developer = await browser.newPage();
    await signIn(developer, server.url, await createKey(server.url, 'devi', ['developer']));
    const nav = developer.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'API keys' }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Platform errors' }).count()).toBe(0);
    for (const path of ['admin/audit', 'admin/errors']) {
      await developer.goto(`${server.url}/#/${path}`);
      await developer.getByRole('heading', { name: 'Not found' }).waitFor();
    }
    await developer.context().close();

    const admin = await browser.newPage();
    await signIn(admin, server.url, server.adminKey);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await admin.getByRole('heading', { name: 'Audit log' }).waitFor();
    // The keys made in this test: created (by the console and by the helper) and revoked.
    const created = admin.getByRole('row', { name: /apiKey\.create/ });
    await expect.poll(() => created.count(), SOON).toBeGreaterThanOrEqual(5);
    const watcherRow = admin.getByRole('row', { name: /apiKey\.create/ }).filter({ hasText: 'name=dashboard watcher' });
    await watcherRow.getByText('name=dashboard watcher').click();
    expect(await watcherRow.locator('pre').textContent()).toContain('"roles": [');

    await admin.getByLabel('Action').selectOption('apiKey.revoke');
    await admin.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => admin.getByRole('row', { name: /apiKey\.create/ }).count(), SOON).toBe(0);
    await expect.poll(() => admin.getByRole('row', { name: /apiKey\.revoke/ }).count(), SOON).toBe(3);
    await admin.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => created.count(), SOON).toBeGreaterThanOrEqual(5);
    await screenshot(admin, 'audit-log');

    // One of fngraph's own errors, reported where the server reports them.
    server.app
      .get(UnexpectedErrors)
      .report(new TypeError('cannot read the moon'), { source: 'background', where: 'console test', functionName: 'metrics-demo' });
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Platform errors' }).click();
    await admin.getByRole('heading', { name: 'Platform errors' }).waitFor();
    const reported = admin.getByRole('listitem').filter({ hasText: 'TypeError: cannot read the moon' });
    await reported.waitFor();
    expect(await reported.textContent()).toMatch(/background.*console test.*function metrics-demo/);
    await reported.getByText(/^Stack trace/).click();
    expect(await reported.locator('pre').textContent()).toContain('operations.test.ts');
    await admin.context().close();
  });
});
